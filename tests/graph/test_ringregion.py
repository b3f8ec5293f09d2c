"""Ring finding over the region a submission can change (``graph.evidence.ringregion``, issue 18)
finds the rings a search over every seed finds: when a holder count crosses its threshold, when a
submission merges two components, when a seed leaving splits one, and after a withdrawal. (That a
small submission into the fixture world works on fewer seeds than exist: ``test_ringfacts``.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_incremental import assert_equals_full_rebuild, run_incrementally
from test_ringfacts import BORROWERS, complaints

from graph.db.store import GraphStore
from graph.evidence import ringfacts, ringregion, scorestate
from graph.evidence.analytics import find_rings
from graph.evidence.incremental import analyse_submission, submission_entities
from graph.evidence.leads import ring_ties
from graph.evidence.rings import Ring
from graph.evidence.scores import EntityScore
from graph.workflow.auth import Principal
from graph.workflow.withdraw import withdraw_submission
from ingest.demo import FIXTURE_WORLD, plan_in_parts
from ingest.submit import submit_file

SETTINGS: dict[str, Any] = {
    "min_seed_score": 45.0,
    "min_agent_share": 0.25,
    "contact_ties": True,
    "seed": 7,
}
ORG = "测试小额贷款有限公司"


def shape(rings: list[Ring]) -> list[tuple[Any, ...]]:
    return [(r.members, [s.key for s in r.seeds], r.score, ring_ties(r)) for r in rings]


def every_seed(store: GraphStore) -> list[tuple[Any, ...]]:
    """The rings over every seed, every fact read from the database (nothing kept)."""
    scores = scorestate.seed_candidates(store, min_score=45.0)
    return shape(find_rings(store, scores, kept=False))


def phone_scores(store: GraphStore, numbers: list[str], score: float = 80.0) -> list[EntityScore]:
    rows = store.read(
        "MATCH (p:Phone) WHERE any(n IN $numbers WHERE p.key ENDS WITH n) RETURN p.key AS key",
        numbers=numbers,
    )
    features = {"complaints": 2, "template_share": 1.0, "disguise_rate": 0.0}
    return [EntityScore(row["key"], "Phone", score, {}, features) for row in rows]


def keep_scores(store: GraphStore, scores: list[EntityScore]) -> None:
    scorestate.save_some(store, [s.key for s in scores], scores, run=scorestate.new_run())


def submit(store: GraphStore, path: Path) -> list[str]:
    """Submit ``path``, forget the facts it can change; the changed keys, as the analysis has
    them."""
    summary = submit_file(store, "complaints", path, org=ORG, via="demo")
    own = submission_entities(store, summary["submission"])
    return ringfacts.forget_stale(store, sorted(row["key"] for row in own))


def components(store: GraphStore) -> int:
    """How many components the kept ring index holds seeds in."""
    row = store.read_one("MATCH (n:RingNode) WHERE n.seed RETURN count(DISTINCT n.component) AS n")
    return int(row["n"]) if row else 0


def numbers(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i:04d}" for i in range(1, n + 1)]


def test_a_person_crossing_its_holder_threshold_unties_every_holder_in_the_region(
    store: GraphStore, tmp_path: Path
) -> None:
    """Twenty numbers deal with the same two borrowers (each held by twenty seeds: at the
    threshold, every pair ties); a submission makes a 21st number deal with them too, so nobody
    ties: every holder joins the region though only the new number changed."""
    first = numbers("1770000", 20)
    submit(store, complaints(tmp_path / "a.csv", first, 1))
    keep_scores(store, phone_scores(store, first))
    full = ringregion.full_rings(store, **SETTINGS)
    assert len(full.rings) < 20 and shape(full.rings) == every_seed(store)
    changed = submit(store, complaints(tmp_path / "b.csv", ["17700000021"], 100))
    new = phone_scores(store, ["17700000021"])
    keep_scores(store, new)
    found = ringregion.region_rings(store, [*changed, new[0].key], **SETTINGS)
    assert found is not None and found.region_seeds == found.seeds == 21
    assert len(found.rings) == 21 and shape(found.rings) == every_seed(store)
    assert_index_as_written_whole(store)


def test_a_submission_merges_two_components_and_leaves_a_third_alone(
    store: GraphStore, tmp_path: Path
) -> None:
    """Two pairs of numbers, each pair dealing with its own two borrowers (two components), and a
    third pair apart; a submission whose borrowers both pairs deal with merges the first two."""
    submit(store, complaints(tmp_path / "a.csv", ["17700000001", "17700000002"], 1))
    borrowers = [("郑和", "110101199003077774", "13900000011"), ("王芳", "110101199103078889", "13900000012")]  # fmt: skip
    far = [("李雷", "110101198803071114", "13900000021"), ("韩梅", "110101198903072229", "13900000022")]  # fmt: skip
    submit(store, complaints(tmp_path / "b.csv", ["17700000003", "17700000004"], 50, borrowers))
    submit(store, complaints(tmp_path / "c.csv", ["17700000005", "17700000006"], 80, far))
    six = [f"1770000000{i}" for i in range(1, 7)]
    keep_scores(store, phone_scores(store, six))
    full = ringregion.full_rings(store, **SETTINGS)
    assert shape(full.rings) == every_seed(store)
    assert {len(r.members) for r in full.rings} == {2} and components(store) == 3
    # the first pair's borrowers now also name the second pair's first number
    changed = submit(store, complaints(tmp_path / "d.csv", ["17700000003"], 200))
    found = ringregion.region_rings(store, changed, **SETTINGS)
    assert found is not None and found.region_seeds == 4 < found.seeds == 6
    # the region's rings are those over every seed but the third pair's, which stays as it was
    third = [ring for ring in every_seed(store) if ring[0][0].endswith("17700000005")]
    assert shape(found.rings) == [r for r in every_seed(store) if r not in third]
    assert len(third) == 1 and third[0] in shape(full.rings)
    assert components(store) == 2  # of three: two merged
    assert_index_as_written_whole(store)


def test_a_seed_leaving_splits_its_component(store: GraphStore, tmp_path: Path) -> None:
    """Three numbers in a row, the middle one dealing with the borrowers of both others: when
    its score falls under the seed threshold, the component splits in two."""
    borrowers = [("郑和", "110101199003077774", "13900000011"), ("王芳", "110101199103078889", "13900000012")]  # fmt: skip
    submit(store, complaints(tmp_path / "a.csv", ["17700000001", "17700000002"], 1))
    submit(store, complaints(tmp_path / "b.csv", ["17700000002", "17700000003"], 50, borrowers))
    three = ["17700000001", "17700000002", "17700000003"]
    keep_scores(store, phone_scores(store, three))
    full = ringregion.full_rings(store, **SETTINGS)
    assert shape(full.rings) == every_seed(store) and components(store) == 1
    middle = phone_scores(store, ["17700000002"], score=10.0)
    keep_scores(store, middle)
    found = ringregion.region_rings(store, [middle[0].key], **SETTINGS)
    assert found is not None and shape(found.rings) == every_seed(store)
    assert len(found.rings) == 2 and found.seeds == 2 and components(store) == 2
    assert_index_as_written_whole(store)


def test_a_withdrawal_finds_the_rings_over_every_seed_again(
    store: GraphStore, tmp_path: Path
) -> None:
    """The fixture world submitted in parts, then its last part withdrawn (which can split
    components): the withdrawal forgets the kept scores, so the next analysis finds the rings
    over every seed and writes the ring index whole — the leads of a full rebuild."""
    steps = plan_in_parts(FIXTURE_WORLD, tmp_path, [40, 25])
    results = run_incrementally(store, steps)
    assert results[-1]["seeds"] > 0
    assert_equals_full_rebuild(store)
    admin = Principal("root", "admin", None, None)
    withdraw_submission(store, admin, results[-1]["submission"], reason="test")
    again = analyse_submission(store, results[-1]["submission"])
    assert again["region_seeds"] == again["seeds"]
    assert_equals_full_rebuild(store)


def ring_index(store: GraphStore) -> dict[str, list[Any]]:
    """The kept ring index as plain sorted data: nodes, ties, holdings."""
    return {
        "nodes": store.read(
            "MATCH (n:RingNode) RETURN n.key AS key, n.seed AS seed, n.component AS component, "
            "n.ambiguous AS ambiguous ORDER BY key"
        ),
        "ties": store.read(
            "MATCH (a:RingNode)-[:RING_TIES]->(b:RingNode) RETURN a.key AS a, b.key AS b "
            "ORDER BY a, b"
        ),
        "holds": store.read(
            "MATCH (n:RingNode)-[:RING_HOLDS]->(i:RingItem) RETURN n.key AS n, i.key AS i "
            "ORDER BY n, i"
        ),
    }


def assert_index_as_written_whole(store: GraphStore) -> None:
    """The ring index a region left (only its changed rows and links written) is the one ring
    finding over every seed writes whole."""
    after_region = ring_index(store)
    ringregion.full_rings(store, **SETTINGS)
    assert after_region == ring_index(store)


def test_a_tie_pruned_before_and_now_leaves_the_other_component_as_it_was(
    store: GraphStore, tmp_path: Path
) -> None:
    """Two pairs of numbers, each dealing with its own borrowers (two components), and one
    complaint naming a number of each pair (a tie one complaint supports: pruned). A submission
    about the first pair's other number brings the first component into the region but not the
    second: the rings, and the kept ring index, are those a search over every seed writes (the
    second pair's seeds stay seeds in their own component)."""
    far = [("李雷", "110101198803071114", "13900000021"), ("韩梅", "110101198903072229", "13900000022")]  # fmt: skip
    submit(store, complaints(tmp_path / "a.csv", ["17700000001", "17700000002"], 1))
    submit(store, complaints(tmp_path / "b.csv", ["17700000003", "17700000004"], 50, far))
    stranger = [("郑和", "110101199003077774", "13900000011")]
    bridge = complaints(tmp_path / "c.csv", ["17700000002"], 80, stranger)
    rows = bridge.read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].replace(",17700000002,,", ",17700000002,17700000003,")
    bridge.write_text("\n".join(rows) + "\n", encoding="utf-8")
    submit(store, bridge)
    four = [f"1770000000{i}" for i in range(1, 5)]
    keep_scores(store, phone_scores(store, four))
    full = ringregion.full_rings(store, **SETTINGS)
    assert len(full.rings) == 2 and components(store) == 2
    newcomer = [("王芳", "110101199103078889", "13900000012")]
    changed = submit(store, complaints(tmp_path / "d.csv", ["17700000001"], 200, newcomer))
    found = ringregion.region_rings(store, changed, **SETTINGS)
    assert found is not None and found.region_seeds == 2 < found.seeds == 4
    assert shape(found.rings) == [r for r in every_seed(store) if r[0][0].endswith("17700000001")]
    assert_index_as_written_whole(store)


