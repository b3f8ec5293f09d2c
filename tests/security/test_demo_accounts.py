"""Published demo passwords do not open a real installation (issue 15, point 2).

The attack: ``make run`` created ``admin``/``admin-demo`` and four more accounts whose passwords
the README and the login page print. ``LEADGRAPH_DEMO_ACCOUNTS=0`` only hid the list: anyone who
read the README signed in as admin. Now demo accounts sign in only in demo mode — the setting on,
``LEADGRAPH_PUBLIC_URL`` on this machine, and the workbench reached on loopback directly
(graph/workflow/demo.py) — and are otherwise told what a wrong password is told.
"""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import free_port, page_keys, sign_in, workbench

from app.commands.serve import streamlit_command
from app.i18n import translate
from graph.db.store import GraphStore
from graph.workflow import admin, audit, auth, users
from graph.workflow.auth import Principal

ROOT_ADMIN = Principal("root", "admin", None, None)
INVALID = translate("login.invalid", "zh")
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def demo_accounts(store: GraphStore) -> GraphStore:
    """The demo accounts as `make run` made them (in demo mode, the default)."""
    admin.ensure_demo_accounts(store, ROOT_ADMIN)
    return store


@pytest.fixture
def all_interfaces() -> Iterator[None]:
    """The workbench started by hand (`streamlit run`), which listens on every interface."""
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def errors(at: object) -> list[str]:
    return [e.value for e in at.error]  # type: ignore[attr-defined]


def refused_like_a_wrong_password(store: GraphStore, username: str, password: str) -> None:
    at = sign_in(workbench(), username, password)
    assert page_keys(at) == {"login"}, f"{username} signed in with a published password"
    assert errors(at) == [INVALID]
    assert "analyst_a-demo" not in str([d.value for d in at.dataframe])  # no list of them either
    # the same answer as a wrong password, for the same user
    wrong = sign_in(workbench(), username, "not-the-password-1")
    assert errors(wrong) == errors(at)
    reasons = [e.details["reason"] for e in audit.entries(store, 2, action="login_failed")]
    assert reasons == ["bad_password", "demo_account"]


@pytest.mark.parametrize("username", ["admin", "analyst_a", "officer_1"])
def test_demo_passwords_are_refused_when_demo_accounts_are_off(
    demo_accounts: GraphStore, monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    monkeypatch.setenv("LEADGRAPH_DEMO_ACCOUNTS", "0")
    refused_like_a_wrong_password(demo_accounts, username, f"{username}-demo")


def test_an_installation_with_a_public_address_is_no_demo(
    demo_accounts: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the setting left at its default, but the officers are given an address to follow
    monkeypatch.setenv("LEADGRAPH_PUBLIC_URL", "https://leadgraph.example.org")
    refused_like_a_wrong_password(demo_accounts, "admin", "admin-demo")


def test_a_workbench_on_every_interface_is_no_demo(
    demo_accounts: GraphStore, all_interfaces: None
) -> None:
    refused_like_a_wrong_password(demo_accounts, "admin", "admin-demo")


def test_an_account_made_before_the_demo_mark_is_refused_by_its_published_password(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `make run` of an older LeadGraph: the account is not marked demo, its password is published
    users.add_user(store, "admin", role="admin", password_hash=auth.hash_password("admin-demo"))
    monkeypatch.setenv("LEADGRAPH_DEMO_ACCOUNTS", "0")
    refused_like_a_wrong_password(store, "admin", "admin-demo")


def test_a_request_through_a_proxy_is_no_demo() -> None:
    from graph.workflow.demo import request_is_local

    direct = {"Host": "127.0.0.1:8501", "User-Agent": "x"}
    assert request_is_local("127.0.0.1", direct)
    assert request_is_local("::1", {"host": "[::1]:8501"})
    assert request_is_local("localhost", {"host": "localhost:8501"})
    # a reverse proxy on the same machine connects from 127.0.0.1, but says whom it forwards
    assert not request_is_local("127.0.0.1", {**direct, "X-Forwarded-For": "203.0.113.9"})
    assert not request_is_local("127.0.0.1", {**direct, "Forwarded": "for=203.0.113.9"})
    assert not request_is_local("127.0.0.1", {**direct, "X-Real-IP": "203.0.113.9"})
    assert not request_is_local("127.0.0.1", {"Host": "leadgraph.example.org"})
    # listening on every interface (Streamlit's default), or on a public address
    assert not request_is_local(None, direct)
    assert not request_is_local("0.0.0.0", direct)
    assert not request_is_local("192.0.2.10", direct)


def test_through_a_proxy_a_real_browser_is_refused(demo_accounts: GraphStore) -> None:
    """The workbench as `leadgraph serve` runs it, and Chromium: signed in when it comes
    straight to 127.0.0.1, refused when a reverse proxy on this machine forwards it."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (make test installs Debian's chromium)")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        streamlit_command(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "no workbench"
                time.sleep(0.5)
        outcomes = []
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
            )
            for headers in ({}, {"X-Forwarded-For": "203.0.113.9"}):
                context = chromium.new_context(extra_http_headers=headers)
                page = context.new_page()
                page.goto(url)
                page.get_by_label(translate("login.username", "zh")).fill("admin")
                page.get_by_label(translate("login.password", "zh")).fill("admin-demo")
                page.get_by_role("button", name=translate("login.submit", "zh")).click()
                signed_in = page.get_by_role("button", name=translate("session.logout", "zh"))
                refused = page.get_by_text(INVALID)
                signed_in.or_(refused).wait_for(timeout=90_000)
                outcomes.append("signed in" if signed_in.count() else "refused")
                context.close()
            chromium.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert outcomes == ["signed in", "refused"]
    assert audit.entries(demo_accounts, 1, action="login_failed")[0].details == {
        "reason": "demo_account"
    }


def test_the_library_refuses_a_demo_account_unless_the_caller_vouches_for_loopback(
    demo_accounts: GraphStore,
) -> None:
    # a caller other than the workbench (a script, a future API) gets no demo sign-in by default
    with pytest.raises(auth.LoginFailed) as refused:
        auth.authenticate(demo_accounts, "admin", "admin-demo")
    assert str(refused.value) == auth.INVALID
    principal = auth.authenticate(demo_accounts, "admin", "admin-demo", loopback=True)
    assert principal.role == "admin"


def test_in_demo_mode_the_demo_accounts_still_sign_in(demo_accounts: GraphStore) -> None:
    at = workbench()
    assert "analyst_a-demo" in at.dataframe[0].value.to_string()  # listed on the login page
    at = sign_in(at, "analyst_a", "analyst_a-demo")
    assert "submit" in page_keys(at)
    assert users.get_user(demo_accounts, "analyst_a").demo  # type: ignore[union-attr]
