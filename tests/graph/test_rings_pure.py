"""Rings from plain seeds and ties, no server: one exact answer on a tiny graph, the cases of
test_rings.py as plain data, and invariants on a planted world of a hundred rings with noise."""

from __future__ import annotations

import doctest
import inspect
import random
from typing import Any

import networkx as nx

from graph.core.limits import LIMITS
from graph.evidence import analytics, rings
from graph.evidence.rings import (
    Ring,
    prune_ring_graph,
    ring_graph,
    rings_from_ties,
    seed_ties,
    select_seeds,
    shared_counts,
    template_ties,
    tied_keys,
)
from graph.evidence.scores import EntityScore


def seed(
    key: str, score: float = 80.0, label: str = "Phone", templates: dict[str, int] | None = None
) -> EntityScore:
    """A seed as score_entities would make it: high score, agent-written complaints."""
    features = {"complaints": 4, "template_share": 1.0, "disguise_rate": 0.0}
    return EntityScore(key, label, score, {}, features, templates=templates or {})


def tie(a: str, b: str, why: str, weight: int = 1) -> dict[str, Any]:
    return {"key": a, "other": b, "why": why, "weight": weight}


def phone(degree: int = 10, phone_type: str = "mobile") -> dict[str, Any]:
    return {"label": "Phone", "phone_type": phone_type, "degree": degree}


def members(found: list[Ring]) -> list[list[str]]:
    return sorted(ring.members for ring in found)


def test_the_examples_in_the_docstrings_run() -> None:
    failures, tried = doctest.testmod(rings)
    assert tried >= 10 and failures == 0


def test_a_tiny_world_exactly() -> None:
    """A firm with its office phone, its legal representative and two numbers that share borrowers;
    two numbers that call each other; a number alone. A hotline, a service number and a firm
    name that two registered firms bear would join them all, and are left out; so are a tie of
    one complaint and the neighbour it alone brought in."""
    F, A, B, C, D, E = ("firm:F", "phone:A", "phone:B", "phone:C", "phone:D", "phone:E")
    P1, L, H, S, N, X = ("phone:P1", "person:L", "phone:H", "phone:S", "phone:N", "firm:name:X")
    seeds = select_seeds(
        [seed(F, 90.0, "Firm"), seed(A, 80.0), seed(B, 70.0), seed(C, 60.0), seed(D, 55.0),
         seed(E, 50.0), seed("phone:low", 40.0)]
    )  # fmt: skip
    assert list(seeds) == [F, A, B, C, D, E]
    ties = [
        tie(F, P1, "HAS_PHONE"), tie(F, A, "HAS_PHONE"), tie(F, B, "HAS_PHONE"),
        tie(F, L, "LEGAL_REP_OF"),
        tie(A, B, "SAME_COMPLAINT"),  # one complaint: weak alone, but see SAME_PEOPLE below
        tie(C, D, "CALLED"),
        tie(A, H, "SAME_COMPLAINT", 3), tie(C, H, "SAME_COMPLAINT", 3),  # a hotline
        tie(B, S, "SAME_COMPLAINT", 2), tie(D, S, "SAME_COMPLAINT", 2),  # a service number
        tie(X, B, "HAS_PHONE"), tie(X, C, "HAS_PHONE"),  # an ambiguous name-only firm
        tie(E, N, "SAME_COMPLAINT"), tie(E, None, "HAS_PHONE"),  # type: ignore[arg-type]
    ]  # fmt: skip
    people = {A: {"p1": 1, "p2": 1}, B: {"p1": 1, "p2": 1}, C: {"p3": 1}, D: {"p4": 1}}
    ties += seed_ties(seeds, people)
    assert ties[-1] == tie(A, B, "SAME_PEOPLE", 2)
    info = {
        F: {"label": "Firm", "phone_type": None, "degree": 40},
        A: phone(), B: phone(), C: phone(), D: phone(), E: phone(), P1: phone(), N: phone(),
        L: {"label": "Person", "phone_type": None, "degree": 3},
        H: phone(degree=LIMITS.ring_hub_degree + 1),
        S: phone(phone_type="service"),
        X: {"label": "Firm", "phone_type": None, "degree": 12},
    }  # fmt: skip
    assert tied_keys(seeds, ties) == sorted(info)
    found = rings_from_ties(seeds, ties, info, drop=[X])
    assert [ring.members for ring in found] == [
        sorted([A, B, F, L, P1]),
        [C, D],
        [E],
    ]
    assert [ring.score for ring in found] == [
        91.0,  # 0.7 * 90 + 0.3 * (90 + 80 + 70) / 3 + 2 * (3 kinds - 1)
        59.25,  # 0.7 * 60 + 0.3 * (60 + 55) / 2
        50.0,
    ]
    assert [[s.key for s in ring.seeds] for ring in found] == [[F, A, B], [C, D], [E]]
    assert found[0].edges == [
        (F, L, "LEGAL_REP_OF", 1.0),
        (F, A, "HAS_PHONE", 1.0),
        (F, B, "HAS_PHONE", 1.0),
        (F, P1, "HAS_PHONE", 1.0),
        (A, B, "SAME_COMPLAINT,SAME_PEOPLE", 3.0),  # one complaint, and two borrowers in common
    ]
    assert found[1].edges == [(C, D, "CALLED", 1.0)] and found[2].edges == []
    # With no hub cap the hotline is a ring's member.
    everything = rings_from_ties(seeds, ties, info, hub_degree=10**9)
    assert H in everything[0].members


