"""The append-only audit log: who did what, when, to which lead or entity, in a keyed hash chain.

Each entry is an ``(:AuditEntry {seq, at, actor, action, target, details, prev_hash, hash})``
node. ``hash`` is the HMAC-SHA256 of the canonical JSON of the entry's fields (``seq``, ``at``,
``actor``, ``action``, ``target``, ``details``) together with ``prev_hash``, the hash of the
entry before it, so editing an entry breaks its own hash and deleting one breaks the sequence and
the next entry's ``prev_hash``. The HMAC key is derived from the installation's signing key in
the state folder (:func:`chain_key`), so someone who can only write the database cannot compute
the hash of an entry they edit or invent.

The chain has an anchor, the entry with ``seq`` 0, created with the first append. It carries the
head of the chain (``head_seq``, ``head_hash``): every append locks the anchor (a SET takes its
write lock), checks the head it read is still the head, creates the next entry and moves the
head, all in one write transaction, so concurrent writers line up instead of forking the chain.

The anchor lives in the database, so whoever can write the database can move it. Every append
therefore also seals the head outside the database (:mod:`graph.workflow.audit_seal`): a file
in the state folder signed with the installation's key. :func:`verify_chain` checks the
database's chain against it, so a log cut short, emptied or replaced is BROKEN even when the
chain left in the database is whole. Sealing at every append (not every N) means only the
appends in flight can ever be missing from the seal; the cost is one small file written and
flushed per entry, under a lock that processes appending at once share.

Logs written before entries were keyed (plain SHA-256) need no migration: the first append of
this version seals the head it finds and records there that keyed entries start after it
(``keyed_from``). Older entries are then checked the old way, and since the first keyed entry's
HMAC covers the last old entry's hash, editing one still breaks the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import re
import time
from dataclasses import dataclass
from typing import Any

from graph.core import keys, settings
from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.db.store import ConstraintError, GraphStore
from graph.workflow import audit_seal
from graph.workflow.audit_seal import Seal

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
    "dismiss",
    "restore",
    "assign",
    "case_set",
    "triage_denied",
    "search_refused",
    "upload_delete",
    "notify_requeue",
    "audit_reseal",
    "note_add",
    "note_edit",
    "note_delete",
    "note_denied",
    "view_timeline",
    "view_bursts",
    "watch_add",
    "watch_remove",
    "watch_denied",
    "watch_notify",
    "view_updates",
    "evidence_add",
    "evidence_denied",
    "alert_created",
    "alert_read",
    "alert_denied",
    "job_start",
    "job_finish",
    "job_fail",
    "job_requeue",
    "job_retry",
    "rerank_train",
    "alliance_seal",
    "alliance_open",
    "alliance_open_refused",
    "alliance_match",
    "alliance_request",
    "alliance_respond",
    "alliance_finish",
    "alliance_refused",
    "alliance_flagged",
    "alliance_receipt",
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
    """The outcome of :func:`verify_chain`; ``bad_seq`` and ``reason`` name the first break
    (``bad_seq`` is None when the seal itself is refused). ``sealed_seq`` is the head sealed in
    the state folder, None when nothing was sealed yet."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    reason: str | None = None
    sealed_seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def canonical_details(details: dict[str, Any] | None) -> str:
    return json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chain_key(signing: keys.SigningKey) -> bytes:
    """The HMAC key of the chain: derived from the installation's signing key, so it is kept
    (and backed up) with it, outside the database."""
    return signing.derived_secret("audit-chain")


