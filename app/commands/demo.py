"""`leadgraph demo load`: the synthetic demo world into the graph, then templates and detect."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli import print_json
from graph.db.schema import init_schema
from graph.db.store import GraphStore
from graph.evidence.leads import detect
from graph.evidence.templates import build_templates
from ingest.demo import FIXTURE_WORLD, load_world

COUNTS = ("rows_read", "rows_loaded", "rows_quarantined", "fields_dropped")


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="demo data")
    commands = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    load = commands.add_parser(
        "load", help="load a synthetic world (default fixtures/world), find templates and leads"
    )
    load.add_argument("folder", nargs="?", type=Path, default=FIXTURE_WORLD)
    load.add_argument(
        "--if-needed", action="store_true", help="skip files already loaded (make run uses it)"
    )
    load.add_argument("--json", action="store_true", help="print one JSON object")
    load.set_defaults(handler=load_command)


def load_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        init_schema(store)
        summaries = load_world(store, args.folder, user="demo", skip_loaded=args.if_needed)
        if args.if_needed and not summaries:
            print("the demo world is already loaded")
            return 0
        templates = build_templates(store)
        found = detect(store)
    leads: list[dict[str, Any]] = found["leads"]
    result: dict[str, Any] = {
        "files": [{k: s[k] for k in ("file", "kind", "org", *COUNTS)} for s in summaries],
        "template_clusters": len(templates.clusters),
        "leads": [
            {"id": lead["id"], "title": lead["title"], "score": lead["score"]} for lead in leads
        ],
    }
    if args.json:
        print_json(result)
        return 0
    for f in result["files"]:
        print(
            f"{f['kind']:<11} {Path(f['file']).name:<28} {f['rows_loaded']:>6} loaded, {f['rows_quarantined']:>3} quarantined, {f['fields_dropped']:>3} values dropped"
        )
    print(f"{result['template_clusters']} template clusters; {len(leads)} candidate leads")
    return 0
