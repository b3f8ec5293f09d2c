"""A real installation's first admin has no published password (issue 15, point 2).

The attack: with demo accounts off there was no way in but a published password (``make run``
failed, and ``admin``/``admin-demo`` still signed in). Now ``leadgraph user bootstrap`` (which
``make run`` calls) creates the first admin with a generated one-time password, written to a
file in the state folder that only its owner can read — the terminal shows the path, not the
password — and the admin can do nothing on the pages until they have chosen a new password.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support import page_keys, run_cli, sign_in, workbench

from app.i18n import translate
from graph.core import settings
from graph.db.store import GraphStore
from graph.workflow import admin, audit, auth, users
from graph.workflow.auth import Principal

OFF = {"LEADGRAPH_DEMO_ACCOUNTS": "0"}
NEW = "a-password-of-my-own-7"


@pytest.fixture
def state_folder(store: GraphStore) -> Iterator[Path]:
    """The test server's state folder, without a one-time password file before and after."""
    home = settings.load().home
    (home / "first-admin.txt").unlink(missing_ok=True)
    yield home
    (home / "first-admin.txt").unlink(missing_ok=True)


def one_time_password(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    username = re.search(r"^username: (\S+)$", text, re.M)
    password = re.search(r"^password: (\S+)$", text, re.M)
    assert username and password, text
    return username.group(1), password.group(1)


def test_bootstrap_writes_the_password_to_a_private_file_and_prints_only_its_path(
    store: GraphStore, state_folder: Path
) -> None:
    admin.ensure_demo_accounts(store, Principal("root", "admin", None, None))  # a former demo
    made = run_cli("user", "bootstrap", env=OFF)
    assert made.returncode == 0, made.stderr
    path = state_folder / "first-admin.txt"
    assert str(path) in made.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    username, password = one_time_password(path)
    assert password not in made.stdout + made.stderr
    assert len(password) >= 16
    # the demo admin does not count as an admin of a real installation
    assert username != "admin"
    assert users.get_user(store, username).must_change_password  # type: ignore[union-attr]
    added = audit.entries(store, 1, action="user_add")[0]
    assert added.target == f"user:{username}" and added.details["first_admin"] is True
    assert password not in str(added.details)

    # make run calls it every time: nothing new, the file is named again while it is needed
    again = run_cli("user", "bootstrap", env=OFF)
    assert again.returncode == 0 and str(path) in again.stdout
    assert one_time_password(path) == (username, password)
    assert len([u for u in users.list_users(store, role="admin") if not u.demo]) == 1
    # and make run's demo step does nothing when demo mode is off
    demo = run_cli("demo", "users", "--if-demo", env=OFF)
    assert demo.returncode == 0 and "-demo" not in demo.stdout


def test_the_one_time_password_allows_nothing_but_choosing_a_new_one(
    store: GraphStore, state_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADGRAPH_DEMO_ACCOUNTS", "0")
    assert run_cli("user", "bootstrap", env=OFF).returncode == 0
    path = state_folder / "first-admin.txt"
    username, password = one_time_password(path)

    at = sign_in(workbench(), username, password)
    assert page_keys(at) == {"account"}, "a one-time password reached other pages"
    assert at.header[0].value == translate("nav.account", "zh")
    assert at.warning[0].value == translate("account.must_change", "zh")
    # the pages themselves refuse the session, whichever the browser asks for
    me = at.session_state["principal"]
    assert me.must_change_password
    for name in ("admin", "status", "submit", "leads", "inbox", "search", "updates"):
        other = AppTest.from_string(
            f"from app.views.{name} import {name}_page\n{name}_page()\n", default_timeout=60
        )
        other.session_state["principal"] = me
        other.run()
        assert not other.exception, other.exception
        assert not other.dataframe and not other.header and not other.text_input, name
    # and so do the library functions behind them
    with pytest.raises(auth.Forbidden):
        admin.accounts(store, me)
    with pytest.raises(auth.Forbidden):
        admin.create_account(store, me, "mallory", role="admin", password="mallorys-own-pw")

    # a new password needs the current one
    at.text_input(key="current_password").input("not-the-one-time-pw")
    at.text_input(key="new_password_1").input(NEW)
    at.text_input(key="new_password_2").input(NEW)
    at.form_submit_button[0].click().run()
    assert [e.value for e in at.error] == [translate("account.refused.wrong_current", "zh")]
    assert page_keys(at) == {"account"}
    # then it is chosen, and the admin pages open
    at.text_input(key="current_password").input(password)
    at.text_input(key="new_password_1").input(NEW)
    at.text_input(key="new_password_2").input(NEW)
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert {"admin", "status", "account"} <= page_keys(at)
    assert not path.exists(), "the one-time password file outlived its use"
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(store, username, password)
    assert auth.authenticate(store, username, NEW).must_change_password is False
    changed = audit.entries(store, 1, action="password_change")[0]
    assert changed.actor == username and changed.target == f"user:{username}"
    assert NEW not in str(changed.details) and password not in str(changed.details)
