"""`leadgraph user add|passwd|bootstrap|disable|enable|list`, `leadgraph org add|list`,
`leadgraph demo users`.

The command line acts as an admin (whoever can reach the database's credentials can do anything
anyway) and is audited as ``cli:<login name>``. A password is read from a prompt or standard
input, never from the command line (which ``ps`` and shell histories show to others).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from app.cli import family_actions, print_json
from graph.core import settings
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.workflow import admin
from graph.workflow.auth import operator
from graph.workflow.demo import demo_configured
from graph.workflow.users import ORG_KINDS, ROLES, User


def demo_actions(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The sub-commands of ``leadgraph demo``, created by whichever module asks first, so that
    several command modules can add ``demo`` actions without clashing."""
    return family_actions(subparsers, "demo", "create the demo accounts and data")


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

    passwd = commands.add_parser(
        "passwd",
        help="set an account's password (prompted, or --password-stdin); they must change it",
        description="Set USERNAME's password: asked for twice on the terminal, or read from "
        "standard input with --password-stdin (never from the command line). The user must "
        "choose a new one at their next sign-in. Use `user enable` to lift a lockout.",
    )
    passwd.add_argument("username")
    passwd.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    passwd.set_defaults(handler=user_passwd_command)

    bootstrap = commands.add_parser(
        "bootstrap",
        help="create the first admin when none can sign in (one-time password in a file)",
        description="When no enabled admin that is not a demo account exists, create one with a "
        "generated one-time password, written to first-admin.txt in the state folder (mode "
        "600) and never printed; it must be changed at first sign-in. Otherwise do nothing.",
    )
    bootstrap.add_argument(
        "--username", default=admin.FIRST_ADMIN, help=f"default {admin.FIRST_ADMIN}"
    )
    bootstrap.add_argument("--json", action="store_true", help="print one JSON object")
    bootstrap.set_defaults(handler=user_bootstrap_command)

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
    demo_users.add_argument(
        "--if-demo", action="store_true", help="do nothing when demo mode is off (make run)"
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


def ask_password() -> str:
    """A new password typed twice on the terminal, not echoed."""
    if not sys.stdin.isatty():
        raise UserError(
            "no terminal to ask on: give the password on standard input with --password-stdin"
        )
    first = getpass.getpass("new password: ")
    if getpass.getpass("again: ") != first:
        raise UserError("the two passwords differ")
    return first


def user_passwd_command(args: argparse.Namespace) -> int:
    password = read_password() if args.password_stdin else ask_password()
    with GraphStore.open() as store:
        user = admin.set_password(store, operator(), args.username, password)
    print(f"password of {user.username} set; they must choose a new one at their next sign-in")
    return 0


def user_bootstrap_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        result = admin.bootstrap_admin(store, operator(), username=args.username)
    if args.json:
        print_json(
            {
                "username": result.username,
                "created": result.created,
                "password_file": str(result.password_file) if result.password_file else None,
            }
        )
        return 0
    if result.created:
        print(f"created the first admin, {result.username}")
    else:
        print(f"admin {result.username} exists")
    if result.password_file:
        print(
            f"its one-time password is in {result.password_file} (mode 600): sign in with it "
            "and choose a new password; the file is then removed"
        )
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


def account_state(user: User) -> str:
    """One word for `user list`: disabled, locked, demo (signs in in demo mode only), new-pw (an
    admin set the password: the user must choose one first) or active."""
    if user.disabled:
        return "disabled"
    if user.locked_until:
        return "locked"
    if user.demo:
        return "demo"
    return "new-pw" if user.must_change_password else "active"


def user_list_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        accounts = admin.accounts(store, operator())
    if args.json:
        print_json([user.as_dict() for user in accounts])
        return 0
    for user in accounts:
        state = account_state(user)
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
    if args.if_demo and not demo_configured(settings.load()):
        print("demo mode is off: no demo accounts (they could not sign in)")
        return 0
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
