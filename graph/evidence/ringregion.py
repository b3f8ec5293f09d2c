"""Ring finding local to the region a submission can change, exact: the rings of the region's
components found again, every other component's rings as they were.

**The kept ring index.** Each ring finding over every seed (``detect``, or an analysis that scores
the world) writes, and each analysis of a region rewrites for the region:

* a ``RingNode`` for every node of the ring graph before pruning (every seed, every node a
  seed's ties name, every handle tied): ``seed``, ``component`` (the smallest key of its
  connected component in the pruned graph, null when pruning took it out) and, for a name-only
  firm, ``ambiguous`` (whether it was left out as such);
* ``(seed)-[:RING_TIES]->(node)`` for each tie of a seed (before pruning);
* ``(node)-[:RING_HOLDS]->(:RingItem)``: the people and template clusters each seed holds
  (``seed_ties``' items, key ``people|…``, ``templates|…``) and the handles each node's texts give
  (``contact_ties``' items, ``handles|…``). Holder counts are read from them by key.

**The changed entities** ``X`` of one analysis: the entities re-scored (their score, hence their
seed status and templates, may have changed), those whose kept ring facts were forgotten
(``ringfacts.stale_keys``: the only entities whose ties, people, handles or mentions can have
changed) — which include every key the submission wrote, so every node whose degree (links
facts state, ``analytics.ENTITY_INFO``: a lead's INVOLVES and alliance matches do not count) or
phone type changed — and the name-only firms of the index whose ambiguity changed (read again for
all of them: they are few).

**The region** ``R``: a set of components of the old pruned graph, closed under:

1. the components of every node of ``X``, and of every seed that tied one (``RING_TIES``);
2. the component of every node a changed seed (one of ``X`` that is a seed now or was one) now
   ties or is tied by (before pruning), and so of every seed outside it that one of them now
   calls;
3. for each item (person, template cluster, handle) whose holders or whose ties may have changed
   and that is not generic both before and after (more holders than its threshold): the
   components of all its holders, of the seeds that tie a non-seed holder, and of the handle.
   Those items are: the people and handles a changed node holds before or now but not both;
   all its template clusters before and now (two seeds' template tie reads how many of each
   one's complaints each cluster holds, and how many complaints each has); everything held by a
   node that became or stopped being a seed, or that a changed seed tied before or ties now but
   not both (it may have joined or left the ring graph, whose nodes' texts count as a handle's
   own); and every handle of ``X`` (a handle a submission names has new mentions, which each
   tie through it reads). A person or handle a changed node holds before and after, with the
   same holders, ties the same seeds as before.

Ring finding then runs on the region's seeds alone, with each item's holder count being its
holders outside the region (from the index) plus those inside, and a handle's own texts
including those of the ring graph's nodes outside the region that give it. Why that gives the
components, and so the rings, a full ``detect`` finds: a seed outside ``R`` is not in ``X``, so
its score, ties, people, templates and handles are those the index was written from; a node
outside ``R`` is not in ``X`` either, so its degree, kind and ambiguity are too. An edge of the
new pruned graph between a region seed and a node outside the region would be a tie of a
changed seed (rule 2 brings its component in) or an item tie: two seeds sharing people or
templates, or a seed and a handle — whose weight changes only when an item's holders or status
changed, which needs a changed holder (rule 3) — and otherwise existed before with the same
weight, so it was kept before as it is now and both ends were in one old component (an
unchanged seed's tie to another component was pruned then and is pruned now: rule 2 need not
follow it). Conversely, an edge between two nodes outside the region has all its facts and
thresholds unchanged. So no edge leaves the region, the region's components are the new graph's
components that hold its nodes (components merge and split inside it), and the components
outside it are unchanged, with the same Louvain communities (``rings.ring_communities``: a
component's communities depend on it alone). Only the region's candidate leads are written or
retired (``graph.evidence.incremental``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.core.limits import LIMITS
from graph.db.store import GraphStore
from graph.evidence import gds, ringfacts, scorestate
from graph.evidence.analytics import (
    Beyond,
    RingData,
    ambiguous_name_firms,
    contact_rows,
    is_contact_key,
    read_ring_data,
)
from graph.evidence.rings import (
    Ring,
    prune_ring_graph,
    ring_communities,
    ring_graph,
    rings_from_communities,
    select_seeds,
    tied_keys,
)

VERSION = "rings-2026.12.1"
BATCH = 5_000
# An item more holders than this hold ties nobody (``rings.seed_ties``, ``rings.contact_ties``).
THRESHOLDS = {
    "people": LIMITS.ring_person_holders,
    "templates": LIMITS.ring_template_holders,
    "handles": LIMITS.ring_contact_holders,
}

READ_STATE = "MATCH (m:RingIndex {id: 'rings'}) RETURN m.version AS version"
WRITE_STATE = "MERGE (m:RingIndex {id: 'rings'}) SET m.version = $version"
FORGET_STATE = "MATCH (m:RingIndex {id: 'rings'}) DELETE m"
FORGET_INDEX = """
MATCH (n:RingNode|RingItem)
CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
"""

NODES = """
UNWIND $keys AS key
MATCH (n:RingNode {key: key})
RETURN n.key AS key, n.seed AS seed, n.component AS component, n.ambiguous AS ambiguous
"""
COMPONENT_NODES = """
UNWIND $components AS component
MATCH (n:RingNode {component: component})
RETURN n.key AS key, n.seed AS seed, n.component AS component, n.ambiguous AS ambiguous
"""
NAME_ONLY = """
MATCH (n:RingNode) WHERE n.key STARTS WITH 'firm:name:'
RETURN n.key AS key, coalesce(n.ambiguous, false) AS ambiguous
"""
SEED_COUNT = "MATCH (n:RingNode) WHERE n.seed RETURN count(n) AS n"
# The components of the seeds that tie any of ``$keys`` (before pruning). Like the reads below,
# one row a batch or a key, with lists or counts: at 1M complaints the region's reads fetched
# 190,000 rows, one a (key, item) pair, and the driver's work per row was most of their time.
TYING = """
UNWIND $keys AS key
MATCH (:RingNode {key: key})<-[:RING_TIES]-(s:RingNode)
WHERE s.component IS NOT NULL
RETURN collect(DISTINCT s.component) AS components
"""
TIED_BY = """
UNWIND $keys AS key
MATCH (:RingNode {key: key})-[:RING_TIES]->(n:RingNode)
RETURN key, collect(n.key) AS nodes
"""
HOLDINGS = """
UNWIND $keys AS key
MATCH (:RingNode {key: key})-[:RING_HOLDS]->(i:RingItem)
RETURN key, collect(i.key) AS items
"""
# How many seeds hold each item, and how many of them are not among ``$inside``.
HOLDER_COUNTS = """
UNWIND $items AS item
MATCH (i:RingItem {key: item})
RETURN collect(item) AS items,
       collect(COUNT { (i)<-[:RING_HOLDS]-(n:RingNode) WHERE n.seed }) AS seeds,
       collect(COUNT { (i)<-[:RING_HOLDS]-(n:RingNode) WHERE n.seed AND NOT n.key IN $inside })
         AS outside
