"""`leadgraph rerank train|show`: learn the ranking from outcomes and dismissals
(graph/evidence/rerank.py)."""

from __future__ import annotations

import argparse
import getpass

from app.cli import print_json
from graph.db.store import GraphStore
from graph.evidence import rerank


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rerank", help="learn the candidates' ranking from officers' outcomes and dismissals"
    )
    actions = parser.add_subparsers(dest="rerank_action", required=True)
    train = actions.add_parser("train", help="train on the labels now recorded and re-rank leads")
    train.add_argument("--json", action="store_true")
    train.set_defaults(handler=train_command)
    show = actions.add_parser("show", help="the model in force")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_command)


def _print(model: dict) -> None:
    if not model.get("coefficients"):
        print(f"hand weights in force ({model.get('reason') or 'never trained'})")
        return
    print(
        f"model v{model['version']} trained {model['trained_at']}: {model['labels']} labels "
        f"({model['positives']} positive, {model['negatives']} negative) from {model['orgs']} orgs"
    )
    print(f"{'feature':<24}{'hand':>8}{'learned':>10}")
    for name in rerank.FEATURES:
        hand = rerank.HAND_WEIGHTS[name]
        print(f"{name:<24}{hand:>8.1f}{model['coefficients'][name]:>10.2f}")


def train_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        model = rerank.train(store, f"cli:{getpass.getuser()}")
    if args.json:
        print_json(model)
    else:
        _print(model)
        print(f"{model['leads']} leads re-ranked")
    return 0


def show_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        model = rerank.latest_model(store)
    if args.json:
        print_json(model)
    else:
        _print(model or {})
    return 0
