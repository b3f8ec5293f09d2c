"""``manifest.json`` (SHA-256 and SM3 of every file) and ``manifest.sig`` (Ed25519 over it).

``manifest.json`` lists every file of the package but itself and ``manifest.sig``, sorted by path,
with its size, SHA-256 and SM3 (GB/T 32905, the hash Chinese rules on electronic evidence name),
together with the lead id, package id, audience, exporting user, export time and the signing key.

``manifest.sig`` is a small text file::

    LeadGraph court package signature
    algorithm: Ed25519
    key-fingerprint: <SHA-256 of the raw public key, hex>
    manifest-sha256: <SHA-256 of manifest.json, hex>
    signature: <base64 of the Ed25519 signature over the exact bytes of manifest.json>

The recorded manifest hash lets the verifier say *which* of the two files was changed when the
signature does not verify.

SM3 comes from ``gmssl`` (pure Python, about 15 s a megabyte) unless OpenSSL offers it, in which
case ``hashlib`` computes the same digest much faster; ``tests/test_export.py`` checks they agree.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from gmssl import func, sm3

from graph.core.keys import PublicKey, SigningKey

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FORMAT = "leadgraph-court-package/1"
SIGNATURE_HEADER = "LeadGraph court package signature"


def sm3_gmssl(data: bytes) -> str:
    return str(sm3.sm3_hash(func.bytes_to_list(data)))


def _openssl_sm3() -> bool:
    try:
        return hashlib.new("sm3", b"abc").hexdigest() == (
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        )
    except ValueError:
        return False


_FAST_SM3 = _openssl_sm3()


def sm3_hex(data: bytes) -> str:
    """The SM3 digest of ``data`` in lowercase hex."""
    if _FAST_SM3:
        return hashlib.new("sm3", data).hexdigest()
    return sm3_gmssl(data)


class _GmsslSm3:
    """SM3 by gmssl, which has no incremental form: the blocks are kept and hashed at the end."""

    def __init__(self) -> None:
        self._blocks: list[bytes] = []

    def update(self, data: bytes) -> None:
        self._blocks.append(data)

    def hexdigest(self) -> str:
        return sm3_gmssl(b"".join(self._blocks))


def sm3_hasher() -> Any:
    """An SM3 hash fed with ``update(block)`` and read with ``hexdigest()``."""
    return hashlib.new("sm3") if _FAST_SM3 else _GmsslSm3()


def file_entry(path: str, data: bytes) -> dict[str, Any]:
    return {
        "path": path,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "sm3": sm3_hex(data),
    }


def build_manifest(
    files: dict[str, bytes],
    *,
    package_id: str,
    lead_id: str,
    audience: str,
    exported_by: str,
    exported_at: str,
    time_zone: str,
    software: str | None,
    public_key: PublicKey,
) -> bytes:
    manifest = {
        "format": FORMAT,
        "package_id": package_id,
        "lead_id": lead_id,
        "audience": audience,
        "exported_by": exported_by,
        "exported_at": exported_at,
        "time_zone": time_zone,
        "software": software,
        "hash_algorithms": ["sha256", "sm3"],
        "signature": {
            "algorithm": "Ed25519",
            "file": SIGNATURE,
            "public_key": base64.b64encode(public_key.raw).decode(),
            "key_fingerprint": public_key.fingerprint,
        },
        "files": [file_entry(path, files[path]) for path in sorted(files)],
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()


def signature_file(manifest: bytes, key: SigningKey) -> bytes:
    lines = [
        SIGNATURE_HEADER,
        "algorithm: Ed25519",
        f"key-fingerprint: {key.public.fingerprint}",
        f"manifest-sha256: {hashlib.sha256(manifest).hexdigest()}",
        f"signature: {base64.b64encode(key.sign(manifest)).decode()}",
    ]
    return ("\n".join(lines) + "\n").encode()


def parse_signature_file(data: bytes) -> dict[str, str] | None:
    """The fields of a ``manifest.sig``, or ``None`` if it is not one."""
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None
    if not lines or lines[0] != SIGNATURE_HEADER:
        return None
    fields: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(": ")
        if not sep or name in fields:
            return None
        fields[name] = value
    if set(fields) != {"algorithm", "key-fingerprint", "manifest-sha256", "signature"}:
        return None
    if fields["algorithm"] != "Ed25519":
        return None
    try:
        signature = base64.b64decode(fields["signature"], validate=True)
    except ValueError:
        return None
    return fields if len(signature) == 64 else None
