"""The ``leadgraph`` command line.

Each command family lives in ``app/commands/<name>.py`` and exposes ``register(subparsers)``,
which adds its sub-commands and sets ``handler`` (a function taking the parsed namespace and
returning an exit code) on each. Exit codes: 0 ok; 1 a user's error (one line, no traceback);
2 an internal error.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from graph.core.errors import UserError

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 2

# Command families, in the order `leadgraph --help` lists them, with the commands each registers.
# A command imports only its own family: all of them pull in the Neo4j driver, pandas and
# phonenumbers, ~3.5 s before any work on this machine (`leadgraph scan` alone: 0.1 s).
COMMAND_MODULES = {
    "app.commands.db": ("db",),
    "app.commands.serve": ("serve",),
    "app.commands.ingest": ("ingest",),
    "app.commands.submission": ("submission",),
    "app.commands.uploads": ("uploads",),
    "app.commands.trace": ("trace", "neighbours"),
    "app.commands.templates": ("templates",),
    "app.commands.detect": ("detect", "leads"),
    "app.commands.demo": ("demo",),
    "app.commands.synth": ("synth",),
    "app.commands.scan": ("scan",),
    "app.commands.users": ("user", "org", "demo"),
    "app.commands.audit": ("audit",),
    "app.commands.export": ("export", "verify", "keys"),
    "app.commands.notify": ("notify",),
    "app.commands.jobs": ("jobs",),
    "app.commands.rerank": ("rerank",),
    "app.commands.sealing": ("alliance",),
    "app.commands.alliance": ("alliance",),
    "app.commands.bulk_load": ("bulk-load",),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``command`` alone when it is a known command."""
    parser = argparse.ArgumentParser(
        prog="leadgraph",
        description="LeadGraph: police-enterprise intelligence graph workbench.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    known = any(command in commands for commands in COMMAND_MODULES.values())
    for module_name, commands in COMMAND_MODULES.items():
        if not known or command in commands:
            importlib.import_module(module_name).register(subparsers)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (its first word that is not an option), if any."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def family_actions(
    subparsers: argparse._SubParsersAction, name: str, help_text: str
) -> argparse._SubParsersAction:
    """The sub-commands of ``leadgraph NAME``, created by whichever command module asks first,
    so that several modules can add actions to one family without clashing."""
    family = subparsers.choices.get(name)
    if family is None:
        family = subparsers.add_parser(name, help=help_text)
        family.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)
    for action in family._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError(f"the {name} parser has no sub-commands")


def print_json(data: Any) -> None:
    """Print one JSON document, keeping Chinese text readable."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command(argv)).parse_args(argv)
    try:
        return int(args.handler(args) or EXIT_OK)
    except UserError as error:
        print(f"leadgraph: error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("leadgraph: interrupted", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # the reader stopped reading (`leadgraph detect | head`): not an error; point stdout at
        # nothing so that Python's final flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:  # the one place that turns any failure into exit code 2
        if args.debug:
            traceback.print_exc()
        print(f"leadgraph: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
