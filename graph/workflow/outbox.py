"""The notification outbox: what must be told outside the workbench, kept in Neo4j until told.

A push writes one ``(:Notification)`` per configured channel (webhook, email) with the message's
payload; a sender in the app layer (:mod:`graph.workflow.notify`) picks up the due ones, sends them and
records the outcome here. Because the queue lives in the database, a notification survives a
crash of the workbench, an SMTP server that is down for a day, or a receiver that answers 500: it
stays ``pending`` and is retried with exponential backoff until it is ``delivered``, or until
``Settings.notify_max_attempts`` attempts have failed, when it becomes ``failed`` (listed by
``leadgraph notify list --status failed`` and sent again by ``leadgraph notify retry``).

A ``Notification`` node holds ``id``, ``key`` (``notification:<id>``), ``channel``
(``webhook`` | ``email``), ``target`` (the URL, or the comma-separated mail recipients), ``lead_id``,
``payload`` (JSON), ``status`` (``pending`` | ``delivered`` | ``failed`` | ``held``), ``attempts``,
``next_attempt_at``, ``last_error``, ``created_at``, ``delivered_at``, for a webhook ``key_id``
(:func:`secret_id` of the webhook secret when it was queued) and, while a sender holds it,
``lease_until``. Times are ISO 8601 UTC strings with seconds
(:func:`graph.core.clock.format_time`), which compare correctly as strings.

A webhook is signed only with the secret that was current when it was queued: a sender whose
``LEADGRAPH_WEBHOOK_SECRET`` has another id (the secret was rotated, or the sender runs with
another configuration) does not sign it with its own but *holds* it (``held``, with the reason;
never retried by itself), and an admin re-queues it with ``leadgraph notify retry`` — the one
act that lets it go out under the current secret, audited as ``notify_requeue``.

Texts in the payload (the lead's title, the push note) are masked with
:func:`graph.values.masking.mask_text` before they are queued: phone and ID numbers never leave
the workbench in a notification.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from graph.core import settings as settings_module
from graph.core.clock import format_time, utc_now
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.values.masking import mask_text
from graph.workflow import audit

CHANNELS = ("webhook", "email")
STATUSES = ("pending", "delivered", "failed", "held")
REQUEUABLE = ("failed", "held")
MAX_ERROR = 500
MAX_BACKOFF_SECONDS = 6 * 3600


@dataclass(frozen=True)
class Notification:
    """One queued message, as the sender and the lists see it."""

    id: str
    channel: str
    target: str
    lead_id: str | None
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    created_at: str
    delivered_at: str | None
    key_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


FIELDS = """
n.id AS id, n.channel AS channel, n.target AS target, n.lead_id AS lead_id, n.payload AS payload,
n.status AS status, n.attempts AS attempts, n.next_attempt_at AS next_attempt_at,
n.last_error AS last_error, n.created_at AS created_at, n.delivered_at AS delivered_at,
n.key_id AS key_id
"""


def _notification(row: dict[str, Any]) -> Notification:
    try:
        payload = json.loads(row["payload"] or "{}")
    except (TypeError, ValueError):
        payload = {"unreadable": row["payload"]}
    return Notification(**{**row, "payload": payload, "attempts": row["attempts"] or 0})


def _time(moment: datetime | None) -> str:
    return format_time(moment) if moment is not None else utc_now()


def secret_id(secret: str | None) -> str | None:
    """A name for a webhook secret that does not reveal it: 16 hex digits of an HMAC keyed
    with the secret. Recorded on each webhook when it is queued; None without a secret."""
    if not secret:
        return None
    mac = hmac.new(secret.encode("utf-8"), b"leadgraph webhook secret id", hashlib.sha256)
    return mac.hexdigest()[:16]


# --- enqueue ------------------------------------------------------------------------------------

ENQUEUE = (
    """
UNWIND $rows AS row
CREATE (n:Notification {id: row.id, key: 'notification:' + row.id})
SET n.channel = row.channel, n.target = row.target, n.lead_id = row.lead_id,
    n.payload = row.payload, n.status = 'pending', n.attempts = 0,
    n.next_attempt_at = row.created_at, n.created_at = row.created_at, n.key_id = row.key_id
