"""Intermediary scores and rings: which phones, firms and accounts stand behind many complaints.

Scores
------
Every phone, firm, account and person that complaints name as contact or agent — directly, or
through a firm's or an account's phone — and every phone that calls complainants gets a score of 0–100 from features an investigator
recognises. Each feature's contribution is kept, so the workbench can say why:

===================  ==========================================================  ======
feature              meaning                                                     weight
===================  ==========================================================  ======
complainants         distinct complainants who list it (log-scaled, 50 = full)     30
lenders              distinct institutions complained about (4 = full)             10
template_share       share of its complaints in its largest template cluster       25
disguise_rate        share of its complaints whose text disguises slang            15
calls_to_complainants distinct complainants' phones it called (10 = full)          10
advertised           accounts advertising it (2 = full)                             5
consulting_scope     a firm whose business scope is debt / legal / info consulting  5
shared_legal_rep     a firm whose legal representative also runs another firm       5
firm_age_years       a firm's age at its first complaint (≤ 1 y full, 5 y none)     5
===================  ==========================================================  ======

A score is the sum of the contributions, at most 100.

Service numbers (95xxx, 400/800, 12xxx) are institutions' own lines: they score 0 and are named
in the result instead. An entity needs ``min_complainants`` distinct complainants to be scored
at all (two borrowers sharing a family phone are not a ring).

Rings
-----
Seeds are entities that score at least ``min_seed_score`` *and* whose complaints look
agent-written: at least ``min_agent_share`` of them in one template cluster, or disguising slang.
A law firm's office line, a shared family phone or a popular number also serves many
complainants, but in their own words; without this test they score like a ring (complainants,
lenders, calls) and lead.

Seeds and the entities tied to them (a firm's phones, an account's phone, a legal
representative) are projected into an undirected networkx graph whose edges are the facts that
tie intermediaries together: a complaint naming both, a firm's phone, an account advertising a
phone, a shared legal representative, calls, shared people (two seeds dealing with at least two
of the same borrowers — complainants whose complaints name them, or people whose phones they
called; at the 1M world no two seeds of different rings shared even one, while a ring's numbers
that no complaint or firm tied, such as a second number that only chases the first one's
clients, shared many), and shared templates (two seeds with at least half
of the complaints of the one with fewer in the same template clusters — how a ring's second and
third numbers, which only call borrowers or appear as contacts, join the ring instead of leading
alone, while two rings whose boilerplate overlaps a little stay apart). A template tie also needs
a person in common — a borrower whose complaints name both seeds, or whom one of them called —
because rings buy the same letters: at the 100k world a third of the template
ties joined two different rings, and none of those shared a person. A firm known only by a name
that several registered firms bear is left out of the graph: it cannot say which of them the
complaints meant. Louvain communities
(seeded, so a re-run gives the same rings) are the candidate rings, ranked by score.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from graph.db.store import GraphStore, chunked_by_weight

SERVICE_TYPES = {"service", "toll_free", "shared_cost", "premium_rate", "uan", "voip"}
CONSULTING_WORDS = ("债务", "法律咨询", "法务", "信息咨询", "商务咨询", "信用修复", "协商", "维权")
WEIGHTS = {
    "complainants": 30.0,
    "lenders": 10.0,
    "template_share": 25.0,
    "disguise_rate": 15.0,
    "calls_to_complainants": 10.0,
    "advertised": 5.0,
    "consulting_scope": 5.0,
    "shared_legal_rep": 5.0,
    "firm_age_years": 5.0,
}
# A firm set up shortly before its complaints begin looks like a vehicle for them: full weight
# at this age or younger (years), none from ``OLD_FIRM_YEARS`` on.
YOUNG_FIRM_YEARS = 1.0
OLD_FIRM_YEARS = 5.0

# Complaints that name an entity: as contact or agent, or through a firm's or account's phone.
ENTITY_COMPLAINTS = """
CALL {
  MATCH (x:Entity)<-[:CONTACT|REPRESENTED_BY]-(c:Complaint) RETURN x, c
  UNION
  MATCH (x:Firm)-[:HAS_PHONE]->(:Phone)<-[:CONTACT]-(c:Complaint) RETURN x, c
  UNION
  MATCH (x:Account)-[:ADVERTISES]->(:Phone)<-[:CONTACT]-(c:Complaint) RETURN x, c
  UNION
  MATCH (x:Phone)-[:CALLED]->(:Phone)<-[:HAS_PHONE]-(:Person)<-[:FILED_BY]-(c:Complaint)
  RETURN x, c
}
WITH x, collect(c) AS cs
WHERE size(cs) >= $min_complaints
CALL {
  WITH x, cs
  UNWIND cs AS c
  OPTIONAL MATCH (c)-[:FILED_BY]->(who:Person)
  WHERE NOT (who)-[:HAS_PHONE]->(x)
  RETURN count(DISTINCT who) AS complainants,
         count(DISTINCT c.institution) AS lenders,
         count(DISTINCT c.source) AS sources,
         sum(CASE WHEN coalesce(c.disguise_count, 0) > 0 THEN 1 ELSE 0 END) AS disguised,
         min(c.filed_date) AS first_date, max(c.filed_date) AS last_date
}
CALL {
  WITH cs
  UNWIND cs AS c
  WITH c.template_cluster AS cluster, count(*) AS n
  WHERE cluster IS NOT NULL
  RETURN max(n) AS top_template, collect({cluster: cluster, n: n}) AS clusters
}
WITH x, cs, complainants, lenders, sources, disguised, first_date, last_date, top_template,
     clusters
