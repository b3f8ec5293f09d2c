"""The installation's alliance identity: who it is to the other institutions it shares with.

An identity is two public keys under one name: the X25519 key that packages are sealed to
(:mod:`graph.export.sealed`), and the installation's Ed25519 package-signing key
(:mod:`graph.core.keys`), which signs what it seals. The X25519 private key is created on first
use in ``<home>/alliance/identity/`` (file mode 600, folder 700), beside ``identity.json`` (its
name and creation time); it is never printed and never written anywhere else.

:func:`public_identity` is what ``leadgraph alliance identity --out FILE`` writes: the name, both
public keys, a fingerprint and the creation time, signed with the Ed25519 key. The fingerprint
(SHA-256 of a label and both raw public keys, 64 hex digits) binds the two keys: whoever checks
it binds both. The name inside is a claim: the receiving side gives the identity its own name.

A counterpart is trusted with :func:`trust` (``leadgraph alliance trust FILE --name NAME``) once
its fingerprint was compared out of band (a phone call, a letter), and kept as
``<home>/alliance/trusted/<fingerprint>.json`` (mode 600). Trusting an identity also trusts its
signing key for packages (:func:`graph.core.keys.trust`), so the package inside a sealed one
passes ``leadgraph verify`` here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from graph.core import keys, settings
from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.core.private import write_private

FORMAT = "leadgraph-alliance-identity/1"
IDENTITY_DIR = ("alliance", "identity")
TRUSTED_DIR = ("alliance", "trusted")
PRIVATE_FILE = "x25519.pem"
INFO_FILE = "identity.json"
MAX_IDENTITY_BYTES = 64 << 10
_FINGERPRINT_LABEL = b"leadgraph alliance identity v1\0"


def identity_fingerprint(x25519_raw: bytes, ed25519_raw: bytes) -> str:
    """The fingerprint of an identity: binds its sealing key and its signing key."""
    return hashlib.sha256(_FINGERPRINT_LABEL + x25519_raw + ed25519_raw).hexdigest()


def _raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class PublicIdentity:
    """An installation as others see it: a name (a claim), its two public keys."""

    name: str
    x25519: bytes
    ed25519: bytes
    created_at: str

    @property
    def fingerprint(self) -> str:
        return identity_fingerprint(self.x25519, self.ed25519)

    @property
    def sealing_key(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(self.x25519)

    @property
    def signing_key(self) -> keys.PublicKey:
        return keys.PublicKey(self.ed25519)

    def body(self) -> dict[str, Any]:
        """The signed fields, as the identity file holds them."""
        return {
            "format": FORMAT,
            "name": self.name,
            "x25519_public_key": base64.b64encode(self.x25519).decode(),
            "ed25519_public_key": base64.b64encode(self.ed25519).decode(),
            "fingerprint": self.fingerprint,
            "created_at": self.created_at,
        }


def canonical_bytes(data: dict[str, Any]) -> bytes:
    """The bytes a signature over ``data`` covers: sorted, compact JSON (identity files, sealed
    headers and alliance exchange files all sign this form)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Identity:
    """This installation's identity: the X25519 private key and the signing key."""

    private: X25519PrivateKey
    signing: keys.SigningKey
    name: str
    created_at: str

    @property
    def public(self) -> PublicIdentity:
        raw = _raw(self.private.public_key())
        return PublicIdentity(self.name, raw, self.signing.public.raw, self.created_at)

    @property
    def fingerprint(self) -> str:
        return self.public.fingerprint


def identity_dir(config: settings.Settings | None = None) -> Path:
    return (config or settings.load()).home.joinpath(*IDENTITY_DIR)


def _read_private(path: Path) -> X25519PrivateKey:
    keys.check_mode(path, "alliance key")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as error:
        raise UserError(f"alliance key {path} cannot be read: {error}") from None
    if not isinstance(key, X25519PrivateKey):
        raise UserError(f"alliance key {path} is not an X25519 key")
    return key


def _read_info(folder: Path) -> dict[str, Any]:
    try:
        info = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def load_or_create(config: settings.Settings | None = None, name: str | None = None) -> Identity:
    """This installation's identity, its X25519 key created (mode 600) on first use.

    ``name`` names the installation to others (default: ``LeadGraph <first fingerprint
    digits>``); given for an existing identity, it renames it (the keys stay).
    """
    config = config or settings.load()
    signing = keys.load_or_create(config)
    folder = config.state_folder(*IDENTITY_DIR)
    path = folder / PRIVATE_FILE
    if not path.exists():
        pem = X25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        write_private(path, pem, replace=False)  # another process won the race: use its key
    private = _read_private(path)
    info = _read_info(folder)
    wanted = " ".join((name or "").split())
    if not info.get("created_at") or (wanted and wanted != info.get("name")):
        fingerprint = identity_fingerprint(_raw(private.public_key()), signing.public.raw)
        info = {
            "name": wanted or info.get("name") or f"LeadGraph {fingerprint[:8]}",
            "created_at": info.get("created_at") or utc_now(),
        }
        write_private(folder / INFO_FILE, json.dumps(info, ensure_ascii=False, indent=2))
    return Identity(private, signing, str(info["name"]), str(info["created_at"]))


def load_existing(config: settings.Settings | None = None) -> Identity | None:
    """This installation's identity if it has one; never creates one."""
    config = config or settings.load()
    if not (identity_dir(config) / PRIVATE_FILE).exists():
        return None
    return load_or_create(config)


