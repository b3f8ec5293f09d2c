"""The first admin's one-time password, in a file only this installation's owner can read.

``leadgraph user bootstrap`` writes the generated password to ``first-admin.txt`` in the state
folder (``LEADGRAPH_HOME``), mode 0600, and prints the file's path, never the password (a
terminal's scrollback, a CI log or ``make run``'s output is read by more people than the state
folder). The admin signs in with it, must choose a new password at once, and that removes the
file (:func:`discard`).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from graph.core import settings as settings_module

FILE_NAME = "first-admin.txt"


def path(config: settings_module.Settings) -> Path:
    return config.home / FILE_NAME


def write(config: settings_module.Settings, username: str, password: str) -> Path:
    """Write ``username``'s one-time password to :func:`path`, mode 0600 from the first byte (a
    temporary file created 0600, then renamed over any older one); returns the path."""
    target = path(config)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = (
        "LeadGraph: the first admin's one-time password.\n"
        "Sign in with it; the workbench then asks for a new password, and this file is removed.\n"
        f"username: {username}\n"
        f"password: {password}\n"
    )
    temporary = target.with_name(f".{FILE_NAME}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def holder(config: settings_module.Settings) -> str | None:
    """The username whose one-time password the file holds, or None when there is no file."""
    try:
        lines = path(config).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for line in lines:
        if line.startswith("username: "):
            return line.removeprefix("username: ").strip()
    return None


def discard(config: settings_module.Settings, username: str) -> bool:
    """Remove the file once ``username`` has chosen their own password (True when removed)."""
    if holder(config) != username:
        return False
    path(config).unlink(missing_ok=True)
    return True