WHERE complainants >= $min_complainants
RETURN x.key AS key, [l IN labels(x) WHERE l <> 'Entity'][0] AS label,
       x.type AS phone_type, x.name AS name, x.business_scope AS scope,
       x.registered_date AS registered,
       size(cs) AS complaints, complainants, lenders, sources, disguised,
       coalesce(top_template, 0) AS top_template, clusters,
       first_date, last_date,
       COUNT { (x)-[:CALLED]->(:Phone)<-[:HAS_PHONE]-(:Person)<-[:FILED_BY]-(:Complaint) }
         AS calls_to_complainants,
       COUNT { (x)<-[:ADVERTISES]-(:Account) } AS advertised,
       COUNT { (x)<-[:LEGAL_REP_OF]-(:Person)-[:LEGAL_REP_OF]->(other:Firm) WHERE other <> x }
         AS shared_legal_rep
"""

# The facts that tie intermediaries together, for the ring projection.
TIES = """
UNWIND $keys AS key
MATCH (x:Entity {key: key})
CALL {
  WITH x
  MATCH (x)-[r:HAS_PHONE|ADVERTISES|OPERATED_BY]-(y:Entity)
  WHERE NOT y:Complaint
  RETURN y.key AS other, type(r) AS why, 1 AS weight
  UNION
  WITH x
  MATCH (x)-[r:CALLED]-(y:Entity)
  WHERE y.key IN $keys
  RETURN y.key AS other, 'CALLED' AS why, 1 AS weight
  UNION
  WITH x
  MATCH (x)<-[:LEGAL_REP_OF]-(p:Person)
  RETURN p.key AS other, 'LEGAL_REP_OF' AS why, 1 AS weight
  UNION
  WITH x
  MATCH (x)<-[:CONTACT|REPRESENTED_BY]-(c:Complaint)-[:CONTACT|REPRESENTED_BY]->(y:Entity)
  WHERE y <> x
  RETURN y.key AS other, 'SAME_COMPLAINT' AS why, count(c) AS weight
}
RETURN x.key AS key, other, why, sum(weight) AS weight
"""

# The people each seed deals with: the complainants whose complaints name it and the people whose
# phones it called. Two seeds dealing with two or more of the same people are one ring's numbers
# (``SAME_PEOPLE``); two seeds that share a template are when they share even one (rings buy the
# same letters: at the 100k world 68% of one ring's template ties shared a person, none of the
# ties across rings did).
SEED_PEOPLE = """
UNWIND $keys AS key
MATCH (x:Entity {key: key})
RETURN key,
       COLLECT { MATCH (x)<-[:CONTACT|REPRESENTED_BY]-(:Complaint)-[:FILED_BY]->(p:Person)
                 RETURN DISTINCT p.key } AS complainants,
       COLLECT { MATCH (x)-[:CALLED]-(:Phone)<-[:HAS_PHONE]-(p:Person)
                 RETURN DISTINCT p.key } AS called
