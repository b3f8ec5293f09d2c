"""Helpers several test folders share (tests/ is on sys.path through conftest.py)."""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


def as_read(markdown: str) -> str:
    """What a value escaped for Markdown (``app.views.safe.escape_markdown``) reads as on the
    page: backslash escapes, word joiners and HTML entities undone."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", ""))


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


# --- the workbench in a real browser (tests marked ``browser``) ---------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 90_000


def need_browser() -> None:
    """Skip unless Debian's Chromium and Playwright's Python package are here (a test never
    downloads a browser)."""
    import pytest

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (make test installs Debian's chromium)")
    pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is absent")


@contextmanager
def served_workbench(log: Path) -> Iterator[str]:
    """``leadgraph serve`` on a free port with this process's environment (the test Neo4j), its
    output in ``log``; yields the base URL once Streamlit answers, stops it on the way out."""
    import pytest

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            cwd=ROOT, env=dict(os.environ), stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the workbench did not start; see {log}")
                time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def idle(page: Any) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=WAIT_MS)


def browser_sign_in(page: Any, url: str, username: str, password: str) -> None:
    """Sign in through the login page (Chinese, the default language) and wait for the pages."""
    from app.i18n import translate

    page.goto(url)
    page.get_by_label(translate("login.username", "zh")).fill(username)
    page.get_by_label(translate("login.password", "zh")).fill(password)
    page.get_by_role("button", name=translate("login.submit", "zh")).click()
    page.get_by_role("button", name=translate("session.logout", "zh")).wait_for(timeout=WAIT_MS)
    idle(page)


# --- a webhook receiver ---------------------------------------------------------------------


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 that checks each request's HMAC (independently of
    graph.workflow.notify), answers 500 while ``fail_next`` > 0, and records what it accepted."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.fail_next = 0
        self.requests = 0
        self.accepted: list[dict[str, Any]] = []
        self.rejected: list[str] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                timestamp = self.headers.get("X-LeadGraph-Timestamp") or ""
                signature = self.headers.get("X-LeadGraph-Signature") or ""
                expected = hmac.new(
                    receiver.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                with receiver.lock:
                    receiver.requests += 1
                    if not hmac.compare_digest(signature, "sha256=" + expected) or not (
                        timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
                    ):
                        receiver.rejected.append(signature)
                        code = 401
                    elif receiver.fail_next > 0:
                        receiver.fail_next -= 1
                        code = 500
                    else:
                        receiver.accepted.append(
                            {
                                "body": json.loads(body),
                                "delivery": self.headers.get("X-LeadGraph-Delivery"),
                                "content_type": self.headers.get("Content-Type"),
                            }
                        )
                        code = 200
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/leadgraph"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> WebhookReceiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