RETURN """
    + FIELDS
)


def enqueue(
    store: GraphStore,
    channel: str,
    target: str,
    payload: dict[str, Any],
    *,
    lead_id: str | None = None,
    now: datetime | None = None,
    key_id: str | None = None,
) -> Notification:
    """Queue one notification, due at once. A webhook records the id of the secret it is to be
    signed with: ``key_id``, by default the current ``LEADGRAPH_WEBHOOK_SECRET``'s."""
    if channel == "webhook" and key_id is None:
        key_id = secret_id(settings_module.load().webhook_secret)
    row = notification_row(channel, target, payload, lead_id=lead_id, now=now, key_id=key_id)
    return _notification(store.write(ENQUEUE, rows=[row])[0])


def notification_row(
    channel: str,
    target: str,
    payload: dict[str, Any],
    *,
    lead_id: str | None = None,
    now: datetime | None = None,
    key_id: str | None = None,
) -> dict[str, Any]:
    """One row of ``ENQUEUE``: a new notification, due at once (``key_id``: see :func:`enqueue`)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown notification channel {channel!r}")
    return {
        "id": uuid.uuid4().hex,
        "channel": channel,
        "target": target,
        "lead_id": lead_id,
        "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
        "created_at": _time(now),
        "key_id": key_id,
    }


PUSH_FACTS = """
MATCH (l:Lead {id: $id})
OPTIONAL MATCH (officer:User {username: $target, role: 'officer'})
OPTIONAL MATCH (:Org {name: $target, kind: 'police'})<-[:MEMBER_OF]-(member:User {role: 'officer'})
WHERE NOT coalesce(member.disabled, false)
WITH l, officer.email AS officer_email, collect(DISTINCT member.email) AS member_emails
RETURN l.title AS title, l.score AS score,
       CASE WHEN $kind = 'officer' THEN [e IN [officer_email] WHERE e IS NOT NULL AND e <> '']
            ELSE [e IN member_emails WHERE e <> ''] END AS emails
"""


def lead_url(public_url: str, lead_id: str) -> str:
    """The workbench address of a lead, for a message's reader to open it (after signing in)."""
    return f"{public_url.rstrip('/')}/?lead={quote(lead_id, safe='')}"


def push_payload(
    *,
    lead_id: str,
    title: str | None,
    score: float | None,
    pushed_by: str,
    pushed_to: str,
    pushed_to_kind: str,
    note: str,
    pushed_at: str,
    public_url: str,
) -> dict[str, Any]:
    """The message about one push, with free texts masked (a title may name a phone number)."""
    return {
        "event": "lead.pushed",
        "lead_id": lead_id,
        "title": mask_text(title or "")[0],
        "score": score,
        "pushed_by": pushed_by,
        "pushed_to": pushed_to,
        "pushed_to_kind": pushed_to_kind,
        "note": mask_text(note or "")[0],
        "pushed_at": pushed_at,
        "url": lead_url(public_url, lead_id),
    }


def push_notifications(
    store: GraphStore,
    *,
    lead_id: str,
    pushed_by: str,
    target: str,
    target_kind: str,
    note: str,
    pushed_at: str,
    config: settings_module.Settings | None = None,
) -> list[dict[str, Any]]:
    """The ``ENQUEUE`` rows for a push, one per configured channel; the push writes them in its
    own transaction (``graph.workflow.lifecycle.push_lead``), so a push is never without its messages.

    ``target_kind`` is ``officer`` or ``unit``. A webhook goes to ``LEADGRAPH_WEBHOOK_URL``; an
    email (when ``LEADGRAPH_SMTP_HOST`` is set) to the officer's ``email``, or to the unit's
    officers' emails, or else to ``LEADGRAPH_SMTP_TO``. An email with nobody to send it to is
    queued all the same, so that its failure is visible instead of silent.
    """
    config = config or settings_module.load()
    facts = store.read_one(PUSH_FACTS, id=lead_id, target=target, kind=target_kind) or {}
    payload = push_payload(
        lead_id=lead_id,
        title=facts.get("title"),
        score=facts.get("score"),
        pushed_by=pushed_by,
        pushed_to=target,
        pushed_to_kind=target_kind,
        note=note,
        pushed_at=pushed_at,
        public_url=config.public_url,
    )
    rows: list[tuple[str, str]] = []
    if config.webhook_url:
        rows.append(("webhook", config.webhook_url))
    if config.smtp_host:
        recipients = sorted(set(facts.get("emails") or [])) or list(config.smtp_to)
        rows.append(("email", ", ".join(recipients)))
    created = datetime.fromisoformat(pushed_at.replace("Z", "+00:00"))
    key_ids = {"webhook": secret_id(config.webhook_secret)}
    return [
        notification_row(
            channel, to, payload, lead_id=lead_id, now=created, key_id=key_ids.get(channel)
        )
        for channel, to in rows
    ]


