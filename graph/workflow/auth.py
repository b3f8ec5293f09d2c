"""Passwords, logins and who is asking.

:class:`Principal` is the signed-in user as every page and library function receives it: the
functions that read or change data take a principal and decide from its role and org what it may
see, so access does not depend on which buttons a page shows.

Passwords are hashed with Argon2id (argon2-cffi's defaults). :func:`authenticate` gives the same
message for an unknown user, a wrong password and a locked account, locks an account for
``Settings.lockout_minutes`` after ``Settings.lockout_threshold`` failures in a row, reserves each
password check in the database before it runs (so concurrent guesses cannot outrun the lock),
throttles each client, and writes every attempt, good or bad, to the audit log. Outside demo
mode (:mod:`graph.workflow.demo`) a demo account gets the same answer as a wrong password.

A password an admin set (``leadgraph user passwd``, a new account, the first admin's one-time
password) must be replaced before anything else: the principal carries
``must_change_password``, :func:`require` refuses it, the workbench shows it only the page that
changes it, and :func:`change_own_password` (the old password required) clears it.
"""

from __future__ import annotations

import getpass
import secrets
import string
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from graph.core import clock
from graph.core import settings as settings_module
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.workflow import audit, demo, one_time, users

MIN_PASSWORD = 10
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
    must_change_password: bool = False  # may do nothing but choose a new password

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
        return cls(
            user.username,
            user.role,
            user.org,
            user.org_kind,
            user.display_name,
            user.must_change_password,
        )


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
    """A login was refused. ``reason`` is ``invalid`` (unknown user, wrong password, locked
    account or throttled client: never told apart, the audit log has the real reason) or
    ``disabled`` (told only to whoever gave the right password)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def require(principal: Principal | None, *roles: str) -> Principal:
    """Return ``principal`` if it has one of ``roles`` and need not change its password first;
    raise :class:`Forbidden` otherwise."""
    if principal is None:
        raise Forbidden("sign in first")
    if principal.must_change_password:
        raise Forbidden("choose a new password first")
    if principal.role not in roles:
        raise Forbidden(f"{principal.role} {principal.username!r} may not do this")
    return principal


# --- passwords ----------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


class PasswordRefused(UserError):
    """A new password was refused. ``reason``: ``too_short``, ``demo_password``, ``username``,
    ``unchanged`` or ``wrong_current`` (the current password given to change it is wrong, or the
    account is locked: one answer)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def check_new_password(password: str, username: str) -> str:
    """The rules a password someone chooses must meet (generated ones meet them): at least
    :data:`MIN_PASSWORD` characters, not a published demo password, not the username. Returns
    the password; raises :class:`PasswordRefused` naming the rule."""
    if len(password or "") < MIN_PASSWORD:
        raise PasswordRefused("too_short", f"a password needs at least {MIN_PASSWORD} characters")
    if demo.is_demo_password(password):
        raise PasswordRefused("demo_password", "a demo password is published: choose another")
    if password.strip().lower() == (username or "").strip().lower():
        raise PasswordRefused("username", "a password may not be the username")
    return password


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

# The one answer to an unknown user, a wrong password, a locked account and a throttled client.
INVALID = "unknown user or wrong password, or too many attempts: try again later"


