"""Ring finding through Neo4j Graph Data Science (``graph.evidence.gds``), on a real server that
has the plugin (``make gds``, then a fresh test server): the same components as networkx, the
communities networkx's Louvain finds on a synthetic ring graph, the fixture world's rings, the
engine named in each lead's method, and no projection left behind. Skipped, saying why, where
the server has no GDS; one test checks the fallback there."""

from __future__ import annotations

import json
import random
from typing import Any

import networkx as nx
import pytest

from graph.db.store import GraphStore
from graph.evidence import gds
from graph.evidence.leads import detect
from graph.evidence.rings import REFERENCE_WEIGHT, RESOLUTION, ring_communities
from ingest.demo import load_world

NO_GDS = "the server has no Graph Data Science plugin: run `make gds` and restart the test server"


@pytest.fixture
def engine(store: GraphStore) -> gds.GdsEngine:
    found = gds.ring_engine(store)
    if found is None:
        pytest.skip(NO_GDS)
    return found


def synthetic_rings(rings: int, bridges: int, seed: int) -> nx.Graph:
    """Rings of 5–13 nodes (small worlds of heavy ties, and a leaf on a light one), ``bridges``
    light ties between random nodes, and a node alone."""
    rng = random.Random(seed)
    graph = nx.Graph()
    for ring in range(rings):
        core = nx.connected_watts_strogatz_graph(
            rng.randint(5, 12), 4, 0.3, seed=rng.randrange(2**31)
        )
        name = {node: f"r{ring}:{node}" for node in core}
        for a, b in core.edges:
            graph.add_edge(name[a], name[b], weight=float(rng.randint(2, 25)))
        graph.add_edge(f"r{ring}:leaf", name[0], weight=1.0)
    nodes = sorted(graph)
    for _ in range(bridges):
        graph.add_edge(*rng.sample(nodes, 2), weight=float(rng.randint(1, 2)))
    graph.add_node("lonely")
    nx.set_edge_attributes(graph, {edge: {"SAME_PEOPLE"} for edge in graph.edges}, "why")
    return graph


def as_sets(groups: Any) -> set[frozenset[str]]:
    return {frozenset(group) for group in groups}


def projections(store: GraphStore) -> list[str]:
    return [row["name"] for row in store.read("CALL gds.graph.list() YIELD graphName AS name")]


def test_without_gds_the_python_path_runs(store: GraphStore) -> None:
    if gds.gds_version(store) is not None:
        pytest.skip("the server has GDS; the fallback is what every other test runs without it")
    assert gds.ring_engine(store) is None
    assert gds.engine_name(store) is None


def test_gds_components_are_networkx_components(store: GraphStore, engine: gds.GdsEngine) -> None:
    graph = synthetic_rings(300, 120, seed=3)
    components, _ = engine.partition(graph, seed=7, resolution=0.5, reference_weight=1000.0)
    with_edges = graph.subgraph(n for n in graph if graph.degree(n) > 0)
    assert as_sets(components) == as_sets(nx.connected_components(with_edges))
    assert projections(store) == []  # dropped after


def test_gds_communities_agree_with_louvain_on_a_synthetic_ring_graph(
    store: GraphStore, engine: gds.GdsEngine
) -> None:
    """Leiden at the whole graph's scaled resolution maximises what Louvain maximises on each
    component alone (``graph.evidence.gds``): almost every community is the same."""
    graph = synthetic_rings(300, 120, seed=3)
    louvain = as_sets(ring_communities(graph))
    leiden = as_sets(ring_communities(graph, engine=engine))
    assert set().union(*leiden) == set(graph.nodes)
    assert sum(len(c) for c in leiden) == graph.number_of_nodes()  # a partition
    same = len(louvain & leiden) / len(louvain)
    # the one objective both maximise: modularity at the whole graph's scaled resolution
    gamma = RESOLUTION * graph.size(weight="weight") / REFERENCE_WEIGHT
    score = {
        name: nx.community.modularity(graph, found, weight="weight", resolution=gamma)
        for name, found in (("Louvain", louvain), ("Leiden", leiden))
    }
    print(
        f"{len(louvain)} Louvain communities, {len(leiden)} Leiden ones, {same:.1%} the same; "
        f"objective {score['Louvain']:.4f} / {score['Leiden']:.4f}"
    )
    assert score["Leiden"] >= score["Louvain"] - 0.01
    assert same >= 0.9
    assert abs(len(leiden) - len(louvain)) <= 0.1 * len(louvain)
    assert as_sets(ring_communities(graph, engine=engine)) == leiden  # seeded: a re-run agrees


def test_detect_on_gds_finds_the_fixture_worlds_rings_and_says_so(
    store: GraphStore, engine: gds.GdsEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_world(store)
    on_gds = detect(store)
    assert engine.name.startswith("Leiden and WCC (Neo4j GDS ")
    assert on_gds["method"]["ring_engine"] == engine.name
    method = store.read("MATCH (l:Lead) RETURN l.method_json AS method LIMIT 1")[0]["method"]
    assert engine.name in json.loads(method)["algorithm"]
    assert projections(store) == []

    monkeypatch.setattr(gds, "ring_engine", lambda _store: None)
    on_python = detect(store)
    assert on_python["method"]["ring_engine"] == "Louvain (networkx)"

    def rings(found: dict[str, Any]) -> set[tuple[str, tuple[str, ...]]]:
        return {(lead["id"], tuple(sorted(lead["entities"]))) for lead in found["leads"]}

    assert on_gds["leads"] and rings(on_gds) == rings(on_python)
