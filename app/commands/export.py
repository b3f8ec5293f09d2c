"""`leadgraph export LEAD`, `leadgraph verify PACKAGE`, `leadgraph keys show`: court packages."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any

from app.cli import print_json
from graph.core import keys
from graph.db.store import GraphStore
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
    export.add_argument("--user", help="exporting user (default: the login name)")
    export.add_argument("--json", action="store_true", help="print one JSON object")
    export.set_defaults(handler=export_command)

    verify = subparsers.add_parser(
        "verify",
        help="check a court package's signature and hashes; exit 0 only when intact",
        description="Check the signature and every file hash of a package folder or zip and name "
        "each file that was added, removed or changed. Exit 0 when intact, 1 when not.",
    )
    verify.add_argument("package", type=Path, metavar="PACKAGE", help="package folder or zip")
    verify.add_argument(
        "--expect-fingerprint",
        metavar="FP",
        help="fail unless the package is signed by the key with this fingerprint",
    )
    verify.add_argument("--json", action="store_true", help="print one JSON object")
    verify.set_defaults(handler=verify_command)

    keys_parser = subparsers.add_parser("keys", help="the installation's package-signing key")
    actions = keys_parser.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    show = actions.add_parser(
        "show", help="print the public key and its fingerprint (creates the key on first use)"
    )
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.set_defaults(handler=keys_show_command)


def export_command(args: argparse.Namespace) -> int:
    # Imported here so the CLI loads even while lead discovery changes underneath.
    from graph.evidence.leads import lead_bundle

    user = args.user or getpass.getuser()
    with GraphStore.open() as store:
        bundle = lead_bundle(store, args.lead)
        result = export_and_audit(
            store,
            bundle,
            args.out,
            actor=f"cli:{user}",
            user=user,
            audience=args.audience,
            fmt=args.format,
            via="cli",
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
    return 0


def verify_command(args: argparse.Namespace) -> int:
    result = verify_package(args.package, expect_fingerprint=args.expect_fingerprint)
    if args.json:
        print_json(result.to_dict())
        return 0 if result.intact else 1
    print(f"{'INTACT' if result.intact else 'NOT INTACT'}: {result.package}")
    if result.package_id:
        print(
            f"package {result.package_id}, lead {result.lead_id}, audience {result.audience}, "
            f"exported by {result.exported_by} at {result.exported_at}"
        )
    if result.key_fingerprint:
        whose = {
            True: "this installation's key",
            False: "NOT this installation's key",
            None: "no key on this installation to compare",
        }[result.key_is_installation_key]
        signature = "valid" if result.signature_valid else "INVALID"
        print(
            f"signature {signature}; key {keys.group_fingerprint(result.key_fingerprint)} ({whose})"
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
