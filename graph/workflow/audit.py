"""The append-only audit log: who did what, when, to which lead or entity, in a hash chain.

Each entry is an ``(:AuditEntry {seq, at, actor, action, target, details, prev_hash, hash})``
node. ``hash`` is the SHA-256 of the canonical JSON of the entry's fields (``seq``, ``at``,
``actor``, ``action``, ``target``, ``details``) together with ``prev_hash``, the hash of the
entry before it, so editing an entry breaks its own hash and deleting one breaks the sequence and
the next entry's ``prev_hash``.

The chain has an anchor, the entry with ``seq`` 0, created with the first append. It carries the
head of the chain (``head_seq``, ``head_hash``): every append locks the anchor (a SET takes its
write lock), checks the head it read is still the head, creates the next entry and moves the
head, all in one write transaction, so concurrent writers line up instead of forking the chain.
Because the anchor knows the head, cutting entries off the end is detected too. (Someone with
write access to the database can still rewrite the whole chain; record ``head_hash`` from
``leadgraph audit verify`` elsewhere to catch that.)
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from dataclasses import dataclass
from typing import Any

from graph.core.clock import utc_now
from graph.db.store import ConstraintError, GraphStore

GENESIS_HASH = "0" * 64

# The actions LeadGraph writes today. Any lowercase word is accepted so that a new feature can
# audit a new action at once; add it here too so the admin page offers it as a filter.
ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "search",
    "view_lead",
    "view_entity",
    "push",
    "feedback",
    "export",
    "user_add",
    "user_disable",
    "user_enable",
    "password_set",
    "password_change",
    "password_change_failed",
    "org_add",
    "ingest",
    "withdraw",
    "withdraw_denied",
    "reopen",
    "search_refused",
    "upload_delete",
    "notify_requeue",
)
ACTION = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_ACTOR = 100
MAX_TARGET = 300
PAGE = 5_000


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    actor: str
    action: str
    target: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ChainReport:
    """The outcome of :func:`verify_chain`; ``bad_seq`` and ``reason`` name the first break."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def canonical_details(details: dict[str, Any] | None) -> str:
    return json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(
    *,
    seq: int,
    at: str,
    actor: str,
    action: str,
    target: str | None,
    details: str,
    prev_hash: str,
) -> str:
    """SHA-256 over the canonical JSON of the entry's fields and the previous hash. ``details``
    is the stored JSON string, hashed as it is stored."""
    fields = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "target": target,
        "details": details,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- append -------------------------------------------------------------------------------------

READ_HEAD = """
OPTIONAL MATCH (a:AuditEntry {seq: 0})
RETURN coalesce(a.head_seq, 0) AS seq, coalesce(a.head_hash, $genesis) AS hash
"""

# One transaction: create the anchor if this is the first entry, lock it, and only if the head
# is still the one we hashed against, create the entry and move the head. No row back means
# another writer got there first; the caller reads the new head and tries again.
APPEND = """
MERGE (a:AuditEntry {seq: 0})
  ON CREATE SET a.key = 'audit:0', a.at = $at, a.actor = 'leadgraph', a.action = 'anchor',
                a.details = '{}', a.prev_hash = $genesis, a.hash = $genesis,
                a.head_seq = 0, a.head_hash = $genesis
SET a._lock = true
WITH a
WHERE a.head_seq = $prev_seq AND a.head_hash = $prev_hash
CREATE (e:AuditEntry {seq: $seq, key: 'audit:' + toString($seq), at: $at, actor: $actor,
                      action: $action, target: $target, details: $details,
                      prev_hash: $prev_hash, hash: $hash})
SET a.head_seq = $seq, a.head_hash = $hash
REMOVE a._lock
RETURN e.seq AS seq
"""