"""
# The components of every holder of the items, and of the seeds that tie a holder not a seed.
HOLDER_COMPONENTS = """
UNWIND $items AS item
MATCH (:RingItem {key: item})<-[:RING_HOLDS]-(n:RingNode)
WITH DISTINCT n
CALL (n) {
  WITH n WHERE n.component IS NOT NULL
  RETURN n.component AS component
  UNION
  WITH n WHERE NOT coalesce(n.seed, false)
  MATCH (n)<-[:RING_TIES]-(s:RingNode) WHERE s.component IS NOT NULL
  RETURN s.component AS component
}
RETURN collect(DISTINCT component) AS components
"""
# The nodes not among ``$nodes`` whose texts give a handle of ``$items`` and that are seeds not
# among ``$inside`` or that such a seed ties.
GIVERS = """
UNWIND $items AS item
MATCH (:RingItem {key: item})<-[:RING_HOLDS]-(n:RingNode)
WHERE NOT n.key IN $nodes
  AND ((n.seed AND NOT n.key IN $inside)
       OR EXISTS { (n)<-[:RING_TIES]-(s:RingNode) WHERE NOT s.key IN $inside })
RETURN collect(DISTINCT n.key) AS keys
"""

# Writing the index for a set of nodes (``$rows``: ``[{key, seed, component, ambiguous}]``).
# What each of ``$keys`` ties and holds: only the links that changed are written.
LINKS = """
UNWIND $keys AS key
MATCH (n:RingNode {key: key})
RETURN key, [(n)-[:RING_TIES]->(m:RingNode) | m.key] AS nodes,
       [(n)-[:RING_HOLDS]->(i:RingItem) | i.key] AS items
