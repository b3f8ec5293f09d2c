"""Packages sealed to another installation: only it can open them, and it knows who sealed them.

A lead shared with another institution leaves as the package ``leadgraph export`` wrote (a zip,
signed by this installation's Ed25519 key), sealed to the recipient's X25519 public key
(:mod:`graph.alliance.identity`)::

    MAGIC | header length (4 bytes, big-endian) | header | ciphertext | signature (64 bytes)

The header is canonical JSON: the format version, the recipient's identity fingerprint, the
sender's name and fingerprint, an ephemeral X25519 public key and a nonce. The package key is
HKDF-SHA256 of the X25519 exchange between the ephemeral key and the recipient's key (the info
binds both public keys), used once with ChaCha20-Poly1305 over the package bytes, with
``MAGIC + header`` as associated data. The sender's Ed25519 key signs everything before the
signature, so the recipient knows which trusted installation sealed it before decrypting.
Everything is ``cryptography``'s; nothing here is home-made but the layout.

:func:`open_sealed` refuses a file sealed to another installation, a sender this installation
does not trust, a signature or an AEAD tag that fails, and a package inside that is not intact
and signed by that same sender (a member that re-seals another's package cannot pass it off as
its own, nor as the other's). Each refusal is a :class:`UserError` saying which. The opened
package passes ``leadgraph verify`` here, since trusting an identity trusts its signing key.

:func:`seal_and_audit` and :func:`open_and_audit` are what the command line and the workbench
call: each writes an audit entry (``alliance_seal``, ``alliance_open``, or
``alliance_open_refused``) naming the lead, both fingerprints and the package's hashes.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from graph.alliance import identity as alliance
from graph.core import keys, settings
from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.core.limits import FILE_LIMITS, size_text
from graph.db.store import GraphStore
from graph.export.verify import verify_package
from graph.workflow import audit

MAGIC = b"LEADGRAPH-SEALED\n"
VERSION = 1
CIPHER = "X25519-HKDF-SHA256-ChaCha20-Poly1305"
SIGNATURE_BYTES = 64
MAX_HEADER_BYTES = 16 << 10
SUFFIX = ".lgsealed"
_KDF_INFO = b"leadgraph sealed package v1\0"


def _max_package_bytes() -> int:
    return FILE_LIMITS.package_max_entry_bytes


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _package_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=_KDF_INFO + ephemeral + recipient
    )
    return hkdf.derive(shared)


def seal_bytes(
    package: bytes, recipient: alliance.PublicIdentity, sender: alliance.Identity
) -> bytes:
    """``package`` sealed to ``recipient`` and signed by ``sender``'s signing key."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = _raw(ephemeral.public_key())
    nonce = os.urandom(12)
    header = alliance.canonical_bytes(
        {
            "format": VERSION,
            "cipher": CIPHER,
            "recipient": {"fingerprint": recipient.fingerprint},
            "sender": {"name": sender.name, "fingerprint": sender.fingerprint},
            "ephemeral_public_key": base64.b64encode(ephemeral_raw).decode(),
            "nonce": base64.b64encode(nonce).decode(),
            "sealed_at": utc_now(),
        }
    )
    key = _package_key(ephemeral.exchange(recipient.sealing_key), ephemeral_raw, recipient.x25519)
    associated = MAGIC + header
    ciphertext = ChaCha20Poly1305(key).encrypt(nonce, package, associated)
    signed = MAGIC + len(header).to_bytes(4, "big") + header + ciphertext
    return signed + sender.signing.sign(signed)


@dataclass(frozen=True)
class Sealed:
    """A sealed file taken apart (nothing checked yet but its layout)."""

    header: dict[str, Any]
    header_bytes: bytes
    ciphertext: bytes
    signed: bytes
    signature: bytes

    @property
    def recipient(self) -> str:
        return str(self.header["recipient"]["fingerprint"])

    @property
    def sender(self) -> str:
        return str(self.header["sender"]["fingerprint"])

    @property
    def sender_name(self) -> str:
        return str(self.header["sender"].get("name", ""))


