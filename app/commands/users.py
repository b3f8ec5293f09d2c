"""`leadgraph user add|disable|enable|list`, `leadgraph org add|list`, `leadgraph demo users`.

The command line acts as an admin (whoever can reach the database's credentials can do anything
anyway) and is audited as ``cli:<login name>``.
"""

from __future__ import annotations

import argparse
import sys

from app.cli import print_json
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.workflow import admin
from graph.workflow.auth import operator
from graph.workflow.users import ORG_KINDS, ROLES


def demo_actions(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The sub-commands of ``leadgraph demo``, created by whichever module asks first, so that
    several command modules can add ``demo`` actions without clashing."""
    demo = subparsers.choices.get("demo")
    if demo is None:
        demo = subparsers.add_parser("demo", help="create the demo accounts and data")
        demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    for action in demo._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("the demo parser has no sub-commands")


def register(subparsers: argparse._SubParsersAction) -> None:
    user = subparsers.add_parser("user", help="add, disable and list workbench accounts")
    commands = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    add = commands.add_parser(
        "add",
        help="add an account (prints a generated password unless --password-stdin)",
        description="Add an account. Analysts belong to an enterprise, officers to a police "
        "unit (--org); an admin may have no org.",
    )
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--org", help="the enterprise or police unit (see `leadgraph org list`)")
    add.add_argument("--name", help="display name (default: the username)")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.add_argument("--json", action="store_true", help="print one JSON object")
    add.set_defaults(handler=user_add_command)

    disable = commands.add_parser("disable", help="disable an account (it is never deleted)")
    disable.add_argument("username")
    disable.set_defaults(handler=user_disable_command)

    enable = commands.add_parser("enable", help="enable a disabled account; lifts a lockout")
    enable.add_argument("username")
    enable.set_defaults(handler=user_enable_command)

    listing = commands.add_parser("list", help="list accounts")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(handler=user_list_command)

    org = subparsers.add_parser("org", help="add and list enterprises and police units")
    org_commands = org.add_subparsers(dest="org_command", metavar="ACTION", required=True)
    org_add = org_commands.add_parser("add", help="add an enterprise or a police unit")
    org_add.add_argument("name")
    org_add.add_argument("--kind", required=True, choices=ORG_KINDS)
    org_add.set_defaults(handler=org_add_command)
    org_list = org_commands.add_parser("list", help="list enterprises and police units")
    org_list.add_argument("--json", action="store_true", help="print one JSON array")
    org_list.set_defaults(handler=org_list_command)

    demo_users = demo_actions(subparsers).add_parser(
        "users",
        help="create the demo orgs, units and accounts (idempotent; demo passwords)",
    )
    demo_users.add_argument("--json", action="store_true", help="print one JSON array")
    demo_users.set_defaults(handler=demo_users_command)


def read_password() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise UserError("--password-stdin: no password on standard input")
    return line


def user_add_command(args: argparse.Namespace) -> int:
    password = read_password() if args.password_stdin else None
    with GraphStore.open() as store:
        user, generated = admin.create_account(
            store,
            operator(),
            args.username,
            role=args.role,
            org=args.org,
            display_name=args.name,
            password=password,
        )
    if args.json:
        print_json({**user.as_dict(), "password": generated})
        return 0
    where = f" of {user.org}" if user.org else ""
    print(f"added {user.role} {user.username}{where}")
    if generated:
        print(f"password: {generated}")
        print("(shown once; give it to the user over a safe channel)", file=sys.stderr)
    return 0


def user_disable_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        user = admin.disable_account(store, operator(), args.username)
    print(f"disabled {user.username}")
    return 0


def user_enable_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        user = admin.enable_account(store, operator(), args.username)
    print(f"enabled {user.username}")
    return 0


def user_list_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        accounts = admin.accounts(store, operator())
    if args.json:
        print_json([user.as_dict() for user in accounts])
        return 0
    for user in accounts:
        state = "disabled" if user.disabled else ("locked" if user.locked_until else "active")
        print(
            f"{user.username:<20} {user.role:<8} {state:<9} {user.org or '-'}  {user.display_name}"
        )
    return 0


def org_add_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        org = admin.create_org(store, operator(), args.name, args.kind)
    print(f"added {org.kind} org {org.name}")
    return 0


def org_list_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        orgs = admin.orgs(store, operator())
    if args.json:
        print_json([org.__dict__ for org in orgs])
        return 0
    for org in orgs:
        print(f"{org.kind:<11} {org.members:>4} members  {org.name}")
    return 0


def demo_users_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        report = admin.ensure_demo_accounts(store, operator())
    if args.json:
        print_json(report)
        return 0
    print("demo accounts (DEMO ONLY - never use these passwords with real data):")
    for row in report:
        state = "created" if row["created"] else "exists"
        print(
            f"  {row['username']:<10} {row['password']:<16} {row['role']:<8} "
            f"{row['org'] or '-'}  ({state})"
        )
    return 0
