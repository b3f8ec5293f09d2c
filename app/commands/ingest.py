"""`leadgraph ingest KIND FILE... --org ORG`: clue files into the graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from app.cli import print_json
from graph.db.store import GraphStore
from ingest.submit import KINDS, submit_file


def register(subparsers: argparse._SubParsersAction) -> None:
    ingest = subparsers.add_parser(
        "ingest",
        help="validate, resolve and load clue files (bad rows and dropped values are reported)",
        description="Load clue files into the graph. Exit 0 when every file was processed, even "
        "with quarantined rows; 1 when a file cannot be read at all.",
    )
    ingest.add_argument("kind", choices=KINDS, help="what the files hold")
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ingest.add_argument("--org", required=True, help="submitting organisation (created if new)")
    ingest.add_argument("--user", help="submitting analyst")
    ingest.add_argument("--mapping", type=Path, help="YAML mapping of unknown headers to fields")
    ingest.add_argument("--sheet", help="XLSX sheet (default: the first)")
    ingest.add_argument("--grade", help="source grade for the whole submission, e.g. B2")
    ingest.add_argument("--json", action="store_true", help="print one JSON summary")
    ingest.set_defaults(handler=ingest_command)


def _merge(total: dict[str, Any], summary: dict[str, Any]) -> None:
    for name in ("rows_read", "rows_loaded", "rows_quarantined", "fields_dropped", "seconds"):
        total[name] = round(total.get(name, 0) + summary[name], 3)
    for section in ("entities", "links"):
        into = total.setdefault(section, {})
        for name, count in summary[section].items():
            into[name] = into.get(name, 0) + count
    total.setdefault("quarantine", []).extend(summary["quarantine"])


def ingest_command(args: argparse.Namespace) -> int:
    total: dict[str, Any] = {"kind": args.kind, "org": args.org, "files": []}
    show_progress = not args.json and sys.stderr.isatty()
    with GraphStore.open() as store:
        for path in args.files:
            bar = tqdm(desc=path.name, unit=" rows", disable=not show_progress)

            def progress(rows: int, bar: tqdm = bar) -> None:
                bar.update(rows - bar.n)

            summary = submit_file(
                store,
                args.kind,
                path,
                org=args.org,
                user=args.user,
                mapping=args.mapping,
                sheet=args.sheet,
                grade=args.grade,
                on_progress=progress,
            )
            bar.close()
            total["files"].append({k: v for k, v in summary.items() if k != "quarantine"})
            _merge(total, summary)
    total["submission"] = (
        total["files"][0]["submission"]
        if len(args.files) == 1
        else [f["submission"] for f in total["files"]]
    )
    if args.json:
        print_json(total)
        return 0
    print_files(total["files"])
    return 0


def print_files(files: list[dict[str, Any]]) -> None:
    """One line a file's summary, and where its quarantine report is when it has one."""
    for f in files:
        print(
            f"{f['file']}: {f['rows_read']} rows read, {f['rows_loaded']} loaded, "
            f"{f['rows_quarantined']} quarantined, {f['fields_dropped']} optional values dropped "
            f"({f['seconds']} s) -> submission {f['submission']}"
        )
        if f["rows_quarantined"] or f["fields_dropped"]:
            print(f"  quarantine report: {f['quarantine_report']}")
