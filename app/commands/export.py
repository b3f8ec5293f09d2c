"""`leadgraph export LEAD`, `leadgraph verify PACKAGE`, `leadgraph keys show|trust|list|untrust`:
court packages and the keys they are believed from."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any

from app.cli import print_json
from graph.core import keys
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.export.annex import ENTITLED, NOTES_FILE
from graph.export.audited import export_and_audit
from graph.export.masking import AUDIENCES
from graph.export.package import FORMATS
from graph.export.verify import verify_package


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser(
        "export",
        help="write a lead's court package (chart, tables, sources, signed manifest)",
        description="Write one signed court package for a lead into --out. Every export is "
        "written to the audit log.",
    )
    export.add_argument("lead", metavar="LEAD", help="lead id, e.g. lead-firm-…")
    export.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder to write into"
    )
    export.add_argument(
        "--format", choices=FORMATS, default="zip", help="a zip (default) or a folder"
    )
    export.add_argument(
        "--audience",
        choices=AUDIENCES,
        default="court",
        help="who receives it: court and police see full values, partner sees masked ones",
    )
    export.add_argument(
        "--user",
        help="exporting user (default: the login name); when it is an account that may see the "
        "lead, a court or police package carries the working notes it may read as notes.txt",
    )
    export.add_argument("--json", action="store_true", help="print one JSON object")
    export.set_defaults(handler=export_command)

    verify = subparsers.add_parser(
        "verify",
        help="check a court package's signature and hashes; exit 0 only when intact",
        description="Check the signature and every file hash of a package folder or zip and name "
        "each file that was added, removed or changed. The signing key must be trusted: this "
        "installation's key, a key added with `leadgraph keys trust`, or --expect-fingerprint "
        "(the key shipped in the package proves nothing by itself). Exit 0 when intact, 1 when "
        "not.",
    )
    verify.add_argument("package", type=Path, metavar="PACKAGE", help="package folder or zip")
    verify.add_argument(
        "--expect-fingerprint",
        metavar="FP",
        help="believe only the key with this fingerprint (instead of the trusted keys)",
    )
    verify.add_argument("--json", action="store_true", help="print one JSON object")
    verify.set_defaults(handler=verify_command)

    keys_parser = subparsers.add_parser(
        "keys", help="the installation's package-signing key and the keys it trusts"
    )
    actions = keys_parser.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    show = actions.add_parser(
        "show", help="print the public key and its fingerprint (creates the key on first use)"
    )
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.set_defaults(handler=keys_show_command)
    trust = actions.add_parser(
        "trust",
        help="believe packages signed by this public key (PEM, e.g. a package's public_key.pem)",
        description="Add an exporting installation's Ed25519 public key to the keys `verify` "
        "believes. Compare its fingerprint with the one the exporter published first.",
    )
    trust.add_argument("file", type=Path, metavar="FILE", help="public key PEM file")
    trust.add_argument("--name", help="whose key it is, e.g. the exporting unit (default: FILE)")
    trust.add_argument("--json", action="store_true", help="print one JSON object")
    trust.set_defaults(handler=keys_trust_command)
    listing = actions.add_parser("list", help="the keys `verify` believes, with fingerprints")
    listing.add_argument("--json", action="store_true", help="print one JSON list")
    listing.set_defaults(handler=keys_list_command)
    untrust = actions.add_parser("untrust", help="stop believing the key with this fingerprint")
    untrust.add_argument("fingerprint", metavar="FP", help="fingerprint as `keys list` shows it")
    untrust.set_defaults(handler=keys_untrust_command)


def export_command(args: argparse.Namespace) -> int:
    # Imported here so the CLI loads even while lead discovery changes underneath.
    from graph.evidence.leads import lead_bundle
    from graph.workflow.notes import annex_of_user

    user = args.user or getpass.getuser()
    with GraphStore.open() as store:
        bundle = lead_bundle(store, args.lead)
        notes = annex_of_user(store, user, bundle) if args.audience in ENTITLED else []
        result = export_and_audit(
            store,
            bundle,
            args.out,
            actor=f"cli:{user}",
            user=user,
            audience=args.audience,
            fmt=args.format,
            via="cli",
            notes=notes,
        )
    if args.json:
        print_json(result.to_dict())
        return 0
    print(f"{result.path}")
    print(
        f"package {result.package_id}: lead {result.lead_id}, audience {result.audience}, "
        f"{len(result.files)} files, chart {result.chart_pages} page(s)"
    )
    print(f"signed by key {keys.group_fingerprint(result.key_fingerprint)}")
    if NOTES_FILE in result.files:
        print(f"{len(notes)} working note(s), not evidence, annexed as {NOTES_FILE}")
    return 0


def verify_command(args: argparse.Namespace) -> int:
    result = verify_package(args.package, expect_fingerprint=args.expect_fingerprint)
    if args.json:
        print_json(result.to_dict())
        return 0 if result.intact else 1
    print(f"{'INTACT' if result.intact else 'NOT INTACT'}: {result.package}")
    if result.package_id:
        claims = "" if result.key_trusted else "unverified claim: "
        print(
            f"{claims}package {result.package_id}, lead {result.lead_id}, "
            f"audience {result.audience}, exported by {result.exported_by} at {result.exported_at}"
        )
    if result.key_fingerprint:
        whose = {
            True: "this installation's key",
            False: "NOT this installation's key",
            None: "no key on this installation to compare",
        }[result.key_is_installation_key]
        signature = "valid" if result.signature_valid else "INVALID"
        trusted = f"trusted as {result.trusted_as}" if result.key_trusted else "NOT TRUSTED"
        print(
            f"signature {signature}; key {keys.group_fingerprint(result.key_fingerprint)} "
            f"({whose}; {trusted})"
        )
    for name in ("changed", "removed", "added"):
        for path in getattr(result, name):
            print(f"{name}: {path}")
    for problem in result.problems:
        print(f"problem: {problem}")
    print(f"{result.files_checked} files checked")
    return 0 if result.intact else 1


def keys_show_command(args: argparse.Namespace) -> int:
    key = keys.load_or_create()
    info: dict[str, Any] = {
        "algorithm": "Ed25519",
        "path": str(key.path),
        "fingerprint": key.public.fingerprint,
        "public_key_pem": key.public.pem.decode(),
    }
    if args.json:
        print_json(info)
        return 0
    print(f"Ed25519 signing key: {info['path']}")
    print(f"fingerprint (SHA-256 of the public key): {keys.group_fingerprint(info['fingerprint'])}")
    print(info["public_key_pem"], end="")
    return 0


def _key_info(key: keys.TrustedKey | None, public: keys.PublicKey, whose: str) -> dict[str, Any]:
    return {
        "fingerprint": public.fingerprint,
        "name": key.name if key else whose,
        "installation_key": key is None,
        "path": str(key.path) if key and key.path else None,
    }


def keys_trust_command(args: argparse.Namespace) -> int:
    try:
        pem = args.file.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read {args.file}: {error.strerror}") from None
    key = keys.trust(pem, args.name if args.name is not None else args.file.name)
    if args.json:
        print_json(_key_info(key, key.public, ""))
        return 0
    print(f"trusted {keys.group_fingerprint(key.fingerprint)} ({key.name})")
    return 0


def keys_list_command(args: argparse.Namespace) -> int:
    rows: list[dict[str, Any]] = []
    own = keys.load_public()
    if own is not None:
        rows.append(_key_info(None, own, keys.INSTALLATION_LABEL))
    rows += [_key_info(k, k.public, "") for k in keys.trusted_keys()]
    empty = "no trusted keys (`leadgraph keys trust FILE --name WHO` adds one)"
    return print_fingerprints(rows, as_json=args.json, empty=empty)


def print_fingerprints(rows: list[dict[str, Any]], *, as_json: bool, empty: str) -> int:
    """Print trusted keys or installations (``fingerprint`` and ``name`` each): as one JSON
    list, or a line each with the fingerprint grouped, or ``empty`` when there are none."""
    if as_json:
        print_json(rows)
        return 0
    if not rows:
        print(empty)
    for row in rows:
        print(f"{keys.group_fingerprint(row['fingerprint'])}  {row['name']}")
    return 0


def keys_untrust_command(args: argparse.Namespace) -> int:
    key = keys.untrust(args.fingerprint)
    print(f"no longer trusted: {keys.group_fingerprint(key.fingerprint)} ({key.name})")
    return 0