# --- the sender's side --------------------------------------------------------------------------

DUE = (
    """
MATCH (n:Notification {status: 'pending'})
WHERE n.next_attempt_at <= $now AND (n.lease_until IS NULL OR n.lease_until <= $now)
  AND ($lead_id IS NULL OR n.lead_id = $lead_id)
RETURN """
    + FIELDS
    + """
ORDER BY n.next_attempt_at, n.created_at, n.id
LIMIT $limit
"""
)


def due(
    store: GraphStore,
    now: datetime | None = None,
    *,
    lead_id: str | None = None,
    limit: int = 100,
) -> list[Notification]:
    """Pending notifications whose next attempt is due and that no sender holds, oldest first."""
    rows = store.read(DUE, now=_time(now), lead_id=lead_id, limit=max(0, int(limit)))
    return [_notification(row) for row in rows]


# The SET takes the node's write lock before the status and lease are read again, so of two
# senders that both saw the notification as due, exactly one gets it.
CLAIM = """
MATCH (n:Notification {id: $id})
SET n._lock = true
WITH n
WHERE n.status = 'pending' AND n.next_attempt_at <= $now
  AND (n.lease_until IS NULL OR n.lease_until <= $now)
SET n.lease_until = $lease_until
REMOVE n._lock
RETURN n.id AS id
"""


def claim(store: GraphStore, notification_id: str, now: datetime, *, lease_seconds: float) -> bool:
    """Hold a due notification for ``lease_seconds`` while it is sent; False when another
    sender holds it or it is no longer due. A sender that dies lets the lease run out."""
    lease_until = format_time(now + timedelta(seconds=lease_seconds))
    rows = store.write(CLAIM, id=notification_id, now=_time(now), lease_until=lease_until)
    return bool(rows)


MARK_DELIVERED = (
    """
MATCH (n:Notification {id: $id})
SET n.status = 'delivered', n.attempts = coalesce(n.attempts, 0) + 1, n.delivered_at = $now,
    n.next_attempt_at = null, n.lease_until = null
RETURN """
    + FIELDS
)


def mark_delivered(
    store: GraphStore, notification_id: str, now: datetime | None = None
) -> Notification:
    rows = store.write(MARK_DELIVERED, id=notification_id, now=_time(now))
    if not rows:
        raise LookupError(f"no notification {notification_id!r}")
    return _notification(rows[0])


# `$schedule[k]` is when to try again after the (k+1)-th failed attempt; computed by the caller
# from one `now`, so the count and the next time are changed together in one statement.
MARK_FAILED_ATTEMPT = (
    """
MATCH (n:Notification {id: $id})
SET n.attempts = coalesce(n.attempts, 0) + 1, n.last_error = $error, n.lease_until = null
WITH n
SET n.status = CASE WHEN n.attempts >= $max_attempts THEN 'failed' ELSE 'pending' END,
    n.next_attempt_at = CASE WHEN n.attempts >= $max_attempts THEN null
                             ELSE $schedule[n.attempts - 1] END
RETURN """
    + FIELDS
)


def backoff_seconds(attempts: int, base: float, cap: float = MAX_BACKOFF_SECONDS) -> float:
    """Wait after the ``attempts``-th failure: ``base``, then doubling, at most ``cap``."""
    return min(cap, base * 2 ** max(0, attempts - 1))


