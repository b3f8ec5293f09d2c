"""End-to-end ingest speed: read, validate, resolve and write complaint files into Neo4j.

Loads the complaint files of a synthetic world of ``--scale`` complaints (generated once, kept in
``.leadgraph/bench/worlds``) into an emptied database, measured in the same run:

* parse only — ``iter_file`` over every file in this process, nothing written: the rate one core
  of Python can read and validate at, the ceiling of any end-to-end figure;
* batched — ``submit_file`` as ``leadgraph ingest`` runs it: parsing in a child process
  (ingest/background.py) while UNWIND batches of ``LEADGRAPH_BATCH_SIZE`` rows are written;
* batched, one process (``--serial``) — the same without the child, so the overlap's gain shows;
* naive baseline — the same loader with one row per batch, i.e. a transaction per row and label,
  on the first ``--baseline-rows`` rows of one file (it is slow).

Prints rows/s of each and their ratios, where the writing time goes (seconds per label and link
type), and the peak memory of this Python process.

    .venv/bin/python bench/ingest_rate.py [--scale 20000] [--baseline-rows 300] [--serial]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from common import (
    bench_store,
    peak_rss_mib,
    process_cpu_seconds,
    server_cpu_seconds,
    world_folder,
)

from graph.core import settings
from graph.db.schema import wipe_data
from graph.db.store import GraphStore
from graph.db.writer import SubmissionInfo, SubmissionWriter
from graph.text.slang import default_detector
from ingest.pipeline import Tally, iter_file
from ingest.submit import submit_file


def parse_only(files: list[Path], key: bytes) -> float:
    """Rows per second of read + validate + build, in this process."""
    default_detector()  # compiled or loaded once per process, not per row
    tally = Tally()
    started = time.perf_counter()
    for path in files:
        for item in iter_file("complaints", path, source=path.stem, hashing_key=key):
            tally.add(item)
    return tally.rows_read / (time.perf_counter() - started)


class Run:
    """One load of every file: rows, wall seconds, CPU seconds of Python and of Neo4j."""

    def __init__(self, store: GraphStore, files: list[Path], background: bool) -> None:
        wipe_data(store)
        self.rows = 0
        self.spent: dict[str, float] = {}
        python_cpu, server_cpu = process_cpu_seconds(), server_cpu_seconds()
        started = time.perf_counter()
        for path in files:
            summary = submit_file(store, "complaints", path, org=path.stem, background=background)
            self.rows += summary["rows_read"]
            for name, seconds in summary["write_seconds"].items():
                self.spent[name] = self.spent.get(name, 0.0) + seconds
        self.seconds = time.perf_counter() - started
        self.python_cpu = process_cpu_seconds() - python_cpu
        after = server_cpu_seconds()
        self.server_cpu = None if after is None or server_cpu is None else after - server_cpu

    @property
    def rate(self) -> float:
        return self.rows / self.seconds

    def describe(self, name: str) -> str:
        per_row = f"CPU per row: Python {self.python_cpu / self.rows * 1e6:,.0f} us"
        if self.server_cpu is not None:
            per_row += f", Neo4j {self.server_cpu / self.rows * 1e6:,.0f} us"
        return (f"{name}: {self.rows:,} complaint rows in {self.seconds:.1f} s = "
                f"{self.rate:,.0f} rows/s; {per_row}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--baseline-rows", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--serial", action="store_true", help="also time the one-process load")
    args = parser.parse_args()

    files = sorted(world_folder(args.scale, args.seed).glob("complaints_*.csv"))
    config = settings.load()
    parse_rate = parse_only(files, config.hashing_key())
    print(f"parse only (one core, nothing written): {parse_rate:,.0f} rows/s")

    with bench_store() as store:
        batched = Run(store, files, background=True)
        batched_rate = batched.rate
        print(batched.describe("batched"))
        print("  wall seconds writing, by label / link type (labels overlap):")
        for name, part in sorted(batched.spent.items(), key=lambda kv: -kv[1]):
            print(f"    {name:<16} {part:7.1f} s  {batched.rows / part:>9,.0f} rows/s")
        if batched.server_cpu is not None:
            cpu_per_row = (batched.python_cpu + batched.server_cpu) / batched.rows
            cores = os.cpu_count() or 1
            print(f"  CPU-bound ceiling on {cores} cores at these CPU costs: "
                  f"{cores / cpu_per_row:,.0f} rows/s")  # fmt: skip
        if args.serial:
            serial = Run(store, files, background=False)
            print(serial.describe("batched, one process"))
            print(f"  parsing in a child: {batched_rate / serial.rate:.2f}x the one-process rate")

        wipe_data(store)
        items = iter_file("complaints", files[0], source="naive", hashing_key=config.hashing_key())
        sample = [item for _, item in zip(range(args.baseline_rows), items, strict=False)]
        info = SubmissionInfo(
            org="naive",
            kind="complaints",
            file_name=files[0].name,
            sha256="0" * 64,
            received_at="2026-01-01T00:00:00Z",
        )
        started = time.perf_counter()
        with SubmissionWriter(store, info, batch_rows=1) as writer:
            for item in sample:
                writer.add(item)
        naive_rate = len(sample) / (time.perf_counter() - started)
        print(f"naive (one transaction per row): {len(sample):,} rows = {naive_rate:,.0f} rows/s")
        print(f"ratio batched / naive: {batched_rate / naive_rate:.0f}x")
        print(f"batched / parse-only ceiling: {batched_rate / parse_rate:.2f}")
        print(f"peak Python memory: {peak_rss_mib():,.0f} MiB (this process; the parsing child "
              "is a fork of it)")  # fmt: skip
        wipe_data(store)


if __name__ == "__main__":
    main()