"""
DROP_TIES = """
UNWIND $rows AS row
MATCH (:RingNode {key: row.key})-[r:RING_TIES]->(n:RingNode)
WHERE n.key IN row.nodes
DELETE r
"""
DROP_HOLDS = """
UNWIND $rows AS row
MATCH (:RingNode {key: row.key})-[r:RING_HOLDS]->(i:RingItem)
WHERE i.key IN row.items
DELETE r
"""
WRITE_NODES = """
UNWIND $rows AS row
MERGE (n:RingNode {key: row.key})
SET n.seed = row.seed, n.component = row.component, n.ambiguous = row.ambiguous
"""
WRITE_TIES = """
UNWIND $rows AS row
MATCH (s:RingNode {key: row.key})
UNWIND row.nodes AS node
MATCH (n:RingNode {key: node})
MERGE (s)-[:RING_TIES]->(n)
"""
WRITE_HOLDS = """
UNWIND $rows AS row
MATCH (n:RingNode {key: row.key})
UNWIND row.items AS item
MERGE (i:RingItem {key: item})
MERGE (n)-[:RING_HOLDS]->(i)
"""
# An old node of the region no longer in its graph: kept (not a seed, in no component) while a
# seed outside the region ties it, else deleted.
RETIRE = """
UNWIND $keys AS key
MATCH (n:RingNode {key: key})
CALL (n) {
  WITH n WHERE EXISTS { (n)<-[:RING_TIES]-() }
  SET n.seed = false, n.component = null
  RETURN 1 AS kept
  UNION
  WITH n WHERE NOT EXISTS { (n)<-[:RING_TIES]-() }
  DETACH DELETE n
  RETURN 0 AS kept
}
RETURN count(*) AS n
"""


@dataclass
class Found:
    """Rings found over every seed or over a region: the rings, how many seeds there are in all
    and in the region, the old candidate leads' nodes of the region (``nodes``: the keys whose
    leads may have to go stale), and how many entities' facts were read from the database."""

    rings: list[Ring]
    seeds: int
    region_seeds: int
    nodes: list[str] = field(default_factory=list)
    reads: int = 0
    contact_hubs: dict[str, str] = field(default_factory=dict)


def _batched(
    store: GraphStore, query: str, name: str, values: list[Any], **params: Any
) -> list[dict[str, Any]]:
    """``query`` read over ``values`` as the parameter ``name``, ``BATCH`` at a time."""
    rows: list[dict[str, Any]] = []
    for start in range(0, len(values), BATCH):
        batch: dict[str, Any] = {name: values[start : start + BATCH], **params}
        rows += store.read(query, **batch)
    return rows


def _write(store: GraphStore, query: str, name: str, values: list[Any]) -> None:
    for start in range(0, len(values), BATCH):
        store.write(query, **{name: values[start : start + BATCH]})


