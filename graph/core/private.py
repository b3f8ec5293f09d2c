"""Private files: folders only their owner may enter (700), files only their owner may read (600).

The state folder (``Settings.home``, made by :meth:`graph.core.settings.Settings.state_folder`)
holds the ID-hashing key, the signing key and trusted keys, the local Neo4j's password, raw
uploads, quarantine reports and the scanner's cache. Every folder LeadGraph makes there goes
through :func:`private_folder` and every file it writes there through :func:`write_private` or
:func:`open_private`, so the modes hold whatever the process's umask is, and whether or not a
local Neo4j was ever started. No umask is changed here (the one umask LeadGraph sets is the
local Neo4j's, in :func:`graph.db.local_neo4j.start`).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from graph.core.errors import UserError

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    """``path`` as a folder of mode 700: made (with any missing parent, each 700) when absent,
    narrowed to 700 when it exists with a wider mode. Returns ``path``."""
    missing: list[Path] = []
    place = path
    while not place.exists() and place != place.parent:
        missing.append(place)
        place = place.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it first
            folder.mkdir(mode=FOLDER_MODE)
            os.chmod(folder, FOLDER_MODE)  # mkdir's mode passes through the umask
    _narrow(path, FOLDER_MODE, "folder")
    return path


def _narrow(path: Path, mode: int, what: str) -> None:
    """Take away every permission of group and others from ``path`` (which must be ours)."""
    current = stat.S_IMODE(path.stat().st_mode)
    if current & 0o077 == 0 and current & mode == mode:
        return
    try:
        os.chmod(path, mode)
    except PermissionError:
        raise UserError(
            f"the {what} {path} has mode {current:o} and belongs to another user; LeadGraph "
            f"keeps its state private (mode {mode:o}): fix its owner or set LEADGRAPH_HOME"
        ) from None


def write_private(path: Path, data: bytes | str, *, replace: bool = True) -> bool:
    """Write ``data`` (text as UTF-8) to ``path`` as a file of mode 600, in a folder made 700.

    The data goes to a private temporary file beside ``path`` first, so a reader sees the old
    content or the new one, never half. With ``replace=False`` an existing ``path`` is kept (the
    first of two processes creating a secret at once wins) and False is returned.
    """
    private_folder(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(temp_name, path)
            return True
        try:
            os.link(temp_name, path)
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)


@contextlib.contextmanager
def open_private(path: Path, mode: str = "w", **options: Any) -> Iterator[IO[Any]]:
    """Open ``path`` for writing (``w``, ``wb``, ``a``, ``ab``) as a file of mode 600, in a folder
    made 700; a file already there with a wider mode is narrowed before anything is written."""
    if mode not in ("w", "wb", "a", "ab"):
        raise ValueError(f"open_private writes only: mode {mode!r}")
    private_folder(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode.startswith("a") else os.O_TRUNC)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        handle = os.fdopen(fd, mode, **options)
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle
