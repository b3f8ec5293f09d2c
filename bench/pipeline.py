"""Rows per second of ``ingest.pipeline.iter_file`` (read + validate + resolve, no database).

    .venv/bin/python bench/pipeline.py [--scale 50000] [--world DIR] [--profile]

Generates a synthetic world with ``app.synth`` (or uses ``--world``), then runs every
complaint file through ``iter_file`` twice: with the text hooks (slang summary, context score,
contacts) and without them, so the cost of text intelligence is visible on its own. Prints one JSON object.
``--profile`` adds the top functions by own time for the run with the hook.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest import kinds
from ingest.pipeline import Tally, iter_file

KEY = b"bench-key"


def run(files: list[Path]) -> dict[str, float]:
    tally = Tally()
    started, cpu_started = time.perf_counter(), time.process_time()
    for path in files:
        for item in iter_file("complaints", path, source="bench", hashing_key=KEY):
            tally.add(item)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    return {
        "rows": tally.rows_read,
        "loaded": tally.rows_loaded,
        "quarantined": tally.rows_quarantined,
        "seconds": round(seconds, 2),
        "rows_per_second": round(tally.rows_read / seconds),
        # CPU time of this process: the figure to trust on a machine shared with other work
        "cpu_seconds": round(cpu_seconds, 2),
        "rows_per_cpu_second": round(tally.rows_read / cpu_seconds),
    }


def calibrate() -> float:
    """CPU seconds for ten million trivial loop steps: how fast this machine's cores are."""
    started = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return round(time.process_time() - started, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--world", type=Path)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--limit", type=int, help="only the first N complaint files")
    args = parser.parse_args()
    world = args.world
    if world is None:
        from app.synth import generate

        world = Path(tempfile.mkdtemp(prefix="lg-bench-"))
        generate(args.scale, args.seed, world)
    files = sorted(world.glob("complaints_*.csv"))[: args.limit]
    report: dict[str, object] = {"world": str(world), "calibration_10M_loop_cpu_s": calibrate()}
    kinds.text_summary("预热")  # load the slang detector outside the timing
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
    report["with_text_hook"] = run(files)
    if args.profile:
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        report["profile"] = out.getvalue().splitlines()[6:24]
    # the same rows with the text hooks (slang summary, context score, contacts) answering nothing
    saved = kinds.text_summary, kinds.text_contacts
    kinds.text_summary = lambda text: {}  # type: ignore[assignment]
    kinds.text_contacts = lambda text: ()  # type: ignore[assignment]
    try:
        report["without_text_hook"] = run(files)
    finally:
        kinds.text_summary, kinds.text_contacts = saved  # type: ignore[assignment]
    # bounded caches (phones, dates, amounts, summaries) and one row at a time: flat memory
    report["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