class _Nodes:
    """The kept index's rows of nodes (``NODES``: key, seed, component, ambiguous), each read
    once by one region's ring finding: the index does not change until ``_write_index`` writes
    it, so a row read in an earlier round (or by ``COMPONENT_NODES``) is the row now."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.known: dict[str, dict[str, Any] | None] = {}

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        self.known.update((row["key"], row) for row in rows)

    def rows(self, keys: Iterable[str]) -> list[dict[str, Any]]:
        """The rows of those of ``keys`` the index holds, in the order of ``keys``."""
        keys = list(keys)
        unread = [key for key in dict.fromkeys(keys) if key not in self.known]
        self.known.update(dict.fromkeys(unread))
        self.add(_batched(self.store, NODES, "keys", unread))
        return [row for row in (self.known[key] for key in keys) if row is not None]

    def of_components(self, components: list[str]) -> list[dict[str, Any]]:
        """The rows of every node of ``components`` (``COMPONENT_NODES``)."""
        rows = _batched(self.store, COMPONENT_NODES, "components", components)
        self.add(rows)
        return rows


def _collected(
    store: GraphStore, query: str, name: str, values: list[Any], **params: Any
) -> set[str]:
    """The union of the one list column a batched read returns in each row (``TYING``,
    ``GIVERS``, ``HOLDER_COMPONENTS``)."""
    found: set[str] = set()
    for row in _batched(store, query, name, values, **params):
        found.update(*row.values())
    return found


def _holder_counts(
    store: GraphStore, items: list[str], inside: list[str]
) -> dict[str, tuple[int, int]]:
    """Each item's seed holders in the index (``HOLDER_COUNTS``): how many in all and how many
    not among ``inside``; an item the index does not hold is left out."""
    found: dict[str, tuple[int, int]] = {}
    for row in _batched(store, HOLDER_COUNTS, "items", items, inside=inside):
        found.update(zip(row["items"], zip(row["seeds"], row["outside"], strict=True), strict=True))
    return found


def is_current(store: GraphStore) -> bool:
    """Whether the kept ring index was written by this version (else the rings are found over
    every seed, and the index written whole)."""
    row = store.read_one(READ_STATE)
    return bool(row and row["version"] == VERSION)


def forget(store: GraphStore) -> None:
    """Drop the kept ring index: the next analysis finds the rings over every seed."""
    store.write(FORGET_STATE)
    store.run_autocommit(FORGET_INDEX)


def _graph(data: RingData, hub_degree: int) -> nx.Graph:
    graph = ring_graph(data.seeds, data.ties)
    return prune_ring_graph(graph, data.seeds, data.info, drop=data.drop, hub_degree=hub_degree)


def _rings(data: RingData, graph: nx.Graph, seed: int, kept: bool, store: GraphStore) -> list[Ring]:
    cache = ringfacts.KeptCommunities(store) if kept else None
    communities = ring_communities(graph, seed=seed, cache=cache, engine=gds.ring_engine(store))
    labels = {key: row.get("label") for key, row in data.info.items()}
    return rings_from_communities(graph, communities, data.seeds, labels)


def full_rings(
    store: GraphStore,
    *,
    min_seed_score: float,
    min_agent_share: float,
    contact_ties: bool,
    seed: int,
    hub_degree: int = LIMITS.ring_hub_degree,
) -> Found:
    """The rings over every seed of the kept scores, as ``detect`` finds them, and the ring index
    written whole."""
    scores = scorestate.seed_candidates(store, min_score=min_seed_score)
    data = read_ring_data(
        store,
        scores,
        min_seed_score=min_seed_score,
        min_agent_share=min_agent_share,
        contact_ties=contact_ties,
        kept=True,
    )
    graph = _graph(data, hub_degree)
    rings = _rings(data, graph, seed, True, store) if data.seeds else []
    forget(store)
    _write_index(store, data, graph, old=[], index=_Nodes(store))
    store.write(WRITE_STATE, version=VERSION)
    return Found(rings, len(data.seeds), len(data.seeds), [], data.reads, data.contact_hubs)


def _components(graph: nx.Graph) -> dict[str, str]:
    """Each node of the pruned graph to its component's smallest key."""
    found = {}
    for component in nx.connected_components(graph):
        name = min(component)
        found.update(dict.fromkeys(component, name))
    return found


