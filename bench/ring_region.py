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

``--facts`` replays instead the rings step with and without the facts kept about each entity
(``graph.evidence.ringfacts``), writing no lead and no score, only the kept facts:

1. every fact read from the database (``kept=False``: the rings step before the facts were kept);
2. the facts forgotten and read again, and kept (what ``detect`` does once);
3. the facts the submission can have changed forgotten (``ringfacts.forget_stale``) and the rings
   found again from the kept facts — what the incremental analysis does after that submission.

It prints each step's time and how many entities' facts it read, and whether steps 1 and 3 found
the same rings (members, seeds, score and ties: they must).

``--facts --region`` then writes the kept ring index whole and finds the rings of the region the
submission's changed entities reach (``graph.evidence.ringregion``), as the analysis does: how
many seeds and nodes it holds, its time, and whether its rings are among those over every seed.

    .venv/bin/python bench/ring_region.py [--home .leadgraph/bench] [--port 7746]
                                          [--submission ID] [--facts [--region]]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from loop import use_home

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, default=ROOT / ".leadgraph" / "bench")
    parser.add_argument("--port", type=int, default=7743)
    parser.add_argument("--submission", help="a submission id (default: the latest)")
    parser.add_argument("--facts", action="store_true", help="replay with and without kept facts")
    parser.add_argument("--region", action="store_true", help="with --facts: the region closure")
    return parser.parse_args(argv)


def replay_facts(args: argparse.Namespace) -> int:
    """``--facts`` (see the module)."""
    from common import bench_store

    from graph.evidence import ringfacts, scorestate
    from graph.evidence.analytics import find_rings
    from graph.evidence.incremental import submission_entities
    from graph.evidence.leads import LATEST_SUBMISSION, DetectSettings, ring_ties

    settings = DetectSettings()

    def rings(store: Any, kept: bool) -> tuple[list[Any], dict[str, int], float]:
        started = time.perf_counter()
        counts: dict[str, int] = {}
        found = find_rings(
            store,
            scorestate.seed_candidates(store, min_score=settings.min_seed_score),
            kept=kept,
            counts=counts,
            seed=settings.seed,
        )
        shape = [(r.members, [s.key for s in r.seeds], r.score, ring_ties(r)) for r in found]
        return shape, counts, time.perf_counter() - started

    with bench_store() as store:
        latest = store.read_one(LATEST_SUBMISSION)
        submission = args.submission or (latest["id"] if latest else "")
        read_all, counts, seconds = rings(store, kept=False)
        print(f"1. every fact read: {seconds:.1f} s, {counts['reads']} reads, "
              f"{counts['seeds']} seeds, {len(read_all)} rings", flush=True)  # fmt: skip
        started = time.perf_counter()
        ringfacts.forget_all(store)
        _, counts, _ = rings(store, kept=True)
        seconds = time.perf_counter() - started
        print(f"2. read and kept: {seconds:.1f} s, {counts['reads']} reads", flush=True)
        started = time.perf_counter()
        keys = sorted(row["key"] for row in submission_entities(store, submission))
        stale = len(ringfacts.forget_stale(store, keys))
        forget = time.perf_counter() - started
        local, counts, seconds = rings(store, kept=True)
        print(f"3. after {submission} ({len(keys)} keys, {stale} facts' keys forgotten in "
              f"{forget:.1f} s): {seconds:.1f} s, {counts['reads']} reads", flush=True)  # fmt: skip
        region_same = region_replay(store, keys, settings, read_all) if args.region else True
    same = local == read_all
    print(f"the same rings as every fact read: {same}")
    return 0 if same and region_same else 1


def region_replay(store: Any, keys: list[str], settings: Any, read_all: list[Any]) -> bool:
    """``--region``: the ring index written whole (``ringregion.full_rings``), then the rings of
    the region the submission's changed entities reach (its stale keys and the entities it
    re-scored, ``incremental.affected_entities``) found again as the analysis finds them; its
    size and time, and whether each of its rings is one of the rings over every seed."""
    from graph.evidence import ringfacts, ringregion
    from graph.evidence.incremental import affected_entities
    from graph.evidence.leads import ring_ties

    options = {"min_seed_score": settings.min_seed_score, "contact_ties": settings.contact_ties,
               "min_agent_share": settings.min_agent_share, "seed": settings.seed}  # fmt: skip
    started = time.perf_counter()
    ringregion.full_rings(store, **options)
    print(f"4. ring index written whole: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    complaints = {key for key in keys if key.startswith("complaint:")}
    changed = set(ringfacts.forget_stale(store, keys)) | set(
        affected_entities(store, keys, complaints)
    )
    found = ringregion.region_rings(store, sorted(changed), **options)
    seconds = time.perf_counter() - started
    assert found is not None
    shape = [(r.members, [s.key for s in r.seeds], r.score, ring_ties(r)) for r in found.rings]
    inside = all(ring in read_all for ring in shape)
    print(f"5. region: {len(changed)} changed entities, {found.region_seeds} of {found.seeds} "
          f"seeds, {len(found.nodes)} nodes, {len(found.rings)} rings, {found.reads} reads, "
          f"{seconds:.1f} s; each a ring over every seed: {inside}", flush=True)  # fmt: skip
    return inside


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    use_home(args.home, args.port)
    if args.facts:
        return replay_facts(args)
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
