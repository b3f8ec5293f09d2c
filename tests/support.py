"""Helpers several test folders share (tests/ is on sys.path through conftest.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Eight ways people type one mainland mobile number.
EIGHT_FORMS = [
    "13800138000",
    "+86 138 0013 8000",
    "0086-138-0013-8000",
    "86 13800138000",
    "(+86)138-0013-8000",
    "１３８００１３８０００",
    "138 0013 8000",
    "+8613800138000",
]


def write(path: Path, text: str) -> Path:
    """A small clue file a test writes (folders made as needed), UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `leadgraph ARGS` as a user would: a new process, the given environment on top, and
    ``stdin`` (when given) as its standard input."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        input=stdin,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rendered(at: object) -> str:
    """Everything a Streamlit AppTest run sent to the browser, as text: every element's message
    (texts, tables, options, widget keys, the HTML of iframes such as the chart)."""
    parts: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(getattr(at, "_tree"))  # noqa: B009  (AppTest keeps its element tree there)
    return "\n".join(parts)


# --- the whole workbench in AppTest: sign in as a user would ------------------------------------

WORKBENCH = ROOT / "app" / "workbench.py"


def workbench() -> Any:
    """The workbench (app/workbench.py) in AppTest after its first run: the login page."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(WORKBENCH), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at: Any, username: str, password: str) -> Any:
    """Type a username and password into the login form and press the button."""
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.form_submit_button[0].click()
    at.run()
    assert not at.exception, at.exception
    return at


def page_keys(at: Any) -> set[str]:
    """The pages ``st.navigation`` registered in the last run (the pages one can reach), as the
    keys of their titles: ``nav.<key>`` -> ``key``."""
    from app.i18n import TEXTS, translate

    by_title = {translate(k, "zh"): k.removeprefix("nav.") for k in TEXTS if k.startswith("nav.")}
    return {
        by_title.get(info["page_name"], info["page_name"]) for info in at._registered_pages.values()
    }
