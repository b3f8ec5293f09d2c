"""Intermediary scores on a hand-made graph: a firm set up just before its complaints begin
counts for more than an old one, and the score says so; a lead records the scoring method."""

from __future__ import annotations

from graph.db.store import GraphStore
from graph.evidence.analytics import firm_age_years, score_entities
from graph.evidence.leads import detect, lead_bundle
from graph.evidence.scores import SCORING_METHOD

# Five borrowers' complaints, from 2025-03-01 on, each naming ``firm`` as agent.
AGENT_COMPLAINTS = """
MATCH (f:Firm {key: $firm})
UNWIND range(1, 5) AS n
CREATE (c:Entity:Complaint {key: $firm + ':complaint:' + n,
                            filed_date: '2025-03-0' + n, institution: '测试消费金融'})
CREATE (who:Entity:Person {key: $firm + ':person:' + n})
CREATE (c)-[:REPRESENTED_BY]->(f)
CREATE (c)-[:FILED_BY]->(who)
"""

FIRMS = {
    "firm:91440300MA5YOUNG01": "2024-09-01",  # half a year before its first complaint
    "firm:91440300MA5MIDDLE2": "2022-03-01",  # three years
    "firm:91440300MA5OLDER03": "2012-03-01",  # thirteen years
    "firm:91440300MA5NODATE4": None,
}


def test_a_young_firm_scores_more_and_says_why(store: GraphStore) -> None:
    for key, registered in FIRMS.items():
        store.write(
            "CREATE (:Entity:Firm {key: $key, registered_date: $registered})",
            key=key,
            registered=registered,
        )
        store.write(AGENT_COMPLAINTS, firm=key)
    scores = {s.key: s for s in score_entities(store, min_complainants=5)[0]}
    ages = [scores[key].features["firm_age_years"] for key in FIRMS]
    assert ages == [0.5, 3.0, 13.0, None]
    contributions = [scores[key].contributions["firm_age_years"] for key in FIRMS]
    assert contributions == [5.0, 2.5, 0.0, 0.0]
    young, middle, older, undated = (scores[key].score for key in FIRMS)
    assert young == older + 5.0 and middle == older + 2.5 and undated == older


def test_firm_age_is_counted_from_the_first_complaint() -> None:
    assert firm_age_years("2024-03-01", "2025-03-01") == 1.0
    assert firm_age_years("2025-06-01", "2025-03-01") == -0.3  # registered after: counts as new
    assert firm_age_years(None, "2025-03-01") is None
    assert firm_age_years("2024-03-01", None) is None


# Twenty borrowers' complaints in one template, each naming ``phone`` as contact: a seed.
TEMPLATED_COMPLAINTS = """
MERGE (p:Entity:Phone {key: $phone}) SET p.type = 'mobile'
WITH p
UNWIND range(1, 20) AS n
CREATE (c:Entity:Complaint {key: $phone + ':complaint:' + n, template_cluster: 'tpl-1',
                            filed_date: '2025-03-01', institution: '测试消费金融'})
CREATE (who:Entity:Person {key: $phone + ':person:' + n})
CREATE (c)-[:CONTACT]->(p)
CREATE (c)-[:FILED_BY]->(who)
"""


def test_a_lead_records_the_scoring_method_that_found_it(store: GraphStore) -> None:
    store.write(TEMPLATED_COMPLAINTS, phone="phone:+8613800138000")
    found = detect(store)
    assert len(found["leads"]) == 1 and found["scoring_method"] == SCORING_METHOD
    identifier = found["leads"][0]["id"]
    row = store.read_one("MATCH (l:Lead {id: $id}) RETURN l.method_version AS v", id=identifier)
    assert row == {"v": SCORING_METHOD}
    assert lead_bundle(store, identifier)["lead"]["scoring_method"] == SCORING_METHOD