def _holdings(data: RingData, keys: Iterable[str]) -> dict[str, set[str]]:
    """The items each of ``keys`` holds in ``data`` (people and templates of a seed, handles its
    texts give), as ``kind|item``."""
    found: dict[str, set[str]] = {}
    for key in keys:
        items = set()
        if key in data.seeds:
            items |= {f"people|{p}" for p in data.people.get(key, [])}
            items |= {f"templates|{t}" for t in data.seeds[key].templates}
        items |= {f"handles|{row['other']}" for row in data.given.get(key, [])}
        found[key] = items
    return found


def _write_index(
    store: GraphStore, data: RingData, graph: nx.Graph, old: list[str], index: _Nodes
) -> None:
    """Write the index for the nodes of ``data``'s ring graph (before pruning): the region's
    seeds before (those of ``old``, the region's old nodes) and now tie and hold what ``data``
    says, its other nodes give the handles ``data`` says. Only what differs from the index is
    written: the nodes' rows unlike those read before (``index``) and the links added or gone
    (``LINKS``). Old nodes no longer in the graph are retired (``RETIRE``)."""
    inside = set(old) | set(data.seeds)
    tied = tied_keys(data.seeds, data.ties)
    before = {row["key"]: row for row in index.rows(k for k in tied if k not in inside)}
    # a seed outside the region, or a node of a component outside it, that a region seed ties
    # through a tie pruned before and now (module, rule 2): its row is its own component's
    nodes = [
        key
        for key in tied
        if key in inside
        or key not in before
        or not (before[key]["seed"] or before[key]["component"])
    ]
    components = _components(graph)
    dropped = set(data.drop)
    seeds_before = [row["key"] for row in index.rows(old) if row["seed"]]
    # the region's seeds before and now: every tie and holding rewritten; its other nodes:
    # the handles their texts give
    owners = set(seeds_before) | set(data.seeds)
    ties: dict[str, set[str]] = {key: set() for key in owners}
    for tie in data.ties:
        if tie["other"] is not None:
            ties[tie["key"]].add(tie["other"])
    holds = _holdings(data, nodes)
    holds.update((key, holds.get(key, set())) for key in owners)
    before_ties: dict[str, set[str]] = {}
    before_holds: dict[str, set[str]] = {}
    for row in _batched(store, LINKS, "keys", sorted(holds)):
        mine = row["key"] in owners
        if mine:
            before_ties[row["key"]] = set(row["nodes"])
        before_holds[row["key"]] = {i for i in row["items"] if mine or i.startswith("handles|")}
    _write(store, DROP_TIES, "rows", _links(before_ties, ties, "nodes"))
    _write(store, DROP_HOLDS, "rows", _links(before_holds, holds, "items"))
    rows = [
        {
            "key": key,
            "seed": key in data.seeds,
            "component": components.get(key),
            "ambiguous": key in dropped if key.startswith("firm:name:") else None,
        }
        for key in nodes
    ]
    known = {row["key"]: row for row in index.rows(nodes)}
    _write(store, WRITE_NODES, "rows", [row for row in rows if known.get(row["key"]) != row])
    _write(store, WRITE_TIES, "rows", _links(ties, before_ties, "nodes"))
    _write(store, WRITE_HOLDS, "rows", _links(holds, before_holds, "items"))
    _write(store, RETIRE, "keys", sorted(set(old) - set(nodes)))


def _links(
    links: dict[str, set[str]], without: dict[str, set[str]], name: str
) -> list[dict[str, Any]]:
    """``[{key, <name>}]``: each key's ``links`` that are not among its ``without``."""
    rows = []
    for key, ends in sorted(links.items()):
        if wanted := sorted(ends - without.get(key, set())):
            rows.append({"key": key, name: wanted})
    return rows


def _changed_ambiguity(store: GraphStore) -> set[str]:
    """The name-only firms of the index whose ambiguity is no longer what the index says."""
    rows = store.read(NAME_ONLY)
    now = set(ambiguous_name_firms(store, [row["key"] for row in rows]))
    return {row["key"] for row in rows if row["ambiguous"] != (row["key"] in now)}