def template_score(key: str, in_cluster: int) -> EntityScore:
    """A seed with four complaints, ``in_cluster`` of them in the template cluster ``tpl:x``."""
    features = {"complaints": 4, "template_share": 1.0, "disguise_rate": 0.0}
    return EntityScore(key, "Phone", 80.0, {}, features, {"tpl:x": in_cluster})


def test_a_template_count_that_grows_reaches_a_component_outside_the_region(
    store: GraphStore, tmp_path: Path
) -> None:
    """Two numbers with one borrower in common, and complaints in the same template cluster: one
    of the first's, two of the second's — too few in common to tie (a template tie needs two).
    Then a second complaint of the first lands in that cluster: its set of clusters is the same,
    its count grows, the two now tie, and the region must reach the second number's component
    although nothing of it changed."""
    common = ("郑和", "110101199003077774", "13900000011")
    submit(store, complaints(tmp_path / "a.csv", ["17700000001"], 1, [common, BORROWERS[0]]))
    submit(store, complaints(tmp_path / "b.csv", ["17700000002"], 50, [common, BORROWERS[1]]))
    first, second = (s.key for s in phone_scores(store, ["17700000001", "17700000002"]))
    keep_scores(store, [template_score(first, 1), template_score(second, 2)])
    full = ringregion.full_rings(store, **SETTINGS)
    assert [len(r.members) for r in full.rings] == [1, 1] and components(store) == 2
    keep_scores(store, [template_score(first, 2)])
    found = ringregion.region_rings(store, [first], **SETTINGS)
    assert found is not None and [r.members for r in found.rings] == [sorted([first, second])]
    assert shape(found.rings) == every_seed(store)
    assert_index_as_written_whole(store)