def test_numbers_dealing_with_the_same_borrowers_are_one_ring() -> None:
    """test_rings.py's case: A and B share two complainants; C shares one with them; D called
    the two borrowers who name C."""
    A, B, C, D = (f"phone:+861380013800{n}" for n in range(4))
    people = {
        A: {"person:p1": 1, "person:p2": 1},
        B: {"person:p1": 1, "person:p2": 1},
        C: {"person:p3": 1, "person:p4": 1, "person:p1": 1},
        D: {"person:p3": 1, "person:p4": 1},
    }
    seeds = select_seeds([seed(A), seed(B), seed(C), seed(D)])
    found = rings_from_ties(seeds, seed_ties(seeds, people), info={})
    assert members(found) == [[A, B], [C, D]]
    assert {edge[2] for ring in found for edge in ring.edges} == {"SAME_PEOPLE"}


def test_one_borrower_in_common_ties_nothing() -> None:
    A, B = "phone:a", "phone:b"
    seeds = select_seeds([seed(A), seed(B)])
    people = {A: {"person:p1": 1, "person:p2": 1}, B: {"person:p1": 1, "person:p3": 1}}
    assert seed_ties(seeds, people) == []
    assert members(rings_from_ties(seeds, [], info={})) == [[A], [B]]


def test_a_borrower_shared_by_many_numbers_ties_nothing() -> None:
    phones = [f"phone:+86137001370{n:02d}" for n in range(4)]
    seeds = select_seeds([seed(p) for p in phones])
    people = {p: {"person:p1": 1, "person:p2": 1} for p in phones}
    together = rings_from_ties(seeds, seed_ties(seeds, people), info={})
    assert members(together) == [sorted(phones)]
    apart = seed_ties(seeds, people, max_people_holders=3)
    assert apart == []


def test_a_template_ties_two_numbers_only_with_a_person_in_common() -> None:
    A, B = "phone:a", "phone:b"
    seeds = select_seeds([seed(A, templates={"t1": 3}), seed(B, templates={"t1": 2, "t2": 2})])
    assert template_ties(seeds, min_shared=2, min_overlap=0.5, max_holders=50) == [(A, B, 2)]
    strangers = {A: {"person:p1": 1}, B: {"person:p2": 1}}
    assert seed_ties(seeds, strangers) == []
    one_in_common = {A: {"person:p1": 1}, B: {"person:p1": 1}}
    assert seed_ties(seeds, one_in_common) == [tie(A, B, "SAME_TEMPLATE", 2)]
    # Half the complaints of the seed with fewer (4) must share the letter: 1 is not enough.
    seeds[B] = seed(B, templates={"t1": 1, "t2": 3})
    assert template_ties(seeds, min_shared=1, min_overlap=0.5, max_holders=50) == []


def test_shared_counts_are_the_smaller_count_per_item_and_ignore_generic_items() -> None:
    holdings = {f"k{n}": {"common": 1, f"own{n // 2}": n + 1} for n in range(6)}
    assert shared_counts(holdings, max_holders=6) == {
        **{(f"k{a}", f"k{b}"): 1 for a in range(6) for b in range(a + 1, 6)},
        ("k0", "k1"): 2,
        ("k2", "k3"): 4,
        ("k4", "k5"): 6,
    }
    assert shared_counts(holdings, max_holders=5) == {
        ("k0", "k1"): 1,
        ("k2", "k3"): 3,
        ("k4", "k5"): 5,
    }


