"""`leadgraph audit verify|list`: check the audit log's hash chain and read it."""

from __future__ import annotations

import argparse
import json

from app.cli import print_json
from graph.db.store import GraphStore
from graph.workflow import admin
from graph.workflow.auth import operator


def register(subparsers: argparse._SubParsersAction) -> None:
    audit = subparsers.add_parser("audit", help="verify and read the append-only audit log")
    commands = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    verify = commands.add_parser(
        "verify",
        help="check the hash chain and its sealed head; exit 1 naming the first edited or "
        "missing entry",
        description="Walk the audit log's keyed hash chain and check it against the head sealed "
        "in the state folder. Exit 0 when it is intact, 1 when an entry was edited or deleted, "
        "the log was cut short or emptied, or the seal is not this installation's (the first "
        "break is named).",
    )
    verify.add_argument("--json", action="store_true", help="print one JSON object")
    verify.set_defaults(handler=verify_command)

    reseal = commands.add_parser(
        "reseal",
        help="accept the log as the database holds it now (after restoring a backup) and seal it",
        description="Seal the head of the audit log as the database holds it now, replacing the "
        "seal in the state folder. Only for a log changed on purpose, such as a restored backup: "
        "it accepts whatever entries are missing since. The chain itself must be whole. The old "
        "seal and the new one are recorded in an 'audit_reseal' entry.",
    )
    reseal.set_defaults(handler=reseal_command)

    listing = commands.add_parser("list", help="the newest entries, newest first")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    listing.add_argument("--actor", help="only this actor")
    listing.add_argument("--action", help="only this action, e.g. login_failed")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(handler=list_command)


def verify_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        report = admin.verify_audit(store, operator())
    if args.json:
        print_json(report.as_dict())
    elif report.ok:
        sealed = (
            f"sealed head {report.sealed_seq}"
            if report.sealed_seq is not None
            else "not sealed yet (the next audited action seals it)"
        )
        print(f"audit log intact: {report.entries} entries, head {report.head_seq}, {sealed}")
        print(f"head hash: {report.head_hash}")
    elif report.bad_seq is None:
        print(f"audit log BROKEN: {report.reason}")
    else:
        print(f"audit log BROKEN at entry {report.bad_seq}: {report.reason}")
    return 0 if report.ok else 1


def reseal_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        seal, replaced = admin.reseal_audit(store, operator())
    print(f"audit log sealed at entry {seal.seq} (hash {seal.hash}); replaced: {replaced}")
    return 0


def list_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        rows = admin.audit_log(
            store, operator(), limit=args.limit, actor=args.actor, action=args.action
        )
    if args.json:
        print_json([entry.as_dict() for entry in rows])
        return 0
    for entry in rows:
        details = json.dumps(entry.details, ensure_ascii=False) if entry.details else ""
        print(
            f"{entry.seq:>6}  {entry.at}  {entry.actor:<16} {entry.action:<13} "
            f"{entry.target or '-'}  {details}"
        )
    return 0
