"""`leadgraph bulk-load --org ORG KIND=FILE...`: the first load of a new installation, through
neo4j-admin import (ingest/bulk.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli import print_json
from app.commands.ingest import _merge, print_files
from graph.core.errors import UserError
from ingest.bulk import Step, bulk_load
from ingest.submit import KINDS


def register(subparsers: argparse._SubParsersAction) -> None:
    bulk = subparsers.add_parser(
        "bulk-load",
        help="first load of many clue files into an EMPTY local database (neo4j-admin import)",
        description="Load every file of a first load at once, in the order given, through the "
        "same pipeline as `ingest` (same graph, quarantine reports, audit entries and jobs), "
        "written by neo4j-admin import: the local server is stopped for the import and started "
        "again. Refuses a database that is not empty and a server named by NEO4J_URI.",
    )
    bulk.add_argument(
        "files", nargs="+", metavar="KIND=FILE", help=f"a file and its kind: {', '.join(KINDS)}"
    )
    bulk.add_argument("--org", required=True, help="submitting organisation (created if new)")
    bulk.add_argument("--user", help="submitting analyst")
    bulk.add_argument("--mapping", type=Path, help="YAML mapping of unknown headers to fields")
    bulk.add_argument("--grade", help="source grade for every submission, e.g. B2")
    bulk.add_argument("--json", action="store_true", help="print one JSON summary")
    bulk.set_defaults(handler=bulk_load_command)


def parse_step(argument: str, org: str) -> Step:
    """``KIND=FILE`` as a step, refused with the argument named when it is not one."""
    kind, equals, file = argument.partition("=")
    if not equals or not file:
        raise UserError(f"{argument}: give each file as KIND=FILE, e.g. complaints=export.csv")
    if kind not in KINDS:
        raise UserError(f"{argument}: unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    return Step(kind, Path(file), org)


def bulk_load_command(args: argparse.Namespace) -> int:
    steps = [parse_step(argument, args.org) for argument in args.files]

    def told(summary: dict[str, Any]) -> None:
        if not args.json:
            print(f"{summary['file']}: {summary['rows_read']} rows read", file=sys.stderr)

    result = bulk_load(steps, user=args.user, mapping=args.mapping, grade=args.grade, on_file=told)
    total: dict[str, Any] = {"org": args.org, "files": []}
    for summary in result["files"]:
        total["files"].append({k: v for k, v in summary.items() if k != "quarantine"})
        _merge(total, summary)
    total["seconds"] = result["seconds"]
    total["submission"] = [f["submission"] for f in total["files"]]
    if args.json:
        print_json(total)
        return 0
    print_files(total["files"])
    seconds = result["seconds"]
    print(
        f"{result['nodes']:,} nodes and {result['links']:,} links imported in "
        f"{seconds['total']} s (import alone {seconds['import']} s)"
    )
    return 0