def region_rings(
    store: GraphStore,
    changed: Iterable[str],
    *,
    min_seed_score: float,
    min_agent_share: float,
    contact_ties: bool,
    seed: int,
    hub_degree: int = LIMITS.ring_hub_degree,
) -> Found | None:
    """The rings of the region the ``changed`` entities can change (see the module), and the
    index rewritten for it; None when the index is not current (find them over every seed)."""
    if not is_current(store):
        return None
    changed_set = set(changed) | _changed_ambiguity(store)
    keys = sorted(changed_set)
    index = _Nodes(store)
    old = {row["key"]: row for row in index.rows(keys)}
    scored = {s.key: s for s in scorestate.scores_of(store, keys)}
    new_seeds = set(select_seeds(scored.values(), min_seed_score=min_seed_score,
                                 min_agent_share=min_agent_share))  # fmt: skip
    was_seeds = {k for k, row in old.items() if row["seed"]}
    changed_seeds = new_seeds | was_seeds
    components = {row["component"] for row in old.values() if row["component"]}
    components |= _collected(store, TYING, "keys", keys)
    old_tied = defaultdict(set)
    for row in _batched(store, TIED_BY, "keys", sorted(changed_seeds)):
        old_tied[row["key"]].update(row["nodes"])
    old_holdings: dict[str, set[str]] = defaultdict(set)
    seen_items: set[str] = set()
    extra = set(changed_seeds)  # seeds of the region in no component: dropped, or new
    memo: dict[str, dict[str, Any]] = {}  # facts read by an earlier round
    old_nodes: list[dict[str, Any]] = []
    read_components: set[str] = set()
    while True:
        old_nodes += index.of_components(sorted(components - read_components))
        read_components |= components
        candidates = sorted({row["key"] for row in old_nodes if row["seed"]} | extra)
        unscored = [key for key in candidates if key not in scored]
        scored.update((s.key, s) for s in scorestate.scores_of(store, unscored))
        scores = sorted(
            (scored[key] for key in candidates if key in scored), key=lambda s: (-s.score, s.key)
        )
        data = read_ring_data(
            store,
            scores,
            min_seed_score=min_seed_score,
            min_agent_share=min_agent_share,
            contact_ties=contact_ties,
            kept=True,
            beyond=_beyond(store, candidates, index, memo),
            memo=memo,
        )
        nodes = tied_keys(data.seeds, data.ties)
        # rule 2: only a changed seed's ties can be new (any other tie and its weight are as
        # the index was written from, so its edge was kept or pruned as it is now)
        reached = index.rows(_changed_ends(data.ties, changed_seeds))
        more = {
            row["component"]
            for row in reached
            if row["component"] and row["component"] not in components
        }
        # a seed left out of every component (an ambiguous name-only firm) that the region ties
        outside_seeds = {row["key"] for row in reached if row["seed"]} - set(candidates)
        # rule 3: the items of the changed nodes
        new_tied = {
            tie["other"]
            for tie in data.ties
            if tie["key"] in changed_seeds and tie["other"] is not None
        }
        was_tied = {n for s in changed_seeds for n in old_tied[s]}
        touched_nodes = changed_set | new_tied | was_tied
        unread = sorted(touched_nodes - old_holdings.keys())
        for key in unread:
            old_holdings[key] = set()
        for row in _batched(store, HOLDINGS, "keys", unread):
            old_holdings[row["key"]].update(row["items"])
        in_graph = set(nodes)
        new_holdings = _holdings(data, [k for k in touched_nodes if k in in_graph])
        # every item of a node that became or stopped being a seed, or that a changed seed
        # tied before or ties now and not both (it may have joined or left the ring graph)
        whole = (new_seeds ^ was_seeds) | (new_tied ^ was_tied)
        items = _changed_items(old_holdings, new_holdings, touched_nodes, whole)
        items |= {f"handles|{key}" for key in changed_set if is_contact_key(key)}
        fresh = sorted(items - seen_items)
        seen_items |= items
        more |= _item_components(store, fresh, data, candidates, index) - components
        if not more and not outside_seeds:
            break
        components |= more
        extra |= outside_seeds
    graph = _graph(data, hub_degree)
    rings = _rings(data, graph, seed, True, store) if data.seeds else []
    old_keys = sorted({row["key"] for row in old_nodes} | extra)
    _write_index(store, data, graph, old=old_keys, index=index)
    total = store.read_one(SEED_COUNT)
    return Found(
        rings,
        int(total["n"]) if total else 0,
        len(data.seeds),
        sorted(set(old_keys) | set(nodes)),
        data.reads,
        data.contact_hubs,
    )


