"""`leadgraph uploads prune`: delete the workbench's raw uploads that are past their time.

Every ingest prunes too; this is for an installation where nobody ingests for a while, e.g. run
daily by cron. What is kept and for how long: ``ingest/uploads.py``. Each deletion is audited as
``upload_delete`` by ``cli:<login name>``.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from app.cli import print_json
from graph.core import settings
from graph.db.store import GraphStore
from graph.workflow.auth import operator
from ingest import uploads


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "uploads", help="the workbench's raw uploads: delete those past their retention"
    )
    commands = parser.add_subparsers(dest="uploads_command", metavar="ACTION", required=True)
    prune = commands.add_parser(
        "prune",
        help="delete uploads older than LEADGRAPH_UPLOAD_RETENTION_DAYS (at least a day)",
        description="Delete every raw upload in the state folder older than "
        "LEADGRAPH_UPLOAD_RETENTION_DAYS days, or than a day when the retention is 0 (an "
        "ingested upload is then already gone; this removes files uploaded and never "
        "ingested). Each deletion is audited.",
    )
    prune.add_argument("--json", action="store_true", help="print one JSON array")
    prune.set_defaults(handler=prune_command)


def prune_command(args: argparse.Namespace) -> int:
    config = settings.load()
    with GraphStore.open(config) as store:
        deleted = uploads.prune(store, actor=operator().username, config=config)
    if args.json:
        print_json(deleted)
        return 0
    for row in deleted:
        when = datetime.fromtimestamp(row["uploaded_at"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        print(f"deleted {row['file']}  uploaded {when}  sha256 {row['sha256']}")
    print(f"{len(deleted)} upload(s) deleted; kept for {uploads.kept_for(config)} after upload")
    return 0