"""

# A firm known only by a name that two or more registered firms bear: the complaints naming it may
# be about either, so it cannot tie intermediaries together (at the 1M world such names were the
# only nodes joining different rings into one lead).
AMBIGUOUS_NAME_FIRMS = """
UNWIND $keys AS key
MATCH (f:Entity {key: key})
WHERE f:Firm AND f.uscc IS NULL AND f.name_key IS NOT NULL
  AND COUNT { MATCH (g:Firm {name_key: f.name_key}) WHERE g.uscc IS NOT NULL } >= 2
RETURN f.key AS key
"""

ENTITY_INFO = """
UNWIND $keys AS key
MATCH (x:Entity {key: key})
RETURN x.key AS key, [l IN labels(x) WHERE l <> 'Entity'][0] AS label, x.type AS phone_type,
       x.name AS name, x.e164 AS e164, x.uscc AS uscc, x.platform AS platform,
       x.handle AS handle, COUNT { (x)--() } AS degree
"""

# The complaints behind each ring, many rings a query: ``$rings`` is ``[{id, keys}]``.
RINGS_EVIDENCE = """
UNWIND $rings AS ring
UNWIND ring.keys AS key
MATCH (x:Entity {key: key})
CALL (x) {
  MATCH (x)<-[:CONTACT|REPRESENTED_BY]-(c:Complaint) RETURN c
  UNION
  MATCH (x)-[:HAS_PHONE|ADVERTISES]->(:Phone)<-[:CONTACT]-(c:Complaint) RETURN c
}
WITH DISTINCT ring.id AS ring, c
OPTIONAL MATCH (c)-[:FILED_BY]->(who:Person)
RETURN ring, c.key AS complaint, who.key AS complainant, c.institution AS lender,
       c.source AS source, c.filed_date AS filed_date, c.template_cluster AS template,
       coalesce(c.disguise_count, 0) AS disguised, coalesce(c.slang_terms, []) AS slang
