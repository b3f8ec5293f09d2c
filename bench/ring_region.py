"""How much of the ring graph one submission reaches (issue 18, ring finding local to the touched
components): the question to answer before making ``analyse_submission``'s ring step local.

On a world already loaded and analysed (e.g. by ``bench/loop.py``, same ``--home``/``--port``),
it takes a submission (default: the latest), its own entities and those reached backwards from
them (``incremental.affected_entities``, as the scores step finds them, without the complaints
whose template cluster changed), builds the full pruned ring graph from the kept scores, and
counts the connected components, nodes and seeds that hold one of them. That region is a LOWER
bound of what an exact local ring step must re-read: it must also take in every seed holding a
person, template cluster or handle whose holder count crossed its threshold, and the old
component of every node whose ties were lost. When it is most of the graph, a local ring step
cannot save much.

    .venv/bin/python bench/ring_region.py [--home .leadgraph/bench] [--port 7746]
                                          [--submission ID]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from loop import use_home

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, default=ROOT / ".leadgraph" / "bench")
    parser.add_argument("--port", type=int, default=7743)
    parser.add_argument("--submission", help="a submission id (default: the latest)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    use_home(args.home, args.port)
    import networkx as nx
    from common import bench_store

    from graph.evidence import scorestate
    from graph.evidence.analytics import read_ring_data
    from graph.evidence.incremental import affected_entities, submission_entities
    from graph.evidence.leads import LATEST_SUBMISSION, DetectSettings
    from graph.evidence.rings import prune_ring_graph, ring_graph

    settings = DetectSettings()
    with bench_store() as store:
        latest = store.read_one(LATEST_SUBMISSION)
        submission = args.submission or (latest["id"] if latest else "")
        own = submission_entities(store, submission)
        keys = sorted(row["key"] for row in own)
        complaints = {row["key"] for row in own if row["complaint"]}
        touched = set(affected_entities(store, keys, complaints)) | set(keys)
        started = time.perf_counter()
        scores = scorestate.seed_candidates(store, min_score=settings.min_seed_score)
        data = read_ring_data(store, scores)
        seconds = time.perf_counter() - started
    graph = ring_graph(data.seeds, data.ties)
    prune_ring_graph(graph, data.seeds, data.info, drop=data.drop)
    components = list(nx.connected_components(graph))
    reached = [component for component in components if component & touched]
    region = set().union(*reached)
    print(f"submission {submission}: {len(own)} own entities, {len(touched)} with those reached")
    print(f"ring graph: {len(data.seeds)} seeds, {graph.number_of_nodes()} nodes, "
          f"{len(components)} components (read in {seconds:.1f} s)")  # fmt: skip
    print(f"reached: {len(reached)} components, {len(region)} nodes, "
          f"{len(region & set(data.seeds))} seeds (a lower bound of an exact region)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