def parse_sealed(data: bytes) -> Sealed:
    """The parts of a sealed file; a :class:`UserError` when it is not one."""
    start = len(MAGIC) + 4
    if not data.startswith(MAGIC) or len(data) < start + SIGNATURE_BYTES:
        raise UserError("not a LeadGraph sealed package")
    length = int.from_bytes(data[len(MAGIC) : start], "big")
    if length > MAX_HEADER_BYTES or start + length + SIGNATURE_BYTES > len(data):
        raise UserError("the sealed package's header is damaged")
    header_bytes = data[start : start + length]
    try:
        header = json.loads(header_bytes)
        if not isinstance(header, dict) or header.get("format") != VERSION:
            raise ValueError(f"not format {VERSION}")
        if header.get("cipher") != CIPHER:
            raise ValueError(f"unknown cipher {header.get('cipher')!r}")
        for part in ("recipient", "sender"):
            if not isinstance(header[part], dict) or not isinstance(
                header[part]["fingerprint"], str
            ):
                raise ValueError(f"no {part} fingerprint")
    except (ValueError, KeyError, TypeError) as error:
        raise UserError(f"the sealed package's header cannot be read: {error}") from None
    return Sealed(
        header,
        header_bytes,
        data[start + length : -SIGNATURE_BYTES],
        data[:-SIGNATURE_BYTES],
        data[-SIGNATURE_BYTES:],
    )


def _short(fingerprint: str) -> str:
    return keys.group_fingerprint(fingerprint[:16])


def unseal(
    data: bytes, config: settings.Settings | None = None
) -> tuple[bytes, Sealed, alliance.TrustedIdentity]:
    """The package sealed in ``data`` for this installation, after checking in this order: the
    layout, that it is sealed to this installation, that its sender is trusted here, the
    sender's signature, and the AEAD tag. Each failure is a :class:`UserError` saying which.

    The package itself is not checked here (:func:`open_sealed` does)."""
    config = config or settings.load()
    sealed = parse_sealed(data)
    own = alliance.load_existing(config)
    if own is None:
        raise UserError(
            "this installation has no alliance identity, so nothing was sealed to it "
            "(`leadgraph alliance identity --out FILE` makes one)"
        )
    if sealed.recipient != own.fingerprint:
        raise UserError(
            f"sealed to installation {_short(sealed.recipient)}…, not to this one "
            f"({_short(own.fingerprint)}…): only the recipient can open it"
        )
    sender = alliance.trusted_by_fingerprint(sealed.sender, config)
    if sender is None:
        raise UserError(
            f"sealed by installation {_short(sealed.sender)}… (which calls itself "
            f"{sealed.sender_name!r}), which this installation does not trust: compare its "
            "fingerprint with the sender, then `leadgraph alliance trust FILE --name NAME`"
        )
    if not sender.identity.signing_key.verify(sealed.signature, sealed.signed):
        raise UserError(
            f"the signature of {sender.name!r} does not verify: the file was changed, or "
            "another installation sealed it in that name"
        )
    try:
        header = sealed.header
        ephemeral_raw = base64.b64decode(header["ephemeral_public_key"], validate=True)
        nonce = base64.b64decode(header["nonce"], validate=True)
        shared = own.private.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw))
        key = _package_key(shared, ephemeral_raw, own.public.x25519)
        package = ChaCha20Poly1305(key).decrypt(
            nonce, sealed.ciphertext, MAGIC + sealed.header_bytes
        )
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise UserError("the sealed package's key material is damaged") from None
    except InvalidTag:
        raise UserError(
            "the sealed package does not decrypt (its authentication tag fails): it was "
            "changed or damaged"
        ) from None
    return package, sealed, sender


@dataclass
class SealResult:
    path: str
    lead_id: str
    package_id: str
    package_sha256: str
    sealed_sha256: str
    recipient: str
    recipient_fingerprint: str
    sender_fingerprint: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class OpenResult:
    path: str
    lead_id: str
    package_id: str
    package_sha256: str
    sealed_sha256: str
    sender: str
    sender_fingerprint: str
    recipient_fingerprint: str
    sealed_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _read_capped(path: Path, what: str) -> bytes:
    if not path.is_file():
        raise UserError(f"no {what} at {path}")
    size = path.stat().st_size
    if size > _max_package_bytes():
        raise UserError(f"{path} is {size_text(size)}, more than a {what} may be")
    return path.read_bytes()


