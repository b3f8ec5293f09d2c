"""The bulk first load (``leadgraph bulk-load``) of a whole world, phase by phase, in one run.

Loads every file of a world (``ingest.demo.plan``: kinds and orgs from its ``truth.json``) into
an empty database of the benchmark's own local Neo4j through ``ingest.bulk.bulk_load``, then,
on the loaded database, writes a sample of complaint rows one transaction per row (the
baseline: the transactional writer with batches of one row, under an org of its own). Prints:

* parse + prepare: the files through the ingest pipeline, folded, written as import files;
* neo4j-admin import alone;
* schema + rest: the server started again, the schema, patches, audit entries, jobs;
* end to end complaint rows/s (files to a queryable graph with its schema), and the ratio of
  end to end to import alone (the goal: within 2x);
* the peak memory of this Python process (the goal: under 2 GiB);
* the baseline's rows/s, and end to end against it.

The world is read, never written: ``--world`` may name the 1M world of another checkout. The
database lives in ``--home`` (default ``.leadgraph/bench-bulk``), which ``--drop-home`` deletes
afterwards (a 1M store takes gigabytes).

    .venv/bin/python bench/ingest_bulk.py [--scale 100000] [--world DIR] [--port 7698]
        [--heap 1g] [--off-heap 2g] [--baseline-rows 2000] [--drop-home]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="a generated world's size")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--world", type=Path, help="load this world folder instead (read only)")
    parser.add_argument("--home", type=Path, default=ROOT / ".leadgraph" / "bench-bulk")
    parser.add_argument("--port", type=int, default=7698)
    parser.add_argument("--heap", default="1g", help="the importer's JVM heap")
    parser.add_argument("--off-heap", default="2g", help="the importer's --max-off-heap-memory")
    parser.add_argument("--baseline-rows", type=int, default=2000)
    parser.add_argument("--drop-home", action="store_true", help="delete --home afterwards")
    return parser.parse_args()


ARGS = _arguments()
os.environ.pop("NEO4J_URI", None)  # the importer needs the local server's store
os.environ["LEADGRAPH_HOME"] = str(ARGS.home)
os.environ["LEADGRAPH_NEO4J_PORT"] = str(ARGS.port)
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_rss_mib, world_folder  # noqa: E402  (after the environment is set)

from graph.core import settings  # noqa: E402
from graph.db import local_neo4j  # noqa: E402
from graph.db.bulk_import import ImportMemory  # noqa: E402
from graph.db.schema import wipe_data  # noqa: E402
from graph.db.store import GraphStore  # noqa: E402
from graph.db.writer import SubmissionInfo, SubmissionWriter  # noqa: E402
from ingest.bulk import Step, bulk_load  # noqa: E402
from ingest.demo import plan  # noqa: E402
from ingest.pipeline import iter_file  # noqa: E402


def baseline(config: settings.Settings, path: Path, rows: int) -> tuple[int, float]:
    """``rows`` complaint rows of ``path`` written one transaction per row into the loaded
    database, under an org of their own (new complaints, shared phones); (rows, seconds)."""
    items = iter_file("complaints", path, source="baseline", hashing_key=config.hashing_key())
    sample = [item for _, item in zip(range(rows), items, strict=False)]
    info = SubmissionInfo(
        org="baseline",
        kind="complaints",
        file_name=path.name,
        sha256="0" * 64,
        received_at="2026-01-01T00:00:00Z",
    )
    with GraphStore.open(config) as store:
        started = time.perf_counter()
        with SubmissionWriter(store, info, batch_rows=1) as writer:
            for item in sample:
                writer.add(item)
        return len(sample), time.perf_counter() - started


def main() -> None:
    world = ARGS.world or world_folder(ARGS.scale, ARGS.seed)
    steps = [Step(kind, path, org) for kind, path, org in plan(world)]
    config = settings.load()
    print(f"world {world}: {len(steps)} files; home {config.home}; load {os.getloadavg()}")
    local_neo4j.start(config)
    with GraphStore.open(config) as store:
        wipe_data(store)  # the benchmark's own database: empty before the load

    def told(summary: dict[str, object]) -> None:
        print(f"  read {summary['file']}: {summary['rows_read']:,} rows", flush=True)

    memory = ImportMemory(heap=ARGS.heap, max_off_heap=ARGS.off_heap)
    result = bulk_load(steps, config=config, memory=memory, on_file=told)
    seconds = result["seconds"]
    files = result["files"]
    complaint_rows = sum(f["rows_read"] for f in files if f["kind"] == "complaints")
    all_rows = sum(f["rows_read"] for f in files)
    total, alone = seconds["total"], seconds["import"]
    peak = peak_rss_mib()
    complaints_file = next(s.path for s in steps if s.kind == "complaints")
    sample, sample_seconds = baseline(config, complaints_file, ARGS.baseline_rows)
    baseline_rate = sample / sample_seconds
    end_to_end = complaint_rows / total

    print(
        f"rows: {complaint_rows:,} complaint rows, {all_rows:,} rows in all; "
        f"{result['nodes']:,} nodes, {result['links']:,} links, {result['patched']} patched"
    )
    print(
        f"parse + prepare files   {seconds['parse'] + seconds['prepare']:9.1f} s  "
        f"(parse {seconds['parse']:.1f}, import files {seconds['prepare']:.1f})"
    )
    print(
        f"neo4j-admin import alone {alone:8.1f} s  (server stop {seconds['stop']:.1f}, "
        f"start {seconds['start']:.1f})"
    )
    print(f"schema + rest           {seconds['schema_and_rest']:9.1f} s")
    print(
        f"end to end              {total:9.1f} s = {end_to_end:,.0f} complaint rows/s "
        f"({all_rows / total:,.0f} rows/s of every kind)"
    )
    print(f"end to end / import alone: {total / alone:.2f}x (goal within 2x)")
    print(f"peak Python memory: {peak:,.0f} MiB (this process; goal < 2,048)")
    print(
        f"baseline, one transaction per row: {sample:,} complaint rows in {sample_seconds:.1f} s "
        f"= {baseline_rate:,.0f} rows/s; bulk end to end is {end_to_end / baseline_rate:,.0f}x"
    )
    print(f"load average after: {os.getloadavg()}")  # fmt: skip
    local_neo4j.stop(config)
    if ARGS.drop_home:
        shutil.rmtree(config.home, ignore_errors=True)


if __name__ == "__main__":
    main()