"""


@dataclass
class EntityScore:
    key: str
    label: str
    score: float
    contributions: dict[str, float]
    features: dict[str, Any]
    templates: dict[str, int] = field(default_factory=dict)  # template cluster -> complaints

    def reasons(self, top: int = 3) -> list[str]:
        ranked = sorted(self.contributions.items(), key=lambda kv: -kv[1])
        return [f"{name}={self.features.get(name)}" for name, value in ranked[:top] if value > 0]


@dataclass
class Ring:
    members: list[str]
    seeds: list[EntityScore]
    score: float
    edges: list[tuple[str, str, str, float]] = field(default_factory=list)


def firm_age_years(registered: str | None, first_complaint: str | None) -> float | None:
    """A firm's age in years on the date of its first complaint (negative when it was registered
    after it), or None when either date is unknown."""
    try:
        born = date.fromisoformat(str(registered)[:10])
        first = date.fromisoformat(str(first_complaint)[:10])
    except ValueError:
        return None
    return round((first - born).days / 365.25, 1)


def _youth(age: float | None) -> float:
    if age is None:
        return 0.0
    span = OLD_FIRM_YEARS - YOUNG_FIRM_YEARS
    return max(0.0, min(1.0, (OLD_FIRM_YEARS - age) / span))


def _feature_values(row: dict[str, Any], age: float | None) -> dict[str, float]:
    complaints = max(int(row["complaints"]), 1)
    scope = row.get("scope") or ""
    return {
        "complainants": min(1.0, math.log1p(row["complainants"]) / math.log1p(50)),
        "lenders": min(1.0, max(0, row["lenders"] - 1) / 3),
        "template_share": row["top_template"] / complaints if complaints >= 3 else 0.0,
        "disguise_rate": row["disguised"] / complaints,
        "calls_to_complainants": min(1.0, row["calls_to_complainants"] / 10),
        "advertised": min(1.0, row["advertised"] / 2),
        "consulting_scope": 1.0 if any(w in scope for w in CONSULTING_WORDS) else 0.0,
        "shared_legal_rep": 1.0 if row["shared_legal_rep"] > 0 else 0.0,
        "firm_age_years": _youth(age),
    }


def _template_counts(clusters: list[dict[str, Any]]) -> dict[str, int]:
    """Complaints per template cluster, for clusters holding two or more of the entity's
    complaints (``clusters``: ``{"cluster", "n"}`` rows of ``ENTITY_COMPLAINTS``)."""
    return {
        row["cluster"]: int(row["n"])
        for row in sorted(clusters, key=lambda row: row["cluster"])
        if row["n"] >= 2
    }


def _looks_agent_written(score: EntityScore, min_share: float) -> bool:
    """Templated or disguised texts: what sets a ring's numbers apart from a law firm's office
    line, a family phone or a popular number, which also serve many complainants."""
    features = score.features
    return (
        features.get("template_share", 0.0) >= min_share
        or features.get("disguise_rate", 0.0) >= min_share
    )


def _shared_counts(
    holdings: dict[str, dict[str, int]], max_holders: int
) -> dict[tuple[str, str], int]:
    """For each pair of keys, how much they hold in common: ``holdings`` maps a key to the items
    it holds (a template cluster, a person) with a count; a pair shares the smaller count of each
    item both hold. An item more than ``max_holders`` keys hold is generic and counts for none."""
    holders: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for key in sorted(holdings):
        for item, count in holdings[key].items():
            holders[item].append((key, count))
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for members in holders.values():
        if not 2 <= len(members) <= max_holders:
            continue
        for i, (a, count_a) in enumerate(members):
            for b, count_b in members[i + 1 :]:
                shared[(a, b)] += min(count_a, count_b)
    return shared


def _template_ties(
    seeds: dict[str, EntityScore], min_shared: int, min_overlap: float, max_holders: int
) -> list[tuple[str, str, int]]:
    """Pairs of seeds whose complaints share template clusters: (a, b, complaints in common,
    counted as the smaller side per cluster). A pair ties when it shares at least ``min_shared``
    complaints and at least ``min_overlap`` of the complaints of the seed with fewer: one ring's
    numbers carry the same letters, while two rings whose boilerplate happens to overlap share
    a small part of their complaints. A cluster that more than ``max_holders`` seeds share is
    generic wording, not one ring's letter, and ties nothing."""
    shared = _shared_counts({key: seed.templates for key, seed in seeds.items()}, max_holders)
    ties = []
    for (a, b), n in sorted(shared.items()):
        fewer = min(seeds[a].features["complaints"], seeds[b].features["complaints"])
        if n >= min_shared and n >= min_overlap * fewer:
            ties.append((a, b, n))
    return ties


def ambiguous_name_firms(store: GraphStore, keys: list[str]) -> list[str]:
    """The name-only firms among ``keys`` whose name two or more registered firms bear."""
    firms = [key for key in keys if key.startswith("firm:name:")]
    return [row["key"] for row in store.read(AMBIGUOUS_NAME_FIRMS, keys=firms)] if firms else []


