"""End-to-end ingest speed: read, validate, resolve and write complaint files into Neo4j.

Generates a synthetic world (``leadgraph synth``) of ``--scale`` complaints, then loads its
complaint files twice into an emptied database, measured in the same run:

* batched — ``submit_file`` as ``leadgraph ingest`` runs it (UNWIND batches of
  ``LEADGRAPH_BATCH_SIZE`` rows);
* naive baseline — the same loader with one row per batch, i.e. a transaction per row and label,
  on the first ``--baseline-rows`` rows of one file (it is slow).

Prints rows/s of each, their ratio, and the peak memory of this Python process.

    .venv/bin/python bench/ingest.py [--scale 20000] [--baseline-rows 300]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, bench_store, peak_rss_mib

from app.submit import submit_file
from graph import settings
from graph.load import SubmissionInfo, load_submission
from graph.schema import wipe_data
from ingest.pipeline import iter_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--baseline-rows", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    world = Path(tempfile.mkdtemp(prefix="leadgraph-bench-"))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "app.cli", "synth", "--scale", str(args.scale), "--seed", str(args.seed), "--out", str(world)],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    print(f"world of {args.scale:,} complaints generated in {time.perf_counter() - started:.1f} s")
    files = sorted(world.glob("complaints_*.csv"))

    with bench_store() as store:
        wipe_data(store)
        rows = 0
        started = time.perf_counter()
        for path in files:
            summary = submit_file(store, "complaints", path, org=path.stem)
            rows += summary["rows_read"]
        batched = time.perf_counter() - started
        batched_rate = rows / batched
        print(f"batched: {rows:,} complaint rows in {batched:.1f} s = {batched_rate:,.0f} rows/s")

        wipe_data(store)
        config = settings.load()
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
        load_submission(store, info, sample, batch_rows=1)
        naive = time.perf_counter() - started
        naive_rate = len(sample) / naive
        print(
            f"naive (one transaction per row): {len(sample):,} rows in {naive:.1f} s = {naive_rate:,.0f} rows/s"
        )
        print(f"ratio batched / naive: {batched_rate / naive_rate:.0f}x")
        print(f"peak Python memory: {peak_rss_mib():,.0f} MiB")
        wipe_data(store)


if __name__ == "__main__":
    main()
