"""Tracing on a tiny hand-made graph: which hubs a capped trace sets aside and names.

Two hotlines, h1 and h2, each called by more numbers than the test's hub threshold (3 links).
a calls h1, b calls h2, and x calls both, so a and b are linked only through the hubs
(a - h1 - x - h2 - b, 4 hops); c also calls h1 (a and c meet at one hub, 2 hops); a and b are
also linked through y without a hub, in 2 hops.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.core.errors import UserError
from graph.core.limits import Limits
from graph.db.store import GraphStore
from graph.evidence.trace import find_paths, neighbourhood

HUB_CAP = Limits(hub_degree=3)
OPEN = Limits(hub_degree=10_000)

CALLS = [
    ("a", "h1"),
    ("x", "h1"),
    ("c", "h1"),
    ("f1", "h1"),
    ("x", "h2"),
    ("b", "h2"),
    ("f2", "h2"),
    ("f3", "h2"),
    ("a", "y"),
    ("y", "b"),
]


def key(name: str) -> str:
    return f"phone:{name}"


def build(store: GraphStore, calls: list[tuple[str, str, str]]) -> None:
    """Phones named by the calls (caller, called, first seen), each call with its source."""
    names = sorted({name for call in calls for name in call[:2]})
    store.write(
        "UNWIND $names AS name CREATE (:Entity:Phone {key: 'phone:' + name, e164: name})",
        names=names,
    )
    store.write(
        """
        UNWIND $calls AS call
        MATCH (s:Entity {key: 'phone:' + call[0]}), (t:Entity {key: 'phone:' + call[1]})
        CREATE (s)-[:CALLED {kind: 'fact', sources: ['sub-1#' + call[0]],
                             first_seen: call[2]}]->(t)
        """,
        calls=[list(call) for call in calls],
    )


@pytest.fixture
def graph(store: GraphStore) -> GraphStore:
    build(store, [(start, end, "2025-01-01") for start, end in CALLS])
    return store


def set_aside(result: dict[str, Any]) -> list[str]:
    return [hub["key"] for hub in result["set_aside"]]


def test_hubs_between_the_ends_are_named_even_when_a_path_avoids_them(graph: GraphStore) -> None:
    result = find_paths(graph, key("a"), key("b"), max_hops=4, limits=HUB_CAP)
    assert [p["hops"] for p in result["paths"]] == [2]
    assert [n["key"] for n in result["paths"][0]["nodes"]] == [key("a"), key("y"), key("b")]
    assert result["paths"][0]["steps"][0]["sources"] == ["sub-1#a"]
    assert sorted(set_aside(result)) == [key("h1"), key("h2")]
    assert {hub["degree"] for hub in result["set_aside"]} == {4}


def test_only_hubs_within_the_hop_limit_are_named(graph: GraphStore) -> None:
    assert set_aside(find_paths(graph, key("a"), key("b"), max_hops=3, limits=HUB_CAP)) == []
    assert set_aside(find_paths(graph, key("a"), key("b"), max_hops=1, limits=HUB_CAP)) == []


def test_ends_that_meet_at_one_hub(graph: GraphStore) -> None:
    capped = find_paths(graph, key("a"), key("c"), max_hops=2, limits=HUB_CAP)
    assert capped["paths"] == []
    assert set_aside(capped) == [key("h1")]
    walked = find_paths(graph, key("a"), key("c"), max_hops=2, limits=OPEN)
    assert [n["key"] for n in walked["paths"][0]["nodes"]] == [key("a"), key("h1"), key("c")]
    assert set_aside(walked) == []


def test_two_hubs_joined_in_the_middle(graph: GraphStore) -> None:
    capped = find_paths(graph, key("c"), key("f3"), max_hops=4, limits=HUB_CAP)
    assert capped["paths"] == []
    assert sorted(set_aside(capped)) == [key("h1"), key("h2")]
    walked = find_paths(graph, key("c"), key("f3"), max_hops=4, limits=OPEN)
    assert [p["hops"] for p in walked["paths"]] == [4]


def test_a_hub_at_an_end_is_walked_from_but_not_set_aside(graph: GraphStore) -> None:
    result = find_paths(graph, key("h1"), key("c"), max_hops=2, limits=HUB_CAP)
    assert [p["hops"] for p in result["paths"]] == [1]
    assert key("h1") not in set_aside(result)


def test_unknown_entities_are_user_errors(graph: GraphStore) -> None:
    with pytest.raises(UserError, match="phone:nobody"):
        find_paths(graph, key("a"), key("nobody"))
    with pytest.raises(UserError, match="phone:nobody"):
        neighbourhood(graph, key("nobody"))


def test_neighbourhood_lists_hubs_without_expanding_them(graph: GraphStore) -> None:
    hood = neighbourhood(graph, key("a"), hops=2, limits=HUB_CAP)
    assert set(hood.nodes) == {key("a"), key("h1"), key("y"), key("b")}
    assert [hub["key"] for hub in hood.set_aside] == [key("h1")]
    assert hood.nodes[key("a")].label == "Phone"


def test_time_order_is_a_filter_before_the_shortest_paths_are_picked(store: GraphStore) -> None:
    """Eleven 2-hop paths go back in time, one 3-hop path does not: the trace in time order
    finds the 3-hop path although the shortest paths all fail the order."""
    calls = [("a", "p", "2025-01-01"), ("p", "q", "2025-01-02"), ("q", "b", "2025-01-03")]
    for i in range(11):
        calls += [("a", f"m{i}", "2025-03-01"), (f"m{i}", "b", "2025-02-01")]
    build(store, calls)
    anyhow = find_paths(store, key("a"), key("b"), max_hops=3)
    assert [p["hops"] for p in anyhow["paths"]] == [2, 2, 2]
    in_order = find_paths(store, key("a"), key("b"), max_hops=3, time_ordered=True)
    assert [[n["key"] for n in p["nodes"]] for p in in_order["paths"]] == [
        [key("a"), key("p"), key("q"), key("b")]
    ]
    assert find_paths(store, key("a"), key("b"), time_ordered=True, max_gap_days=0)["paths"] == []
