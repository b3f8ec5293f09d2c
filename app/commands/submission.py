"""`leadgraph submission list|withdraw`: the ingested files, and taking one back out of the graph.

The command line acts as an admin (:func:`graph.workflow.auth.operator`, audited as
``cli:<login name>``); what a withdrawal removes and keeps is described in
``graph/workflow/withdraw.py``.
"""

from __future__ import annotations

import argparse

from app.cli import print_json
from graph.db.store import GraphStore
from graph.workflow import withdraw
from graph.workflow.auth import operator


def register(subparsers: argparse._SubParsersAction) -> None:
    submission = subparsers.add_parser(
        "submission", help="list submissions (ingested files) and withdraw one"
    )
    commands = submission.add_subparsers(dest="submission_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="the submissions, newest first")
    listing.add_argument("--org", help="only this organisation's")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(handler=list_command)

    take_back = commands.add_parser(
        "withdraw",
        help="take a submission's rows back out of the graph (leads on it are marked for review)",
        description="Withdraw a submission: its statements and sources go, links and entities "
        "nothing else names go (entities a lead involves stay, and the lead is marked for "
        "review), other parties' values take the place of its org's. The submission stays, "
        "marked withdrawn. Exit 1 for an unknown or already withdrawn submission. If it stops "
        "part-way, run it again to finish.",
    )
    take_back.add_argument("submission", metavar="SUB", help="the submission id, e.g. sub-…")
    take_back.add_argument("--reason", default="", help="why (kept on the submission and leads)")
    take_back.add_argument("--json", action="store_true", help="print one JSON object")
    take_back.set_defaults(handler=withdraw_command)


def list_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        rows = withdraw.submissions(store, operator(), limit=args.limit, org=args.org)
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(
            f"{row['id']}  {row['status'] or '-':<11} {row['received_at'] or '-':<20} "
            f"{row['kind']:<10} {row['org']}  {row['file_name']}"
        )
    return 0


def withdraw_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        report = withdraw.withdraw_submission(
            store, operator(), args.submission, reason=args.reason
        )
    if args.json:
        print_json(report.as_dict())
        return 0
    again = " (resumed)" if report.resumed else ""
    print(f"withdrew {report.submission}{again}: {report.file_name} of {report.org}")
    print(
        f"  removed {report.statements} statements, {report.link_sources + report.node_sources} "
        f"sources, {report.links} links, {report.entities} entities "
        f"(+{report.detached_links} links with them)"
    )
    print(
        f"  values: {report.values_moved} entities now hold another statement's, "
        f"{report.values_cleared} have none left"
    )
    if report.kept_for_leads:
        print(f"  kept {report.kept_for_leads} entities that leads involve")
    if report.leads:
        print(f"  marked {len(report.leads)} leads for review: {', '.join(report.leads)}")
    return 0
