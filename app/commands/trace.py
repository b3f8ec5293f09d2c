"""`leadgraph trace A B` and `leadgraph neighbours KEY`: paths and neighbourhoods by entity key."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli import print_json
from graph.db.store import GraphStore
from graph.evidence.trace import find_paths, neighbourhood


def _csv(text: str | None) -> list[str] | None:
    return [part.strip() for part in text.split(",") if part.strip()] if text else None


def register(subparsers: argparse._SubParsersAction) -> None:
    trace = subparsers.add_parser(
        "trace",
        help="shortest paths between two entities, each step with its sources",
        description="Entity keys: phone:+8613800138000, firm:<USCC>, account:<platform>:<handle>, "
        "person:<pid>, complaint:<source>:<id>.",
    )
    trace.add_argument("a", metavar="A", help="entity key")
    trace.add_argument("b", metavar="B", help="entity key")
    trace.add_argument("--max-hops", type=int, default=4, help="longest path (default 4, max 6)")
    trace.add_argument("-k", "--paths", type=int, default=3, help="how many shortest paths")
    trace.add_argument("--via", help="labels a path may pass through, e.g. Phone,Firm")
    trace.add_argument("--types", help="link types a path may use, e.g. CALLED,HAS_PHONE")
    trace.add_argument("--in-time-order", action="store_true", help="steps never go back in time")
    trace.add_argument("--max-gap-days", type=int, help="with --in-time-order: largest gap")
    trace.add_argument("--json", action="store_true", help="print one JSON object")
    trace.set_defaults(handler=trace_command)

    near = subparsers.add_parser("neighbours", help="the entities within N links of one entity")
    near.add_argument("key", metavar="KEY", help="entity key")
    near.add_argument("--hops", type=int, default=2, help="how far (default 2, max 3)")
    near.add_argument("--limit", type=int, default=300, help="most nodes returned (max 300)")
    near.add_argument("--types", help="link types to follow, e.g. CONTACT,ADVERTISES")
    near.add_argument("--json", action="store_true", help="print one JSON object")
    near.set_defaults(handler=neighbours_command)


def _node_text(node: dict[str, Any]) -> str:
    props = node["props"]
    name = props.get("name") or props.get("nickname") or props.get("complaint_id") or ""
    return f"{node['key']}" + (f" ({name})" if name else "")


def trace_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        result = find_paths(
            store,
            args.a,
            args.b,
            max_hops=args.max_hops,
            k=args.paths,
            via_labels=_csv(args.via),
            via_types=_csv(args.types),
            time_ordered=args.in_time_order,
            max_gap_days=args.max_gap_days,
        )
    if args.json:
        print_json(result)
        return 0
    if not result["paths"]:
        print(f"no path of at most {result['limits']['max_hops']} hops")
    for number, path in enumerate(result["paths"], 1):
        print(f"path {number} ({path['hops']} hops)")
        nodes = path["nodes"]
        print(f"  {_node_text(nodes[0])}")
        for step, node in zip(path["steps"], nodes[1:], strict=True):
            sources = ", ".join(step["sources"][:3]) + (" …" if len(step["sources"]) > 3 else "")
            print(f"  -[{step['type']} {step['first_seen'] or ''} sources: {sources}]-")
            print(f"  {_node_text(node)}")
    for hub in result["set_aside"]:
        print(f"set aside hub {hub['key']} ({hub['degree']} links)")
    return 0


def neighbours_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        graph = neighbourhood(
            store, args.key, hops=args.hops, limit=args.limit, via_types=_csv(args.types)
        )
    result = graph.as_dict()
    if args.json:
        print_json(result)
        return 0
    print(f"{len(result['nodes'])} entities, {len(result['links'])} links")
    for node in result["nodes"]:
        print(f"  {node['label']:<10} {_node_text(node)}")
    for hub in result["set_aside"]:
        print(f"set aside hub {hub['key']} ({hub['degree']} links)")
    if result["truncated"]:
        print("(truncated at the node limit; ask for fewer hops or a smaller neighbourhood)")
    return 0
