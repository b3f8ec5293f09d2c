"""Raw uploads: the clue files the Submit page receives, kept only as long as they are needed.

An uploaded file is saved as ``<home>/uploads/<first 16 hex digits of its SHA-256>/<name>``
(folders mode 700, the file 600), where the validation preview and then the ingest read it. It
holds raw phone and ID numbers, so it does not stay:

* once :func:`ingest.submit.submit_file` has ingested it, it is deleted at once — or, with
  ``LEADGRAPH_UPLOAD_RETENTION_DAYS`` set to N > 0, kept until N days after it was uploaded;
* a file uploaded and never ingested (the analyst left the page) is deleted
  ``ABANDONED_HOURS`` after its last upload, or after the retention if that is longer;
* :func:`prune` enforces both, at every ingest (whichever door) and in
  ``leadgraph uploads prune``.

Every deletion is audited (``upload_delete``, with the file's name, its SHA-256 and why). The
submission keeps the file's name and SHA-256, so what was ingested stays provable after the file
is gone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from graph.core import settings
from graph.core.private import write_private
from graph.db.store import GraphStore
from graph.workflow import audit

FOLDER = "uploads"
ABANDONED_HOURS = 24
_UNSAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def upload_folder(config: settings.Settings | None = None) -> Path:
    return (config or settings.load()).state_folder(FOLDER)


def save(name: str, data: bytes, config: settings.Settings | None = None) -> Path:
    """Keep an uploaded file, named by its content hash (the same upload twice is one file),
    and return its path. Saving it again restarts its clock for :func:`prune`."""
    digest = hashlib.sha256(data).hexdigest()
    safe = _UNSAFE_NAME.sub("_", Path(name).name) or "upload"
    path = upload_folder(config) / digest[:16] / safe
    if not path.exists():
        write_private(path, data)
    else:
        os.utime(path)
    return path


def is_upload(path: Path, config: settings.Settings | None = None) -> bool:
    """True when ``path`` is a file in the upload folder (not a file the CLI was given)."""
    folder = (config or settings.load()).home / FOLDER
    return Path(path).resolve().is_relative_to(folder.resolve())


def kept_for(config: settings.Settings) -> timedelta:
    """How long after its upload :func:`prune` deletes a file."""
    return max(timedelta(days=config.upload_retention_days), timedelta(hours=ABANDONED_HOURS))


def discard_ingested(
    store: GraphStore,
    path: Path,
    *,
    actor: str,
    submission_key: str,
    sha256: str,
    config: settings.Settings | None = None,
) -> bool:
    """Delete an upload its submission has just ingested, unless a retention keeps it.
    Returns True when the file was deleted (and audited)."""
    config = config or settings.load()
    if not is_upload(path, config) or config.upload_retention_days > 0:
        return False
    return _delete(
        store, Path(path), actor=actor, target=submission_key, sha256=sha256, reason="ingested"
    )


def prune(
    store: GraphStore,
    *,
    actor: str,
    now: float | None = None,
    config: settings.Settings | None = None,
) -> list[dict[str, Any]]:
    """Delete every upload older than :func:`kept_for` (by the time it was last uploaded), each
    audited; returns what was deleted: ``file``, ``sha256``, ``uploaded_at`` (Unix seconds)."""
    config = config or settings.load()
    folder = config.home / FOLDER
    if not folder.is_dir():
        return []
    cutoff = (time.time() if now is None else now) - kept_for(config).total_seconds()
    deleted = []
    for path in sorted(p for p in folder.glob("*/*") if p.is_file()):
        uploaded = path.stat().st_mtime
        if uploaded > cutoff:
            continue
        sha256 = _sha256(path)
        if _delete(store, path, actor=actor, target=None, sha256=sha256, reason="retention"):
            deleted.append({"file": path.name, "sha256": sha256, "uploaded_at": int(uploaded)})
    return deleted


def _delete(
    store: GraphStore,
    path: Path,
    *,
    actor: str,
    target: str | None,
    sha256: str,
    reason: str,
) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False  # another process deleted (and audited) it
    # the folder stays while it holds the same content under another name
    with contextlib.suppress(OSError):
        path.parent.rmdir()
    audit.append(
        store,
        actor,
        "upload_delete",
        target,
        {"file": path.name, "sha256": sha256, "reason": reason},
    )
    return True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
