"""Accounts and organisations in the graph: ``(:User)-[:MEMBER_OF]->(:Org)``.

An ``Org`` is an enterprise (``kind: enterprise``, whose analysts submit clues) or a police unit
(``kind: police``, whose officers receive leads). A ``User`` is an analyst of an enterprise, an
officer of a police unit, or an admin (with or without an org). This module only stores and
reads; passwords are hashed and checked in :mod:`graph.workflow.auth`, and the admin operations that check
the caller and write the audit log are in :mod:`graph.workflow.admin`.

Each query sits beside the function that runs it and takes its values as parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.db.store import ConstraintError, GraphStore

ROLES = ("analyst", "officer", "admin")
ORG_KINDS = ("enterprise", "police")
# The org kind each role must belong to; an admin may belong to any org or to none.
ROLE_ORG_KIND = {"analyst": "enterprise", "officer": "police"}

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")
MAX_NAME = 100


@dataclass(frozen=True)
class Org:
    name: str
    kind: str  # enterprise | police
    created_at: str | None = None
    members: int = 0


@dataclass(frozen=True)
class User:
    """An account as the rest of LeadGraph sees it (never with its password hash)."""

    username: str
    display_name: str
    role: str
    org: str | None
    org_kind: str | None
    disabled: bool
    failed_logins: int
    locked_until: str | None
    created_at: str | None
    last_login: str | None
    demo: bool = False  # made by `leadgraph demo users`: signs in in demo mode only
    must_change_password: bool = False  # set by an admin: the user must choose a new one first

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Credentials:
    """What a login check needs: the stored hash and the lock state."""

    user: User
    password_hash: str


def check_username(username: str) -> str:
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise UserError(
            f"username {username!r} must be 2-64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit"
        )
    return username


def check_org_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME:
        raise UserError(f"an organisation name must be 1-{MAX_NAME} characters")
    return name


# --- orgs ---------------------------------------------------------------------------------------

CREATE_ORG = """
MERGE (o:Org {name: $name})
  ON CREATE SET o.key = 'org:' + $name, o.kind = $kind, o.created_at = $now, o._new = true
WITH o, coalesce(o._new, false) AS created
REMOVE o._new
RETURN o.name AS name, o.kind AS kind, o.created_at AS created_at, created
"""


def add_org(store: GraphStore, name: str, kind: str, *, exist_ok: bool = False) -> Org:
    """Create an enterprise or police unit. An existing org of the same kind is an error unless
    ``exist_ok``; one of another kind always is (an org never changes kind silently)."""
    name = check_org_name(name)
    if kind not in ORG_KINDS:
        raise UserError(f"org kind {kind!r} must be one of {', '.join(ORG_KINDS)}")
    row = store.write(CREATE_ORG, name=name, kind=kind, now=utc_now())[0]
    if not row["created"]:
        if row["kind"] != kind:
            raise UserError(f"org {name!r} already exists as {row['kind']}, not {kind}")
        if not exist_ok:
            raise UserError(f"org {name!r} already exists")
    return Org(name=row["name"], kind=row["kind"], created_at=row["created_at"])


GET_ORG = """
MATCH (o:Org {name: $name})
RETURN o.name AS name, o.kind AS kind, o.created_at AS created_at,
       COUNT { (o)<-[:MEMBER_OF]-(:User) } AS members
"""


def get_org(store: GraphStore, name: str) -> Org | None:
    row = store.read_one(GET_ORG, name=name)
    return Org(**row) if row else None


LIST_ORGS = """
MATCH (o:Org)
WHERE $kind IS NULL OR o.kind = $kind
RETURN o.name AS name, o.kind AS kind, o.created_at AS created_at,
       COUNT { (o)<-[:MEMBER_OF]-(:User) } AS members
ORDER BY o.kind, o.name
"""


def list_orgs(store: GraphStore, kind: str | None = None) -> list[Org]:
    """Every org, enterprises then police units, by name; or only those of ``kind``."""
    return [Org(**row) for row in store.read(LIST_ORGS, kind=kind)]


# --- users --------------------------------------------------------------------------------------

USER_FIELDS = """
u.username AS username, coalesce(u.display_name, u.username) AS display_name, u.role AS role,
o.name AS org, o.kind AS org_kind, coalesce(u.disabled, false) AS disabled,
coalesce(u.failed_logins, 0) AS failed_logins, u.locked_until AS locked_until,
u.created_at AS created_at, u.last_login AS last_login, coalesce(u.demo, false) AS demo,
coalesce(u.must_change_password, false) AS must_change_password
"""

CREATE_USER = (
    """
OPTIONAL MATCH (o:Org {name: $org})
WITH o
WHERE $org IS NULL OR o IS NOT NULL
CREATE (u:User {username: $username, key: 'user:' + $username})
SET u.display_name = $display_name, u.role = $role, u.password_hash = $password_hash,
    u.disabled = false, u.failed_logins = 0, u.created_at = $now, u.demo = $demo,
    u.must_change_password = $must_change_password
FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END | CREATE (u)-[:MEMBER_OF]->(o))
RETURN """
    + USER_FIELDS
)


def add_user(
    store: GraphStore,
    username: str,
    *,
    role: str,
    password_hash: str,
    org: str | None = None,
    display_name: str | None = None,
    demo: bool = False,
    must_change_password: bool = False,
) -> User:
    """Create an account. Analysts must belong to an enterprise, officers to a police unit; an
    admin may belong to either or to none. Raises :class:`UserError` for a taken username.
    ``demo`` marks a demo account (:mod:`graph.workflow.demo`); ``must_change_password`` makes
    the user choose a new password before anything else."""
    username = check_username(username)
    if role not in ROLES:
        raise UserError(f"role {role!r} must be one of {', '.join(ROLES)}")
    org = check_org_name(org) if org else None
    wanted_kind = ROLE_ORG_KIND.get(role)
    if wanted_kind and not org:
        raise UserError(f"an {role} must belong to an org of kind {wanted_kind} (--org)")
    if org:
        found = get_org(store, org)
        if found is None:
            raise UserError(f"org {org!r} does not exist; add it first (leadgraph org add)")
        if wanted_kind and found.kind != wanted_kind:
            raise UserError(
                f"an {role} must belong to an org of kind {wanted_kind}, not {found.kind}"
            )
    display_name = " ".join((display_name or "").split())[:MAX_NAME] or username
    try:
        rows = store.write(
            CREATE_USER,
            username=username,
            display_name=display_name,
            role=role,
            password_hash=password_hash,
            org=org,
            now=utc_now(),
            demo=demo,
            must_change_password=must_change_password,
        )
    except ConstraintError:
        raise UserError(f"user {username!r} already exists") from None
    if not rows:  # the org vanished between the check and the write
        raise UserError(f"org {org!r} does not exist")
    return User(**rows[0])


GET_USER = (
    """
MATCH (u:User {username: $username})
OPTIONAL MATCH (u)-[:MEMBER_OF]->(o:Org)
RETURN u.password_hash AS password_hash, """
    + USER_FIELDS
)


def get_credentials(store: GraphStore, username: str) -> Credentials | None:
    """The account with its password hash, for :func:`graph.workflow.auth.authenticate` only."""
    row = store.read_one(GET_USER, username=username)
    if row is None:
        return None
    password_hash = row.pop("password_hash") or ""
    return Credentials(user=User(**row), password_hash=password_hash)


def get_user(store: GraphStore, username: str) -> User | None:
    credentials = get_credentials(store, username)
    return credentials.user if credentials else None


LIST_USERS = (
    """
MATCH (u:User)
OPTIONAL MATCH (u)-[:MEMBER_OF]->(o:Org)
WITH u, o
WHERE ($role IS NULL OR u.role = $role) AND ($org IS NULL OR o.name = $org)
RETURN """
    + USER_FIELDS
    + """
ORDER BY u.username
"""
)


def list_users(store: GraphStore, *, role: str | None = None, org: str | None = None) -> list[User]:
    return [User(**row) for row in store.read(LIST_USERS, role=role, org=org)]


SET_DISABLED = (
    """
MATCH (u:User {username: $username})
SET u.disabled = $disabled, u.failed_logins = 0, u.locked_until = null
WITH u
OPTIONAL MATCH (u)-[:MEMBER_OF]->(o:Org)
RETURN """
    + USER_FIELDS
)


def set_disabled(store: GraphStore, username: str, disabled: bool = True) -> User:
    """Disable (or enable again) an account; either way its lock is cleared. Accounts are never
    deleted: leads, pushes and audit entries keep pointing at them."""
    rows = store.write(SET_DISABLED, username=username, disabled=disabled)
    if not rows:
        raise UserError(f"user {username!r} does not exist")
    return User(**rows[0])


SET_PASSWORD = (
    """
MATCH (u:User {username: $username})
SET u.password_hash = $password_hash, u.must_change_password = $must_change,
    u.password_changed_at = $now
