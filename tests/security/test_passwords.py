"""Passwords can be changed, safely (issue 15, point 2).

The attack it closes: no command or page changed a password, so a password once given out (a
generated one read out over the phone, an admin's choice, a demo password) stayed valid for ever.
Now an admin sets one with ``leadgraph user passwd`` — read from a prompt or standard input,
never from the command line, where ``ps`` and shell histories show it — and the user must replace
it at the next sign-in; and every user changes their own on the workbench's password page, which
asks for the current password first (a session left open is not enough). Both are audited, with
no password in the audit log.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from support import page_keys, run_cli, sign_in, workbench

from app.i18n import translate
from graph.db.store import GraphStore
from graph.workflow import audit, auth, users
from graph.workflow.auth import Principal

ORG = "示例消费金融"
FIRST = "amys-first-password-1"
SET_BY_ADMIN = "set-by-the-admin-22"
OWN = "amys-own-choice-333"


@pytest.fixture
def amy(store: GraphStore) -> GraphStore:
    """An analyst who has chosen her own password."""
    users.add_org(store, ORG, "enterprise")
    users.add_user(store, "amy", role="analyst", org=ORG, password_hash=auth.hash_password(FIRST))
    return store


def no_password_in_the_audit_log(store: GraphStore, *passwords: str) -> None:
    for entry in audit.entries(store, 200):
        for password in passwords:
            assert password not in f"{entry.target} {entry.details}", entry


def test_an_admin_sets_a_password_from_standard_input_and_the_user_must_replace_it(
    amy: GraphStore,
) -> None:
    done = run_cli("user", "passwd", "amy", "--password-stdin", stdin=SET_BY_ADMIN + "\n")
    assert done.returncode == 0, done.stderr
    assert SET_BY_ADMIN not in done.stdout + done.stderr
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(amy, "amy", FIRST)
    assert auth.authenticate(amy, "amy", SET_BY_ADMIN).must_change_password
    entry = audit.entries(amy, 1, action="password_set")[0]
    assert entry.actor.startswith("cli:") and entry.target == "user:amy"
    no_password_in_the_audit_log(amy, SET_BY_ADMIN, FIRST)

    # the workbench: nothing but the password page until she has chosen her own
    at = sign_in(workbench(), "amy", SET_BY_ADMIN)
    assert page_keys(at) == {"account"}
    at.text_input(key="current_password").input(SET_BY_ADMIN)
    at.text_input(key="new_password_1").input(OWN)
    at.text_input(key="new_password_2").input(OWN)
    at.form_submit_button[0].click().run()
    assert not at.exception and [e.value for e in at.error] == []
    assert {"updates", "submit", "leads", "search", "entity", "alliance", "account"} == page_keys(
        at
    )
    assert not auth.authenticate(amy, "amy", OWN).must_change_password


def test_a_password_on_the_command_line_is_refused(amy: GraphStore) -> None:
    refused = run_cli("user", "passwd", "amy", SET_BY_ADMIN)
    assert refused.returncode != 0
    # without a terminal to ask on and without --password-stdin, nothing is read or set either
    refused = run_cli("user", "passwd", "amy", stdin=SET_BY_ADMIN + "\n")
    assert refused.returncode == 1 and "--password-stdin" in refused.stderr
    assert auth.authenticate(amy, "amy", FIRST).username == "amy"
    assert not audit.entries(amy, 5, action="password_set")


@pytest.mark.parametrize(
    ("password", "says"),
    [("short-1", "at least"), ("admin-demo", "demo"), ("ANALYST_A-DEMO", "demo")],
)
def test_passwd_refuses_short_and_published_passwords(
    amy: GraphStore, password: str, says: str
) -> None:
    refused = run_cli("user", "passwd", "amy", "--password-stdin", stdin=password + "\n")
    assert refused.returncode == 1 and says in refused.stderr
    assert auth.authenticate(amy, "amy", FIRST).username == "amy"


def account_page(principal: Principal) -> AppTest:
    at = AppTest.from_string(
        "from app.views.account import account_page\naccount_page()\n", default_timeout=60
    )
    at.session_state["principal"] = principal
    at.run()
    assert not at.exception, at.exception
    return at


def change(at: AppTest, current: str, new: str, again: str | None = None) -> list[str]:
    at.text_input(key="current_password").input(current)
    at.text_input(key="new_password_1").input(new)
    at.text_input(key="new_password_2").input(new if again is None else again)
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    return [e.value for e in at.error]


def test_changing_ones_own_password_needs_the_current_one(
    amy: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADGRAPH_LOCKOUT_THRESHOLD", "3")
    # someone at amy's unlocked screen, who does not know her password
    me = auth.authenticate(amy, "amy", FIRST)
    at = account_page(me)
    wrong = [translate("account.refused.wrong_current", "zh")]
    assert change(at, "a-guess-of-mine-1", "the-intruders-own-1") == wrong
    assert change(at, "", "the-intruders-own-1") == wrong
    # the guesses count towards the lock, as at the login page: the third locks the account
    assert change(at, "a-guess-of-mine-2", "the-intruders-own-1") == wrong
    assert change(at, FIRST, "the-intruders-own-1") == wrong  # locked: even the right one
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(amy, "amy", FIRST)
    stored = users.get_credentials(amy, "amy")
    assert stored is not None and auth.verify_password(stored.password_hash, FIRST)  # unchanged
    reasons = [e.details["reason"] for e in audit.entries(amy, 4, action="password_change_failed")]
    assert reasons == ["locked", "locked", "bad_password", "bad_password"]
    no_password_in_the_audit_log(amy, FIRST, "a-guess-of-mine-1", "the-intruders-own-1")


def test_amy_changes_her_own_password(amy: GraphStore) -> None:
    at = account_page(auth.authenticate(amy, "amy", FIRST))
    rules = "account.refused."
    assert change(at, FIRST, "short-1") == [
        translate(rules + "too_short", "zh").format(length=auth.MIN_PASSWORD)
    ]
    assert change(at, FIRST, "officer_1-demo") == [translate(rules + "demo_password", "zh")]
    assert change(at, FIRST, FIRST) == [translate(rules + "unchanged", "zh")]
    assert change(at, FIRST, OWN, again=OWN + "x") == [translate("account.mismatch", "zh")]
    assert change(at, FIRST, OWN) == []
    assert at.success[0].value == translate("account.changed", "zh")
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(amy, "amy", FIRST)
    assert auth.authenticate(amy, "amy", OWN).username == "amy"
    entry = audit.entries(amy, 1, action="password_change")[0]
    assert (entry.actor, entry.target) == ("amy", "user:amy")
    no_password_in_the_audit_log(amy, FIRST, OWN)
