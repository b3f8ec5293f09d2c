"""Tracing: the paths between two entities and the neighbourhood of one, explained by sources.

Every step of a path names its link type, its sources (``<submission>#<row>``) and its dates, so
an officer can check each line. Hubs (more than ``LIMITS.hub_degree`` links) are not walked
through: a lender's hotline would otherwise connect every pair. Results say which hubs were set
aside, and every query has a hop cap, a row cap and a time limit (``graph.core.limits``).

Hop counts cannot be Cypher parameters, so the queries for each allowed hop count are built once,
from constants, when this module loads; callers choose one by a validated integer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.core.errors import UserError
from graph.core.limits import LIMITS, Limits
from graph.core.model import load_model
from graph.db.store import GraphStore

HIDDEN_PROPS = {"sources", "submissions"}

_PATH_RETURN = """
RETURN [x IN nodes(p) | {key: x.key, labels: labels(x), props: properties(x)}] AS nodes,
       [x IN relationships(p) | {type: type(x), start: startNode(x).key, end: endNode(x).key,
                                 props: properties(x)}] AS links,
       length(p) AS hops
ORDER BY hops
LIMIT $k
"""

# An interior node must be an entity, not a hub, and (when asked) of the chosen labels; every
# link (when asked) of the chosen types.
_STEP = """(()-[r]-(n:Entity)
   WHERE (n.key = $b OR (COUNT { (n)--() } <= $hub_degree
                         AND ($labels IS NULL OR any(l IN labels(n) WHERE l IN $labels))))
     AND ($types IS NULL OR type(r) IN $types))"""

# Paths that follow time: each step's date no earlier than the one before, within a largest gap.
_IN_TIME_ORDER = """
WHERE all(i IN range(0, size(r) - 2) WHERE
          r[i].first_seen IS NOT NULL AND r[i + 1].first_seen IS NOT NULL
          AND left(r[i].first_seen, 10) <= left(r[i + 1].first_seen, 10)
          AND ($max_gap_days IS NULL OR duration.inDays(date(left(r[i].first_seen, 10)),
                                                        date(left(r[i + 1].first_seen, 10))).days
                                         <= $max_gap_days))
"""

_ENDPOINTS = "MATCH (a:Entity {key: $a}), (b:Entity {key: $b})\n"


def _paths_query(hops: int, time_ordered: bool, selector: str) -> str:
    path = f"(a) {_STEP}{{1,{hops}}} (b)"
    if time_ordered:
        # Inside the parentheses the order filters paths before SHORTEST picks them; a WHERE
        # after the pattern would only filter the shortest paths already picked.
        path = f"({path}{_IN_TIME_ORDER})"
    return _ENDPOINTS + f"MATCH p = {selector} {path}\n" + _PATH_RETURN


# The k shortest paths: the search goes on past the shortest length until it has max_paths
# paths or has walked every path within the hop limit.
PATH_QUERIES = {
    (hops, timed): _paths_query(hops, timed, f"SHORTEST {LIMITS.max_paths}")
    for hops in range(1, LIMITS.max_hops + 1)
    for timed in (False, True)
}
# Only the paths of the shortest length: the search stops at that length. Used when an end is a
# hub, whose thousands of links the k-shortest search would walk again at every further length
# (3-6 s at the 100k world between a phone and a hotline it calls directly; this: ~30 ms).
SHORTEST_ONLY_QUERIES = {
    (hops, timed): _paths_query(hops, timed, "ALL SHORTEST")
    for hops in range(1, LIMITS.max_hops + 1)
    for timed in (False, True)
}

# The hubs the capped search set aside: those that link a and b within the hop limit. One
# shortest-path search that may walk through hubs expands their thousands of links (~0.5 s at
# p95 for 4 hops at the 100k world, mostly between entities with no link at all). Instead each
# end finds the hubs it reaches through non-hubs (stopping at hubs, as the capped search does),
# and the two sides meet at one hub, or at two hubs joined within the hops left over (the
# shortestPath() function's bidirectional search: SHORTEST 1 took ~0.5 s between two hotlines).
_NOT_A_HUB = "COUNT { (n)--() } <= $hub_degree"
_REACHED_HUBS = """
CALL (a, b) {{
  MATCH p = SHORTEST 1 ({end}){walk}-[]-(h:Entity)
  WHERE COUNT {{ (h)--() }} > $hub_degree AND h <> a AND h <> b
  RETURN collect({{hub: h, hops: length(p)}}) AS {side}
}}
"""
_HUBS_MEET = """
UNWIND from_a AS x
UNWIND from_b AS y
WITH x.hub AS h1, y.hub AS h2, $hops - x.hops - y.hops AS spare
WHERE spare >= 0 AND (h1 = h2 OR spare > 0)
CALL (h1, h2, spare) {{
  WITH h1, h2 WHERE h1 = h2
  RETURN [h1] AS hubs
  UNION
  WITH h1, h2, spare WHERE h1 <> h2
  MATCH p = shortestPath((h1)-[*1..{middle}]-(h2))
  WITH p, spare WHERE length(p) <= spare
  RETURN [n IN nodes(p) WHERE COUNT {{ (n)--() }} > $hub_degree] AS hubs
}}
UNWIND hubs AS hub
WITH DISTINCT hub
RETURN hub.key AS key, COUNT {{ (hub)--() }} AS degree
ORDER BY degree DESC, key
"""


def _hubs_query(hops: int) -> str:
    # Up to hops - 2 steps through non-hubs, then the step onto a hub.
    walk = f" (()-[]-(n:Entity WHERE {_NOT_A_HUB})){{0,{hops - 2}}} ()" if hops > 2 else ""
    return (
        _ENDPOINTS
        + _REACHED_HUBS.format(end="a", side="from_a", walk=walk)
        + _REACHED_HUBS.format(end="b", side="from_b", walk=walk)
        + _HUBS_MEET.format(middle=max(1, hops - 2))
    )


# A path of one hop has no node in between, so no hub to set aside.
HUBS_SET_ASIDE = {hops: _hubs_query(hops) for hops in range(2, LIMITS.max_hops + 1)}

ENTITY_KEYS = """
MATCH (n:Entity) WHERE any(label IN labels(n) WHERE label IN $labels)
RETURN n.key AS key ORDER BY key
"""

ENTITIES = """
UNWIND $keys AS key
MATCH (n:Entity {key: key})
RETURN n.key AS key, COUNT { (n)--() } AS degree,
       {key: n.key, labels: labels(n), props: properties(n)} AS node
