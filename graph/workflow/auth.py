"""Passwords, logins and who is asking.

:class:`Principal` is the signed-in user as every page and library function receives it: the
functions that read or change data take a principal and decide from its role and org what it may
see, so access does not depend on which buttons a page shows.

Passwords are hashed with Argon2id (argon2-cffi's defaults). :func:`authenticate` gives the same
message for an unknown user and a wrong password, locks an account for
``Settings.lockout_minutes`` after ``Settings.lockout_threshold`` failures in a row, and writes
every attempt, good or bad, to the audit log.
"""

from __future__ import annotations

import getpass
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from graph.core import clock
from graph.core import settings as settings_module
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.workflow import audit, users

MIN_PASSWORD = 8
_hasher = PasswordHasher()
# Checked against when the username is unknown, so that a miss costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password: equal timing for unknown users")


@dataclass(frozen=True)
class Principal:
    """Who is asking: what pages show and what library functions check."""

    username: str
    role: str  # analyst | officer | admin
    org: str | None
    org_kind: str | None  # enterprise | police
    display_name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_analyst(self) -> bool:
        return self.role == "analyst"

    @property
    def is_officer(self) -> bool:
        return self.role == "officer"

    @classmethod
    def of(cls, user: users.User) -> Principal:
        return cls(user.username, user.role, user.org, user.org_kind, user.display_name)


def operator() -> Principal:
    """The person at the command line: an admin by virtue of holding the database credentials.
    Audited as ``cli:<login name>``."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return Principal(f"cli:{name}", "admin", None, None, "command line")


class Forbidden(UserError):
    """The principal's role or org does not allow this."""


class LoginFailed(UserError):
    """A login was refused. ``reason`` is ``invalid`` (unknown user or wrong password, never
    told apart), ``locked`` (with ``locked_until``) or ``disabled``."""

    def __init__(self, reason: str, message: str, locked_until: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.locked_until = locked_until


def require(principal: Principal | None, *roles: str) -> Principal:
    """Return ``principal`` if it has one of ``roles``; raise :class:`Forbidden` otherwise."""
    if principal is None:
        raise Forbidden("sign in first")
    if principal.role not in roles:
        raise Forbidden(f"{principal.role} {principal.username!r} may not do this")
    return principal


# --- passwords ----------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def generate_password(length: int = 16) -> str:
    """A random password of letters and digits, easy to read out and type."""
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


# --- login --------------------------------------------------------------------------------------

INVALID = "unknown user or wrong password"


def authenticate(
    store: GraphStore,
    username: str,
    password: str,
    *,
    now: datetime | None = None,
    config: settings_module.Settings | None = None,
) -> Principal:
    """Check a username and password and return the principal; raise :class:`LoginFailed`.

    A locked account is refused even with the right password until the lock ends; a disabled
    account is told so only when the password is right (so a guess learns nothing)."""
    config = config or settings_module.load()
    now = now or datetime.now(UTC)
    username = (username or "").strip()
    found = users.get_credentials(store, username) if users.USERNAME.match(username) else None
    stored_hash = found.password_hash if found else _DUMMY_HASH
    password_ok = verify_password(stored_hash, password or "") and found is not None

    def fail(reason: str, message: str, locked_until: str | None = None) -> LoginFailed:
        details = {"reason": reason}
        if locked_until:
            details["locked_until"] = locked_until
        audit.append(store, username or "?", "login_failed", details=details)
        return LoginFailed(
            "invalid" if reason in ("unknown_user", "bad_password") else reason,
            message,
            locked_until,
        )

    if found is None:
        raise fail("unknown_user", INVALID)
    user = found.user
    locked_until = clock.parse_time(user.locked_until)
    if locked_until and locked_until > now:
        raise fail("locked", locked_message(user.locked_until), user.locked_until)
    if not password_ok:
        lock_end = clock.format_time(now + timedelta(minutes=config.lockout_minutes))
        locked = users.record_failed_login(
            store, username, threshold=config.lockout_threshold, locked_until=lock_end
        )
        if locked:
            raise fail("locked", locked_message(locked), locked)
        raise fail("bad_password", INVALID)
    if user.disabled:
        raise fail("disabled", "this account is disabled; ask an administrator")
    users.record_login(store, username)
    principal = Principal.of(user)
    audit.append(
        store,
        principal.username,
        "login",
        details={"role": principal.role, "org": principal.org},
    )
    return principal


def locked_message(until: str | None) -> str:
    return f"too many failed logins: this account is locked until {until} (UTC)"


def refresh(store: GraphStore, principal: Principal) -> Principal | None:
    """The principal as the database sees it now: None once the account is disabled or gone,
    so a session ends as soon as an admin disables its user."""
    user = users.get_user(store, principal.username)
    if user is None or user.disabled:
        return None
    return Principal.of(user)


def logout(store: GraphStore, principal: Principal, *, reason: str = "user") -> None:
    """Record the end of a session (``reason``: ``user`` or ``timeout``)."""
    audit.append(store, principal.username, "logout", details={"reason": reason})


def session_expired(
    last_activity: float, now: float, config: settings_module.Settings | None = None
) -> bool:
    """True when a session idle since ``last_activity`` (epoch seconds) has timed out."""
    config = config or settings_module.load()
    return now - last_activity > config.session_timeout_minutes * 60