@contextlib.contextmanager
def _as_file(data: bytes, folder: Path | None) -> Iterator[Path]:
    """``data`` in a private temporary zip in ``folder`` (default: the system's), removed on
    exit unless it was moved away."""
    fd, name = tempfile.mkstemp(prefix=".sealed-", suffix=".zip", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        yield Path(name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def seal_file(
    package: Path, to: str, out: Path, config: settings.Settings | None = None
) -> SealResult:
    """Seal the package zip at ``package`` to the trusted installation ``to`` (its name here or
    its fingerprint), writing ``out``. Only an intact package this installation signed is sealed."""
    config = config or settings.load()
    sender = alliance.load_or_create(config)
    recipient = alliance.find_trusted(to, config)
    data = _read_capped(package, "package zip")
    own = {sender.signing.public.fingerprint: keys.INSTALLATION_LABEL}
    with _as_file(data, None) as copy:  # the bytes sealed are the bytes checked
        checked = verify_package(copy, trusted=own)
    if not checked.intact:
        raise UserError(
            f"{package} is not an intact package signed by this installation: "
            + "; ".join(checked.problems or ["files were changed"])
        )
    sealed = seal_bytes(data, recipient.identity, sender)
    try:
        out.write_bytes(sealed)
    except OSError as error:
        raise UserError(f"cannot write {out}: {error.strerror}") from None
    return SealResult(
        str(out),
        checked.lead_id or "",
        checked.package_id or "",
        _sha256(data),
        _sha256(sealed),
        recipient.name,
        recipient.fingerprint,
        sender.fingerprint,
    )


def open_sealed(
    sealed_path: Path, out_dir: Path, config: settings.Settings | None = None
) -> OpenResult:
    """Open the sealed file at ``sealed_path`` (:func:`unseal`), check that the package inside
    is intact and signed by its sender, and write it to ``out_dir`` as ``<package id>.zip``."""
    config = config or settings.load()
    data = _read_capped(sealed_path, "sealed package")
    package, sealed, sender = unseal(data, config)
    out_dir.mkdir(parents=True, exist_ok=True)
    signer = {sender.identity.signing_key.fingerprint: sender.name}
    with _as_file(package, out_dir) as temp:
        checked = verify_package(temp, trusted=signer)
        if not checked.intact:
            raise UserError(
                f"the package inside is not intact and signed by {sender.name!r}, who sealed it: "
                + "; ".join(checked.problems or ["files were changed"])
            )
        target = out_dir / f"{checked.package_id}.zip"
        if target.exists():
            raise UserError(f"{target} exists already; open into another folder")
        os.replace(temp, target)
    return OpenResult(
        str(target),
        checked.lead_id or "",
        checked.package_id or "",
        _sha256(package),
        _sha256(data),
        sender.name,
        sender.fingerprint,
        sealed.recipient,
        str(sealed.header.get("sealed_at", "")),
    )


def seal_and_audit(
    store: GraphStore, package: Path, to: str, out: Path, *, actor: str, via: str
) -> SealResult:
    """:func:`seal_file`, audited as ``alliance_seal``; without its audit entry, no sealed file."""
    result = seal_file(package, to, out)
    try:
        audit.append(
            store,
            actor,
            "alliance_seal",
            f"lead:{result.lead_id}",
            {
                "package_id": result.package_id,
                "package_sha256": result.package_sha256,
                "sealed_sha256": result.sealed_sha256,
                "recipient": result.recipient,
                "recipient_fingerprint": result.recipient_fingerprint,
                "sender_fingerprint": result.sender_fingerprint,
                "path": result.path,
                "via": via,
            },
        )
    except BaseException:
        Path(result.path).unlink(missing_ok=True)
        raise
    return result


def open_and_audit(
    store: GraphStore, sealed_path: Path, out_dir: Path, *, actor: str, via: str
) -> OpenResult:
    """:func:`open_sealed`, audited as ``alliance_open``; a refusal as ``alliance_open_refused``
    with its reason and what the file claims."""
    try:
        result = open_sealed(sealed_path, out_dir)
    except UserError as error:
        audit.append(
            store, actor, "alliance_open_refused", None, _claims(sealed_path, str(error), via)
        )
        raise
    try:
        audit.append(
            store,
            actor,
            "alliance_open",
            f"package:{result.package_id}",
            {**result.to_dict(), "via": via},
        )
    except BaseException:
        Path(result.path).unlink(missing_ok=True)
        raise
    return result


def _claims(sealed_path: Path, reason: str, via: str) -> dict[str, Any]:
    """What a refused file says about itself, for the audit entry (claims, not facts)."""
    details: dict[str, Any] = {"reason": reason, "file": str(sealed_path), "via": via}
    try:
        data = _read_capped(sealed_path, "sealed package")
        details["sealed_sha256"] = _sha256(data)
        sealed = parse_sealed(data)
        details["claimed_sender_fingerprint"] = sealed.sender
        details["claimed_sender"] = sealed.sender_name
        details["recipient_fingerprint"] = sealed.recipient
    except UserError:
        pass
    return details
