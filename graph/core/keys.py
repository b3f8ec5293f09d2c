"""The installation's Ed25519 signing key, which signs court packages.

The private key lives in the state folder (``graph.core.settings.load().home``) as an unencrypted
PKCS#8 PEM file with mode 600, created on first use. Its public half and fingerprint ship in every
package, and ``leadgraph keys show`` prints them so a court can compare the fingerprint on a
package against the one the exporting unit published.

The fingerprint is the SHA-256 of the raw 32-byte public key, in lowercase hex; people read it in
groups of four (:func:`group_fingerprint`).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from graph.core import settings
from graph.core.errors import UserError

KEY_FILE_NAME = "signing-ed25519.pem"


@dataclass(frozen=True)
class PublicKey:
    """A public key as shipped in a package: PEM text, raw bytes and fingerprint."""

    raw: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.raw)

    @property
    def pem(self) -> bytes:
        return self.key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.raw)

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            self.key().verify(signature, data)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    """The installation's private key and where it is kept."""

    private: Ed25519PrivateKey
    path: Path | None = None

    @property
    def public(self) -> PublicKey:
        raw = self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return PublicKey(raw)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)

    def derived_secret(self, purpose: str) -> bytes:
        """A secret for ``purpose`` derived from the private key (e.g. keyed pseudonyms).

        Deterministic for one installation, unguessable for anyone without the key.
        """
        raw = self.private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return hmac.new(raw, b"leadgraph:" + purpose.encode(), hashlib.sha256).digest()

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh key that is kept nowhere (tests, one-off signing)."""
        return cls(Ed25519PrivateKey.generate())


def fingerprint_of(raw_public_key: bytes) -> str:
    return hashlib.sha256(raw_public_key).hexdigest()


def group_fingerprint(fingerprint: str) -> str:
    """``ab12cd34…`` as ``ab12 cd34 …`` for reading aloud and comparing by eye."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))


def key_path(config: settings.Settings | None = None) -> Path:
    return (config or settings.load()).home / KEY_FILE_NAME


def _check_mode(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise UserError(
            f"signing key {path} has mode {mode:o}; it must be readable by its owner only "
            f"(chmod 600 {path})"
        )


def _read_private(path: Path) -> Ed25519PrivateKey:
    _check_mode(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as error:
        raise UserError(f"signing key {path} cannot be read: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError(f"signing key {path} is not an Ed25519 key")
    return key


def load_or_create(config: settings.Settings | None = None) -> SigningKey:
    """The installation's key, created (mode 600) on first use.

    Creation writes a private temporary file and hard-links it into place, so two processes
    starting at once end with one key and neither ever reads a half-written file.
    """
    path = key_path(config)
    if path.exists():
        return SigningKey(_read_private(path), path)
    path.parent.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd, temp_name = tempfile.mkstemp(prefix=".signing-", dir=path.parent)  # mode 600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process won the race: use its key
            os.link(temp_name, path)
    finally:
        os.unlink(temp_name)
    return SigningKey(_read_private(path), path)


def load_public(config: settings.Settings | None = None) -> PublicKey | None:
    """The installation's public key if a key exists; never creates one."""
    path = key_path(config)
    if not path.exists():
        return None
    return SigningKey(_read_private(path), path).public


def public_key_from_pem(pem: bytes) -> PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return PublicKey(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