def entry_hash(
    *,
    seq: int,
    at: str,
    actor: str,
    action: str,
    target: str | None,
    details: str,
    prev_hash: str,
    key: bytes | None,
) -> str:
    """HMAC-SHA256 under ``key`` of the canonical JSON of the entry's fields and the previous
    hash; with ``key`` None, the plain SHA-256 of entries written before the chain was keyed.
    ``details`` is the stored JSON string, hashed as it is stored."""
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
    if key is None:
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def _row_hash(row: dict[str, Any], key: bytes | None) -> str:
    return entry_hash(
        seq=row["seq"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        target=row["target"],
        details=row["details"],
        prev_hash=row["prev_hash"],
        key=key,
    )


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
    """Append one entry, seal the new head and return the entry. Safe with any number of
    concurrent writers, in one process or several sharing the state folder.

    ``actor`` is a username (or ``cli:<user>`` for the command line, or the name typed at a
    failed login); ``target`` names what was acted on, e.g. ``lead:L-17`` or ``user:officer_1``.
    """
    if not ACTION.match(action):
        raise ValueError(f"audit action {action!r} must be a lowercase word")
    actor = (actor or "?")[:MAX_ACTOR]
    target = target[:MAX_TARGET] if target else None
    details_json = canonical_details(details)
    config = settings.load()
    signing = keys.load_or_create(config)
    key = chain_key(signing)
    _start_seal(store, signing, config)
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
            key=key,
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
            entry = Entry(seq, at, actor, action, target, dict(details or {}), head["hash"], digest)
            _advance_seal(store, entry, signing, config)
            return entry
        time.sleep(random.uniform(0, 0.005 * min(attempt + 1, 20)))
    raise RuntimeError("could not append to the audit log: too much contention")


# --- seal ---------------------------------------------------------------------------------------

READ_HASH = "MATCH (e:AuditEntry {seq: $seq}) RETURN e.hash AS hash"


def _start_seal(store: GraphStore, signing: keys.SigningKey, config: settings.Settings) -> None:
    """Before this installation's first keyed entry, seal the head as it is: an empty log, or
    one written before the chain was keyed, whose entries up to that head stay plain SHA-256."""
    if config.audit_seal_file.exists():
        return
    with audit_seal.locked(config):
        if config.audit_seal_file.exists():
            return
        head = store.read(READ_HEAD, genesis=GENESIS_HASH)[0]
        audit_seal.write(
            Seal(head["seq"], head["hash"], utc_now(), head["seq"] + 1), signing, config
        )


def _advance_seal(
    store: GraphStore, entry: Entry, signing: keys.SigningKey, config: settings.Settings
) -> None:
    """Move the seal to ``entry`` if it is ahead of the sealed head and the sealed entry is still
    in the database as it was sealed. Otherwise the seal stays where it is, so that a log cut,
    emptied or rewritten behind it stays BROKEN for :func:`verify_chain` however many entries
    are appended afterwards; a refused seal also stays, as the evidence it is."""
    with audit_seal.locked(config):
        try:
            sealed = audit_seal.read(config)
        except audit_seal.SealRefused:
            return
        if sealed is None or sealed.seq >= entry.seq:
            return  # no seal (wiped on purpose meanwhile), or another process sealed further
        row = store.read_one(READ_HASH, seq=sealed.seq)
        if row is None or row["hash"] != sealed.hash:
            return
        audit_seal.write(Seal(entry.seq, entry.hash, utc_now(), sealed.keyed_from), signing, config)


def reseal(store: GraphStore, actor: str) -> tuple[Seal, str]:
    """Accept the log in the database as it is now — after restoring a backup, say — and seal
    its head, replacing whatever seal there was. The chain must still be whole. Returns the new
    seal and what it replaced, and audits both as ``audit_reseal``.

    Which entries are keyed is read from the chain itself (plain SHA-256 entries, then keyed
    ones), so this also recovers a log whose seal was lost with its state folder.
    """
    config = settings.load()
    signing = keys.load_or_create(config)
    with audit_seal.locked(config):
        try:
            old = audit_seal.read(config)
            replaced = f"seq {old.seq}, hash {old.hash}, sealed {old.at}" if old else "no seal"
        except audit_seal.SealRefused as refused:
            replaced = str(refused)
        anchor = store.read(READ_ANCHOR)[0]
        walk = _walk(store, chain_key(signing), keyed_from=None, detect=True)
        bad = walk.broken or _anchor_break(anchor, walk)
        if bad is not None:
            raise UserError(
                f"the audit log itself is broken at entry {bad[0]} ({bad[1]}); "
                f"resealing accepts only a whole chain"
            )
        keyed_from = walk.keyed_from if walk.keyed_from is not None else walk.last_seq + 1
        new = Seal(walk.last_seq, walk.last_hash, utc_now(), keyed_from)
        audit_seal.write(new, signing, config)
    append(
        store,
        actor,
        "audit_reseal",
        details={"replaced": replaced, "sealed_seq": new.seq, "sealed_hash": new.hash},
    )
    return new, replaced


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


@dataclass
class _Walk:
    """What walking the chain from entry 1 found: how far it is whole, or its first break."""

    count: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    keyed_from: int | None = None
    watched_hash: str | None = None
    broken: tuple[int, str] | None = None


def _walk(
    store: GraphStore,
    key: bytes | None,
    *,
    keyed_from: int | None,
    detect: bool = False,
    watch_seq: int = 0,
) -> _Walk:
    """Check every entry's sequence, hash and link. Entries from ``keyed_from`` on are keyed
    with ``key``, earlier ones plain SHA-256; with ``detect``, the first entry whose keyed hash
    matches sets ``keyed_from``. The hash of entry ``watch_seq`` is kept for the seal."""
    walk = _Walk(keyed_from=keyed_from)
    if watch_seq == 0:
        walk.watched_hash = GENESIS_HASH
    after = 0
    while rows := store.read(READ_PAGE, after=after, page=PAGE):
        for row in rows:
            seq, expected = row["seq"], walk.last_seq + 1
            if not isinstance(seq, int) or seq != expected:
                walk.broken = (
                    expected,
                    f"entry {expected} is missing (the entry after {expected - 1} is {seq})",
                )
                return walk
            unkeyed = detect and walk.keyed_from is None and key is not None
            if unkeyed and _row_hash(row, key) == row["hash"]:
                walk.keyed_from = seq
            keyed = walk.keyed_from is not None and seq >= walk.keyed_from
            if _row_hash(row, key if keyed else None) != row["hash"]:
                reason = f"entry {seq} was altered: its hash does not match its content"
                if not keyed and key is not None and _row_hash(row, key) == row["hash"]:
                    reason = (
                        f"entry {seq} is keyed but the audit seal does not say so: "
                        f"the seal was removed or replaced"
                    )
                walk.broken = (seq, reason)
                return walk
            if row["prev_hash"] != walk.last_hash:
                walk.broken = (
                    seq,
                    f"entry {seq} does not follow entry {seq - 1}: its prev_hash does not "
                    f"match the hash of entry {seq - 1}",
                )
                return walk
            walk.count += 1
            walk.last_seq, walk.last_hash = seq, row["hash"]
            if seq == watch_seq:
                walk.watched_hash = row["hash"]
        after = rows[-1]["seq"]
    return walk


def _anchor_break(anchor: dict[str, Any], walk: _Walk) -> tuple[int, str] | None:
    """Where the chain disagrees with the head its anchor records, if it does."""
    head_seq = anchor["head_seq"] or 0
    head_hash = anchor["head_hash"] or GENESIS_HASH
    if walk.count and not anchor["exists"]:
        return 0, "the chain's anchor (entry 0) is missing"
    if head_seq > walk.last_seq:
        missing = walk.last_seq + 1
        return missing, f"entries {missing} to {head_seq} are missing (the head is {head_seq})"
    if head_seq < walk.last_seq:
        return head_seq + 1, f"entry {head_seq + 1} is beyond the head ({head_seq})"
    if head_hash != walk.last_hash:
        return head_seq, f"entry {head_seq} does not match the hash the head recorded"
    return None


def _seal_break(sealed: Seal, walk: _Walk) -> tuple[int, str] | None:
    """Where the chain falls short of the sealed head or differs from it, if it does."""
    if walk.last_seq < sealed.seq:
        first = walk.last_seq + 1
        missing = (
            f"entry {first} is" if first == sealed.seq else f"entries {first}–{sealed.seq} are"
        )
        return first, f"{missing} missing: the sealed head is seq {sealed.seq}"
    if walk.watched_hash != sealed.hash:
        return sealed.seq, (
            f"entry {sealed.seq} is not the entry that was sealed (the sealed head is seq "
            f"{sealed.seq}, hash {sealed.hash[:16]}…): the log was replaced up to it"
        )
    return None


def _existing_chain_key(config: settings.Settings) -> bytes | None:
    """The chain's key if this installation has a signing key; verifying never creates one."""
    if not keys.key_path(config).exists():
        return None
    return chain_key(keys.load_or_create(config))


def verify_chain(store: GraphStore) -> ChainReport:
    """Walk the chain from the start, check it against its anchor and against the head sealed
    in the state folder, and report the first break and why.

    Without a seal (nothing appended since this version, or a fresh log) the chain is checked
    the old way, as plain SHA-256; an entry that is keyed all the same means the seal is gone.
    """
    config = settings.load()
    anchor = store.read(READ_ANCHOR)[0]
    head_seq = anchor["head_seq"] or 0
    head_hash = anchor["head_hash"] or GENESIS_HASH
    try:
        sealed = audit_seal.read(config)
    except audit_seal.SealRefused as refused:
        return ChainReport(False, 0, head_seq, head_hash, None, str(refused))
    walk = _walk(
        store,
        _existing_chain_key(config),
        keyed_from=sealed.keyed_from if sealed else None,
        watch_seq=sealed.seq if sealed else 0,
    )
    sealed_seq = sealed.seq if sealed else None
    bad = (
        walk.broken
        or _anchor_break(anchor, walk)
        or (_seal_break(sealed, walk) if sealed else None)
    )
    if bad is not None:
        return ChainReport(False, walk.count, head_seq, head_hash, bad[0], bad[1], sealed_seq)
    return ChainReport(True, walk.count, head_seq, head_hash, sealed_seq=sealed_seq)
