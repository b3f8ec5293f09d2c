"""Accounts, orgs, logins, lockout and the admin operations, against the real Neo4j."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.cli import main
from graph.core import settings
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.workflow import admin, audit, auth, users
from graph.workflow.auth import LoginFailed, Principal

ADMIN = Principal("root", "admin", None, None)


def world(store: GraphStore) -> None:
    """An analyst and an officer who have chosen their own passwords (no change due)."""
    admin.create_org(store, ADMIN, "示例消费金融", "enterprise")
    admin.create_org(store, ADMIN, "示例市公安局经侦支队", "police")
    admin.create_account(
        store,
        ADMIN,
        "ana",
        role="analyst",
        org="示例消费金融",
        password="ana-secret-1",
        must_change=False,
    )
    admin.create_account(
        store,
        ADMIN,
        "cop",
        role="officer",
        org="示例市公安局经侦支队",
        password="cop-secret-1",
        must_change=False,
    )


def config(**changes: object) -> settings.Settings:
    return replace(settings.load(), **changes)  # type: ignore[arg-type]


def test_orgs_and_users_are_added_and_listed(store: GraphStore) -> None:
    world(store)
    user, generated = admin.create_account(store, ADMIN, "boss", role="admin", display_name="头")
    assert generated and len(generated) == 16
    boss = auth.authenticate(store, "boss", generated)
    assert boss.role == "admin" and boss.must_change_password  # the admin knows the password
    assert user.org is None and user.display_name == "头"

    orgs = admin.orgs(store, ADMIN)
    assert [(o.name, o.kind, o.members) for o in orgs] == [
        ("示例消费金融", "enterprise", 1),
        ("示例市公安局经侦支队", "police", 1),
    ]
    listed = {u.username: u for u in admin.accounts(store, ADMIN)}
    assert sorted(listed) == ["ana", "boss", "cop"]
    assert listed["ana"].org == "示例消费金融" and listed["ana"].org_kind == "enterprise"
    assert listed["cop"].role == "officer" and not listed["cop"].disabled
    keys = store.read("MATCH (n) WHERE n:User OR n:Org RETURN n.key AS key ORDER BY key")
    assert [r["key"] for r in keys] == [
        "org:示例市公安局经侦支队",
        "org:示例消费金融",
        "user:ana",
        "user:boss",
        "user:cop",
    ]
    # nothing stores a password in clear
    hashes = store.read("MATCH (u:User) RETURN u.password_hash AS h")
    assert all(r["h"].startswith("$argon2id$") for r in hashes)
    assert [e.action for e in audit.entries(store, 10)].count("user_add") == 3


@pytest.mark.parametrize(
    ("username", "role", "org", "message"),
    [
        ("x1", "analyst", None, "must belong to an org of kind enterprise"),
        ("x1", "analyst", "示例市公安局经侦支队", "kind enterprise, not police"),
        ("x1", "officer", "示例消费金融", "kind police, not enterprise"),
        ("x1", "officer", "nowhere", "does not exist"),
        ("x1", "chief", None, "role 'chief'"),
        ("bad name", "admin", None, "username"),
        ("ana", "analyst", "示例消费金融", "already exists"),
    ],
)
def test_account_rules(store: GraphStore, username: str, role: str, org: str, message: str) -> None:
    world(store)
    with pytest.raises(UserError, match=message):
        admin.create_account(store, ADMIN, username, role=role, org=org, password="long-enough")


def test_org_rules(store: GraphStore) -> None:
    world(store)
    with pytest.raises(UserError, match="already exists"):
        admin.create_org(store, ADMIN, "示例消费金融", "enterprise")
    with pytest.raises(UserError, match="already exists as enterprise"):
        admin.create_org(store, ADMIN, "示例消费金融", "police")
    with pytest.raises(UserError, match="kind"):
        admin.create_org(store, ADMIN, "新机构", "bank")
    with pytest.raises(UserError, match="at least 10"):
        admin.create_account(store, ADMIN, "short", role="admin", password="short")


def test_login_returns_the_principal_and_is_audited(store: GraphStore) -> None:
    world(store)
    principal = auth.authenticate(store, "ana", "ana-secret-1")
    assert principal == Principal("ana", "analyst", "示例消费金融", "enterprise", "ana")
    assert users.get_user(store, "ana").last_login  # type: ignore[union-attr]
    entry = audit.entries(store, 1)[0]
    assert (entry.actor, entry.action, entry.details["org"]) == ("ana", "login", "示例消费金融")


def test_unknown_user_and_wrong_password_look_the_same(store: GraphStore) -> None:
    world(store)
    with pytest.raises(LoginFailed) as unknown:
        auth.authenticate(store, "nobody", "ana-secret-1")
    with pytest.raises(LoginFailed) as wrong:
        auth.authenticate(store, "ana", "not-the-password")
    assert str(unknown.value) == str(wrong.value) == auth.INVALID
    assert unknown.value.reason == wrong.value.reason == "invalid"
    failed = audit.entries(store, 10, action="login_failed")
    assert [(e.actor, e.details["reason"]) for e in failed] == [
        ("ana", "bad_password"),
        ("nobody", "unknown_user"),
    ]


def test_lockout_after_repeated_failures_then_expiry(store: GraphStore) -> None:
    world(store)
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    cfg = config(lockout_threshold=5, lockout_minutes=15)
    for attempt in range(4):
        with pytest.raises(LoginFailed) as error:
            auth.authenticate(store, "cop", f"guess-{attempt}", now=now, config=cfg)
        assert error.value.reason == "invalid"
    assert users.get_user(store, "cop").failed_logins == 4  # type: ignore[union-attr]
    with pytest.raises(LoginFailed) as error:
        auth.authenticate(store, "cop", "guess-5", now=now, config=cfg)
    # the lock is not told to the person signing in (it would tell them the user exists) ...
    assert (error.value.reason, str(error.value)) == ("invalid", auth.INVALID)
    cop = users.get_user(store, "cop")
    assert cop is not None and cop.locked_until == "2026-11-25T09:15:00Z"
    # locked: even the right password is refused, and the lock does not grow
    later = now + timedelta(minutes=10)
    with pytest.raises(LoginFailed) as error:
        auth.authenticate(store, "cop", "cop-secret-1", now=later, config=cfg)
    assert (error.value.reason, str(error.value)) == ("invalid", auth.INVALID)
    assert users.get_user(store, "cop").locked_until == "2026-11-25T09:15:00Z"  # type: ignore[union-attr]
    # ... only the audit log has it
    locks = [e.details for e in audit.entries(store, 2, action="login_failed")]
    assert locks == [
        {"reason": "locked"},
        {"reason": "locked", "locked_until": "2026-11-25T09:15:00Z"},
    ]
    # after the lock, the right password works and the count starts again
    after = now + timedelta(minutes=16)
    assert auth.authenticate(store, "cop", "cop-secret-1", now=after, config=cfg).username == "cop"
    cop = users.get_user(store, "cop")
    assert cop is not None and cop.failed_logins == 0 and cop.locked_until is None
    reasons = [e.details["reason"] for e in audit.entries(store, 20, action="login_failed")]
    assert reasons.count("locked") == 2 and reasons.count("bad_password") == 4


def test_a_success_resets_the_failure_count(store: GraphStore) -> None:
    world(store)
    cfg = config(lockout_threshold=3)
    for _ in range(2):
        with pytest.raises(LoginFailed):
            auth.authenticate(store, "ana", "wrong-password", config=cfg)
    auth.authenticate(store, "ana", "ana-secret-1", config=cfg)
    for _ in range(2):
        with pytest.raises(LoginFailed, match=auth.INVALID):
            auth.authenticate(store, "ana", "wrong-password", config=cfg)


def test_disabled_user_cannot_log_in_and_its_session_ends(store: GraphStore) -> None:
    world(store)
    session = auth.authenticate(store, "ana", "ana-secret-1")
    assert auth.refresh(store, session) == session
    disabled = admin.disable_account(store, ADMIN, "ana")
    assert disabled.disabled
    with pytest.raises(LoginFailed) as error:
        auth.authenticate(store, "ana", "ana-secret-1")
    assert error.value.reason == "disabled"
    with pytest.raises(LoginFailed) as error:  # a wrong password learns nothing more
        auth.authenticate(store, "ana", "wrong-password")
    assert error.value.reason == "invalid"
    assert auth.refresh(store, session) is None
    admin.enable_account(store, ADMIN, "ana")
    assert auth.authenticate(store, "ana", "ana-secret-1").username == "ana"
    actions = [e.action for e in audit.entries(store, 20)]
    assert "user_disable" in actions and "user_enable" in actions


def test_admin_operations_refuse_everyone_else(store: GraphStore) -> None:
    world(store)
    analyst = auth.authenticate(store, "ana", "ana-secret-1")
    officer = auth.authenticate(store, "cop", "cop-secret-1")
    for who in (analyst, officer, None):
        with pytest.raises(auth.Forbidden):
            admin.accounts(store, who)  # type: ignore[arg-type]
        with pytest.raises(auth.Forbidden):
            admin.create_account(store, who, "evil", role="admin", password="long-enough")  # type: ignore[arg-type]
        with pytest.raises(auth.Forbidden):
            admin.audit_log(store, who)  # type: ignore[arg-type]
    with pytest.raises(UserError, match="your own account"):
        admin.disable_account(store, ADMIN, "root")


def test_session_timeout() -> None:
    cfg = config(session_timeout_minutes=30)
    assert not auth.session_expired(1000.0, 1000.0 + 30 * 60, cfg)
    assert auth.session_expired(1000.0, 1000.0 + 30 * 60 + 1, cfg)


def test_demo_accounts_are_idempotent_and_log_in(store: GraphStore) -> None:
    first = admin.ensure_demo_accounts(store, ADMIN)
    second = admin.ensure_demo_accounts(store, ADMIN)
    assert all(row["created"] for row in first)
    assert not any(row["created"] for row in second)
    for demo in admin.DEMO_ACCOUNTS:
        principal = auth.authenticate(store, demo.username, demo.password, loopback=True)
        assert (principal.role, principal.org) == (demo.role, demo.org)
    officer = auth.authenticate(store, "officer_1", "officer_1-demo", loopback=True)
    assert officer.org_kind == "police"
    assert len(users.list_orgs(store)) == len(admin.DEMO_ORGS)
    with pytest.raises(UserError, match="demo mode is off"):
        admin.ensure_demo_accounts(store, ADMIN, config(demo_accounts=False))


def test_cli_user_and_org_commands(
    store: GraphStore, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["org", "add", "示例小额贷款", "--kind", "enterprise"]) == 0
    assert main(["org", "add", "示例小额贷款", "--kind", "enterprise"]) == 1
    assert main(["user", "add", "amy", "--role", "analyst", "--org", "示例小额贷款"]) == 0
    out = capsys.readouterr().out
    password = out.split("password: ")[1].strip()
    assert auth.authenticate(store, "amy", password).org == "示例小额贷款"

    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("chosen-password\n"))
    assert main(["user", "add", "bob", "--role", "admin", "--password-stdin", "--name", "Bob"]) == 0
    assert auth.authenticate(store, "bob", "chosen-password").display_name == "Bob"
    assert main(["user", "add", "cat", "--role", "officer", "--org", "示例小额贷款"]) == 1
    assert "kind police" in capsys.readouterr().err

    assert main(["user", "disable", "amy"]) == 0
    assert main(["user", "disable", "ghost"]) == 1
    capsys.readouterr()
    assert main(["user", "list", "--json"]) == 0
    listed = {u["username"]: u for u in json.loads(capsys.readouterr().out)}
    assert listed["amy"]["disabled"] is True and "password_hash" not in listed["amy"]
    assert main(["org", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["name"] == "示例小额贷款"
    assert main(["demo", "users", "--json"]) == 0
    assert {r["username"] for r in json.loads(capsys.readouterr().out)} >= {"analyst_a", "admin"}
    actors = {e.actor for e in audit.entries(store, 50, action="user_add")}
    assert len(actors) == 1 and actors.pop().startswith("cli:")
