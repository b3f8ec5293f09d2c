"""`leadgraph detect` and `leadgraph leads`: rings as candidate leads, ranked and explained."""

from __future__ import annotations

import argparse

from app.cli import print_json
from graph.db.store import GraphStore
from graph.evidence.leads import detect, list_leads
from graph.workflow.withdraw import review_marks


def register(subparsers: argparse._SubParsersAction) -> None:
    found = subparsers.add_parser(
        "detect", help="score intermediaries, find rings, update candidate leads"
    )
    found.add_argument("--min-complainants", type=int, default=5)
    found.add_argument("--min-score", type=float, default=45.0, help="least score of a ring's seed")
    found.add_argument(
        "--json",
        action="store_true",
        help='print {"leads": [...], "set_aside": [...], "contact_hubs": {...}}',
    )
    found.set_defaults(handler=detect_command)

    leads = subparsers.add_parser("leads", help="list leads, best first")
    leads.add_argument("--status", help="comma-separated statuses, e.g. candidate,pushed")
    leads.add_argument("--limit", type=int, default=50)
    leads.add_argument("--json", action="store_true")
    leads.set_defaults(handler=leads_command)


def detect_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        result = detect(
            store, min_complainants=args.min_complainants, min_seed_score=args.min_score
        )
    if args.json:
        print_json(
            {
                "leads": result["leads"],
                "set_aside": result["set_aside"],
                "contact_hubs": result["contact_hubs"],
            }
        )
        return 0
    for lead in result["leads"]:
        print(f"{lead['score']:>6.1f}  {lead['id']}  {lead['title']}")
        for reason in lead["explanation"][:3]:
            print(f"          {reason}")
        if lead["ties"]:
            tied = ", ".join(f"{why} ×{n}" for why, n in lead["ties"].items())
            print(f"          tied by {tied}")
    for item in result["set_aside"]:
        print(f"set aside service number {item['key']} ({item['complaints']} complaints)")
    return 0


def leads_command(args: argparse.Namespace) -> int:
    statuses = [s.strip() for s in args.status.split(",")] if args.status else None
    with GraphStore.open() as store:
        rows = list_leads(store, statuses=statuses, limit=args.limit)
        # a lead resting on a withdrawn submission is marked for review (graph/workflow/withdraw.py)
        marks = review_marks(store, [row["id"] for row in rows])
    for row in rows:
        row.update(marks.get(row["id"], {"review": False}))
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        review = "  [review: a submission was withdrawn]" if row["review"] else ""
        print(f"{row['score']:>6.1f}  {row['status']:<12} {row['id']}  {row['title']}{review}")
    return 0
