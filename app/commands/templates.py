"""`leadgraph templates`: cluster templated complaints and link them in the graph."""

from __future__ import annotations

import argparse

from app.cli import print_json
from graph.db.store import GraphStore
from graph.evidence.templates import build_templates, describe_clusters
from graph.text.templates import DEFAULT_THRESHOLD


def register(subparsers: argparse._SubParsersAction) -> None:
    templates = subparsers.add_parser(
        "templates", help="find templated complaints (SAME_TEMPLATE links, cluster ids)"
    )
    templates.add_argument(
        "--threshold", type=float, default=DEFAULT_THRESHOLD, help="estimated Jaccard similarity"
    )
    templates.add_argument("--top", type=int, default=20, help="clusters to print")
    templates.add_argument("--json", action="store_true", help="print one JSON object")
    templates.set_defaults(handler=templates_command)


def templates_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        result = build_templates(store, threshold=args.threshold)
        clusters = describe_clusters(store, result, top=args.top)
    summary = {
        "clusters_total": len(result.clusters),
        "complaints_clustered": sum(c.size for c in result.clusters),
        "links": len(result.links),
        "params": result.params,
        "clusters": clusters,
    }
    if args.json:
        print_json(summary)
        return 0
    print(
        f"{summary['clusters_total']} template clusters covering "
        f"{summary['complaints_clustered']} complaints ({summary['links']} SAME_TEMPLATE links)"
    )
    for c in clusters:
        text = c["text"].replace("\n", " ")
        print(
            f"  {c['size']:>5} complaints, {c['complainants']} complainants, "
            f"{c['contact_phones']} contact phones: {text[:60]}…"
        )
    return 0
