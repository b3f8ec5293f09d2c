"""`leadgraph alliance request|respond|finish|receipt`: private set intersection by files.

The asking side writes a request (``request``), the answering side answers it (``respond``),
the asking side reads the answer (``finish``) and may send the count back (``finish
--reveal-count RECEIPT``), which the answering side records (``receipt``). The command line acts
as an admin (``cli:<login name>``); README, "Alliance".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli import family_actions, print_json
from graph.alliance import exchange
from graph.alliance.protocol import MODES
from graph.alliance.sets import SET_NAMES
from graph.db.store import GraphStore
from graph.workflow.auth import operator


def alliance_actions(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The sub-commands of ``leadgraph alliance``, created by whichever module asks first, so
    that several command modules can add ``alliance`` actions without clashing."""
    return family_actions(
        subparsers, "alliance", "match sets with other installations without showing them"
    )


def _set_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", dest="set_name", required=True, choices=SET_NAMES)
    parser.add_argument("--watchlist", type=Path, help="the watchlist file (with --set watchlist)")
    parser.add_argument("--out", type=Path, required=True, help="the file to write")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def register(subparsers: argparse._SubParsersAction) -> None:
    commands = alliance_actions(subparsers)

    request = commands.add_parser(
        "request",
        help="write a request about one of this installation's sets",
        description="Blind a set and write the request file for the counterpart. The run's "
        "secret key and items stay in the state folder (alliance/runs/).",
    )
    _set_options(request)
    request.add_argument("--mode", required=True, choices=MODES)
    request.add_argument("--counterpart", required=True, help="the installation asked")
    request.add_argument(
        "--force", action="store_true", help="send a set close to an earlier one all the same"
    )
    request.set_defaults(handler=request_command)

    respond = commands.add_parser(
        "respond",
        help="answer a request with one of this installation's sets",
        description="Answer a request file. This side learns the request's size and sender, "
        "never the matches nor their number.",
    )
    respond.add_argument("request", type=Path)
    _set_options(respond)
    respond.set_defaults(handler=respond_command)

    finish = commands.add_parser("finish", help="read the answer to one of this side's requests")
    finish.add_argument("response", type=Path)
    finish.add_argument(
        "--reveal-count",
        type=Path,
        metavar="RECEIPT",
        help="also write a receipt of the count for the answering side",
    )
    finish.add_argument("--json", action="store_true", help="print one JSON object")
    finish.set_defaults(handler=finish_command)

    receipt = commands.add_parser("receipt", help="record the count a requester revealed")
    receipt.add_argument("receipt", type=Path)
    receipt.add_argument("--json", action="store_true", help="print one JSON object")
    receipt.set_defaults(handler=receipt_command)


def request_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        result = exchange.make_request(
            store,
            operator(),
            args.set_name,
            mode=args.mode,
            counterpart=args.counterpart,
            out=args.out,
            watchlist=args.watchlist,
            force=args.force,
        )
    if result["warning"]:
        print(f"warning: {result['warning']}", file=sys.stderr)
    if args.json:
        print_json(result)
    else:
        print(f"request {result['run_id']} ({result['size']} items) written to {args.out}")
    return 0


def respond_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        result = exchange.respond(
            store, operator(), args.request, args.set_name, out=args.out, watchlist=args.watchlist
        )
    if args.json:
        print_json(result)
    else:
        print(f"response to {result['counterpart']}'s run {result['run_id']} written to {args.out}")
    return 0


def finish_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        result = exchange.finish(store, operator(), args.response)
        if args.reveal_count:
            exchange.write_receipt(store, operator(), result["run_id"], args.reveal_count)
    if args.json:
        print_json(result)
    else:
        print(f"{result['count']} of {result['size']} items match at {result['counterpart']}")
        for key in result["matched"]:
            print(key)
    return 0


def receipt_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        result = exchange.import_receipt(store, operator(), args.receipt)
    if args.json:
        print_json(result)
    else:
        print(
            f"{result['counterpart']} reports {result['count']} matches in run {result['run_id']}"
        )
    return 0
