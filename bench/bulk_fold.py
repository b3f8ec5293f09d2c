"""The database-free half of a bulk load (``leadgraph bulk-load``): parse, fold, import files.

Reads every file of a world through the ingest pipeline (``--workers`` forked parsers, as
``bulk-load``), folds the rows with :class:`graph.db.bulk_state.BulkWriter` (spilling to sorted
runs every ``--spill-at`` states) and writes the ``neo4j-admin import`` files into a temporary
folder, deleted afterwards; prints the seconds of each, the rows, the peak memory of this
process (the parsing workers apart) and its CPU seconds in each — the fold's own share beside
the workers, fairer than wall time on a shared machine. No Neo4j is needed. ``--profile FILE``
writes a cProfile of the whole (use ``--workers 1`` to see the parsing in it).

    .venv/bin/python bench/bulk_fold.py --world DIR [--workers 2] [--spill-at N] [--profile F]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_rss_mib

from graph.core import settings
from graph.db import bulk_state
from ingest.demo import plan
from ingest.pipeline import iter_file
from ingest.submit import new_submission


def fold(world: Path, workers: int, folder: Path) -> dict[str, float]:
    """Parse and fold every file of ``world``, then write the import files into ``folder``."""
    config = settings.load()
    graph = bulk_state.BulkGraph(folder / "runs")
    started, started_cpu = time.perf_counter(), time.process_time()
    rows = 0
    for kind, path, org in plan(world):
        info = new_submission(kind, path, org=org, user=None, via="cli", grade=None)
        items = iter_file(kind, path, source=org, hashing_key=config.hashing_key(), workers=workers)
        with bulk_state.BulkWriter(graph, info, batch_rows=config.batch_size) as writer:
            for item in items:
                writer.add(item)
        rows += writer.report.rows_loaded + writer.report.rows_quarantined
    parsed, parsed_cpu = time.perf_counter(), time.process_time()
    files = graph.write_files(folder / "files")
    return {
        "rows": rows,
        "parse": parsed - started,
        "files": time.perf_counter() - parsed,
        "parse_cpu": parsed_cpu - started_cpu,
        "files_cpu": time.process_time() - parsed_cpu,
        "nodes": files.node_count,
        "links": files.link_count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, required=True, help="a world folder (read only)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--spill-at", type=int, default=bulk_state.SPILL_AT)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the run here")
    args = parser.parse_args()
    bulk_state.SPILL_AT = args.spill_at
    folder = Path(tempfile.mkdtemp(prefix="bulk-fold-"))
    try:
        profile = cProfile.Profile() if args.profile else None
        if profile:
            profile.enable()
        figures = fold(args.world, args.workers, folder)
        if profile:
            profile.disable()
            profile.dump_stats(str(args.profile))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rows = figures["rows"]
    print(
        f"{args.world.name}: {rows:,} rows; parse + fold {figures['parse']:.1f} s "
        f"({figures['parse'] / rows * 1e6:,.0f} us a row), import files {figures['files']:.1f} s; "
        f"CPU of this process {figures['parse_cpu']:.1f} s and {figures['files_cpu']:.1f} s; "
        f"{figures['nodes']:,} nodes, {figures['links']:,} links; "
        f"peak memory {peak_rss_mib():,.0f} MiB; load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
