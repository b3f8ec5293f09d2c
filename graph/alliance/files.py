"""The files the alliance exchanges: a request, a response and a count receipt.

Each is one JSON object: the format name and version, its kind, the run id, the mode, the
sender installation's name, sizes, and the protocol messages in base64 — nothing else (no set
name, no org, no user, no item in any form). A file from outside is read within
``FILE_LIMITS.alliance_max_file_bytes`` and checked field by field before anything uses it.

Each file is signed: ``sender_fingerprint`` names the sender's alliance identity
(:mod:`graph.alliance.identity`) and ``signature`` is its Ed25519 signature over the file's
canonical bytes (every other field, as sorted compact JSON). :func:`read` takes a file only
from an installation trusted here whose signature verifies, and returns the name this
installation gave it (``counterpart``): the ``sender`` name in a file is a claim, kept for
display, and one that names another trusted installation is refused as a forgery.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from pathlib import Path
from typing import Any

from graph.alliance import identity
from graph.alliance.protocol import MODES, PROTOCOL
from graph.core.errors import UserError
from graph.core.limits import FILE_LIMITS, size_text

FORMAT = "leadgraph-alliance"
VERSION = 2  # 2: signed by the sender's identity
FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")
RUN_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_NAME = 200

# kind -> its fields beside format, version and kind, with their types
FIELDS: dict[str, dict[str, type]] = {
    "request": {
        "protocol": str,
        "run_id": str,
        "mode": str,
        "sender": str,
        "size": int,
        "request": str,
    },
    "response": {
        "protocol": str,
        "run_id": str,
        "mode": str,
        "sender": str,
        "size": int,
        "request_size": int,
        "setup": str,
        "response": str,
    },
    "receipt": {"run_id": str, "sender": str, "count": int},
}


def canonical(data: dict[str, Any]) -> bytes:
    """The bytes a file's signature covers: every field but the signature, as sorted JSON."""
    return identity.canonical_bytes(
        {name: value for name, value in data.items() if name != "signature"}
    )


def write(path: Path, kind: str, signer: identity.Identity, **fields: Any) -> Path:
    """Write one file of ``kind``, signed by ``signer``; bytes fields are base64-encoded."""
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "kind": kind}
    if kind != "receipt":
        data["protocol"] = PROTOCOL
    for name, value in fields.items():
        if FIELDS[kind].get(name) is None:
            raise ValueError(f"an alliance {kind} has no field {name!r}")
        data[name] = base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
    data["sender_fingerprint"] = signer.fingerprint
    data["signature"] = base64.b64encode(signer.signing.sign(canonical(data))).decode("ascii")
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return path


def sender_fingerprint(path: Path) -> str | None:
    """The sender fingerprint a file claims (unchecked), for auditing a refused file."""
    try:
        found = json.loads(path.read_bytes()).get("sender_fingerprint")
    except (OSError, ValueError, UnicodeDecodeError, AttributeError):
        return None
    return found if isinstance(found, str) and FINGERPRINT.match(found) else None


def read(path: Path, kind: str) -> dict[str, Any]:
    """Read and check one file of ``kind``: its fields, its sender trusted here, its signature.
    Protocol messages come back as bytes; ``counterpart`` is the sender's name here."""
    check_size(path, FILE_LIMITS.alliance_max_file_bytes)
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        raise UserError(f"{path.name} is not an alliance file (not JSON)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UserError(f"{path.name} is not an alliance file")
    if data.get("version") != VERSION:
        raise UserError(f"{path.name} is of format version {data.get('version')!r}, not {VERSION}")
    if data.get("kind") != kind:
        raise UserError(f"{path.name} is an alliance {data.get('kind')!r}, not a {kind}")
    out = _checked(path.name, kind, data)
    sender = _authenticated(path.name, data)
    out["counterpart"], out["sender_fingerprint"] = sender.name, sender.fingerprint
    return out


def _authenticated(name: str, data: dict[str, Any]) -> identity.TrustedIdentity:
    """The trusted installation that signed ``data``, or a UserError saying why there is none."""
    fingerprint = data.get("sender_fingerprint")
    if not isinstance(fingerprint, str) or not FINGERPRINT.match(fingerprint):
        raise UserError(f"{name}: no sender fingerprint (an unsigned file)")
    sender = identity.trusted_by_fingerprint(fingerprint)
    if sender is None:
        raise UserError(
            f"{name} comes from an installation not trusted here ({fingerprint[:16]}…); "
            "`leadgraph alliance trust FILE --name NAME` trusts its identity file"
        )
    try:
        signature = base64.b64decode(str(data.get("signature")), validate=True)
    except (binascii.Error, ValueError):
        signature = b""
    if not sender.identity.signing_key.verify(signature, canonical(data)):
        raise UserError(f"{name}: its signature does not verify; it was changed or forged")
    claimed = data["sender"]
    for other in identity.trusted():
        if other.fingerprint != fingerprint and claimed in (other.name, other.identity.name):
            raise UserError(
                f"{name} is signed by {sender.name!r} but calls itself {claimed!r}, "
                "another trusted installation: refused as a forgery"
            )
    return sender


def check_size(path: Path, cap: int) -> None:
    """Refuse a file from outside that is missing or larger than ``cap`` bytes."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror}") from None
    if size > cap:
        raise UserError(f"{path.name} is {size_text(size)}, over the {size_text(cap)} cap")


def _checked(name: str, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field, wanted in FIELDS[kind].items():
        value = data.get(field)
        if type(value) is not wanted:
            raise UserError(f"{name}: field {field!r} is missing or not a {wanted.__name__}")
        out[field] = value
    if kind != "receipt" and out["protocol"] != PROTOCOL:
        raise UserError(f"{name} speaks {out['protocol']!r}; this installation {PROTOCOL!r}")
    if not RUN_ID.match(out["run_id"]):
        raise UserError(f"{name}: the run id is not 32 hex digits")
    if "mode" in out and out["mode"] not in MODES:
        raise UserError(f"{name}: unknown mode {out['mode']!r}")
    if not 0 < len(out["sender"]) <= MAX_NAME:
        raise UserError(f"{name}: the sender's name is empty or too long")
    for field in ("request", "setup", "response"):
        if field in out:
            try:
                out[field] = base64.b64decode(out[field], validate=True)
            except (binascii.Error, ValueError):
                raise UserError(f"{name}: field {field!r} is not base64") from None
    return out
