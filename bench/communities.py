"""Ring communities: networkx's Louvain, as ``find_rings`` runs it, against igraph's Leiden.

The graph is a ring graph of the 1M world's size (about 36,000 nodes and 49,000 edges), made
here with a seed after the shape of the 100k world's real one (``synthetic_ring_graph``):
``--rings`` small dense communities of 5–13 nodes joined by ``--bridges`` sparse light ties.
``--from-db`` takes instead the real ring graph of the world loaded in the benchmark database
(``bench/detect.py`` leaves the last world it ran loaded) — the seeds, ties and node facts
``read_ring_data`` reads, pruned as ``rings_from_ties`` prunes them — or ``--copies`` disjoint
copies of it.

Timed, median of ``--repeats`` runs each, same graph, same process:

* Louvain — ``graph.evidence.rings.ring_communities`` (networkx, weight, resolution 0.5, seeded);
* Leiden (leidenalg) — ``leidenalg.find_partition`` with ``RBConfigurationVertexPartition`` (the
  same objective: modularity at resolution 0.5), seeded, the conversion to igraph included;
* Leiden (igraph) — ``igraph.Graph.community_leiden(objective_function="modularity")``, igraph's
  own implementation (no leidenalg), conversion included;
* the conversion from networkx to igraph alone.

Then, for each method: communities, modularity (resolution 0.5, networkx's definition), the
adjusted Rand index against Louvain's partition and the share of Louvain's communities found
identically, and the adjusted Rand index against the planted rings (synthetic) or the connected
components (``--from-db``: at the 100k world each ring is a component of its own).
Not a test: a script a person runs; it prints one table.

Measured (2 shared cores, load average 11–13, median of 3, CPU time in brackets): synthetic,
36,256 nodes and 49,549 edges — Louvain 12.3 s (4.5 s), leidenalg 7.7 s (2.7 s), igraph's Leiden
0.8 s (0.3 s), all three 3,007 communities of modularity 0.9997, the Leiden ones 99.9% the same
as Louvain's (adjusted Rand index 0.997); the 100k world's real ring graph in ten copies, 37,290
nodes and 62,290 edges — Louvain 8.3 s (2.7 s), leidenalg 6.7 s (2.4 s), igraph 0.7 s (0.2 s), all
the same 4,000 rings. A few seconds of detect's 90–130 s at 1M: LeadGraph keeps networkx's
Louvain and does not depend on python-igraph or leidenalg.

    .venv/bin/python bench/communities.py [--rings 4000] [--bridges 1000] [--repeats 3] [--seed 7]
    .venv/bin/python bench/communities.py --from-db [--copies 10]
    .venv/bin/python bench/communities.py --gds   # + Leiden on the benchmark server's GDS

``--gds`` adds ``ring_communities`` with the GDS engine (``graph.evidence.gds``: the graph sent
as parameters, projected, WCC and Leiden streamed back, dropped), timed end to end from Python;
its CPU column is this process's only (the server's is not counted). It needs a server with the
plugin (``make gds``; ``LEADGRAPH_HOME`` / ``NEO4J_URI`` name it as for ``--from-db``).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx
from common import bench_store

from graph.evidence import gds
from graph.evidence.analytics import read_ring_data, score_entities
from graph.evidence.rings import RESOLUTION, prune_ring_graph, ring_communities, ring_graph

# Not LeadGraph's dependencies (this measure is why): `.venv/bin/pip install python-igraph
# leidenalg` to run the Leiden rows; without them only Louvain is timed.
try:
    import igraph as ig
except ImportError:
    ig = None  # type: ignore[assignment]
try:
    import leidenalg as la
except ImportError:
    la = None  # type: ignore[assignment]

Partition = list[set[str]]


def synthetic_ring_graph(rings: int, bridges: int, seed: int) -> tuple[nx.Graph, dict[str, int]]:
    """A ring graph and the planted ring of each node.

    Shaped after the 100k world's real ring graph (400 rings, each its own component of 5–17
    nodes; a third of the nodes are leaves, such as a legal representative or an account's
    phone; ties between a ring's numbers weigh up to 20 and more, the people and template
    letters they share): a ring has 5–13 nodes, its core (the numbers and firms) tied by a
    random tree and, for each other pair, with probability 0.4, weights 2–25; the rest are
    leaves on a core node, weights 1–2. ``bridges`` ties of weight 1–2 join random cores of
    different rings (the 1M world's ring graph has about 49,000 edges for 36,000 nodes)."""
    rng = random.Random(seed)
    graph = nx.Graph()
    truth: dict[str, int] = {}
    cores: list[list[str]] = []
    for r in range(rings):
        size = rng.randint(5, 13)
        leaves = round(size * 0.37)
        core = [f"r{r}c{i}" for i in range(size - leaves)]
        graph.add_nodes_from(core)
        for i in range(1, len(core)):
            graph.add_edge(core[i], core[rng.randrange(i)], weight=float(rng.randint(2, 25)))
        for i, a in enumerate(core):
            for b in core[i + 1 :]:
                if not graph.has_edge(a, b) and rng.random() < 0.4:
                    graph.add_edge(a, b, weight=float(rng.randint(2, 25)))
        for i in range(leaves):
            graph.add_edge(f"r{r}l{i}", rng.choice(core), weight=float(rng.randint(1, 2)))
        truth.update(dict.fromkeys(graph.nodes - truth.keys(), r))
        cores.append(core)
    added = 0
    while added < bridges:
        ring_a, ring_b = rng.sample(range(rings), 2)
        a, b = rng.choice(cores[ring_a]), rng.choice(cores[ring_b])
        if not graph.has_edge(a, b):
            graph.add_edge(a, b, weight=float(rng.randint(1, 2)))
            added += 1
    # the kinds of tie, which ring_communities copies with a component (all one kind here)
    nx.set_edge_attributes(graph, {edge: {"SAME_PEOPLE"} for edge in graph.edges}, "why")
    return graph, truth


def database_ring_graph(copies: int = 1) -> tuple[nx.Graph, dict[str, int]]:
    """The pruned ring graph of the world in the benchmark database, as find_rings builds it
    (``copies`` disjoint copies of it, to reach the 1M world's size from a smaller world's), and
    each node's connected component."""
    with bench_store() as store:
        scores, _ = score_entities(store)
        data = read_ring_data(store, scores)
    one = prune_ring_graph(ring_graph(data.seeds, data.ties), data.seeds, data.info, drop=data.drop)
    graph = nx.Graph()
    for copy in range(copies):
        graph.update(nx.relabel_nodes(one, {node: f"{copy}:{node}" for node in one}))
    components = nx.connected_components(graph)
    return graph, {node: i for i, component in enumerate(components) for node in component}


def to_igraph(graph: nx.Graph) -> tuple[ig.Graph, list[str]]:
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    edges = list(graph.edges(data="weight"))
    converted = ig.Graph(
        n=len(nodes),
        edges=[(index[a], index[b]) for a, b, _ in edges],
        edge_attrs={"weight": [float(w) for _, _, w in edges]},
    )
    return converted, nodes


def leidenalg_communities(graph: nx.Graph, seed: int) -> Partition:
    converted, nodes = to_igraph(graph)
    found = la.find_partition(
        converted,
        la.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=RESOLUTION,
        seed=seed,
    )
    return [{nodes[i] for i in community} for community in found]


def igraph_leiden_communities(graph: nx.Graph, seed: int) -> Partition:
    converted, nodes = to_igraph(graph)
    random.seed(seed)  # igraph draws from Python's random module
    found = converted.community_leiden(
        objective_function="modularity", weights="weight", resolution=RESOLUTION
    )
    return [{nodes[i] for i in community} for community in found]


def louvain_communities(graph: nx.Graph, seed: int) -> Partition:
    return list(ring_communities(graph, seed=seed))


def labels(partition: Iterable[set[str]]) -> dict[str, int]:
    return {node: i for i, community in enumerate(partition) for node in community}


def adjusted_rand_index(a: dict[str, int], b: dict[str, int]) -> float:
    """Hubert and Arabie's adjusted Rand index of two labellings of the same nodes."""

    def pairs(n: int) -> float:
        return n * (n - 1) / 2

    together = sum(pairs(n) for n in Counter((a[node], b[node]) for node in a).values())
    in_a = sum(pairs(n) for n in Counter(a.values()).values())
    in_b = sum(pairs(n) for n in Counter(b.values()).values())
    expected = in_a * in_b / pairs(len(a))
    best = (in_a + in_b) / 2
    return 1.0 if best == expected else (together - expected) / (best - expected)


def same_communities(reference: Partition, other: Partition) -> float:
    """The share of ``reference``'s communities that ``other`` found exactly."""
    found = {frozenset(c) for c in other}
    return sum(1 for c in reference if frozenset(c) in found) / len(reference)


def timed(work: Callable[[], Any], repeats: int) -> tuple[Any, float, float]:
    """(the last result, the median wall seconds and the median CPU seconds of this process over
    ``repeats`` runs; on a shared machine the CPU time swings less)."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return result, statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rings", type=int, default=4_000, help="planted communities")
    parser.add_argument("--bridges", type=int, default=1_000, help="ties between communities")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--from-db", action="store_true", help="the ring graph of the benchmark database's world"
    )
    parser.add_argument(
        "--copies", type=int, default=1, help="with --from-db: disjoint copies of that graph"
    )
    parser.add_argument(
        "--gds", action="store_true", help="also Leiden on the benchmark server's GDS plugin"
    )
    args = parser.parse_args()

    if args.from_db:
        graph, truth = database_ring_graph(args.copies)
        what = f"ring graph of the benchmark database's world ({args.copies} copies)"
        truth_name = "components"
    else:
        graph, truth = synthetic_ring_graph(args.rings, args.bridges, args.seed)
        what = f"synthetic ring graph ({args.rings:,} rings, {args.bridges:,} bridges)"
        truth_name = "planted"
    print(
        f"{what}: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges; "
        f"median of {args.repeats}, seed {args.seed}, resolution {RESOLUTION}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    methods: dict[str, Callable[[nx.Graph, int], Partition]] = {
        "Louvain (networkx)": louvain_communities
    }
    if ig is not None and la is not None:
        methods["Leiden (leidenalg)"] = leidenalg_communities
    if ig is not None:
        methods["Leiden (igraph)"] = igraph_leiden_communities
    else:
        print(
            "  python-igraph is not installed: Louvain only (pip install python-igraph leidenalg)"
        )
    with contextlib.ExitStack() as stack:
        if args.gds:
            engine = gds.ring_engine(stack.enter_context(bench_store()))
            if engine is None:
                raise SystemExit("--gds: the benchmark server has no GDS plugin (make gds)")
            methods["Leiden (GDS)"] = lambda graph, seed: list(
                ring_communities(graph, seed=seed, engine=engine)
            )
        results = run_methods(graph, methods, args.seed, args.repeats)
    report(graph, results, truth, truth_name, args.repeats)


def run_methods(
    graph: nx.Graph,
    methods: dict[str, Callable[[nx.Graph, int], Partition]],
    seed: int,
    repeats: int,
) -> dict[str, tuple[Partition, float, float]]:
    results = {}
    for name, method in methods.items():
        partition, seconds, cpu = timed(functools.partial(method, graph, seed), repeats)
        results[name] = (partition, seconds, cpu)
        print(f"  {name}: {seconds:.2f} s ({cpu:.2f} s CPU)", flush=True)
    return results


def report(
    graph: nx.Graph,
    results: dict[str, tuple[Partition, float, float]],
    truth: dict[str, int],
    truth_name: str,
    repeats: int,
) -> None:
    reference, louvain_s, louvain_cpu = results["Louvain (networkx)"]
    reference_labels = labels(reference)
    truth_header = f" │ ARI {truth_name}"
    print(
        f"\n  method              │ median s (CPU)  │ × Louvain (CPU) │ communities │ modularity │ "
        f"ARI Louvain │ same as Louvain{truth_header}"
    )
    for name, (partition, seconds, cpu) in results.items():
        modularity = nx.community.modularity(
            graph, partition, weight="weight", resolution=RESOLUTION
        )
        found = labels(partition)
        cells = (
            f"  {name:<19} │ {seconds:6.2f} ({cpu:6.2f}) │ {louvain_s / seconds:5.1f}x "
            f"({louvain_cpu / cpu:5.1f}x) │ {len(partition):11,} │ "
            f"{modularity:10.4f} │ {adjusted_rand_index(reference_labels, found):11.4f} │ "
            f"{same_communities(reference, partition):15.1%}"
        )
        cells += f" │ {adjusted_rand_index(truth, found):{4 + len(truth_name)}.4f}"
        print(cells)
    if ig is not None:
        _, convert_s, _ = timed(lambda: to_igraph(graph), repeats)
        print(f"\n  networkx -> igraph conversion alone: {convert_s:.2f} s (in the Leiden times)")


if __name__ == "__main__":
    main()
