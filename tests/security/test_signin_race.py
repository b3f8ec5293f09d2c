"""Guessing a password with many sign-ins at once (issue 15, point 6). Each test replays an
attack that worked before and fails if it works again.

Before, the lockout was read about one Argon2 check (~0.1 s) before a failure was recorded, so 24
guesses sent together were all checked and the right one signed in although the account locks
after 5 failures. Now each attempt is reserved in the database before its check: with threshold N,
at most N passwords are checked against the account's hash, whatever arrives at once. The verify
function is slowed down here so that every guess is in flight before any failure is recorded —
the window the attack used.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from graph.core import settings
from graph.db.store import GraphStore
from graph.workflow import admin, audit, auth, users
from graph.workflow.auth import LoginFailed, Principal

ADMIN = Principal("root", "admin", None, None)
VICTIM = "victim"
RIGHT = "the-right-password-1"
THRESHOLD = 5
GUESSES = 24
SLOW_CHECK = 0.4  # seconds: every guess of a burst starts before the first check ends


def world(store: GraphStore) -> None:
    admin.create_org(store, ADMIN, "示例消费金融", "enterprise")
    admin.create_account(store, ADMIN, VICTIM, role="analyst", org="示例消费金融", password=RIGHT)


def config() -> settings.Settings:
    return replace(settings.load(), lockout_threshold=THRESHOLD, lockout_minutes=15)


class CountingVerify:
    """Wraps ``auth.verify_password``: counts the checks against a real hash (not the dummy one
    an unknown or refused attempt is timed with) and makes each one slow."""

    def __init__(self) -> None:
        self.real = auth.verify_password
        self.checked: list[str] = []
        self.mutex = threading.Lock()
        self.threshold_in_flight = threading.Event()

    def __call__(self, password_hash: str, password: str) -> bool:
        if password_hash != auth._DUMMY_HASH:
            with self.mutex:
                self.checked.append(password)
                if len(self.checked) >= THRESHOLD:
                    self.threshold_in_flight.set()
            time.sleep(SLOW_CHECK)
        return self.real(password_hash, password)


def burst(
    store: GraphStore, passwords: list[str], *, right_waits_for: threading.Event | None
) -> list[object]:
    """Send one sign-in per password from its own thread, all released at once. The thread with
    the right password first waits for ``right_waits_for`` (when given). Returns per password
    the username signed in or the :class:`LoginFailed` raised."""
    cfg = config()
    start = threading.Barrier(len(passwords))
    results: dict[int, object] = {}

    def guess(index: int, password: str) -> None:
        start.wait()
        if password == RIGHT and right_waits_for is not None:
            right_waits_for.wait(timeout=30)
        try:
            results[index] = auth.authenticate(store, VICTIM, password, config=cfg).username
        except LoginFailed as error:
            results[index] = error

    threads = [
        threading.Thread(target=guess, args=(i, p), daemon=True) for i, p in enumerate(passwords)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == len(passwords), "a sign-in thread did not finish"
    return [results[i] for i in range(len(passwords))]


def test_24_guesses_at_once_check_at_most_threshold_passwords_and_the_right_one_is_refused(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    world(store)
    verify = CountingVerify()
    monkeypatch.setattr(auth, "verify_password", verify)
    wrong = [f"wrong-guess-{i:02d}" for i in range(GUESSES - 1)]
    # 24 threads at once; the right guess goes once a threshold's worth of wrong ones is in flight
    results = burst(store, [*wrong, RIGHT], right_waits_for=verify.threshold_in_flight)

    assert verify.threshold_in_flight.is_set()
    assert results[-1] != VICTIM, "the right password signed in during the burst"
    assert all(isinstance(r, LoginFailed) and r.reason == "invalid" for r in results)
    # the bound: at most THRESHOLD passwords were checked against the hash, the right one not
    assert len(verify.checked) <= THRESHOLD
    assert RIGHT not in verify.checked
    # the audit log agrees: THRESHOLD wrong passwords, the rest refused unchecked
    failed = [e.details for e in audit.entries(store, 100, action="login_failed")]
    assert len(failed) == GUESSES
    checked = [d for d in failed if d["reason"] == "bad_password" or "locked_until" in d]
    assert len(checked) == len(verify.checked) <= THRESHOLD
    assert not audit.entries(store, 10, action="login")
    victim = users.get_user(store, VICTIM)
    assert victim is not None and victim.locked_until is not None
    # and the lock holds: the right password is still refused
    with pytest.raises(LoginFailed):
        auth.authenticate(store, VICTIM, RIGHT, config=config())
    assert len(verify.checked) <= THRESHOLD


def test_a_burst_in_any_order_checks_at_most_threshold_passwords(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    world(store)
    verify = CountingVerify()
    monkeypatch.setattr(auth, "verify_password", verify)
    passwords = [f"wrong-guess-{i:02d}" for i in range(GUESSES - 1)]
    passwords.insert(GUESSES // 2, RIGHT)
    results = burst(store, passwords, right_waits_for=None)
    assert len(verify.checked) <= THRESHOLD
    signed_in = [r for r in results if r == VICTIM]
    # the right one signs in only if it was among the few checked
    assert signed_in == ([VICTIM] if RIGHT in verify.checked else [])


def test_locked_unknown_and_wrong_read_the_same(store: GraphStore) -> None:
    world(store)
    cfg = config()
    told: dict[str, LoginFailed] = {}
    with pytest.raises(LoginFailed) as error:
        auth.authenticate(store, "nobody", RIGHT, config=cfg)
    told["unknown"] = error.value
    with pytest.raises(LoginFailed) as error:
        auth.authenticate(store, VICTIM, "wrong-guess", config=cfg)
    told["wrong"] = error.value
    for attempt in range(THRESHOLD):
        with pytest.raises(LoginFailed):
            auth.authenticate(store, VICTIM, f"wrong-{attempt}", config=cfg)
    with pytest.raises(LoginFailed) as error:
        auth.authenticate(store, VICTIM, RIGHT, config=cfg)
    told["locked"] = error.value
    assert users.get_user(store, VICTIM).locked_until  # type: ignore[union-attr]
    assert {(e.reason, str(e), getattr(e, "locked_until", None)) for e in told.values()} == {
        ("invalid", auth.INVALID, None)
    }
    # the audit log keeps the real reasons
    reasons = [e.details["reason"] for e in audit.entries(store, 100, action="login_failed")]
    assert reasons[0] == "locked" and reasons[-1] == "unknown_user" and "bad_password" in reasons


def test_one_client_is_throttled_across_user_names(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    world(store)
    monkeypatch.setattr(auth, "client_throttle", auth.ClientThrottle())
    cfg = replace(config(), login_client_attempts=3, login_client_window_seconds=60)
    for name in ("nobody", "somebody", VICTIM):
        with pytest.raises(LoginFailed):
            auth.authenticate(store, name, "wrong-guess", config=cfg, client="session-a")
    with pytest.raises(LoginFailed) as error:  # over its quota: even the right password
        auth.authenticate(store, VICTIM, RIGHT, config=cfg, client="session-a")
    assert (error.value.reason, str(error.value)) == ("invalid", auth.INVALID)
    assert audit.entries(store, 1, action="login_failed")[0].details == {
        "reason": "client_throttled"
    }
    # another client is not held back by it (and one wrong guess did not lock the account)
    assert (
        auth.authenticate(store, VICTIM, RIGHT, config=cfg, client="session-b").username == VICTIM
    )


def test_client_throttle_window() -> None:
    now = [0.0]
    throttle = auth.ClientThrottle(lambda: now[0])
    assert [throttle.allow("c", attempts=2, window=10) for _ in range(3)] == [True, True, False]
    assert throttle.allow("d", attempts=2, window=10)
    now[0] = 10.5
    assert throttle.allow("c", attempts=2, window=10)