def seed_people(store: GraphStore, keys: list[str]) -> dict[str, dict[str, int]]:
    """The people each seed deals with (see ``SEED_PEOPLE``), as ``{person key: 1}``."""
    rows = store.read(SEED_PEOPLE, keys=keys) if keys else []
    return {
        row["key"]: dict.fromkeys(sorted({*row["complainants"], *row["called"]}), 1) for row in rows
    }


def score_entities(
    store: GraphStore, *, min_complainants: int = 5
) -> tuple[list[EntityScore], list[dict[str, Any]]]:
    """Score every entity named by at least ``min_complainants`` complainants.

    Returns the scores (best first) and the service numbers set aside."""
    rows = store.read(
        ENTITY_COMPLAINTS, min_complaints=min_complainants, min_complainants=min_complainants
    )
    scores: list[EntityScore] = []
    set_aside: list[dict[str, Any]] = []
    for row in rows:
        if row["label"] == "Phone" and row["phone_type"] in SERVICE_TYPES:
            set_aside.append(
                {"key": row["key"], "type": row["phone_type"], "complaints": row["complaints"]}
            )
            continue
        age = (
            firm_age_years(row["registered"], row["first_date"]) if row["label"] == "Firm" else None
        )
        values = _feature_values(row, age)
        contributions = {name: round(WEIGHTS[name] * v, 2) for name, v in values.items()}
        features = {
            "complaints": row["complaints"],
            "complainants": row["complainants"],
            "lenders": row["lenders"],
            "sources": row["sources"],
            "template_share": round(values["template_share"], 3),
            "disguise_rate": round(values["disguise_rate"], 3),
            "calls_to_complainants": row["calls_to_complainants"],
            "advertised": row["advertised"],
            "consulting_scope": bool(values["consulting_scope"]),
            "shared_legal_rep": row["shared_legal_rep"],
            "firm_age_years": age,
            "first_date": row["first_date"],
            "last_date": row["last_date"],
        }
        scores.append(
            EntityScore(
                key=row["key"],
                label=row["label"],
                score=min(100.0, round(sum(contributions.values()), 2)),
                contributions=contributions,
                features=features,
                templates=_template_counts(row.get("clusters") or []),
            )
        )
    scores.sort(key=lambda s: (-s.score, s.key))
    return scores, set_aside