def append(
    store: GraphStore,
    actor: str,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> Entry:
    """Append one entry and return it. Safe with any number of concurrent writers.

    ``actor`` is a username (or ``cli:<user>`` for the command line, or the name typed at a
    failed login); ``target`` names what was acted on, e.g. ``lead:L-17`` or ``user:officer_1``.
    """
    if not ACTION.match(action):
        raise ValueError(f"audit action {action!r} must be a lowercase word")
    actor = (actor or "?")[:MAX_ACTOR]
    target = target[:MAX_TARGET] if target else None
    details_json = canonical_details(details)
    for attempt in range(200):
        head = store.read(READ_HEAD, genesis=GENESIS_HASH)[0]
        seq, at = head["seq"] + 1, utc_now()
        digest = entry_hash(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            target=target,
            details=details_json,
            prev_hash=head["hash"],
        )
        try:
            rows = store.write(
                APPEND,
                genesis=GENESIS_HASH,
                prev_seq=head["seq"],
                prev_hash=head["hash"],
                seq=seq,
                at=at,
                actor=actor,
                action=action,
                target=target,
                details=details_json,
                hash=digest,
            )
        except ConstraintError:  # two first appends raced to create the anchor
            rows = []
        if rows:
            return Entry(seq, at, actor, action, target, dict(details or {}), head["hash"], digest)
        time.sleep(random.uniform(0, 0.005 * min(attempt + 1, 20)))
    raise RuntimeError("could not append to the audit log: too much contention")


# --- read ---------------------------------------------------------------------------------------

LIST_ENTRIES = """
MATCH (e:AuditEntry)
WHERE e.seq > 0 AND ($actor IS NULL OR e.actor = $actor)
  AND ($action IS NULL OR e.action = $action) AND ($target IS NULL OR e.target = $target)
RETURN e.seq AS seq, e.at AS at, e.actor AS actor, e.action AS action, e.target AS target,
       e.details AS details, e.prev_hash AS prev_hash, e.hash AS hash
ORDER BY e.seq DESC
LIMIT $limit
"""


def _entry(row: dict[str, Any]) -> Entry:
    try:
        details = json.loads(row["details"] or "{}")
    except (TypeError, ValueError):
        details = {"unreadable": row["details"]}
    return Entry(**{**row, "details": details if isinstance(details, dict) else {"value": details}})


COUNT_RECENT = """
MATCH (e:AuditEntry)
WHERE e.actor = $actor AND e.at >= $since AND e.action = $action
RETURN count(e) AS n
"""


def count_recent(store: GraphStore, actor: str, action: str, since: str) -> int:
    """How many ``action`` entries ``actor`` has had since ``since`` (ISO 8601 UTC)."""
    row = store.read_one(COUNT_RECENT, actor=actor, action=action, since=since)
    return int(row["n"]) if row else 0


def entries(
    store: GraphStore,
    limit: int = 100,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
) -> list[Entry]:
    """The newest ``limit`` entries, newest first, optionally of one actor, action or target."""
    rows = store.read(
        LIST_ENTRIES,
        limit=max(0, int(limit)),
        actor=actor or None,
        action=action or None,
        target=target or None,
    )
    return [_entry(row) for row in rows]


# --- verify -------------------------------------------------------------------------------------

READ_ANCHOR = """
OPTIONAL MATCH (a:AuditEntry {seq: 0})
RETURN a IS NOT NULL AS exists, a.head_seq AS head_seq, a.head_hash AS head_hash
"""

READ_PAGE = """
MATCH (e:AuditEntry)
WHERE e.seq > $after
RETURN e.seq AS seq, e.at AS at, e.actor AS actor, e.action AS action, e.target AS target,
       e.details AS details, e.prev_hash AS prev_hash, e.hash AS hash
ORDER BY e.seq
LIMIT $page
"""


def verify_chain(store: GraphStore) -> ChainReport:
    """Walk the chain from the start and report the first entry that breaks it, and why."""
    anchor = store.read(READ_ANCHOR)[0]
    head_seq = anchor["head_seq"] or 0
    head_hash = anchor["head_hash"] or GENESIS_HASH
    count, expected_seq, prev_hash = 0, 1, GENESIS_HASH

    def broken(seq: int, reason: str) -> ChainReport:
        return ChainReport(False, count, head_seq, head_hash, seq, reason)

    after = 0
    while rows := store.read(READ_PAGE, after=after, page=PAGE):
        if not anchor["exists"]:
            return broken(0, "the chain's anchor (entry 0) is missing")
        for row in rows:
            seq = row["seq"]
            if not isinstance(seq, int) or seq != expected_seq:
                return broken(
                    expected_seq,
                    f"entry {expected_seq} is missing (the entry after "
                    f"{expected_seq - 1} is {seq})",
                )
            digest = entry_hash(
                seq=seq,
                at=row["at"],
                actor=row["actor"],
                action=row["action"],
                target=row["target"],
                details=row["details"],
                prev_hash=row["prev_hash"],
            )
            if digest != row["hash"]:
                return broken(seq, f"entry {seq} was altered: its hash does not match its content")
            if row["prev_hash"] != prev_hash:
                return broken(
                    seq,
                    f"entry {seq} does not follow entry {seq - 1}: its prev_hash does not match "
                    f"the hash of entry {seq - 1}",
                )
            count += 1
            expected_seq, prev_hash = seq + 1, row["hash"]
        after = rows[-1]["seq"]
    if head_seq != expected_seq - 1:
        if head_seq > expected_seq - 1:
            return broken(
                expected_seq,
                f"entries {expected_seq} to {head_seq} are missing (the head is {head_seq})",
            )
        return broken(head_seq + 1, f"entry {head_seq + 1} is beyond the head ({head_seq})")
    if head_hash != prev_hash:
        return broken(head_seq, f"entry {head_seq} does not match the hash the head recorded")
    return ChainReport(True, count, head_seq, head_hash)
