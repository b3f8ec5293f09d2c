"""The workbench's login, navigation by role, session timeout and admin page, with AppTest.

AppTest runs the app in this process, so its ``GraphStore.open()`` reaches the test server that
tests/conftest.py configured through the environment.
"""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest
from support import page_keys as page_paths
from support import sign_in
from support import workbench as start

from app.i18n import TEXTS, translate
from app.views.safe import escape_markdown
from graph.core import settings
from graph.db.store import GraphStore
from graph.workflow import admin, audit, auth
from graph.workflow.auth import Principal

ROOT_ADMIN = Principal("root", "admin", None, None)


@pytest.fixture
def demo(store: GraphStore) -> GraphStore:
    admin.ensure_demo_accounts(store, ROOT_ADMIN)
    return store


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_the_first_page_is_the_login_page(demo: GraphStore) -> None:
    at = start()
    assert at.header[0].value == translate("login.header", "zh")
    assert page_paths(at) == {"login"}
    assert "analyst_a" in at.dataframe[0].value.to_string()  # the demo accounts are listed


def test_wrong_password_and_unknown_user_show_one_message(demo: GraphStore) -> None:
    at = sign_in(start(), "analyst_a", "wrong-password")
    assert errors(at) == [translate("login.invalid", "zh")]
    assert page_paths(at) == {"login"}
    at = sign_in(start(), "nobody", "analyst_a-demo")
    assert errors(at) == [translate("login.invalid", "zh")]
    failed = audit.entries(demo, 5, action="login_failed")
    assert [e.actor for e in failed] == ["nobody", "analyst_a"]


@pytest.mark.parametrize(
    ("username", "pages", "landing"),
    [
        (
            "analyst_a",
            {"updates", "submit", "leads", "search", "entity", "alliance", "account"},
            "nav.updates",
        ),
        ("officer_1", {"updates", "inbox", "search", "entity", "account"}, "nav.updates"),
        ("admin", {"admin", "alliance", "status", "account"}, "nav.admin"),
    ],
)
def test_pages_follow_the_role(
    demo: GraphStore, username: str, pages: set[str], landing: str
) -> None:
    at = sign_in(start(), username, f"{username}-demo")
    assert errors(at) == []
    assert page_paths(at) == pages
    assert at.header[0].value == translate(landing, "zh")
    # the sign-in, then (analysts and officers) the home page's reading of their updates
    assert next(e.action for e in audit.entries(demo, 5) if e.action != "view_updates") == "login"


def test_admin_page_lists_adds_and_disables_users(demo: GraphStore) -> None:
    at = sign_in(start(), "admin", "admin-demo")
    users_table = at.dataframe[0].value  # users, orgs, audit: one table a tab
    assert {"analyst_a", "analyst_b", "officer_1", "officer_2", "admin"} <= set(
        users_table.iloc[:, 0]
    )
    orgs_table = at.dataframe[1].value
    assert "示例市公安局经侦支队" in set(orgs_table.iloc[:, 0])

    at.text_input(key="new_username").input("officer_9")
    at.selectbox(key="new_role").set_value("officer")
    at.selectbox(key="new_org").set_value("示例市公安局经侦支队")
    at.form_submit_button[0].click().run()  # the first form on the page: add user
    assert not at.exception and errors(at) == []
    password = at.code[0].value
    assert auth.authenticate(demo, "officer_9", password).org == "示例市公安局经侦支队"

    at.selectbox(key="toggle_username").set_value("officer_9")
    at.button(key="disable_user").click().run()
    assert not at.exception
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(demo, "officer_9", password)

    at.button(key="verify_audit").click().run()
    assert errors(at) == []
    assert at.success[0].value.startswith(translate("admin.audit_ok", "zh").split("：")[0])
    actions = {e.action for e in audit.entries(demo, 50, actor="admin")}
    assert {"login", "user_add", "user_disable"} <= actions


def test_admin_page_names_a_cut_audit_log_and_a_refused_seal(demo: GraphStore) -> None:
    at = sign_in(start(), "admin", "admin-demo")
    head = audit.verify_chain(demo).head_seq
    demo.write("MATCH (e:AuditEntry) DETACH DELETE e")  # with the database credentials
    at.button(key="verify_audit").click().run()
    assert not at.exception and at.success == []
    reason = f"entries 1–{head} are missing: the sealed head is seq {head}"
    assert at.error[0].value == escape_markdown(
        translate("admin.audit_broken", "zh").format(seq=1, reason=reason)
    )
    seal = settings.load().audit_seal_file
    seal.write_text("{}", encoding="utf-8")
    at.button(key="verify_audit").click().run()
    reason = f"the audit seal {seal} cannot be read"
    assert at.error[0].value == escape_markdown(
        translate("admin.audit_seal_broken", "zh").format(reason=reason)
    )


def test_lockout_message(demo: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADGRAPH_LOCKOUT_THRESHOLD", "2")
    at = start()
    sign_in(at, "officer_2", "wrong-1")
    sign_in(at, "officer_2", "wrong-2")
    # locked, but told the same as an unknown user: the page does not reveal that officer_2 exists
    assert errors(at) == [translate("login.invalid", "zh")]
    sign_in(at, "officer_2", "officer_2-demo")  # the right password does not help now
    assert errors(at) == [translate("login.invalid", "zh")] and page_paths(at) == {"login"}
    sign_in(at, "nobody_here", "wrong-3")
    assert errors(at) == [translate("login.invalid", "zh")]
    reasons = [e.details["reason"] for e in audit.entries(demo, 3, action="login_failed")]
    assert reasons == ["unknown_user", "locked", "locked"]


def test_session_times_out_and_logout_ends_it(demo: GraphStore) -> None:
    at = sign_in(start(), "analyst_b", "analyst_b-demo")
    assert "submit" in page_paths(at)
    at.session_state["last_activity"] = time.time() - 31 * 60
    at.run()
    assert page_paths(at) == {"login"}
    assert at.info[0].value == translate("login.timed_out", "zh")
    assert audit.entries(demo, 1)[0].details == {"reason": "timeout"}

    sign_in(at, "analyst_b", "analyst_b-demo")
    assert "submit" in page_paths(at)
    at.button(key="logout").click().run()
    assert page_paths(at) == {"login"}
    assert audit.entries(demo, 1)[0].details == {"reason": "user"}


def test_disabling_a_user_ends_their_session(demo: GraphStore) -> None:
    at = sign_in(start(), "officer_1", "officer_1-demo")
    assert "inbox" in page_paths(at)
    admin.disable_account(demo, ROOT_ADMIN, "officer_1")
    at.run()
    assert page_paths(at) == {"login"}
    assert at.info[0].value == translate("login.ended", "zh")


def test_english_can_be_chosen(demo: GraphStore) -> None:
    at = start()
    at.selectbox(key="language").set_value("en").run()
    assert at.header[0].value == "Sign in"
    sign_in(at, "admin", "admin-demo")
    assert at.header[0].value == "Admin"


def test_every_text_has_both_languages() -> None:
    assert [key for key, entry in TEXTS.items() if not (entry.get("zh") and entry.get("en"))] == []
