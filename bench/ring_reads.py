"""The ring step's reads after a submission (issue 18): how long ``ringregion.region_rings`` takes
on a loaded world and how many records it fetches from the server, by query.

On a world loaded and analysed (e.g. by ``bench/loop.py``, same ``--home``/``--port``; the server
is started when it is not running, and left running), for a submission (default: the latest):
the rings over every seed are found once with every fact read (nothing kept); then, ``--repeats``
times, the ring index is written whole (``ringregion.full_rings``, untimed), the facts the
submission can have changed are forgotten and the rings of the region its changed entities reach
(its stale keys and the entities reached backwards from its own,
``incremental.affected_entities``) are found again as the analysis finds them (timed). It prints
each run's time, the median, the records fetched, the statements run and the seconds of each
query of the last run, and checks that the region's rings are among those over every seed. It
also says how many rows of the index the region leaves differ from the one written whole: a
region does not write a seed's tie to a dropped ambiguous name-only firm outside it (2 rows at
the world of 45,000 complaints, with the reads of ``ringregion`` before this bench as after).

``--code DIR`` times the ``graph`` package of another checkout (e.g. the main one: the code
before a change) against the same database, so that two versions are measured in one session.

    .venv/bin/python bench/ring_reads.py [--home .leadgraph/bench] [--port 7743]
                                         [--submission ID] [--repeats 3] [--code DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

INDEX_NODES = """
MATCH (n:RingNode)
RETURN n.key AS key, n.seed AS seed, n.component AS component, n.ambiguous AS ambiguous
ORDER BY key
"""
INDEX_LINKS = """
MATCH (n:RingNode)-[r:RING_TIES|RING_HOLDS]->(m)
RETURN n.key AS key, type(r) AS type, m.key AS other
ORDER BY key, type, other
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, default=ROOT / ".leadgraph" / "bench")
    parser.add_argument("--port", type=int, default=7743)
    parser.add_argument("--submission", help="a submission id (default: the latest)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose code runs")
    return parser.parse_args(argv)


class Counted:
    """Counts the records each query of ``store`` fetches, how often it runs and its seconds."""

    def __init__(self, store: Any) -> None:
        self.records: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)
        for name in ("read", "write"):
            setattr(store, name, self._wrap(getattr(store, name)))

    def _wrap(self, run: Any) -> Any:
        def counted(query: str, **params: Any) -> Any:
            started = time.perf_counter()
            rows = run(query, **params)
            name = " ".join(query.split())[:70]
            self.records[name] += len(rows)
            self.calls[name] += 1
            self.seconds[name] += time.perf_counter() - started
            return rows

        return counted

    def reset(self) -> None:
        self.records.clear()
        self.calls.clear()
        self.seconds.clear()


def index_difference(store: Any, whole: tuple[list[Any], list[Any]]) -> int:
    """How many rows (nodes, links) of the ring index differ from ``whole``'s, either way."""
    now = (store.read(INDEX_NODES), store.read(INDEX_LINKS))
    rows = [{tuple(row.values()) for row in part} for part in (*whole, *now)]
    return len(rows[0] ^ rows[2]) + len(rows[1] ^ rows[3])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["LEADGRAPH_HOME"] = str(args.home.resolve())
    os.environ["LEADGRAPH_NEO4J_PORT"] = str(args.port)
    os.environ.pop("NEO4J_URI", None)
    sys.path.insert(0, str(args.code.resolve()))

    import graph
    from graph.core import settings as config
    from graph.db import local_neo4j
    from graph.db.store import GraphStore
    from graph.evidence import ringfacts, ringregion, scorestate
    from graph.evidence.analytics import find_rings
    from graph.evidence.incremental import affected_entities, submission_entities
    from graph.evidence.leads import LATEST_SUBMISSION, DetectSettings, ring_ties

    print(f"code: {Path(graph.__file__).parent.parent}", flush=True)
    settings = DetectSettings()
    options: dict[str, Any] = {
        "min_seed_score": settings.min_seed_score,
        "contact_ties": settings.contact_ties,
        "min_agent_share": settings.min_agent_share,
        "seed": settings.seed,
    }
    loaded = config.load()
    if not local_neo4j.state(loaded).running:
        local_neo4j.start(loaded)

    def shape(rings: list[Any]) -> list[tuple[Any, ...]]:
        return [(r.members, [s.key for s in r.seeds], r.score, ring_ties(r)) for r in rings]

    with GraphStore.open(loaded) as store:
        latest = store.read_one(LATEST_SUBMISSION)
        submission = args.submission or (latest["id"] if latest else "")
        own = submission_entities(store, submission)
        keys = sorted(row["key"] for row in own)
        complaints = {row["key"] for row in own if row["complaint"]}
        scores = scorestate.seed_candidates(store, min_score=settings.min_seed_score)
        every = shape(find_rings(store, scores, kept=False, seed=settings.seed))
        print(f"submission {submission}: {len(keys)} own keys; {len(every)} rings over every seed")
        counted = Counted(store)
        times, same, differing = [], True, 0
        for _ in range(args.repeats):
            ringregion.full_rings(store, **options)
            whole = (store.read(INDEX_NODES), store.read(INDEX_LINKS))
            changed = set(ringfacts.forget_stale(store, keys))
            changed |= set(affected_entities(store, keys, complaints))
            counted.reset()
            started = time.perf_counter()
            found = ringregion.region_rings(store, sorted(changed), **options)
            times.append(time.perf_counter() - started)
            assert found is not None
            records, calls = sum(counted.records.values()), sum(counted.calls.values())
            same = same and all(ring in every for ring in shape(found.rings))
            differing = max(differing, index_difference(store, whole))
            print(f"  region: {found.region_seeds} of {found.seeds} seeds, {len(found.rings)} "
                  f"rings, {times[-1]:.1f} s, {records} records in {calls} statements",
                  flush=True)  # fmt: skip
        print(f"median {statistics.median(times):.1f} s over {len(times)} runs "
              f"(load average {os.getloadavg()[0]:.1f})")  # fmt: skip
        print("records  statements  seconds  query (last run)")
        for name, n in counted.records.most_common():
            print(f"{n:>7} {counted.calls[name]:>11} {counted.seconds[name]:>8.2f}  {name}")
    print(f"each region ring a ring over every seed: {same}; rows of the index unlike those "
          f"written whole: {differing}")  # fmt: skip
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