def mark_failed_attempt(
    store: GraphStore,
    notification_id: str,
    error: str,
    now: datetime | None = None,
    *,
    max_attempts: int,
    base_backoff: float,
) -> Notification:
    """Record a failed attempt: retry after an exponential backoff, or give up (``failed``)
    once ``max_attempts`` attempts have failed."""
    moment = now or datetime.now(UTC)
    max_attempts = max(1, int(max_attempts))
    schedule = [
        format_time(moment + timedelta(seconds=backoff_seconds(k, base_backoff)))
        for k in range(1, max_attempts + 1)
    ]
    rows = store.write(
        MARK_FAILED_ATTEMPT,
        id=notification_id,
        error=(" ".join(str(error).split()) or "error")[:MAX_ERROR],
        max_attempts=max_attempts,
        schedule=schedule,
    )
    if not rows:
        raise LookupError(f"no notification {notification_id!r}")
    return _notification(rows[0])


MARK_HELD = (
    """
MATCH (n:Notification {id: $id})
SET n.status = 'held', n.last_error = $reason, n.next_attempt_at = null, n.lease_until = null
RETURN """
    + FIELDS
)


def hold(store: GraphStore, notification_id: str, reason: str) -> Notification:
    """Stop a notification that must not be sent as things stand (its webhook secret changed
    since it was queued) until an admin re-queues it (:func:`requeue`). Not an attempt."""
    rows = store.write(MARK_HELD, id=notification_id, reason=reason[:MAX_ERROR])
    if not rows:
        raise LookupError(f"no notification {notification_id!r}")
    return _notification(rows[0])


REQUEUE = (
    """
MATCH (n:Notification {id: $id})
WHERE n.status IN $requeuable
WITH n, n.status AS before, n.key_id AS key_before
SET n.status = 'pending', n.attempts = 0, n.next_attempt_at = $now, n.lease_until = null,
    n.key_id = CASE WHEN n.channel = 'webhook' THEN $key_id ELSE n.key_id END
RETURN before, key_before, """
    + FIELDS
)


def requeue(
    store: GraphStore,
    notification_id: str,
    *,
    actor: str,
    config: settings_module.Settings | None = None,
    now: datetime | None = None,
) -> Notification:
    """Give a ``failed`` or ``held`` notification a fresh set of attempts, due at once, and
    audit it (``notify_requeue``). A webhook is from now on to be signed with the current
    ``LEADGRAPH_WEBHOOK_SECRET``: for a held one, this is the admin's consent to that."""
    config = config or settings_module.load()
    key_id = secret_id(config.webhook_secret)
    rows = store.write(
        REQUEUE, id=notification_id, now=_time(now), key_id=key_id, requeuable=list(REQUEUABLE)
    )
    if not rows:
        raise UserError(f"no failed or held notification {notification_id!r}")
    row = dict(rows[0])
    before, key_before = row.pop("before"), row.pop("key_before")
    notification = _notification(row)
    details: dict[str, Any] = {"channel": notification.channel, "was": before}
    if notification.channel == "webhook":
        details.update(key_id_before=key_before, key_id=notification.key_id)
    audit.append(store, actor, "notify_requeue", f"notification:{notification.id}", details)
    return notification


# --- read ---------------------------------------------------------------------------------------

LIST = (
    """
MATCH (n:Notification)
WHERE ($status IS NULL OR n.status = $status) AND ($lead_id IS NULL OR n.lead_id = $lead_id)
RETURN """
    + FIELDS
    + """
ORDER BY n.created_at DESC, n.id
LIMIT $limit
"""
)


def list_notifications(
    store: GraphStore,
    *,
    status: str | None = None,
    lead_id: str | None = None,
    limit: int = 100,
) -> list[Notification]:
    """The newest notifications first, optionally of one status or one lead."""
    if status is not None and status not in STATUSES:
        raise UserError(f"status must be one of {', '.join(STATUSES)}")
    rows = store.read(LIST, status=status, lead_id=lead_id, limit=max(0, int(limit)))
    return [_notification(row) for row in rows]


NEXT_DUE = """
MATCH (n:Notification {status: 'pending'})
RETURN min(n.next_attempt_at) AS next
"""


def next_due(store: GraphStore) -> str | None:
    """When the earliest pending notification is due (a sender's loop sleeps until then)."""
    row = store.read_one(NEXT_DUE)
    return row["next"] if row else None
