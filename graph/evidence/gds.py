"""Ring communities on the server, through Neo4j Graph Data Science, when the server has it.

``ring_engine`` asks the server ``CALL gds.version()``; when it answers, ring finding
(``rings.ring_communities``) takes the connected components and communities of the pruned ring
graph from GDS instead of networkx: the graph, built in Python (some of its ties, shared people
and templates, exist nowhere in the database), is sent as parameters and projected with GDS's
Cypher aggregation under a fresh name, its weakly connected components (``gds.wcc``) and Leiden
communities (``gds.leiden``, weighted, seeded, one thread so a re-run gives the same rings) are
streamed back, and the projection is dropped.

Leiden runs once over the whole graph, where Louvain ran on each component alone with the
resolution ``resolution * w / reference_weight`` (``rings.REFERENCE_WEIGHT``). A community never
spans two components, so whole-graph modularity at ``gamma = resolution * W / reference_weight``
(``W`` the whole graph's weight) is, component by component, the very sum networkx's Louvain
maximises there: the two engines maximise one objective and differ only in the optimum their
heuristic finds (``tests/graph/test_gds.py`` states the agreement). What a component's rings
depend on is then the engine too: ``component_signature`` includes it, so kept communities are
not taken across engines.

Without GDS (a server that lacks the plugin, or where the procedures are not allowed), the
Python path runs as before. ``make gds`` adds the GDS Community plugin (GPLv3) to the local
server; see docs/scale.md.
"""

from __future__ import annotations

import uuid
from typing import Any

import networkx as nx

from graph.db.store import GraphStore

VERSION = "CALL gds.version() YIELD gdsVersion RETURN gdsVersion AS version"

# ``$edges``: ``[[a, b, weight]]`` with ``a``, ``b`` the integer ids of the ring graph's nodes
# (``GdsEngine.partition`` numbers them); each undirected edge once.
PROJECT = """
UNWIND $edges AS edge
WITH gds.graph.project($name, edge[0], edge[1],
       {relationshipProperties: {weight: edge[2]}},
       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
"""

# Grouped on the server: a row a group, not a row a node (36,000 rows through the driver took 5 s
# at the 1M world's ring graph size, 3,000 groups 1 s).
WCC = """
CALL gds.wcc.stream($name, {concurrency: 1})
YIELD nodeId, componentId
RETURN componentId AS part, collect(nodeId) AS nodes
"""

LEIDEN = """
CALL gds.leiden.stream($name, {relationshipWeightProperty: 'weight', gamma: $gamma,
                              randomSeed: $seed, concurrency: 1})
YIELD nodeId, communityId
RETURN communityId AS part, collect(nodeId) AS nodes
"""

DROP = "CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName"


def gds_version(store: GraphStore) -> str | None:
    """The server's GDS version, or None when it has no GDS (or may not run its procedures)."""
    try:
        row = store.read_one(VERSION)
    except Exception:  # an unknown procedure is a client error; any failure means no GDS
        return None
    return str(row["version"]) if row else None


class GdsEngine:
    """Components and communities of a ring graph from the server's GDS (``rings.CommunityEngine``)."""

    def __init__(self, store: GraphStore, version: str) -> None:
        self.store = store
        self.name = f"Leiden and WCC (Neo4j GDS {version})"

    def partition(
        self, graph: nx.Graph, *, seed: int, resolution: float, reference_weight: float
    ) -> tuple[list[list[str]], list[set[str]]]:
        """The connected components (sorted keys) and the communities of ``graph``'s nodes that
        have an edge; the nodes without one are the caller's (each a component of its own)."""
        keys = sorted(n for n in graph.nodes if graph.degree(n) > 0)
        if not keys:
            return [], []
        number = {key: i for i, key in enumerate(keys)}
        edges = sorted(
            [number[min(a, b)], number[max(a, b)], float(w)]
            for a, b, w in graph.edges(data="weight")
        )
        gamma = resolution * graph.size(weight="weight") / reference_weight
        name = f"leadgraph-rings-{uuid.uuid4().hex}"
        self.store.write(PROJECT, name=name, edges=edges)
        try:
            components = self._groups(WCC, keys, name=name)
            communities = self._groups(LEIDEN, keys, name=name, gamma=gamma, seed=seed)
        finally:
            self.store.write(DROP, name=name)
        return [sorted(c) for c in components], communities

    def _groups(self, query: str, keys: list[str], **params: Any) -> list[set[str]]:
        return [{keys[node] for node in row["nodes"]} for row in self.store.read(query, **params)]


def ring_engine(store: GraphStore) -> GdsEngine | None:
    """GDS when the server answers ``gds.version()``, else None (networkx's Louvain)."""
    version = gds_version(store)
    return GdsEngine(store, version) if version else None


def engine_name(store: GraphStore) -> str | None:
    """The name ``ring_engine`` records in each lead's method: GDS's, or None for networkx."""
    engine = ring_engine(store)
    return engine.name if engine else None
