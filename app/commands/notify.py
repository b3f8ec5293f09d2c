"""`leadgraph notify run|list|retry`: send the queued webhook and email messages about pushes.

``retry`` acts as an admin (:func:`graph.workflow.auth.operator`, audited as ``cli:<login name>``).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime

from app.cli import print_json
from graph.core import settings as settings_module
from graph.core.clock import parse_time
from graph.db.store import GraphStore
from graph.workflow import notify, outbox
from graph.workflow.auth import operator


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "notify", help="send the webhook and email messages that pushes queued"
    )
    commands = parser.add_subparsers(dest="notify_command", metavar="ACTION", required=True)

    run = commands.add_parser(
        "run",
        help="deliver due notifications, retrying failures with backoff (until Ctrl-C)",
        description="Send every due notification through the configured channels "
        "(LEADGRAPH_WEBHOOK_URL, LEADGRAPH_SMTP_HOST) and record the outcome. Failures are "
        "retried with exponential backoff until delivered or LEADGRAPH_NOTIFY_MAX_ATTEMPTS "
        "attempts have failed. Without --once it keeps running, waking when the next one is due.",
    )
    run.add_argument("--once", action="store_true", help="one round, then exit")
    run.add_argument(
        "--interval",
        type=float,
        default=15.0,
        help="longest sleep between rounds in seconds (default 15)",
    )
    run.add_argument(
        "--json", action="store_true", help="print each round's report as one JSON line"
    )
    run.set_defaults(handler=run_command)

    listing = commands.add_parser("list", help="queued, delivered and failed notifications")
    listing.add_argument("--status", choices=outbox.STATUSES, help="only this status")
    listing.add_argument("--lead", help="only this lead's")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(handler=list_command)

    retry = commands.add_parser(
        "retry",
        help="give a failed or held notification a new set of attempts (audited)",
        description="Make a failed notification, or one held because the webhook secret "
        "changed since it was queued, pending again. A webhook is then signed with the current "
        "LEADGRAPH_WEBHOOK_SECRET. Audited as notify_requeue.",
    )
    retry.add_argument("id", help="the notification id (see `leadgraph notify list`)")
    retry.set_defaults(handler=retry_command)


def _print_round(report: notify.DeliveryReport, as_json: bool, *, always: bool) -> None:
    if as_json:
        if always or report.attempted or report.held or report.errors:
            print(json.dumps(report.as_dict(), ensure_ascii=False, default=str), flush=True)
        return
    for result in report.results:
        line = f"{result['id']}  {result['channel']:<7} lead:{result['lead_id']}  "
        line += f"{result['status']} after {result['attempts']} attempt(s)"
        if result["error"]:
            line += f"; {result['error']}"
            if result["next_attempt_at"]:
                line += f"; next at {result['next_attempt_at']}"
        print(line, flush=True)
    if always or report.attempted or report.held:
        print(
            f"delivered {report.delivered}, retrying {report.retrying}, failed {report.failed}, "
            f"held {report.held}",
            flush=True,
        )


def _seconds_until(moment: str | None, ceiling: float) -> float:
    when = parse_time(moment)
    if when is None:
        return ceiling
    return max(0.5, min(ceiling, (when - datetime.now(UTC)).total_seconds()))


def run_command(args: argparse.Namespace) -> int:
    config = settings_module.load()
    channels = notify.channels_from_settings(config)  # a bad setting stops here, exit 1
    with GraphStore.open(config) as store:
        if args.once:
            report = notify.deliver_due(store, channels, config=config)
            _print_round(report, args.json, always=True)
            return 0
        try:
            while True:
                report = notify.deliver_due(store, channels, config=config)
                _print_round(report, args.json, always=False)
                # a full page: go again at once
                if report.attempted + report.skipped + report.held < 100:
                    time.sleep(_seconds_until(outbox.next_due(store), args.interval))
        except KeyboardInterrupt:
            return 0


def list_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        rows = outbox.list_notifications(
            store, status=args.status, lead_id=args.lead, limit=args.limit
        )
    if args.json:
        print_json([row.as_dict() for row in rows])
        return 0
    for row in rows:
        when = row.delivered_at or row.next_attempt_at or "-"
        error = f"  {row.last_error}" if row.last_error and row.status != "delivered" else ""
        print(
            f"{row.id}  {row.channel:<7} {row.status:<9} {row.attempts:>2}  {when}  "
            f"lead:{row.lead_id}  {row.target}{error}"
        )
    return 0


def retry_command(args: argparse.Namespace) -> int:
    config = settings_module.load()
    with GraphStore.open(config) as store:
        row = outbox.requeue(store, args.id, actor=operator().username, config=config)
    print(f"{row.id} is pending again; `leadgraph notify run` sends it")
    return 0
