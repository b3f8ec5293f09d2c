"""`leadgraph db start|stop|status|init`: the local Neo4j and the schema."""

from __future__ import annotations

import argparse

from app.cli import print_json
from graph.core import settings
from graph.db import local_neo4j
from graph.db.schema import init_schema
from graph.db.status import database_status
from graph.db.store import GraphStore


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="start, stop, inspect and initialise the database")
    commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)

    start = commands.add_parser("start", help="start the local Neo4j and wait until Bolt answers")
    start.add_argument("--port", type=int, help="Bolt port (default LEADGRAPH_NEO4J_PORT or 7687)")
    start.set_defaults(handler=start_command)

    stop = commands.add_parser("stop", help="stop the local Neo4j cleanly")
    stop.set_defaults(handler=stop_command)

    status = commands.add_parser("status", help="server version, schema and counts")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.set_defaults(handler=status_command)

    init = commands.add_parser("init", help="create constraints and indexes (idempotent)")
    init.add_argument("--json", action="store_true", help="print one JSON object")
    init.set_defaults(handler=init_command)


def start_command(args: argparse.Namespace) -> int:
    config = settings.load()
    state = local_neo4j.start(config, port=args.port)
    print(state.uri)
    return 0


def stop_command(args: argparse.Namespace) -> int:
    config = settings.load()
    was_running = local_neo4j.stop(config)
    print("stopped" if was_running else "not running")
    return 0


def status_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        status = database_status(store)
    if args.json:
        print_json(status)
        return 0
    server = status["server"]
    print(f"{status['uri']}  Neo4j {server['version']} {server['edition']}")
    print(f"schema version: {status['schema_version']}")
    print(f"nodes: {status['nodes_total']}  relationships: {status['relationships_total']}")
    for label, count in status["nodes"].items():
        print(f"  {label:<12} {count}")
    for link_type, count in status["relationships"].items():
        print(f"  {link_type:<15} {count}")
    return 0


def init_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        report = init_schema(store)
    result = {
        "schema_version_before": report.version_before,
        "schema_version": report.version_after,
        "statements": report.statements,
    }
    if args.json:
        print_json(result)
    else:
        print(
            f"schema version {report.version_after} ({report.statements} constraints and indexes)"
        )
    return 0