"""

NEIGHBOURS = """
UNWIND $frontier AS key
MATCH (n:Entity {key: key})-[r]-(m:Entity)
WHERE $types IS NULL OR type(r) IN $types
WITH n, r, m LIMIT $cap
RETURN n.key AS from_key,
       {type: type(r), start: startNode(r).key, end: endNode(r).key, props: properties(r)} AS link,
       {key: m.key, labels: labels(m), props: properties(m)} AS node,
       COUNT { (m)--() } AS degree
"""


@dataclass
class Node:
    key: str
    label: str
    props: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "props": self.props}


@dataclass
class Step:
    type: str
    start: str
    end: str
    kind: str | None
    sources: list[str]
    first_seen: str | None
    last_seen: str | None
    props: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "sources": self.sources,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "props": self.props,
        }


@dataclass
class Path:
    nodes: list[Node]
    steps: list[Step]

    def as_dict(self) -> dict[str, Any]:
        return {
            "hops": len(self.steps),
            "nodes": [n.as_dict() for n in self.nodes],
            "steps": [s.as_dict() for s in self.steps],
        }


@dataclass
class Subgraph:
    """Nodes and links by key; ``set_aside`` names hubs not expanded; ``truncated`` says a cap
    was reached."""

    nodes: dict[str, Node] = field(default_factory=dict)
    links: dict[tuple[str, str, str], Step] = field(default_factory=dict)
    set_aside: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "nodes": [n.as_dict() for n in self.nodes.values()],
            "links": [s.as_dict() for s in self.links.values()],
            "set_aside": self.set_aside,
            "truncated": self.truncated,
        }


def _label(labels: list[str]) -> str:
    model = load_model()
    return next((label for label in labels if label in model.nodes), labels[0] if labels else "")


def _node(raw: dict[str, Any]) -> Node:
    props = {k: v for k, v in raw["props"].items() if k not in HIDDEN_PROPS}
    return Node(raw["key"], _label(raw["labels"]), props)


def _step(raw: dict[str, Any]) -> Step:
    props = raw["props"]
    return Step(
        type=raw["type"],
        start=raw["start"],
        end=raw["end"],
        kind=props.get("kind"),
        sources=list(props.get("sources") or []),
        first_seen=props.get("first_seen"),
        last_seen=props.get("last_seen"),
        props={
            k: v
            for k, v in props.items()
            if k not in {"kind", "sources", "first_seen", "last_seen"}
        },
    )


def _require_entities(store: GraphStore, keys: list[str]) -> dict[str, dict[str, Any]]:
    """Each key's ``degree`` and raw ``node``, in one round trip; a missing key is a user error."""
    found = {row["key"]: row for row in store.read(ENTITIES, keys=keys)}
    for key in keys:
        if key not in found:
            raise UserError(f"no entity with key {key!r} (keys look like phone:+8613800138000)")
    return found


def _check_labels(labels: list[str] | None) -> list[str] | None:
    if not labels:
        return None
    model = load_model()
    unknown = [label for label in labels if label not in model.nodes]
    if unknown:
        raise UserError(f"unknown labels {unknown}; choose from {sorted(model.nodes)}")
    return labels


def _check_types(types: list[str] | None) -> list[str] | None:
    if not types:
        return None
    model = load_model()
    unknown = [t for t in types if t not in model.links]
    if unknown:
        raise UserError(f"unknown link types {unknown}; choose from {sorted(model.links)}")
    return types


