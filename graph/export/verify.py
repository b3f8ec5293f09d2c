"""Check a court package (folder or zip): the signature, every hash, and nothing added or missing.

:func:`verify_package` never trusts the package to describe itself: it reads ``manifest.json``
and ``manifest.sig``, verifies the Ed25519 signature with the public key the signed manifest
names, recomputes SHA-256 and SM3 of every file, and lists each file that was added, removed or
changed.

A key shipped in the package proves nothing by itself (anyone can edit a file, rebuild the
manifest and sign it with a key of their own), so a package is intact only when the key that
signed it is trusted: with ``expect_fingerprint``, exactly that key; otherwise this
installation's own key or one added with ``leadgraph keys trust`` (``trusted``, by default
:func:`graph.core.keys.trust_anchors`). A valid signature by any other key is a problem naming
its fingerprint.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from graph.core import keys
from graph.core.errors import UserError
from graph.export.manifest import FORMAT, MANIFEST, SIGNATURE, parse_signature_file, sm3_hex


@dataclass
class VerifyResult:
    package: str
    intact: bool = False
    signature_valid: bool = False
    key_fingerprint: str | None = None
    key_is_installation_key: bool | None = None
    key_trusted: bool = False
    trusted_as: str | None = None
    lead_id: str | None = None
    package_id: str | None = None
    audience: str | None = None
    exported_by: str | None = None
    exported_at: str | None = None
    files_checked: int = 0
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _safe_path(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def read_package(path: Path) -> dict[str, bytes]:
    """Every file of a package folder or zip by its relative POSIX path.

    A zip whose entries all sit in one top folder is read relative to that folder. Symbolic links
    and entries with unsafe names are refused (a :class:`UserError` names them).
    """
    files: dict[str, bytes] = {}
    if path.is_dir():
        for item in sorted(path.rglob("*")):
            relative = item.relative_to(path).as_posix()
            if item.is_symlink():
                raise UserError(f"{path}: {relative} is a symbolic link; a package has none")
            if item.is_file():
                files[relative] = item.read_bytes()
        return files
    if not path.is_file():
        raise UserError(f"no package at {path}")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UserError(f"{path} is neither a package folder nor a zip file") from None
    with archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        if len(names) != len(set(names)):
            raise UserError(f"{path}: the zip holds two entries of the same name")
        bad = [n for n in names if not _safe_path(n)]
        if bad:
            raise UserError(f"{path}: unsafe entry names {bad[:3]}")
        tops = {n.split("/", 1)[0] for n in names}
        strip = len(tops) == 1 and all("/" in n for n in names)
        for name in names:
            relative = name.split("/", 1)[1] if strip else name
            files[relative] = archive.read(name)
    return files


def verify_files(
    files: dict[str, bytes],
    package: str = "",
    expect_fingerprint: str | None = None,
    trusted: Mapping[str, str] | None = None,
) -> VerifyResult:
    """Verify a package given as ``{path: bytes}``.

    ``trusted`` maps the fingerprints of the keys believed here to whose they are; by default
    this installation's key and the keys it trusts. ``expect_fingerprint`` replaces it: then only
    that key is believed.
    """
    result = VerifyResult(package=package)
    manifest_bytes = files.get(MANIFEST)
    sig_bytes = files.get(SIGNATURE)
    if manifest_bytes is None:
        result.removed.append(MANIFEST)
        result.problems.append("manifest.json is missing: nothing can be checked")
    if sig_bytes is None:
        result.removed.append(SIGNATURE)
        result.problems.append("manifest.sig is missing: the manifest is not signed")
    manifest: dict[str, Any] | None = None
    if manifest_bytes is not None:
        try:
            manifest = json.loads(manifest_bytes)
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise ValueError("not a LeadGraph manifest")
            entries = manifest["files"]
            public_raw = base64.b64decode(manifest["signature"]["public_key"], validate=True)
            public = keys.PublicKey(public_raw)
            public.key()
        except (ValueError, KeyError, TypeError, binascii.Error) as error:
            result.changed.append(MANIFEST)
            result.problems.append(f"manifest.json cannot be read: {error}")
            manifest = None
    if manifest is not None:
        _check_signature(result, manifest_bytes or b"", sig_bytes, public)
        for name in ("lead_id", "package_id", "audience", "exported_by", "exported_at"):
            setattr(result, name, manifest.get(name))
        _check_files(result, files, entries)
    else:
        unchecked = sum(1 for p in files if p not in (MANIFEST, SIGNATURE))
        result.problems.append(f"without a readable manifest, {unchecked} files cannot be checked")
    if result.key_fingerprint:
        _check_trust(result, expect_fingerprint, trusted)
    result.added.sort()
    result.removed.sort()
    result.changed.sort()
    result.intact = (
        result.signature_valid
        and result.key_trusted
        and not (result.added or result.removed or result.changed)
        and not result.problems
    )
    return result


def _check_trust(
    result: VerifyResult, expect_fingerprint: str | None, trusted: Mapping[str, str] | None
) -> None:
    fingerprint = result.key_fingerprint or ""
    if expect_fingerprint:
        wanted = expect_fingerprint.replace(" ", "").replace(":", "").lower()
        if wanted != fingerprint:
            result.problems.append(f"signed with key {fingerprint}, not the expected {wanted}")
            return
        result.key_trusted, result.trusted_as = True, "the expected fingerprint"
        return
    anchors = keys.trust_anchors() if trusted is None else trusted
    if fingerprint in anchors:
        result.key_trusted, result.trusted_as = True, anchors[fingerprint]
        return
    result.problems.append(
        f"signed by key {keys.group_fingerprint(fingerprint)}, which this installation does not "
        "trust: a package may carry any key, so check this fingerprint with the exporter, then "
        "`leadgraph keys trust public_key.pem --name EXPORTER` (or pass --expect-fingerprint)"
    )


def _check_signature(
    result: VerifyResult, manifest_bytes: bytes, sig_bytes: bytes | None, public: keys.PublicKey
) -> None:
    result.key_fingerprint = public.fingerprint
    try:
        installation = keys.load_public()
    except UserError:
        installation = None
    result.key_is_installation_key = (
        installation.fingerprint == public.fingerprint if installation else None
    )
    if sig_bytes is None:
        return
    fields = parse_signature_file(sig_bytes)
    if fields is None:
        result.changed.append(SIGNATURE)
        result.problems.append("manifest.sig is not a LeadGraph signature file")
        return
    signature = base64.b64decode(fields["signature"])
    result.signature_valid = public.verify(signature, manifest_bytes)
    manifest_hash = hashlib.sha256(manifest_bytes).hexdigest()
    if result.signature_valid:
        if fields["manifest-sha256"] != manifest_hash or (
            fields["key-fingerprint"] != public.fingerprint
        ):
            result.changed.append(SIGNATURE)
            result.problems.append("manifest.sig's recorded hash or key does not match")
        return
    if fields["manifest-sha256"] == manifest_hash:
        result.changed.append(SIGNATURE)
        result.problems.append("the signature in manifest.sig does not verify")
    else:
        result.changed.append(MANIFEST)
        result.problems.append("manifest.json is not the manifest that was signed")


def _check_files(result: VerifyResult, files: dict[str, bytes], entries: Any) -> None:
    listed: set[str] = set()
    if not isinstance(entries, list):
        result.problems.append("manifest.json has no file list")
        return
    for entry in entries:
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not _safe_path(path) or path in (MANIFEST, SIGNATURE):
            result.problems.append(f"manifest.json lists an unsafe or reserved path {path!r}")
            continue
        listed.add(path)
        data = files.get(path)
        if data is None:
            result.removed.append(path)
            continue
        result.files_checked += 1
        if (
            len(data) != entry.get("size")
            or hashlib.sha256(data).hexdigest() != entry.get("sha256")
            or sm3_hex(data) != entry.get("sm3")
        ):
            result.changed.append(path)
    result.added.extend(p for p in files if p not in listed and p not in (MANIFEST, SIGNATURE))


def verify_package(
    path: Path,
    expect_fingerprint: str | None = None,
    trusted: Mapping[str, str] | None = None,
) -> VerifyResult:
    """Verify the package folder or zip at ``path`` (``trusted`` as in :func:`verify_files`)."""
    return verify_files(read_package(path), str(path), expect_fingerprint, trusted)