def public_identity(identity: Identity) -> dict[str, Any]:
    """The identity file's content: the public fields and their Ed25519 signature."""
    body = identity.public.body()
    signature = identity.signing.sign(canonical_bytes(body))
    return {**body, "signature": base64.b64encode(signature).decode()}


def write_public_identity(identity: Identity, out: Path) -> Path:
    """Write the public identity file to ``out`` (a JSON file meant to leave)."""
    data = json.dumps(public_identity(identity), ensure_ascii=False, indent=2) + "\n"
    try:
        out.write_text(data, encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write {out}: {error.strerror}") from None
    return out


def parse_public_identity(data: bytes, source: str = "the identity file") -> PublicIdentity:
    """A counterpart's identity file, checked: both keys well formed, the fingerprint theirs,
    the file signed by its own signing key (a :class:`UserError` says what is wrong)."""
    if len(data) > MAX_IDENTITY_BYTES:
        raise UserError(f"{source} is too large for an identity file")
    try:
        document = json.loads(data)
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError(f"not a LeadGraph alliance identity ({FORMAT})")
        found = PublicIdentity(
            name=" ".join(str(document["name"]).split()),
            x25519=base64.b64decode(document["x25519_public_key"], validate=True),
            ed25519=base64.b64decode(document["ed25519_public_key"], validate=True),
            created_at=str(document["created_at"]),
        )
        found.sealing_key  # noqa: B018  (raises on a malformed key)
        found.signing_key.key()
        signature = base64.b64decode(document["signature"], validate=True)
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise UserError(f"{source} cannot be read: {error}") from None
    if document.get("fingerprint") != found.fingerprint:
        raise UserError(f"{source}: its fingerprint is not the one of its keys")
    if not found.signing_key.verify(signature, canonical_bytes(found.body())):
        raise UserError(f"{source}: its signature does not verify; it was changed")
    return found


@dataclass(frozen=True)
class TrustedIdentity:
    """A counterpart this installation seals to and opens packages from, by the name given here."""

    identity: PublicIdentity
    name: str
    trusted_at: str

    @property
    def fingerprint(self) -> str:
        return self.identity.fingerprint


def _trusted_path(fingerprint: str, config: settings.Settings | None) -> Path:
    return (config or settings.load()).home.joinpath(*TRUSTED_DIR) / f"{fingerprint}.json"


def trust(
    data: bytes, name: str, config: settings.Settings | None = None, *, source: str = "FILE"
) -> TrustedIdentity:
    """Trust the identity file ``data`` under ``name`` (trusting it again renames it), and its
    signing key for packages. This installation's own identity cannot be trusted as another."""
    config = config or settings.load()
    found = parse_public_identity(data, source)
    own = load_existing(config)
    if own is not None and own.fingerprint == found.fingerprint:
        raise UserError("that is this installation's own identity")
    name = " ".join(name.split()) or found.name
    if any(t.name == name and t.fingerprint != found.fingerprint for t in trusted(config)):
        raise UserError(f"another trusted installation is named {name!r}; choose another name")
    record = {**found.body(), "name": name, "claimed_name": found.name, "trusted_at": utc_now()}
    config.state_folder(*TRUSTED_DIR)
    write_private(
        _trusted_path(found.fingerprint, config), json.dumps(record, ensure_ascii=False, indent=2)
    )
    keys.trust(found.signing_key.pem, name, config)
    return TrustedIdentity(found, name, record["trusted_at"])


def _read_trusted(path: Path) -> TrustedIdentity:
    keys.check_mode(path, "trusted identity")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        found = PublicIdentity(
            name=str(record["claimed_name"]),
            x25519=base64.b64decode(record["x25519_public_key"], validate=True),
            ed25519=base64.b64decode(record["ed25519_public_key"], validate=True),
            created_at=str(record["created_at"]),
        )
    except (OSError, ValueError, KeyError, TypeError, binascii.Error) as error:
        raise UserError(f"trusted identity {path} cannot be read: {error}") from None
    if path.stem != found.fingerprint:
        raise UserError(f"trusted identity {path} holds another identity than its name says")
    return TrustedIdentity(found, str(record["name"]), str(record.get("trusted_at", "")))


def trusted(config: settings.Settings | None = None) -> list[TrustedIdentity]:
    """The counterparts trusted here, by name."""
    folder = (config or settings.load()).home.joinpath(*TRUSTED_DIR)
    if not folder.exists():
        return []
    return sorted((_read_trusted(path) for path in folder.glob("*.json")), key=lambda t: t.name)


def trusted_by_fingerprint(
    fingerprint: str, config: settings.Settings | None = None
) -> TrustedIdentity | None:
    path = _trusted_path(fingerprint, config)
    if len(fingerprint) != 64 or not path.exists():
        return None
    return _read_trusted(path)


def find_trusted(
    name_or_fingerprint: str, config: settings.Settings | None = None
) -> TrustedIdentity:
    """The trusted counterpart named ``name_or_fingerprint`` here (or with that fingerprint)."""
    wanted = " ".join(name_or_fingerprint.split())
    found = trusted(config)
    for item in found:
        if wanted in (item.name, item.fingerprint) or (
            keys.group_fingerprint(item.fingerprint) == wanted
        ):
            return item
    names = ", ".join(repr(t.name) for t in found) or "none yet"
    raise UserError(
        f"no trusted installation {wanted!r} (trusted: {names}; `leadgraph alliance trust FILE "
        "--name NAME` adds one)"
    )