def test_ties_between_the_same_two_keys_add_up() -> None:
    graph = ring_graph(["a", "b"], [tie("a", "b", "CALLED"), tie("b", "a", "SAME_PEOPLE", 2)])
    assert graph.number_of_edges() == 1
    assert graph["a"]["b"] == {"weight": 3.0, "why": {"CALLED", "SAME_PEOPLE"}}


def test_pruning_keeps_every_seed_but_the_dropped_ones() -> None:
    seeds = ["s1", "s2"]
    ties = [tie("s1", "x", "SAME_COMPLAINT"), tie("s2", "y", "HAS_PHONE"), tie("x", "y", "CALLED")]
    info = {"s1": phone(degree=10**6), "s2": phone(phone_type="service")}
    graph = prune_ring_graph(ring_graph(seeds, ties), seeds, info)
    assert sorted(graph.nodes) == ["s1", "s2", "y"]  # seeds are never hubs; x had a weak tie
    assert list(graph.edges) == [("s2", "y")]  # x-y: no seed at either end
    graph = prune_ring_graph(ring_graph(seeds, ties), seeds, info, drop=["s2"])
    assert sorted(graph.nodes) == ["s1"]


def planted_world(rng: random.Random, rings_count: int = 100) -> dict[str, Any]:
    """Rings of one firm and 2–7 numbers: the firm's phones, numbers sharing borrowers of their
    own ring's pool; across rings, ties of one complaint, hotlines and service numbers that
    many numbers touch, and an ambiguous firm name."""
    scores, ties, info, people, truth = [], [], {}, {}, []
    for r in range(rings_count):
        firm = f"firm:r{r:03d}"
        numbers = [f"phone:r{r:03d}n{n}" for n in range(rng.randint(2, 7))]
        scores.append(seed(firm, rng.uniform(45, 100), "Firm"))
        scores += [seed(number, rng.uniform(45, 100)) for number in numbers]
        info[firm] = {"label": "Firm", "phone_type": None, "degree": rng.randint(5, 500)}
        pool = [f"person:r{r:03d}b{b}" for b in range(5)]
        for number in numbers:
            info[number] = phone(rng.randint(5, 1_500))
            people[number] = dict.fromkeys(rng.sample(pool, 4), 1)
        ties.append(tie(firm, numbers[0], "HAS_PHONE"))
        office = f"phone:r{r:03d}office"
        info[office] = phone(30)
        ties.append(tie(firm, office, "HAS_PHONE"))
        truth.append(sorted([firm, office, *numbers]))
    every_number = [s.key for s in scores if s.key.startswith("phone:")]
    for n in range(20):
        hub = f"phone:hotline{n}"
        info[hub] = phone(LIMITS.ring_hub_degree + rng.randint(1, 10**5))
        ties += [tie(k, hub, "SAME_COMPLAINT", 5) for k in rng.sample(every_number, 30)]
        service = f"phone:95{n:03d}"
        info[service] = phone(50, phone_type="service")
        ties += [tie(k, service, "SAME_COMPLAINT", 5) for k in rng.sample(every_number, 30)]
    for _ in range(300):
        a, b = rng.sample(every_number, 2)
        ties.append(tie(a, b, "SAME_COMPLAINT"))
    ambiguous = "firm:name:蓝海咨询"
    info[ambiguous] = {"label": "Firm", "phone_type": None, "degree": 60}
    ties += [tie(k, ambiguous, "HAS_PHONE") for k in rng.sample(every_number, 10)]
    seeds = select_seeds(scores)
    ties += seed_ties(seeds, people)
    return {"seeds": seeds, "ties": ties, "info": info, "drop": [ambiguous], "truth": truth}


def test_invariants_on_a_planted_world() -> None:
    world = planted_world(random.Random(11))
    seeds, info = world["seeds"], world["info"]
    found = rings_from_ties(seeds, world["ties"], info, drop=world["drop"], seed=7)
    everyone = [m for ring in found for m in ring.members]
    assert len(everyone) == len(set(everyone))  # rings are disjoint
    assert set(seeds) <= set(everyone)  # every seed is in a ring
    for ring in found:
        assert ring.members == sorted(ring.members)
        assert ring.seeds and all(s.key in ring.members for s in ring.seeds)
        assert [s.score for s in ring.seeds] == sorted((s.score for s in ring.seeds), reverse=True)
        assert 0 < ring.score <= 100.0
        assert ring.edges == sorted(ring.edges)
        for a, b, why, weight in ring.edges:
            assert a < b and a in ring.members and b in ring.members and (a in seeds or b in seeds)
            assert why != "SAME_COMPLAINT" or weight >= 2
        for key in ring.members:  # no hub, service number or ambiguous firm
            row = info[key]
            assert row["degree"] <= LIMITS.ring_hub_degree and row["phone_type"] != "service"
            assert key not in world["drop"]
    assert [r.score for r in found] == sorted((r.score for r in found), reverse=True)
    # The planted rings are found whole, and nothing else.
    assert members(found) == sorted(world["truth"])
    # Seeded: the same seed gives the same rings, edges and all.
    again = rings_from_ties(seeds, world["ties"], info, drop=world["drop"], seed=7)
    assert [(r.members, r.score, r.edges) for r in again] == [
        (r.members, r.score, r.edges) for r in found
    ]