def entity_keys(store: GraphStore, labels: list[str]) -> list[str]:
    """Keys of every entity with one of ``labels``, sorted (for sampling, e.g. benchmarks)."""
    return [row["key"] for row in store.read(ENTITY_KEYS, labels=_check_labels(labels))]


def find_paths(
    store: GraphStore,
    a: str,
    b: str,
    *,
    max_hops: int | None = None,
    k: int = 3,
    via_labels: list[str] | None = None,
    via_types: list[str] | None = None,
    time_ordered: bool = False,
    max_gap_days: int | None = None,
    limits: Limits = LIMITS,
) -> dict[str, Any]:
    """The ``k`` shortest paths from ``a`` to ``b`` (entity keys) within ``max_hops``.

    ``via_labels`` limits the nodes a path may pass through, ``via_types`` the link types;
    ``time_ordered`` keeps only paths whose links' dates never go back in time (calls and
    complaint chains), with at most ``max_gap_days`` between steps. Returns
    ``{"paths": [...], "set_aside": [{"key", "degree"}], "limits": {...}}``, where ``set_aside``
    names the hubs (most links first) through which ``a`` and ``b`` are linked within
    ``max_hops`` (label and type filters aside): the links the capped search did not walk.
    When ``a`` or ``b`` is itself a hub, only paths of the shortest length are searched for
    (``"search": "shortest_only"``; otherwise ``"k_shortest"``), so the answer comes in
    milliseconds rather than seconds; longer alternatives through a hub are rarely evidence.
    """
    hops = max_hops or limits.default_hops
    if not 1 <= hops <= limits.max_hops:
        raise UserError(f"--max-hops must be between 1 and {limits.max_hops}")
    if not 1 <= k <= limits.max_paths:
        raise UserError(f"at most {limits.max_paths} paths can be asked for")
    if a == b:
        raise UserError("the two entities are the same")
    ends = _require_entities(store, [a, b])
    hub_end = any(ends[key]["degree"] > limits.hub_degree for key in (a, b))
    params = {
        "a": a,
        "b": b,
        "k": k,
        "hub_degree": limits.hub_degree,
        "labels": _check_labels(via_labels),
        "types": _check_types(via_types),
        "max_gap_days": max_gap_days,
    }
    queries = SHORTEST_ONLY_QUERIES if hub_end else PATH_QUERIES
    rows = store.read(queries[(hops, time_ordered)], timeout=limits.timeout_seconds, **params)
    paths = [
        Path([_node(n) for n in row["nodes"]], [_step(s) for s in row["links"]]) for row in rows
    ]
    hubs: list[dict[str, Any]] = []
    if hops in HUBS_SET_ASIDE:
        hubs = store.read(
            HUBS_SET_ASIDE[hops],
            timeout=limits.timeout_seconds,
            a=a,
            b=b,
            hops=hops,
            hub_degree=limits.hub_degree,
        )
    return {
        "from": a,
        "to": b,
        "paths": [p.as_dict() for p in paths],
        "set_aside": hubs,
        "limits": {"max_hops": hops, "k": k, "hub_degree": limits.hub_degree},
        "search": "shortest_only" if hub_end else "k_shortest",
    }


def neighbourhood(
    store: GraphStore,
    key: str,
    *,
    hops: int = 2,
    limit: int | None = None,
    via_types: list[str] | None = None,
    limits: Limits = LIMITS,
) -> Subgraph:
    """The entities within ``hops`` links of ``key``, breadth first, at most ``limit`` nodes.

    Hubs are included as leaves but not expanded (they are listed in ``set_aside``); when the cap
    is reached the result says ``truncated``.
    """
    if not 1 <= hops <= limits.neighbourhood_hops:
        raise UserError(f"--hops must be between 1 and {limits.neighbourhood_hops}")
    cap = min(limit or limits.neighbourhood_nodes, limits.neighbourhood_nodes)
    start = _require_entities(store, [key])[key]
    degree = start["degree"]
    graph = Subgraph()
    graph.nodes[key] = _node(start["node"])
    frontier = [key]
    if degree > limits.hub_degree:
        graph.set_aside.append({"key": key, "degree": degree})
    for _ in range(hops):
        if not frontier:
            break
        rows = store.read(
            NEIGHBOURS,
            timeout=limits.timeout_seconds,
            frontier=frontier,
            types=_check_types(via_types),
            cap=cap * 4,
        )
        next_frontier = []
        for row in rows:
            link = _step(row["link"])
            other = row["node"]["key"]
            if other not in graph.nodes:
                if len(graph.nodes) >= cap:
                    graph.truncated = True
                    continue
                graph.nodes[other] = _node(row["node"])
                if row["degree"] > limits.hub_degree:
                    graph.set_aside.append({"key": other, "degree": row["degree"]})
                else:
                    next_frontier.append(other)
            graph.links[(link.start, link.type, link.end)] = link
        if len(rows) >= cap * 4:
            graph.truncated = True
        frontier = next_frontier
    return graph
