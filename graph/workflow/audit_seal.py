"""The audit log's sealed head: a file in the state folder, signed with the installation's key.

The database holds the log; the seal says how far the log reached when it was last appended to,
where the database cannot reach: ``<home>/audit-seal.json`` (mode 600), replaced atomically. It
holds the head's ``seq`` and ``hash``, when it was sealed, ``keyed_from`` (the first entry whose
hash is keyed; entries before it were written by a LeadGraph that hashed with plain SHA-256),
the fingerprint of the key that signed it and an Ed25519 ``signature`` over the other fields'
canonical JSON. Only a seal signed with this installation's key is believed.

Processes that append at once (the workbench, the command line) take an exclusive lock on
``<home>/audit-seal.lock`` before they read and replace the seal, and the seal only ever moves
forward, so it never goes back to an older head nor holds half of one write.

This module knows files and signatures only; ``graph.workflow.audit`` decides what to seal.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.core import keys, settings
from graph.core.errors import UserError
from graph.core.private import FILE_MODE, write_private

FORMAT = "leadgraph-audit-seal/1"


class SealRefused(UserError):
    """The seal file exists but is not one this installation wrote: unreadable, or not signed
    by its key."""


@dataclass(frozen=True)
class Seal:
    """The head of the audit log as sealed: entry ``seq`` had ``hash``."""

    seq: int
    hash: str
    at: str
    keyed_from: int


def seal_path(config: settings.Settings | None = None) -> Path:
    return (config or settings.load()).audit_seal_file


def _body(seal: Seal, signer: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "seq": seal.seq,
        "hash": seal.hash,
        "at": seal.at,
        "keyed_from": seal.keyed_from,
        "signer": signer,
    }


def _signed_bytes(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def read(config: settings.Settings | None = None) -> Seal | None:
    """The sealed head, or None when nothing was sealed yet. A :class:`SealRefused` when the
    file is unreadable or not signed by this installation's key."""
    path = seal_path(config)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        document = json.loads(text)
        signature = base64.b64decode(document.pop("signature"), validate=True)
        seal = Seal(
            int(document["seq"]),
            str(document["hash"]),
            str(document["at"]),
            int(document["keyed_from"]),
        )
        signer = str(document["signer"])
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        raise SealRefused(f"the audit seal {path} cannot be read") from None
    if document.get("format") != FORMAT:
        raise SealRefused(f"the audit seal {path} is not in the format {FORMAT}")
    own = keys.load_public(config)
    if own is None:
        raise SealRefused(
            f"the audit seal {path} cannot be checked: this installation has no signing key"
        )
    if signer != own.fingerprint or not own.verify(signature, _signed_bytes(_body(seal, signer))):
        raise SealRefused(
            f"the audit seal {path} is not signed by this installation's key "
            f"({keys.group_fingerprint(own.fingerprint)}): it was forged or replaced"
        )
    return seal


def write(seal: Seal, key: keys.SigningKey, config: settings.Settings | None = None) -> None:
    """Replace the seal with ``seal`` signed by ``key``, atomically and with mode 600
    (:func:`graph.core.private.write_private`). Call it holding :func:`locked`."""
    body = _body(seal, key.public.fingerprint)
    document = {**body, "signature": base64.b64encode(key.sign(_signed_bytes(body))).decode()}
    write_private(seal_path(config), json.dumps(document, indent=1) + "\n")


@contextlib.contextmanager
def locked(config: settings.Settings | None = None) -> Iterator[None]:
    """Hold the seal's lock (one process, or one thread, at a time) until the block ends."""
    config = config or settings.load()
    config.state_folder()
    fd = os.open(seal_path(config).with_suffix(".lock"), os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
