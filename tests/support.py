"""Helpers several test folders share (tests/ is on sys.path through conftest.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

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
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `leadgraph ARGS` as a user would: a new process, the given environment on top."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=timeout,
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