class ClientThrottle:
    """At most ``attempts`` sign-ins per ``window`` seconds for one client, in this process.

    A "client" is whatever key the caller can tell apart: the workbench passes its Streamlit
    session id (Streamlit tells a page nothing reliable about the remote address), so this slows a
    script that drives one session; one that opens many sessions is held by the per-user
    reservation in :func:`authenticate`, which lives in the database and so holds across sessions
    and processes."""

    def __init__(self, clock_fn: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock_fn
        self._seen: dict[str, deque[float]] = {}
        self._mutex = threading.Lock()

    def allow(self, client: str, *, attempts: int, window: float) -> bool:
        """Count one attempt by ``client``; False when it is over its quota for the window."""
        now = self._clock()
        with self._mutex:
            for key in [k for k, times in self._seen.items() if times[-1] <= now - window]:
                del self._seen[key]  # forget clients idle for a whole window
            times = self._seen.setdefault(client, deque())
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= attempts:
                return False
            times.append(now)
            return True

    def clear(self) -> None:
        with self._mutex:
            self._seen.clear()


client_throttle = ClientThrottle()

# A reserved check whose process died never reports back; after this long its reservation is
# dropped (an Argon2 check takes about 0.1 s).
STALE_RESERVATION = timedelta(seconds=60)


def authenticate(
    store: GraphStore,
    username: str,
    password: str,
    *,
    now: datetime | None = None,
    config: settings_module.Settings | None = None,
    client: str | None = None,
    loopback: bool = False,
) -> Principal:
    """Check a username and password and return the principal; raise :class:`LoginFailed`.

    Guarantee against concurrent guessing: the attempt is reserved in the database in one write
    (:func:`graph.workflow.users.reserve_attempt`) *before* the Argon2 check, and granted only
    while failures in a row plus checks in flight stay below ``Settings.lockout_threshold`` (N).
    So however many guesses arrive at once, at most N passwords are checked against a user's hash
    from one success or lock to the next lock; every other attempt is refused unchecked. A locked
    account is refused even with the right password until the lock ends.

    ``client`` (e.g. the workbench session id) is throttled to
    ``Settings.login_client_attempts`` attempts per ``Settings.login_client_window_seconds``.

    An unknown user, a wrong password, a locked account and a throttled client all get the same
    :class:`LoginFailed` (``invalid``, :data:`INVALID`) after about the same time; the audit log
    records the real reason. A disabled account is told so only when the password is right.

    A demo account (marked ``demo``, or signing in with a published demo password) is refused
    with that same answer unless the installation is in demo mode
    (:func:`graph.workflow.demo.demo_configured`) and the caller vouches with ``loopback`` that
    the request reached a loopback-only workbench directly
    (:func:`graph.workflow.demo.request_is_local`)."""
    config = config or settings_module.load()
    now = now or datetime.now(UTC)
    username = (username or "").strip()

    def fail(reason: str, **extra: str) -> LoginFailed:
        details = {"reason": reason, **extra}
        audit.append(store, username or "?", "login_failed", details=details)
        if reason == "disabled":
            return LoginFailed("disabled", "this account is disabled; ask an administrator")
        return LoginFailed("invalid", INVALID)

    if client is not None and not client_throttle.allow(
        client,
        attempts=config.login_client_attempts,
        window=config.login_client_window_seconds,
    ):
        raise fail("client_throttled")
    reservation = (
        users.reserve_attempt(
            store,
            username,
            threshold=config.lockout_threshold,
            now=clock.format_time(now),
            stale_before=clock.format_time(now - STALE_RESERVATION),
        )
        if users.USERNAME.match(username)
        else None
    )
    if reservation is None or not reservation.granted:
        verify_password(_DUMMY_HASH, password or "")  # as slow as a real check: nothing to time
        if reservation is None:
            raise fail("unknown_user")
        raise fail("locked" if reservation.locked else "attempts_in_flight")

    outcome = "released"
    try:
        found = users.get_credentials(store, username)
        password_ok = found is not None and verify_password(found.password_hash, password or "")
        if found is None:
            raise fail("unknown_user")
        if not password_ok:
            outcome = "failed"
        elif (found.user.demo or demo.is_demo_password(password)) and not (
            loopback and demo.demo_configured(config)
        ):
            raise fail("demo_account")
        elif found.user.disabled:
            raise fail("disabled")
        else:
            outcome = "ok"
    finally:
        lock_end = clock.format_time(now + timedelta(minutes=config.lockout_minutes))
        locked = users.finish_attempt(
            store,
            username,
            outcome,
            threshold=config.lockout_threshold,
            locked_until=lock_end,
        )
    if outcome == "failed":
        if locked:  # the threshold-th failure in a row: audited as the lock it starts
            raise fail("locked", locked_until=locked)
        raise fail("bad_password")
    assert found is not None  # outcome "ok"
    principal = Principal.of(found.user)
    audit.append(
        store,
        principal.username,
        "login",
        details={"role": principal.role, "org": principal.org},
    )
    return principal


def change_own_password(
    store: GraphStore,
    principal: Principal,
    current_password: str,
    new_password: str,
    *,
    now: datetime | None = None,
    config: settings_module.Settings | None = None,
) -> Principal:
    """The signed-in user replaces their own password; returns the principal as it now is.

    The current password is checked as a sign-in checks it — reserved first, counted towards the
    lock when wrong — so a session left open is no oracle for the password. The new one must meet
    :func:`check_new_password` and differ from the current one. Clears
    ``must_change_password``, and removes the first admin's one-time password file when it is
    this user's. Audited as ``password_change`` (a refusal as ``password_change_failed`` with its
    reason), never with a password."""
    if principal is None:
        raise Forbidden("sign in first")
    config = config or settings_module.load()
    now = now or datetime.now(UTC)
    username = principal.username
    check_new_password(new_password, username)
    if new_password == current_password:
        raise PasswordRefused("unchanged", "the new password must differ from the current one")

    def fail(reason: str) -> PasswordRefused:
        audit.append(
            store,
            username,
            "password_change_failed",
            target=f"user:{username}",
            details={"reason": reason},
        )
        return PasswordRefused(
            "wrong_current", "the current password is wrong, or too many attempts: try later"
        )

    reservation = users.reserve_attempt(
        store,
        username,
        threshold=config.lockout_threshold,
        now=clock.format_time(now),
        stale_before=clock.format_time(now - STALE_RESERVATION),
    )
    if reservation is None:
        raise Forbidden("sign in first")
    if not reservation.granted:
        verify_password(_DUMMY_HASH, current_password or "")
        raise fail("locked" if reservation.locked else "attempts_in_flight")
    password_ok = False
    try:
        found = users.get_credentials(store, username)
        password_ok = found is not None and verify_password(
            found.password_hash, current_password or ""
        )
    finally:
        locked = users.finish_attempt(
            store,
            username,
            "released" if password_ok else "failed",
            threshold=config.lockout_threshold,
            locked_until=clock.format_time(now + timedelta(minutes=config.lockout_minutes)),
        )
    if not password_ok:
        raise fail("locked" if locked else "bad_password")
    assert found is not None
    if found.user.disabled:
        raise fail("disabled")
    user = users.set_password_hash(store, username, hash_password(new_password), must_change=False)
    audit.append(store, username, "password_change", target=f"user:{username}")
    one_time.discard(config, username)
    return Principal.of(user)


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