def test_the_ring_thresholds_are_the_limits_not_the_trace_cap() -> None:
    defaults = inspect.signature(analytics.find_rings).parameters
    assert defaults["ring_hub_degree"].default == LIMITS.ring_hub_degree == 2_000
    assert defaults["max_people_holders"].default == LIMITS.ring_person_holders == 20
    assert defaults["max_template_holders"].default == LIMITS.ring_template_holders == 50
    assert LIMITS.hub_degree == 200  # the trace and expansion cap is another idea


def test_louvain_per_component_ignores_input_order_and_the_other_components() -> None:
    """Rings are found per connected component of the pruned ring graph: the same rings whatever
    order the seeds and ties come in, and a component's rings are those it gives on its own
    (what lets the incremental analysis recompute only the components a submission touched)."""
    world = planted_world(random.Random(5), rings_count=40)
    seeds, ties, info = world["seeds"], world["ties"], world["info"]
    # join rings pairwise by a strong tie, so Louvain has real components to split
    firms = sorted(k for k in seeds if k.startswith("firm:"))
    ties = ties + [
        tie(a, b, "SAME_PEOPLE", 2) for a, b in zip(firms[::2], firms[1::2], strict=False)
    ]

    def shape(found: list[Ring]) -> list[tuple[list[str], float, list[Any]]]:
        return [(r.members, r.score, r.edges) for r in found]

    found = rings_from_ties(seeds, ties, info, drop=world["drop"], seed=7)
    rng = random.Random(3)
    for _ in range(3):
        order = list(seeds.items())
        rng.shuffle(order)
        shuffled = rng.sample(ties, len(ties))
        again = rings_from_ties(dict(order), shuffled, info, drop=world["drop"], seed=7)
        assert shape(again) == shape(found)
    graph = prune_ring_graph(ring_graph(seeds, ties), seeds, info, drop=world["drop"])
    alone: list[Ring] = []
    for component in nx.connected_components(graph):
        own_seeds = {k: s for k, s in seeds.items() if k in component}
        own_ties = [t for t in ties if t["key"] in component and t["other"] in component]
        alone += rings_from_ties(own_seeds, own_ties, info, drop=world["drop"], seed=7)
    alone.sort(key=lambda r: (-r.score, r.members[0]))
    assert shape(alone) == shape(found)


class DictCache:
    """A ``rings.CommunityCache`` in memory, counting what it was asked."""

    def __init__(self) -> None:
        self.kept: dict[str, list[list[str]]] = {}
        self.put_count = 0

    def get(self, signatures: list[str]) -> dict[str, list[list[str]]]:
        return {s: self.kept[s] for s in signatures if s in self.kept}

    def put(self, found: dict[str, list[list[str]]]) -> None:
        self.put_count += len(found)
        self.kept.update(found)


def test_kept_communities_are_those_louvain_finds_again() -> None:
    """A component seen before takes its kept communities, equal to Louvain's; a component whose
    edge weight changed is split again, and only it."""
    generator = random.Random(3)
    graph = nx.Graph()
    for ring in range(30):
        keys = [f"phone:{ring:02d}{i}" for i in range(8)]
        for i in range(1, len(keys)):
            for j in generator.sample(range(i), min(i, 2)):
                graph.add_edge(keys[i], keys[j], weight=float(generator.randint(1, 4)), why={"X"})
    want = sorted(sorted(c) for c in rings.ring_communities(graph))
    cache = DictCache()
    assert sorted(sorted(c) for c in rings.ring_communities(graph, cache=cache)) == want
    assert cache.put_count == 30
    assert sorted(sorted(c) for c in rings.ring_communities(graph, cache=cache)) == want
    assert cache.put_count == 30  # nothing split again
    graph["phone:000"]["phone:001"]["weight"] += 5.0
    changed = sorted(sorted(c) for c in rings.ring_communities(graph, cache=cache))
    assert changed == sorted(sorted(c) for c in rings.ring_communities(graph))
    assert cache.put_count == 31
