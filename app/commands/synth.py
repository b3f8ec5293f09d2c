"""`leadgraph synth --scale N --seed S --out DIR`: write a synthetic world of clue files."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import print_json
from app.synth import MAX_SCALE, MIN_SCALE, generate
from graph.core.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    synth = subparsers.add_parser(
        "synth",
        help="write a synthetic world: clue files with planted rings and truth.json",
        description=(
            "Write complaints (CSV, GBK/GB18030/UTF-8), firms (CSV, XLSX), accounts (JSON Lines),"
            " calls and a phone blacklist (CSV), and truth.json with the planted rings, decoys,"
            " bad rows and exact entity counts. The same seed gives byte-identical files."
        ),
    )
    synth.add_argument(
        "--scale",
        type=int,
        default=1000,
        help="number of complaints without a fault (default 1000); a few rows with one bad "
        "optional value load as complaints too",
    )
    synth.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    synth.add_argument("--out", type=Path, required=True, help="output directory")
    synth.add_argument(
        "--hard-decoys",
        action="store_true",
        help="law firms and debt-counselling charities filing many complaints with one form "
        "letter: decoys that score like rings (truth.json decoys.law_firms[].form_letter)",
    )
    synth.add_argument("--json", action="store_true", help="print one JSON object")
    synth.set_defaults(handler=synth_command)


def synth_command(args: argparse.Namespace) -> int:
    if not MIN_SCALE <= args.scale <= MAX_SCALE:
        raise UserError(f"--scale must be between {MIN_SCALE} and {MAX_SCALE:,}, got {args.scale}")
    if args.out.exists() and not args.out.is_dir():
        raise UserError(f"--out {args.out} exists and is not a directory")
    summary = generate(args.scale, args.seed, args.out, hard_decoys=args.hard_decoys)
    if args.json:
        print_json(summary)
        return 0
    counts = summary["counts"]
    print(f"wrote {len(summary['files'])} files and truth.json to {summary['out']}")
    for name, rows in summary["files"].items():
        print(f"  {name:<28} {rows:>9,} rows")
    print(
        f"complaints {counts['complaints']:,}  rings {counts['rings']:,}"
        f" (ring complaints {counts['ring_complaints']:,})  law firms {counts['law_firms']:,}"
        f"  bad rows {counts['bad_rows']:,}  duplicate rows {counts['duplicate_rows']:,}"
    )
    return 0
