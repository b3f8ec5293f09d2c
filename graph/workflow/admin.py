"""What an admin does: manage accounts, orgs and police units, read and verify the audit log.

Every function takes the :class:`~graph.workflow.auth.Principal` asking and refuses anyone but an admin
(the command line acts as :func:`graph.workflow.auth.operator`), and every change is audited. The
workbench's admin page and ``leadgraph user|org|audit|demo`` call these, never
:mod:`graph.workflow.users` directly.

A real installation gets its first admin from :func:`bootstrap_admin` (a one-time password in a
file), the demo from :func:`ensure_demo_accounts` (published passwords, demo mode only).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graph.core import settings as settings_module
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.workflow import audit, audit_seal, auth, one_time, users
from graph.workflow.auth import Principal
from graph.workflow.demo import DEMO_ACCOUNTS, DEMO_BY_USERNAME, DEMO_ORGS, demo_configured


def create_account(
    store: GraphStore,
    by: Principal,
    username: str,
    *,
    role: str,
    org: str | None = None,
    display_name: str | None = None,
    password: str | None = None,
    must_change: bool = True,
) -> tuple[users.User, str | None]:
    """Create an account; returns it and the generated password when none was given (shown
    once, never stored in clear). A given password must meet
    :func:`graph.workflow.auth.check_new_password`. The admin knows the password, so by default
    the user must choose a new one at first sign-in (``must_change``)."""
    auth.require(by, "admin")
    if password:
        auth.check_new_password(password, username)
    generated = None if password else auth.generate_password()
    user = _add_account(
        store,
        by,
        username,
        role=role,
        org=org,
        display_name=display_name,
        password=password or generated or "",
        must_change=must_change,
    )
    return user, generated


def _add_account(
    store: GraphStore,
    by: Principal,
    username: str,
    *,
    role: str,
    org: str | None,
    display_name: str | None,
    password: str,
    must_change: bool,
    demo: bool = False,
    first_admin: bool = False,
) -> users.User:
    user = users.add_user(
        store,
        username,
        role=role,
        org=org,
        display_name=display_name,
        password_hash=auth.hash_password(password),
        demo=demo,
        must_change_password=must_change,
    )
    details: dict[str, object] = {"role": user.role, "org": user.org}
    if must_change:
        details["must_change_password"] = True
    if demo:
        details["demo"] = True
    if first_admin:
        details["first_admin"] = True
    audit.append(store, by.username, "user_add", target=f"user:{user.username}", details=details)
    return user


def set_password(store: GraphStore, by: Principal, username: str, password: str) -> users.User:
    """An admin sets ``username``'s password (``leadgraph user passwd``). The password must meet
    :func:`graph.workflow.auth.check_new_password`; the admin knows it, so the user must choose a
    new one at next sign-in. Audited as ``password_set`` (no password in the entry)."""
    auth.require(by, "admin")
    if users.get_user(store, username) is None:
        raise UserError(f"user {username!r} does not exist")
    auth.check_new_password(password, username)
    user = users.set_password_hash(store, username, auth.hash_password(password), must_change=True)
    audit.append(
        store,
        by.username,
        "password_set",
        target=f"user:{username}",
        details={"must_change_password": True},
    )
    return user


def disable_account(store: GraphStore, by: Principal, username: str) -> users.User:
    auth.require(by, "admin")
    if username == by.username:
        raise UserError("you cannot disable your own account")
    user = users.set_disabled(store, username, True)
    audit.append(store, by.username, "user_disable", target=f"user:{username}")
    return user


def enable_account(store: GraphStore, by: Principal, username: str) -> users.User:
    """Enable a disabled account again; also lifts a lockout."""
    auth.require(by, "admin")
    user = users.set_disabled(store, username, False)
    audit.append(store, by.username, "user_enable", target=f"user:{username}")
    return user


def create_org(store: GraphStore, by: Principal, name: str, kind: str) -> users.Org:
    """Add an enterprise (``kind="enterprise"``) or a police unit (``kind="police"``)."""
    auth.require(by, "admin")
    org = users.add_org(store, name, kind)
    audit.append(store, by.username, "org_add", target=f"org:{org.name}", details={"kind": kind})
    return org


def accounts(store: GraphStore, by: Principal) -> list[users.User]:
    auth.require(by, "admin")
    return users.list_users(store)


def orgs(store: GraphStore, by: Principal, kind: str | None = None) -> list[users.Org]:
    auth.require(by, "admin")
    return users.list_orgs(store, kind)


def audit_log(
    store: GraphStore,
    by: Principal,
    *,
    limit: int = 100,
    actor: str | None = None,
    action: str | None = None,
) -> list[audit.Entry]:
    auth.require(by, "admin")
    return audit.entries(store, limit, actor=actor, action=action)


def verify_audit(store: GraphStore, by: Principal) -> audit.ChainReport:
    auth.require(by, "admin")
    return audit.verify_chain(store)


def reseal_audit(store: GraphStore, by: Principal) -> tuple[audit_seal.Seal, str]:
    """Seal the audit log as the database holds it now (after restoring a backup); audited."""
    auth.require(by, "admin")
    return audit.reseal(store, by.username)


# --- the first admin and the demo accounts -----------------------------------------------------

FIRST_ADMIN = "sysadmin"


@dataclass(frozen=True)
class Bootstrap:
    """What :func:`bootstrap_admin` found or did: ``created`` the account ``username`` with its
    one-time password in ``password_file``, or found ``username`` already there to sign in with
    (``password_file`` then names a one-time password not yet replaced, if any)."""

    username: str
    created: bool
    password_file: Path | None


def is_demo_account(store: GraphStore, user: users.User) -> bool:
    """Marked demo, or made before the mark existed and still holding its published password."""
    if user.demo:
        return True
    published = DEMO_BY_USERNAME.get(user.username)
    if published is None:
        return False
    found = users.get_credentials(store, user.username)
    return found is not None and auth.verify_password(found.password_hash, published.password)


def bootstrap_admin(
    store: GraphStore,
    by: Principal,
    *,
    username: str = FIRST_ADMIN,
    config: settings_module.Settings | None = None,
) -> Bootstrap:
    """Make sure a real installation has an admin who can sign in, without a published password.

    When no admin exists that is enabled and not a demo account (demo accounts stop working once
    demo mode is off), create ``username`` with a generated password that must be changed at
    first sign-in, and write that password to a mode-0600 file in the state folder
    (:mod:`graph.workflow.one_time`), never to the terminal. Otherwise change nothing
    (idempotent: ``make run`` calls it every time)."""
    auth.require(by, "admin")
    config = config or settings_module.load()
    for user in users.list_users(store, role="admin"):
        if not user.disabled and not is_demo_account(store, user):
            waiting = one_time.holder(config) == user.username and user.must_change_password
            return Bootstrap(user.username, False, one_time.path(config) if waiting else None)
    username = users.check_username(username)
    if users.get_user(store, username) is not None:
        raise UserError(
            f"no admin can sign in, and {username!r} is taken (disabled, a demo account or not an "
            "admin): name the first admin with --username, or `leadgraph user enable` an admin"
        )
    password = auth.generate_password(20)
    user = _add_account(
        store,
        by,
        username,
        role="admin",
        org=None,
        display_name=None,
        password=password,
        must_change=True,
        first_admin=True,
    )
    return Bootstrap(user.username, True, one_time.write(config, user.username, password))


def ensure_demo_accounts(
    store: GraphStore, by: Principal, config: settings_module.Settings | None = None
) -> list[dict[str, object]]:
    """Create the demo orgs, units and accounts that do not exist yet, marked ``demo`` (idempotent:
    existing accounts are left as they are). Refused outside demo mode
    (:func:`graph.workflow.demo.demo_configured`)."""
    auth.require(by, "admin")
    config = config or settings_module.load()
    if not demo_configured(config):
        raise UserError(
            "demo mode is off (LEADGRAPH_DEMO_ACCOUNTS=0, or LEADGRAPH_PUBLIC_URL is not on this "
            "machine): no demo accounts"
        )
    for name, kind in DEMO_ORGS:
        if users.get_org(store, name) is None:
            create_org(store, by, name, kind)
        else:
            users.add_org(store, name, kind, exist_ok=True)  # checks the kind
    report: list[dict[str, object]] = []
    for account in DEMO_ACCOUNTS:
        created = users.get_user(store, account.username) is None
        if created:
            try:
                _add_account(
                    store,
                    by,
                    account.username,
                    role=account.role,
                    org=account.org,
                    display_name=account.display_name,
                    password=account.password,
                    must_change=False,
                    demo=True,
                )
            except UserError:
                if users.get_user(store, account.username) is None:
                    raise
                created = False  # a concurrent run created it first
        report.append(
            {
                "username": account.username,
                "role": account.role,
                "org": account.org,
                "password": account.password,
                "created": created,
            }
        )
    return report
