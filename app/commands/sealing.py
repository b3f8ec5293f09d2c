"""`leadgraph alliance identity|trust|trusted|seal|open`: packages sealed to another installation.

:func:`add_sealing_commands` adds these to the ``alliance`` command's sub-commands, so the
alliance's other commands (``request``, ``respond``, ``finish``) can live in their own module
and share the one ``alliance`` parser; :func:`register` makes that parser when this module is
the only one that adds to it.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from app.cli import print_json
from app.commands.alliance import alliance_actions
from app.commands.export import print_fingerprints
from graph.alliance import identity as alliance
from graph.core import keys
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.export.sealed import open_and_audit, seal_and_audit


def register(subparsers: argparse._SubParsersAction) -> None:
    add_sealing_commands(alliance_actions(subparsers))


def add_sealing_commands(actions: argparse._SubParsersAction) -> None:
    """Add ``identity``, ``trust``, ``trusted``, ``seal`` and ``open`` to the ``alliance``
    command's sub-commands ``actions``."""
    identity = actions.add_parser(
        "identity",
        help="write this installation's public identity (creates its X25519 key on first use)",
        description="Write the public identity file another installation trusts before it seals "
        "to this one: the name, the X25519 and Ed25519 public keys, the fingerprint. Publish the "
        "fingerprint through another channel so the other side can compare it.",
    )
    identity.add_argument("--out", type=Path, metavar="FILE", help="identity file to write")
    identity.add_argument("--name", help="how this installation names itself to others")
    identity.add_argument("--json", action="store_true", help="print one JSON object")
    identity.set_defaults(handler=identity_command)

    trust = actions.add_parser(
        "trust",
        help="trust another installation's identity file (compare its fingerprint first)",
        description="Seal to and open packages from the installation whose identity file this "
        "is, under NAME. Its signing key is trusted for `leadgraph verify` too.",
    )
    trust.add_argument("file", type=Path, metavar="FILE", help="the other side's identity file")
    trust.add_argument("--name", required=True, help="the name this installation gives it")
    trust.add_argument("--json", action="store_true", help="print one JSON object")
    trust.set_defaults(handler=trust_command)

    listing = actions.add_parser("trusted", help="the installations trusted here")
    listing.add_argument("--json", action="store_true", help="print one JSON list")
    listing.set_defaults(handler=trusted_command)

    seal = actions.add_parser(
        "seal",
        help="seal a package this installation exported to a trusted installation",
        description="Encrypt an intact package zip (from `leadgraph export`) so that only the "
        "installation NAME can open it, signed by this installation's key. Audited.",
    )
    seal.add_argument("package", type=Path, metavar="PACKAGE", help="package zip")
    seal.add_argument("--to", required=True, metavar="NAME", help="trusted installation")
    seal.add_argument("--out", type=Path, required=True, metavar="FILE", help="file to write")
    seal.add_argument("--json", action="store_true", help="print one JSON object")
    seal.set_defaults(handler=seal_command)

    opening = actions.add_parser(
        "open",
        help="open a package sealed to this installation by a trusted one",
        description="Check that FILE was sealed to this installation by a trusted one, decrypt "
        "it and write the package, which `leadgraph verify` then checks. Audited, refusals too.",
    )
    opening.add_argument("file", type=Path, metavar="FILE", help="sealed package")
    opening.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder")
    opening.add_argument("--json", action="store_true", help="print one JSON object")
    opening.set_defaults(handler=open_command)


def identity_command(args: argparse.Namespace) -> int:
    own = alliance.load_or_create(name=args.name)
    if args.out is not None:
        alliance.write_public_identity(own, args.out)
    info = {**own.public.body(), "path": str(args.out) if args.out else None}
    if args.json:
        print_json(info)
        return 0
    if args.out is not None:
        print(f"{args.out}")
    print(f"installation {own.name!r}")
    print(f"fingerprint: {keys.group_fingerprint(own.fingerprint)}")
    return 0


def trust_command(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read {args.file}: {error.strerror}") from None
    found = alliance.trust(data, args.name, source=str(args.file))
    if args.json:
        print_json({"name": found.name, **found.identity.body()})
        return 0
    print(f"trusted {found.name!r} (calls itself {found.identity.name!r})")
    print(f"fingerprint: {keys.group_fingerprint(found.fingerprint)}")
    print("compare it with the one the other installation gave you by another channel")
    return 0


def trusted_command(args: argparse.Namespace) -> int:
    rows = [{"name": t.name, "fingerprint": t.fingerprint, "trusted_at": t.trusted_at}
            for t in alliance.trusted()]  # fmt: skip
    empty = "no trusted installations (`leadgraph alliance trust FILE --name NAME` adds one)"
    return print_fingerprints(rows, as_json=args.json, empty=empty)


def seal_command(args: argparse.Namespace) -> int:
    actor = f"cli:{getpass.getuser()}"
    with GraphStore.open() as store:
        result = seal_and_audit(store, args.package, args.to, args.out, actor=actor, via="cli")
    if args.json:
        print_json(result.to_dict())
        return 0
    print(result.path)
    print(
        f"package {result.package_id} (lead {result.lead_id}) sealed to {result.recipient!r}, "
        f"{keys.group_fingerprint(result.recipient_fingerprint)}"
    )
    return 0


def open_command(args: argparse.Namespace) -> int:
    actor = f"cli:{getpass.getuser()}"
    with GraphStore.open() as store:
        result = open_and_audit(store, args.file, args.out, actor=actor, via="cli")
    if args.json:
        print_json(result.to_dict())
        return 0
    print(result.path)
    print(
        f"package {result.package_id} (lead {result.lead_id}) sealed by {result.sender!r} at "
        f"{result.sealed_at}; check it with `leadgraph verify {result.path}`"
    )
    return 0
