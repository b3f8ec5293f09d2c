"""Trace speed on a loaded world: paths between random entity pairs and 2-hop neighbourhoods.

Runs against the world in the benchmark database (``bench/detect.py`` leaves its last world
loaded; ``--world DIR`` wipes the database and loads that world, with templates, first). Draws
``--pairs`` random pairs of entities (phones, firms, accounts, persons; seeded, from the sorted
keys, so the same world gives the same pairs) and times, per pair:

* ``find_paths(a, b)`` with the default limits (hubs above ``Limits.hub_degree`` links are not
  walked through), and the 2-hop ``neighbourhood(a)`` (hubs listed, not expanded; 300 nodes);
  then ``find_paths`` on ``--linked`` pairs known to be joined within four hops (random pairs of
  a large world are mostly unconnected, so their figures are of searches that find nothing);
* the baseline, on the first ``--baseline-pairs`` of the same pairs in the same run (it takes
  seconds a pair at the 1M world): the same calls with hub exclusion off
  (``Limits(hub_degree=10**9)``), i.e. the identical query shapes walking through every hotline
  and popular number. Only the hub cap differs, so the ratio (on those pairs) is what the cap
  buys.

The two variants alternate pair by pair (which goes first, too), so a change in machine load
hits both alike. A query stopped by the time limit (``Limits.timeout_seconds``) counts with the
time it took and is reported. Prints p50 / p95 / max in milliseconds, the share of pairs with a
path, and the ratios, then the capped ``find_paths`` split into its queries (the two ends'
lookup, the capped path search, the set-aside hubs), each timed round trip included. Not a
test: a script a person runs.

    .venv/bin/python bench/trace.py [--pairs 1000] [--baseline-pairs 1000] [--linked 300] [--world DIR]
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import bench_store, peak_rss_mib

from graph.core.limits import LIMITS, Limits
from graph.db.schema import wipe_data
from graph.db.status import database_status
from graph.db.store import GraphStore, QueryTimeout
from graph.evidence.templates import build_templates
from graph.evidence.trace import (
    ENTITIES,
    HUBS_SET_ASIDE,
    PATH_QUERIES,
    SHORTEST_ONLY_QUERIES,
    entity_keys,
    find_paths,
    neighbourhood,
)
from ingest.demo import load_world

LABELS = ["Phone", "Firm", "Account", "Person"]
OPEN = Limits(hub_degree=10**9)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Timings:
    def __init__(self, name: str) -> None:
        self.name = name
        self.ms: list[float] = []
        self.timeouts = 0
        self.found = 0

    def run(self, work: Callable[[], Any]) -> None:
        started = time.perf_counter()
        try:
            result = work()
        except QueryTimeout:
            self.timeouts += 1
            result = None
        self.ms.append((time.perf_counter() - started) * 1000)
        if isinstance(result, dict):
            self.found += bool(result.get("paths"))
        elif result is not None:
            self.found += len(result.nodes) > 1

    def line(self) -> str:
        return (
            f"  {self.name:<34} p50 {statistics.median(self.ms):8.1f}  "
            f"p95 {percentile(self.ms, 0.95):8.1f}  max {max(self.ms):8.1f}  "
            f"non-empty {self.found / len(self.ms):5.1%}  timeouts {self.timeouts}"
        )


QUERY_NAMES = (
    {ENTITIES: "lookup of both ends"}
    | {query: "capped path search" for query in PATH_QUERIES.values()}
    | {query: "capped search, hub end" for query in SHORTEST_ONLY_QUERIES.values()}
    | {query: "set-aside hubs" for query in HUBS_SET_ASIDE.values()}
)


class TimedStore(GraphStore):
    """The benchmark store, timing each read by the name of its query."""

    def __init__(self, store: GraphStore) -> None:
        self.__dict__.update(store.__dict__)  # the same driver and database
        self.ms: dict[str, list[float]] = defaultdict(list)

    def read(self, query: str, *, timeout: float | None = None, **params: Any) -> Any:
        started = time.perf_counter()
        try:
            return super().read(query, timeout=timeout, **params)
        finally:
            name = QUERY_NAMES.get(query, "other")
            self.ms[name].append((time.perf_counter() - started) * 1000)


PREFIXES = tuple(label.lower() + ":" for label in LABELS)


def linked_pairs(
    store: GraphStore, keys: list[str], count: int, rng: random.Random
) -> list[tuple[str, str]]:
    """Pairs known to be joined: ``b`` is drawn from the 2-hop neighbourhood of a node drawn
    from ``a``'s 2-hop neighbourhood (hubs not expanded, as find_paths does not walk through
    them), so a path of at most four hops exists. Random pairs of a large world are mostly
    unconnected; these time the searches that find something. Neither middle nor end is a hub
    (a hub leaf sits in most neighbourhoods; as an end it would dominate the sample, while
    random pairs almost never draw one)."""
    pairs: list[tuple[str, str]] = []
    for _ in range(count * 20):
        if len(pairs) == count:
            break
        a = rng.choice(keys)
        around = neighbourhood(store, a, hops=2)
        hubs = {hub["key"] for hub in around.set_aside}
        near = sorted(k for k in around.nodes if k != a and k not in hubs)
        if not near:
            continue
        middle = rng.choice(near)
        around = neighbourhood(store, middle, hops=2)
        hubs = {hub["key"] for hub in around.set_aside}
        far = sorted(
            k for k in around.nodes if k != a and k not in hubs and k.startswith(PREFIXES)
        )  # fmt: skip
        if far:
            pairs.append((a, rng.choice(far)))
    return pairs


def alternate(pairs: list[tuple[str, str]], capped: Timings, baseline: Timings,
              call: Callable[[str, str, Limits], Any], baseline_pairs: int) -> None:  # fmt: skip
    """Time ``call`` capped on every pair and uncapped on the first ``baseline_pairs``."""
    for i, (a, b) in enumerate(pairs):
        runs = [(capped, LIMITS)] + ([(baseline, OPEN)] if i < baseline_pairs else [])
        for timings, limits in runs if i % 2 == 0 else runs[::-1]:
            timings.run(functools.partial(call, a, b, limits))


def ratios(capped: Timings, baseline: Timings) -> str:
    """Baseline against capped on the same (first) pairs."""
    same = capped.ms[: len(baseline.ms)]
    p50 = statistics.median(baseline.ms) / statistics.median(same)
    p95 = percentile(baseline.ms, 0.95) / percentile(same, 0.95)
    return (
        f"  ratio baseline / capped on the same {len(same):,} pairs: p50 {p50:.1f}x, p95 {p95:.1f}x"
    )


def by_query(timed: TimedStore) -> None:
    print(f"  find_paths (hub cap {LIMITS.hub_degree}), query by query:")
    for query, ms in timed.ms.items():
        print(
            f"    {query:<32} p50 {statistics.median(ms):8.1f}  "
            f"p95 {percentile(ms, 0.95):8.1f}  max {max(ms):8.1f}  "
            f"total {sum(ms) / 1000:6.1f} s",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--hops", type=int, default=LIMITS.default_hops, help="path hop limit")
    parser.add_argument(
        "--baseline-pairs",
        type=int,
        default=1000,
        help="time the uncapped baseline on the first N pairs only (it takes seconds a pair at 1M)",
    )
    parser.add_argument(
        "--linked", type=int, default=300, help="pairs known to be joined, timed apart"
    )
    parser.add_argument("--world", type=Path, help="wipe the database and load this world first")
    args = parser.parse_args()

    with bench_store() as store:
        if args.world:
            print(f"loading {args.world} ...", flush=True)
            wipe_data(store)
            load_world(store, args.world)
            build_templates(store)
        run(store, args)


def run(store: GraphStore, args: argparse.Namespace) -> None:
    status = database_status(store)
    complaints = status["nodes"].get("Complaint", 0)
    keys = entity_keys(store, LABELS)
    if len(keys) < 2:
        raise SystemExit("the benchmark database is empty: run bench/detect.py or pass --world")
    rng = random.Random(args.seed)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < args.pairs:
        a, b = rng.sample(keys, 2)
        pairs.append((a, b))
    print(
        f"world: {complaints:,} complaints, {len(keys):,} phones/firms/accounts/persons; "
        f"{len(pairs):,} pairs (seed {args.seed}); limits: hub_degree {LIMITS.hub_degree}, "
        f"{args.hops} hops, k=3 paths, neighbourhood 2 hops / {LIMITS.neighbourhood_nodes} "
        f"nodes, timeout {LIMITS.timeout_seconds:.0f} s; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        flush=True,
    )

    timed = TimedStore(store)

    def path(a: str, b: str, limits: Limits) -> Any:
        on = timed if limits is LIMITS else store
        return find_paths(on, a, b, max_hops=args.hops, limits=limits)

    def hood(a: str, _b: str, limits: Limits) -> Any:
        return neighbourhood(store, a, hops=2, limits=limits)

    for a, b in pairs[:20]:  # warm the page cache and the query plans, untimed
        path(a, b, LIMITS)
        hood(a, b, LIMITS)
    timed.ms.clear()

    results = []
    for name, call in (("find_paths", path), ("neighbourhood 2 hops", hood)):
        capped = Timings(f"{name} (hub cap {LIMITS.hub_degree})")
        baseline = Timings(f"{name} (baseline: no hub cap)")
        cpu, wall = time.process_time(), time.perf_counter()
        alternate(pairs, capped, baseline, call, args.baseline_pairs)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"\n{name}: {len(pairs):,} pairs in {wall:.0f} s (Python CPU {cpu:.0f} s)")
        print(capped.line())
        print(baseline.line())
        print(ratios(capped, baseline), flush=True)
        results.append((capped, baseline))
        if call is path:
            by_query(timed)
    if args.linked:
        joined = linked_pairs(store, keys, args.linked, rng)
        capped = Timings(f"find_paths (hub cap {LIMITS.hub_degree})")
        baseline = Timings("find_paths (baseline: no hub cap)")
        timed.ms.clear()
        alternate(joined, capped, baseline, path, args.baseline_pairs)
        print(f"\nfind_paths on {len(joined):,} linked pairs (a path of at most 4 hops exists):")
        print(capped.line())
        print(baseline.line())
        print(ratios(capped, baseline))
        by_query(timed)
    print(
        f"\npeak Python memory {peak_rss_mib():,.0f} MiB; load average now {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
