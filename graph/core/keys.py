"""The installation's Ed25519 signing key, which signs court packages.

The private key lives in the state folder (``graph.core.settings.load().home``) as an unencrypted
PKCS#8 PEM file with mode 600, created on first use. Its public half and fingerprint ship in every
package, and ``leadgraph keys show`` prints them so a court can compare the fingerprint on a
package against the one the exporting unit published.

The fingerprint is the SHA-256 of the raw 32-byte public key, in lowercase hex; people read it in
groups of four (:func:`group_fingerprint`).

A package is believed only when a key this installation trusts signed it: its own key, or a
public key added with ``leadgraph keys trust`` (:func:`trust`), kept as
``<home>/trusted_keys/<fingerprint>.pem`` (folder mode 700, files mode 600) with the name it was
given in a ``# name:`` line above the PEM block.
"""

from __future__ import annotations

import hashlib
import hmac
import stat
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
from graph.core.private import write_private

KEY_FILE_NAME = "signing-ed25519.pem"
TRUSTED_DIR_NAME = "trusted_keys"
INSTALLATION_LABEL = "this installation's key"


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


def check_mode(path: Path, what: str = "signing key", mode_wanted: int = 0o600) -> None:
    """Refuse a key file or folder that anyone but its owner may read or change."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise UserError(
            f"{what} {path} has mode {mode:o}; only its owner may read or change it "
            f"(chmod {mode_wanted:o} {path})"
        )


def _read_private(path: Path) -> Ed25519PrivateKey:
    check_mode(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as error:
        raise UserError(f"signing key {path} cannot be read: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError(f"signing key {path} is not an Ed25519 key")
    return key


def load_or_create(config: settings.Settings | None = None) -> SigningKey:
    """The installation's key, created (mode 600) on first use.

    Creation writes a private temporary file and hard-links it into place
    (:func:`graph.core.private.write_private`), so two processes starting at once end with one
    key and neither ever reads a half-written file.
    """
    config = config or settings.load()
    path = key_path(config)
    if path.exists():
        return SigningKey(_read_private(path), path)
    config.state_folder()
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_private(path, pem, replace=False)  # another process won the race: use its key
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


def normalise_fingerprint(text: str) -> str:
    """A fingerprint as typed (grouped, with colons, upper case) as 64 lowercase hex digits."""
    fingerprint = "".join(text.split()).replace(":", "").lower()
    if len(fingerprint) != 64 or any(c not in "0123456789abcdef" for c in fingerprint):
        raise UserError(f"{text!r} is not a key fingerprint (64 hex digits, as `keys list` shows)")
    return fingerprint


@dataclass(frozen=True)
class TrustedKey:
    """A public key this installation believes packages from, and the name it was given."""

    public: PublicKey
    name: str
    path: Path | None = None

    @property
    def fingerprint(self) -> str:
        return self.public.fingerprint


def trusted_dir(config: settings.Settings | None = None) -> Path:
    return (config or settings.load()).home / TRUSTED_DIR_NAME


def _parse_trusted(path: Path) -> TrustedKey:
    check_mode(path, "trusted key store")
    text = path.read_bytes()
    name = ""
    begin = text.find(b"-----BEGIN")
    for line in text[: max(begin, 0)].decode("utf-8", "replace").splitlines():
        if line.startswith("# name:"):
            name = line[len("# name:") :].strip()
    try:
        public = public_key_from_pem(text[max(begin, 0) :])
    except (ValueError, TypeError) as error:
        raise UserError(f"trusted key {path} cannot be read: {error}") from None
    if path.stem != public.fingerprint:
        raise UserError(
            f"trusted key {path} holds the key {public.fingerprint}, not the one its name says; "
            f"remove it and trust the key again"
        )
    return TrustedKey(public, name, path)


def trusted_keys(config: settings.Settings | None = None) -> list[TrustedKey]:
    """The keys added with :func:`trust`, by name then fingerprint (not the installation's own)."""
    folder = trusted_dir(config)
    if not folder.exists():
        return []
    check_mode(folder, "trusted key store", 0o700)
    found = [_parse_trusted(path) for path in sorted(folder.glob("*.pem"))]
    return sorted(found, key=lambda k: (k.name, k.fingerprint))


def trust_anchors(config: settings.Settings | None = None) -> dict[str, str]:
    """Every key a package may be signed by here, as ``{fingerprint: whose}``: the
    installation's own key (if it has one) and each trusted key with its name."""
    anchors = {k.fingerprint: f"trusted key {k.name!r}" for k in trusted_keys(config)}
    own = load_public(config)
    if own is not None:
        anchors[own.fingerprint] = INSTALLATION_LABEL
    return anchors


def trust(pem: bytes, name: str, config: settings.Settings | None = None) -> TrustedKey:
    """Trust the Ed25519 public key in ``pem`` (a package's ``public_key.pem``, or what
    ``keys show`` printed on the exporting installation) under ``name``. Trusting a key again
    renames it."""
    try:
        public = public_key_from_pem(pem)
    except (ValueError, TypeError) as error:
        raise UserError(f"not an Ed25519 public key in PEM form: {error}") from None
    name = " ".join(name.split())
    config = config or settings.load()
    folder = config.state_folder(TRUSTED_DIR_NAME)
    path = folder / f"{public.fingerprint}.pem"
    body = (f"# name: {name}\n" if name else "").encode() + public.pem
    write_private(path, body)
    return TrustedKey(public, name, path)


def untrust(fingerprint: str, config: settings.Settings | None = None) -> TrustedKey:
    """Stop trusting the key with ``fingerprint``; a :class:`UserError` if it is not trusted."""
    wanted = normalise_fingerprint(fingerprint)
    for key in trusted_keys(config):
        if key.fingerprint == wanted and key.path is not None:
            key.path.unlink()
            return key
    own = load_public(config)
    if own is not None and own.fingerprint == wanted:
        raise UserError("that is this installation's own key; it cannot be untrusted")
    raise UserError(f"no trusted key {group_fingerprint(wanted)} (see `leadgraph keys list`)")
