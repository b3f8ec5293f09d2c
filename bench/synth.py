"""Time and peak memory of the synthetic world generator.

Runs ``app.synth.generate`` in this process (without the CLI, whose other commands import
large libraries) and prints wall time, complaints per second, peak RSS and the size written.

    .venv/bin/python bench/synth.py [--scale 1000000] [--seed 1] [--out /tmp/leadgraph-synth]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.synth import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="keep the world here (default: a temp dir)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="leadgraph-synth-"))
    started = time.perf_counter()
    summary = generate(args.scale, args.seed, out)
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mib = sum(p.stat().st_size for p in out.iterdir()) / 2**20
    rows = sum(summary["files"].values())
    print(f"scale {args.scale:,}  seed {args.seed}")
    print(f"time {seconds:,.1f} s  ({args.scale / seconds:,.0f} complaints/s, {rows:,} rows)")
    print(f"peak RSS {peak_mib:,.0f} MiB  written {size_mib:,.0f} MiB")
    if args.out is None:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