def find_rings(
    store: GraphStore,
    scores: list[EntityScore],
    *,
    min_seed_score: float = 45.0,
    min_agent_share: float = 0.25,
    hub_degree: int = 2_000,
    min_shared_people: int = 2,
    max_people_holders: int = 20,
    seed: int = 7,
) -> list[Ring]:
    """Group high-scoring intermediaries and what ties them into rings (Louvain communities).

    A seed scores at least ``min_seed_score`` and its complaints look agent-written: at least
    ``min_agent_share`` of them in one template cluster or disguising slang."""
    seeds = {
        s.key: s
        for s in scores
        if s.score >= min_seed_score and _looks_agent_written(s, min_agent_share)
    }
    if not seeds:
        return []
    ties = store.read(TIES, keys=sorted(seeds))
    people = _shared_counts(seed_people(store, sorted(seeds)), max_holders=max_people_holders)
    ties += [
        {"key": a, "other": b, "why": "SAME_PEOPLE", "weight": n}
        for (a, b), n in sorted(people.items())
        if n >= min_shared_people
    ]
    ties += [
        {"key": a, "other": b, "why": "SAME_TEMPLATE", "weight": n}
        for a, b, n in _template_ties(seeds, min_shared=2, min_overlap=0.5, max_holders=50)
        if people.get((a, b), 0) > 0
    ]
    graph = nx.Graph()
    graph.add_nodes_from(seeds)
    for tie in ties:
        if tie["other"] is None:
            continue
        a, b = tie["key"], tie["other"]
        weight = float(tie["weight"])
        if graph.has_edge(a, b):
            graph[a][b]["weight"] += weight
            graph[a][b]["why"].add(tie["why"])
        else:
            graph.add_edge(a, b, weight=weight, why={tie["why"]})
    # Hubs and service numbers do not hold rings together.
    info = {row["key"]: row for row in store.read(ENTITY_INFO, keys=list(graph.nodes))}
    for key, row in info.items():
        if key not in seeds and (
            row["degree"] > hub_degree
            or (row["label"] == "Phone" and row["phone_type"] in SERVICE_TYPES)
        ):
            graph.remove_node(key)
    graph.remove_nodes_from(ambiguous_name_firms(store, list(graph.nodes)))
    # Non-seed neighbours joined only through one complaint are noise: keep structural ties.
    for a, b, data in list(graph.edges(data=True)):
        structural = data["why"] - {"SAME_COMPLAINT"}
        weak = not structural and data["weight"] < 2
        if (a not in seeds and b not in seeds) or weak:
            graph.remove_edge(a, b)
    graph.remove_nodes_from(
        [n for n in list(graph.nodes) if graph.degree(n) == 0 and n not in seeds]
    )

    communities = nx.community.louvain_communities(
        graph, weight="weight", seed=seed, resolution=0.5
    )
    rings = []
    for community in communities:
        members = sorted(community)
        ring_seeds = sorted((seeds[m] for m in members if m in seeds), key=lambda s: -s.score)
        if not ring_seeds:
            continue
        top = [s.score for s in ring_seeds[:3]]
        kinds = {info.get(m, {}).get("label") for m in members}
        score = round(0.7 * top[0] + 0.3 * (sum(top) / len(top)) + 2.0 * (len(kinds) - 1), 2)
        edges = [
            (a, b, ",".join(sorted(graph[a][b]["why"])), graph[a][b]["weight"])
            for a, b in graph.subgraph(members).edges
        ]
        rings.append(Ring(members=members, seeds=ring_seeds, score=min(score, 100.0), edges=edges))
    rings.sort(key=lambda r: (-r.score, r.members[0]))
    return rings


def rings_evidence(
    store: GraphStore, rings: list[Ring], *, keys_per_query: int = 2_000
) -> list[dict[str, Any]]:
    """The complaints behind each ring and their summary (complainants, lenders, dates, slang),
    in the order of ``rings``. Rings are read many at a time, up to ``keys_per_query`` member
    keys a query: one query per ring was most of detect's time at 1M complaints."""
    rows_by_ring: dict[int, list[dict[str, Any]]] = defaultdict(list)
    wanted = [{"id": index, "keys": ring.members} for index, ring in enumerate(rings)]
    for batch in chunked_by_weight(wanted, lambda ring: len(ring["keys"]), keys_per_query):
        for row in store.read(RINGS_EVIDENCE, rings=batch):
            rows_by_ring[row["ring"]].append(row)
    return [_summarise_evidence(rows_by_ring[index]) for index in range(len(rings))]


def _summarise_evidence(rows: list[dict[str, Any]]) -> dict[str, Any]:
    slang: dict[str, int] = defaultdict(int)
    templates: dict[str, int] = defaultdict(int)
    for row in rows:
        for term in row["slang"]:
            slang[term] += 1
        if row["template"]:
            templates[row["template"]] += 1
    dates = sorted(row["filed_date"] for row in rows if row["filed_date"])
    return {
        "complaints": sorted({row["complaint"] for row in rows}),
        "complainants": sorted({row["complainant"] for row in rows if row["complainant"]}),
        "lenders": sorted({row["lender"] for row in rows if row["lender"]}),
        "sources": sorted({row["source"] for row in rows if row["source"]}),
        "date_span": [dates[0], dates[-1]] if dates else None,
        "templates": dict(sorted(templates.items(), key=lambda kv: -kv[1])[:5]),
        "disguised_complaints": sum(1 for row in rows if row["disguised"]),
        "slang": dict(sorted(slang.items(), key=lambda kv: -kv[1])[:10]),
    }
