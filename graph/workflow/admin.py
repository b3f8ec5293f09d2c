"""What an admin does: manage accounts, orgs and police units, read and verify the audit log.

Every function takes the :class:`~graph.workflow.auth.Principal` asking and refuses anyone but an admin
(the command line acts as :func:`graph.workflow.auth.operator`), and every change is audited. The
workbench's admin page and ``leadgraph user|org|audit|demo`` call these, never
:mod:`graph.workflow.users` directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.core import settings as settings_module
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.workflow import audit, audit_seal, auth, users
from graph.workflow.auth import Principal


def create_account(
    store: GraphStore,
    by: Principal,
    username: str,
    *,
    role: str,
    org: str | None = None,
    display_name: str | None = None,
    password: str | None = None,
) -> tuple[users.User, str | None]:
    """Create an account; returns it and the generated password when none was given (shown
    once, never stored in clear)."""
    auth.require(by, "admin")
    generated = None if password else auth.generate_password()
    user = users.add_user(
        store,
        username,
        role=role,
        org=org,
        display_name=display_name,
        password_hash=auth.hash_password(password or generated or ""),
    )
    audit.append(
        store,
        by.username,
        "user_add",
        target=f"user:{user.username}",
        details={"role": user.role, "org": user.org},
    )
    return user, generated


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


# --- demo accounts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    org: str | None
    password: str  # demo only: printed, documented in the README, never for real data


DEMO_ORGS = (
    ("星河消费金融股份有限公司", "enterprise"),
    ("云杉小额贷款有限公司", "enterprise"),
    ("示例市公安局经侦支队", "police"),
    ("示例市公安局反诈中心", "police"),
)

DEMO_ACCOUNTS = (
    DemoAccount("analyst_a", "分析员甲", "analyst", "星河消费金融股份有限公司", "analyst_a-demo"),
    DemoAccount("analyst_b", "分析员乙", "analyst", "云杉小额贷款有限公司", "analyst_b-demo"),
    DemoAccount("officer_1", "民警一", "officer", "示例市公安局经侦支队", "officer_1-demo"),
    DemoAccount("officer_2", "民警二", "officer", "示例市公安局反诈中心", "officer_2-demo"),
    DemoAccount("admin", "系统管理员", "admin", None, "admin-demo"),
)


def ensure_demo_accounts(
    store: GraphStore, by: Principal, config: settings_module.Settings | None = None
) -> list[dict[str, object]]:
    """Create the demo orgs, units and accounts that do not exist yet (idempotent: existing
    accounts are left as they are). Refused when ``LEADGRAPH_DEMO_ACCOUNTS`` is off."""
    auth.require(by, "admin")
    config = config or settings_module.load()
    if not config.demo_accounts:
        raise UserError("demo accounts are switched off (LEADGRAPH_DEMO_ACCOUNTS=0)")
    for name, kind in DEMO_ORGS:
        if users.get_org(store, name) is None:
            create_org(store, by, name, kind)
        else:
            users.add_org(store, name, kind, exist_ok=True)  # checks the kind
    report: list[dict[str, object]] = []
    for demo in DEMO_ACCOUNTS:
        created = users.get_user(store, demo.username) is None
        if created:
            try:
                create_account(
                    store,
                    by,
                    demo.username,
                    role=demo.role,
                    org=demo.org,
                    display_name=demo.display_name,
                    password=demo.password,
                )
            except UserError:
                if users.get_user(store, demo.username) is None:
                    raise
                created = False  # a concurrent run created it first
        report.append(
            {
                "username": demo.username,
                "role": demo.role,
                "org": demo.org,
                "password": demo.password,
                "created": created,
            }
        )
    return report
