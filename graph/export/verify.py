"""Check a court package (folder or zip): the signature, every hash, and nothing added or missing.

:func:`verify_package` never trusts the package to describe itself: it reads ``manifest.json``
and ``manifest.sig``, verifies the Ed25519 signature with the public key the signed manifest
names, recomputes SHA-256 and SM3 of every file, and lists each file that was added, removed or
changed.

A package comes from outside and may be built to hurt the verifier: a 1 MB zip can hold an
entry that unpacks to a gigabyte. Nothing is held whole but ``manifest.json`` and
``manifest.sig`` (capped): every other file is hashed a block at a time, a file whose unpacked
size differs from the manifest's is changed without being read, and one larger than a package
file may be, or past the package's total (:class:`graph.core.limits.FileLimits`), is not read
and makes the package NOT INTACT with that reason.

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
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from graph.core import keys
from graph.core.errors import UserError
from graph.core.limits import FILE_LIMITS, size_text
from graph.export.manifest import (
    FORMAT,
    MANIFEST,
    SIGNATURE,
    parse_signature_file,
    sm3_hasher,
)


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


class UnreadableFile(Exception):
    """A file of the package that cannot be read (the message says why)."""


_BLOCK = 1 << 20
# What unpacking a forged zip entry raises: a bad CRC, broken deflate data, an early end, an
# unknown compression method, an encrypted entry (RuntimeError).
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
               RuntimeError)  # fmt: skip


class PackageFiles:
    """The files of a package folder or zip, by relative POSIX path: each file's size (as the zip
    declares it, or as the folder lists it) and its bytes a block at a time, so no file is ever
    held whole. Open it with :func:`open_package`; use as a context manager."""

    def __init__(self, sizes: dict[str, int], opener: Callable[[str], IO[bytes]],
                 closer: Callable[[], None] | None = None) -> None:  # fmt: skip
        self.sizes = sizes
        self._open = opener
        self._closer = closer

    def __contains__(self, name: object) -> bool:
        return name in self.sizes

    def __iter__(self) -> Iterator[str]:
        return iter(self.sizes)

    def blocks(self, name: str) -> Iterator[bytes]:
        """The bytes of ``name``, a block at a time, never more than its size.

        A zip entry that does not unpack (bad CRC, broken deflate data, an unknown method)
        raises :class:`UnreadableFile`."""
        left = self.sizes[name]
        try:
            with self._open(name) as stream:
                while left > 0 and (block := stream.read(min(_BLOCK, left))):
                    left -= len(block)
                    yield block
                if left == 0 and stream.read(1):
                    raise UnreadableFile("it is longer than listed")
        except _UNREADABLE as error:
            raise UnreadableFile(str(error) or type(error).__name__) from None

    def read(self, name: str, limit: int) -> bytes:
        """The whole of a small file; :class:`UnreadableFile` when it is larger than ``limit``."""
        if self.sizes[name] > limit:
            raise UnreadableFile(
                f"it is {size_text(self.sizes[name])}, more than {size_text(limit)}"
            )
        return b"".join(self.blocks(name))

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __enter__(self) -> PackageFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_package(path: Path) -> PackageFiles:
    """The files of the package folder or zip at ``path``.

    A zip whose entries all sit in one top folder is read relative to that folder. Symbolic
    links, entries with unsafe names and zips of more entries than a package has are refused (a
    :class:`UserError` names them). Nothing is unpacked here.
    """
    limit = FILE_LIMITS.package_max_entries
    if path.is_dir():
        items: dict[str, Path] = {}
        for item in sorted(path.rglob("*")):
            relative = item.relative_to(path).as_posix()
            if item.is_symlink():
                raise UserError(f"{path}: {relative} is a symbolic link; a package has none")
            if item.is_file():
                items[relative] = item
                if len(items) > limit:
                    raise UserError(f"{path}: more than {limit:,} files; a package has fewer")
        sizes = {name: item.stat().st_size for name, item in items.items()}
        return PackageFiles(sizes, lambda name: items[name].open("rb"))
    if not path.is_file():
        raise UserError(f"no package at {path}")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise UserError(f"{path} is neither a package folder nor a zip file") from None
    try:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > limit:
            raise UserError(f"{path}: the zip holds {len(infos):,} entries; a package has fewer")
        names = [info.filename for info in infos]
        if len(names) != len(set(names)):
            raise UserError(f"{path}: the zip holds two entries of the same name")
        bad = [n for n in names if not _safe_path(n)]
        if bad:
            raise UserError(f"{path}: unsafe entry names {bad[:3]}")
        tops = {n.split("/", 1)[0] for n in names}
        strip = len(tops) == 1 and all("/" in n for n in names)
        entries = {
            (n.split("/", 1)[1] if strip else n): info for n, info in zip(names, infos, strict=True)
        }
    except BaseException:
        archive.close()
        raise
    sizes = {name: info.file_size for name, info in entries.items()}
    return PackageFiles(sizes, lambda name: archive.open(entries[name]), archive.close)


def read_package(path: Path) -> dict[str, bytes]:
    """Every file of a package folder or zip by its relative POSIX path, in memory (for tools and
    tests that rebuild packages; :func:`verify_package` streams instead). The package caps of
    :data:`~graph.core.limits.FILE_LIMITS` apply: a larger package is refused."""
    limits = FILE_LIMITS
    with open_package(path) as files:
        total = sum(files.sizes.values())
        if total > limits.package_max_total_bytes:
            raise UserError(f"{path}: the files unpack to {size_text(total)}, more than a package")
        try:
            return {name: files.read(name, limits.package_max_entry_bytes) for name in files}
        except UnreadableFile as error:
            raise UserError(f"{path}: a file cannot be read: {error}") from None


def _small_file(result: VerifyResult, files: PackageFiles, name: str) -> bytes | None:
    """manifest.json or manifest.sig, read whole (they are small); None when absent or not."""
    if name not in files:
        return None
    try:
        return files.read(name, FILE_LIMITS.package_max_manifest_bytes)
    except UnreadableFile as error:
        result.changed.append(name)
        result.problems.append(f"{name} cannot be read: {error}")
        return None


def verify_files(
    files: PackageFiles,
    package: str = "",
    expect_fingerprint: str | None = None,
    trusted: Mapping[str, str] | None = None,
) -> VerifyResult:
    """Verify a package's files (:func:`open_package`).

    ``trusted`` maps the fingerprints of the keys believed here to whose they are; by default
    this installation's key and the keys it trusts. ``expect_fingerprint`` replaces it: then only
    that key is believed.
    """
    result = VerifyResult(package=package)
    manifest_bytes = _small_file(result, files, MANIFEST)
    sig_bytes = _small_file(result, files, SIGNATURE)
    if MANIFEST not in files:
        result.removed.append(MANIFEST)
        result.problems.append("manifest.json is missing: nothing can be checked")
    if SIGNATURE not in files:
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


def _check_files(result: VerifyResult, files: PackageFiles, entries: Any) -> None:
    """Hash every listed file a block at a time. A file whose size differs from the manifest's
    is changed without being read; one larger than a package file may be, or past the
    package's total, is not read at all and is a problem (a zip bomb unpacks to gigabytes)."""
    limits = FILE_LIMITS
    listed: set[str] = set()
    if not isinstance(entries, list):
        result.problems.append("manifest.json has no file list")
        return
    unpacked = 0
    for entry in entries:
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not _safe_path(path) or path in (MANIFEST, SIGNATURE):
            result.problems.append(f"manifest.json lists an unsafe or reserved path {path!r}")
            continue
        listed.add(path)
        if path not in files:
            result.removed.append(path)
            continue
        size = files.sizes[path]
        if size != entry.get("size"):
            result.files_checked += 1
            result.changed.append(path)
            continue
        if size > limits.package_max_entry_bytes:
            result.problems.append(
                f"{path} was not read: it unpacks to {size_text(size)}, more than the "
                f"{size_text(limits.package_max_entry_bytes)} a package file may hold"
            )
            continue
        if unpacked + size > limits.package_max_total_bytes:
            result.problems.append(
                f"{path} was not read: the package's files unpack to more than "
                f"{size_text(limits.package_max_total_bytes)}"
            )
            continue
        unpacked += size
        result.files_checked += 1
        sha256, sm3 = hashlib.sha256(), sm3_hasher()
        try:
            for block in files.blocks(path):
                sha256.update(block)
                sm3.update(block)
        except UnreadableFile as error:
            result.changed.append(path)
            result.problems.append(f"{path} cannot be read: {error}")
            continue
        if sha256.hexdigest() != entry.get("sha256") or sm3.hexdigest() != entry.get("sm3"):
            result.changed.append(path)
    result.added.extend(p for p in files if p not in listed and p not in (MANIFEST, SIGNATURE))


def verify_package(
    path: Path,
    expect_fingerprint: str | None = None,
    trusted: Mapping[str, str] | None = None,
) -> VerifyResult:
    """Verify the package folder or zip at ``path`` (``trusted`` as in :func:`verify_files`)."""
    with open_package(path) as files:
        return verify_files(files, str(path), expect_fingerprint, trusted)
