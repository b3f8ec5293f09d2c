"""Helpers shared by the benchmarks: a real Neo4j of their own, timing and memory figures.

Benchmarks use their own state folder (``.leadgraph/bench``, port 7698) so they never touch the
development or test database, unless ``NEO4J_URI`` names a scratch server (its data is wiped).
"""

from __future__ import annotations

import contextlib
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if not os.environ.get("NEO4J_URI"):
    os.environ.setdefault("LEADGRAPH_HOME", str(ROOT / ".leadgraph" / "bench"))
    os.environ.setdefault("LEADGRAPH_NEO4J_PORT", "7698")

from graph import local_neo4j, settings  # noqa: E402
from graph.schema import init_schema  # noqa: E402
from graph.store import GraphStore  # noqa: E402


@contextlib.contextmanager
def bench_store() -> Iterator[GraphStore]:
    """A store over the benchmark database, starting (and afterwards stopping) the local
    server when it is not already running."""
    config = settings.load()
    started = False
    if config.uses_local_server and not local_neo4j.state(config).running:
        print(f"starting the benchmark Neo4j in {config.home} ...", flush=True)
        local_neo4j.start(config)
        started = True
    try:
        with GraphStore.open(config) as store:
            init_schema(store)
            yield store
    finally:
        if started:
            local_neo4j.stop(config)


def median_seconds(
    work: Callable[[], object], repeats: int, setup: Callable[[], object] | None = None
) -> float:
    """Median wall time of ``work`` over ``repeats`` runs, ``setup`` run untimed before each."""
    times = []
    for _ in range(repeats):
        if setup:
            setup()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