def _changed_items(
    old: dict[str, set[str]], new: dict[str, set[str]], nodes: Iterable[str], whole: set[str]
) -> set[str]:
    """Rule 3's items: of each of ``nodes``, the people and handles it holds before or now but
    not both, every template cluster it holds before or now (a template tie reads how many of
    each seed's complaints each cluster holds, and how many complaints the seed has: counts the
    index does not keep), and everything it holds before or now when in ``whole``."""
    found: set[str] = set()
    for key in nodes:
        before, after = old.get(key, set()), new.get(key, set())
        if key in whole:
            found |= before | after
            continue
        found |= {item for item in before ^ after if not item.startswith("templates|")}
        found |= {item for item in before | after if item.startswith("templates|")}
    return found


def _changed_ends(ties: Iterable[dict[str, Any]], changed_seeds: set[str]) -> list[str]:
    """Both ends of every tie at one of ``changed_seeds`` (rule 2 of the module), sorted."""
    return sorted(
        {
            end
            for tie in ties
            if tie["other"] is not None
            and (tie["key"] in changed_seeds or tie["other"] in changed_seeds)
            for end in (tie["key"], tie["other"])
        }
    )


def _item_components(
    store: GraphStore, items: list[str], data: RingData, candidates: list[str], index: _Nodes
) -> set[str]:
    """Rule 3 of the module for ``items`` (``kind|item``): the components of the holders of each
    item not generic both before (the index's seed holders) and after (those outside the region
    and the region's own), of the seeds tying a non-seed holder, and of a handle's own node."""
    if not items:
        return set()
    counts = _holder_counts(store, items, candidates)
    now: dict[str, int] = defaultdict(int)
    for held in _holdings(data, data.seeds).values():
        for item in held:
            now[item] += 1
    wanted = []
    handles = []
    for item in items:
        kind, _, value = item.partition("|")
        before, outside = counts.get(item, (0, 0))
        if min(before, outside + now.get(item, 0)) > THRESHOLDS[kind]:
            continue  # generic before and after: ties nobody either way
        wanted.append(item)
        if kind == "handles":
            handles.append(value)
    found = _collected(store, HOLDER_COMPONENTS, "items", wanted)
    return found | {row["component"] for row in index.rows(handles) if row["component"]}


def _beyond(
    store: GraphStore,
    region_seeds: list[str],
    index: _Nodes,
    memo: dict[str, dict[str, Any]] | None = None,
) -> Beyond:
    """What ``read_ring_data`` needs about the seeds outside the region (``analytics.Beyond``),
    read from the index by key; ``region_seeds``: the region's seeds before and after."""

    def seeds_among(keys: list[str]) -> set[str]:
        return {row["key"] for row in index.rows(keys) if row["seed"]}

    def holders(kind: str, items: list[str]) -> dict[str, int]:
        counts = _holder_counts(store, [f"{kind}|{i}" for i in items], region_seeds)
        return {item.partition("|")[2]: outside for item, (_, outside) in counts.items()}

    def subjects(handles: list[str], nodes: list[str]) -> dict[str, set[str]]:
        # the givers outside the region's nodes that are seeds or that a seed outside ties
        items = [f"handles|{h}" for h in handles]
        givers = sorted(_collected(store, GIVERS, "items", items, nodes=nodes, inside=region_seeds))
        given, _ = ringfacts.read_kept(
            store,
            "contacts",
            givers,
            lambda keys: contact_rows(store, keys),
            kept=True,
            empty=[],
            memo=memo,
        )
        wanted = set(handles)
        found: dict[str, set[str]] = defaultdict(set)
        for key in givers:
            for row in given[key]:
                if row["other"] in wanted:
                    found[row["other"]].update(row["subjects"])
        return dict(found)

    return Beyond(seeds_among, holders, subjects)