WITH u
OPTIONAL MATCH (u)-[:MEMBER_OF]->(o:Org)
RETURN """
    + USER_FIELDS
)


def set_password_hash(
    store: GraphStore, username: str, password_hash: str, *, must_change: bool
) -> User:
    """Store a new password hash; ``must_change``: the user must replace it at next sign-in (an
    admin set it), or not (the user chose it)."""
    rows = store.write(
        SET_PASSWORD,
        username=username,
        password_hash=password_hash,
        must_change=must_change,
        now=utc_now(),
    )
    if not rows:
        raise UserError(f"user {username!r} does not exist")
    return User(**rows[0])


# --- login bookkeeping --------------------------------------------------------------------------

# Every query below starts with `SET u._lock`, which takes the node's write lock before anything
# is read, so concurrent sign-ins for one user run these one after another (the lost-update idiom
# from Neo4j's manual). `failed_logins` counts failures in a row; `attempts_in_flight` counts
# password checks that were granted and have not reported back yet (`attempts_since`: when the
# last one was granted; a count older than `stale_before` is one whose process died and is
# dropped). A check is granted only while failed + in flight < threshold, so the threshold-th
# failure locks the account before any further check can start.
RESERVE_ATTEMPT = """
MATCH (u:User {username: $username})
SET u._lock = true
WITH u, coalesce(u.failed_logins, 0) AS failed,
     CASE WHEN u.attempts_since IS NOT NULL AND u.attempts_since >= $stale_before
          THEN coalesce(u.attempts_in_flight, 0) ELSE 0 END AS in_flight,
     coalesce(u.locked_until > $now, false) AS locked
WITH u, failed, in_flight, locked, (NOT locked AND failed + in_flight < $threshold) AS granted
SET u.attempts_in_flight = in_flight + CASE WHEN granted THEN 1 ELSE 0 END,
    u.attempts_since = CASE WHEN granted THEN $now ELSE u.attempts_since END
REMOVE u._lock
RETURN granted, locked
"""


@dataclass(frozen=True)
class Reservation:
    """The answer to :func:`reserve_attempt`: ``granted`` — the password may be checked;
    otherwise ``locked`` tells a lock from a full quota of checks already in flight."""

    granted: bool
    locked: bool


def reserve_attempt(
    store: GraphStore, username: str, *, threshold: int, now: str, stale_before: str
) -> Reservation | None:
    """Atomically reserve one password check for ``username`` before it runs (None: no such
    user). Granted only when the account is not locked at ``now`` and fewer than ``threshold``
    failures in a row plus checks in flight are counted; every grant must be followed by
    :func:`finish_attempt`."""
    row = store.write(
        RESERVE_ATTEMPT,
        username=username,
        threshold=threshold,
        now=now,
        stale_before=stale_before,
    )
    if not row:
        return None
    return Reservation(granted=bool(row[0]["granted"]), locked=bool(row[0]["locked"]))


FINISH_ATTEMPT = """
MATCH (u:User {username: $username})
SET u._lock = true
WITH u, coalesce(u.attempts_in_flight, 0) AS in_flight,
     coalesce(u.failed_logins, 0) + CASE $outcome WHEN 'failed' THEN 1 ELSE 0 END AS failures
WITH u, in_flight, failures, ($outcome = 'failed' AND failures >= $threshold) AS locks
SET u.attempts_in_flight = CASE WHEN in_flight > 0 THEN in_flight - 1 ELSE 0 END,
    u.failed_logins = CASE
        WHEN $outcome = 'ok' OR locks THEN 0
        ELSE failures END,
    u.locked_until = CASE
        WHEN locks THEN $locked_until
        WHEN $outcome = 'ok' THEN null
        ELSE u.locked_until END,
    u.last_login = CASE WHEN $outcome = 'ok' THEN $now ELSE u.last_login END
REMOVE u._lock
RETURN locks AS locked, u.locked_until AS locked_until
"""


def finish_attempt(
    store: GraphStore,
    username: str,
    outcome: str,
    *,
    threshold: int,
    locked_until: str | None = None,
) -> str | None:
    """Report a reserved check back: ``ok`` (signed in: the counts and the lock are cleared),
    ``failed`` (a wrong password: counted; the ``threshold``-th in a row locks the account until
    ``locked_until`` and restarts the count) or ``released`` (no verdict, e.g. a disabled
    account). Returns the new lock time when this failure locked the account."""
    if outcome not in ("ok", "failed", "released"):
        raise ValueError(f"unknown outcome {outcome!r}")
    row = store.write(
        FINISH_ATTEMPT,
        username=username,
        outcome=outcome,
        threshold=threshold,
        locked_until=locked_until,
        now=utc_now(),
    )
    if row and row[0]["locked"]:
        return row[0]["locked_until"]
    return None
