"""Helpers shared by the benchmarks: a real Neo4j of their own, timing and memory figures.

Benchmarks use their own state folder (``.leadgraph/bench``, port 7698) so they never touch the
development or test database, unless ``NEO4J_URI`` names a scratch server (its data is wiped).
"""

from __future__ import annotations

import contextlib
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if not os.environ.get("NEO4J_URI"):
    os.environ.setdefault("LEADGRAPH_HOME", str(ROOT / ".leadgraph" / "bench"))
    os.environ.setdefault("LEADGRAPH_NEO4J_PORT", "7698")

from graph.core import settings  # noqa: E402  (after the environment is set)
from graph.db import local_neo4j  # noqa: E402
from graph.db.schema import init_schema  # noqa: E402
from graph.db.store import GraphStore  # noqa: E402

WORLDS = ROOT / ".leadgraph" / "bench" / "worlds"


def world_folder(scale: int, seed: int) -> Path:
    """A synthetic world of ``scale`` complaints, generated once and reused."""
    folder = WORLDS / f"world-{scale}-{seed}"
    if (folder / "truth.json").exists():
        return folder
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "app.cli", "synth", "--scale", str(scale), "--seed", str(seed), "--out", str(folder)],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    print(f"  world of {scale:,} complaints generated in {time.perf_counter() - started:.0f} s")
    return folder


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


def server_cpu_seconds() -> float | None:
    """CPU seconds the local Neo4j server has used so far (None for a server elsewhere). On a
    noisy machine wall time swings with the neighbours; CPU time per row hardly does."""
    config = settings.load()
    if not config.uses_local_server:
        return None
    pid = local_neo4j.state(config).pid
    if pid is None:
        return None
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def process_cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (e.g. parsing processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
