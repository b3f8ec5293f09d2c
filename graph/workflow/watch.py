"""Watching: a user follows an entity, a lead or a saved search and is told what new facts
touch it after each submission — in the updates list of their home page and, when they asked
for it, as a notification through the outbox (:mod:`graph.workflow.outbox`).

A watch is a ``Watch`` node ``{id, owner, org, unit, target_type, target, notify, created,
created_ns (orders watches made in the same second), seen_until, seen}`` that names its target by key (an entity key, a lead id) or, for a search,
by the interpreted query (:class:`graph.evidence.search_input.Query` as JSON: an ID number typed
into the search box is kept as its keyed hash, never raw), with no link to anything.
``seen_until`` and ``seen`` are a :class:`graph.evidence.changes.Since`: what landed before was
seen.

What a watcher is shown is what their own pages would show them:

* the facts are the statements and links of submissions the watcher may read: an analyst's own
  org's only (another org's rows, values and links are that org's, as on the entity profile
  and the lead page — not even counted); an officer's and admin's, every party's;
* an entity watch shows the entity only while the watcher may see it at all (masked where the
  profile masks it); a lead watch only while the watcher may open the lead, its members as the
  lead page shows them; a search watch re-runs the search as the watcher (audited as a search);
* a link's other end is shown as the watcher may see it, and a link to an entity they may not
  see is left out.

Watching and unwatching are audited (``watch_add``, ``watch_remove``; a refused unwatch
``watch_denied``), so is reading the updates (``view_updates``) and each notification queued
(``watch_notify``). A submission notifies a watch at most once per channel: the notification's
id is derived from the watch and the submission, so running the hook again for the same
submission (a re-run of the file, a second call) queues nothing new.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from dataclasses import asdict
from typing import Any

from graph.core import settings as settings_module
from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.evidence.changes import Since, landed, new_facts, since_now
from graph.evidence.rights import compose_by_key, own_submissions, resolve, rights, shown_link
from graph.evidence.search import entities_by_keys, find_entities
from graph.evidence.search_input import Query, interpret
from graph.workflow import audit, lifecycle, outbox, users
from graph.workflow.auth import Forbidden, Principal, require

log = logging.getLogger(__name__)

TARGET_TYPES = ("entity", "lead", "search")
MAX_SEARCH = 200  # characters of a saved search

ADD = """
MERGE (w:Watch {owner: $owner, target_type: $type, target: $target})
  ON CREATE SET w.id = $id, w.key = 'watch:' + $id, w.org = $org, w.unit = $unit,
                w.created = $at, w.created_ns = $at_ns, w.seen_until = $at, w.seen = $seen,
                w.label = $label
SET w.notify = $notify
RETURN properties(w) AS watch
"""

OWN = """
MATCH (w:Watch {owner: $owner})
WHERE $id IS NULL OR w.id = $id
RETURN properties(w) AS watch
ORDER BY w.created, w.created_ns, w.id
"""

ONE = "MATCH (w:Watch {id: $id}) RETURN properties(w) AS watch"

FIND = """
MATCH (w:Watch {owner: $owner, target_type: $type, target: $target})
RETURN properties(w) AS watch
"""

REMOVE = "MATCH (w:Watch {id: $id}) DELETE w"

SEEN = "MATCH (w:Watch {id: $id}) SET w.seen_until = $at, w.seen = $seen"

USER_EMAIL = "MATCH (u:User {username: $username}) RETURN u.email AS email"

LEAD_MEMBERS = "MATCH (:Lead {id: $id})-[:INVOLVES]->(x:Entity) RETURN collect(x.key) AS keys"

# The watches asking for notification that a submission may touch: entities it names, leads
# with a member it names, and every saved search (which only re-running it can tell).
TOUCHED = """
MATCH (w:Watch {notify: true})
WHERE (w.target_type = 'entity' AND EXISTS {
         MATCH (n:Entity {key: w.target}) WHERE $submission IN coalesce(n.submissions, []) })
   OR (w.target_type = 'lead' AND EXISTS {
         MATCH (:Lead {id: w.target})-[:INVOLVES]->(n:Entity)
         WHERE $submission IN coalesce(n.submissions, []) })
   OR w.target_type = 'search'
RETURN properties(w) AS watch
ORDER BY w.created, w.created_ns, w.id
"""

# Queued once: the id is derived from the watch, the submission and the channel.
ENQUEUE_ONCE = """
UNWIND $rows AS row
MERGE (n:Notification {id: row.id})
  ON CREATE SET n.key = 'notification:' + row.id, n.channel = row.channel,
                n.target = row.target, n.lead_id = row.lead_id, n.payload = row.payload,
                n.status = 'pending', n.attempts = 0, n.next_attempt_at = row.created_at,
                n.created_at = row.created_at, n.key_id = row.key_id, n.watch_id = $watch,
                n._new = true
WITH n, coalesce(n._new, false) AS new
REMOVE n._new
RETURN n.id AS id, n.channel AS channel, new
"""


# --- targets ----------------------------------------------------------------------------------


def search_target(text: str) -> tuple[str, str]:
    """A saved search as kept (the interpreted query as canonical JSON) and its label. The raw
    text is not kept: an ID number typed in is already its keyed hash."""
    if not (text or "").strip() or len(text) > MAX_SEARCH:
        raise UserError(f"a saved search needs 1 to {MAX_SEARCH} characters")
    query = interpret(text)
    if not (query.keys or query.complaint_id or query.name or query.handle):
        raise UserError("nothing to search for in that text")
    kept = json.dumps(asdict(query), ensure_ascii=False, sort_keys=True)
    label = query.name or query.handle or query.complaint_id or ", ".join(query.keys)
    return kept, str(label)


def _check_target(
    store: GraphStore, principal: Principal, target_type: str, target: str
) -> tuple[str, str]:
    """The target as kept and its label, when the principal may see it; :class:`Forbidden`
    (audited as ``view_denied``) otherwise."""
    if target_type == "lead":
        lifecycle.check_view(store, principal, target)  # audits a refusal
        return target, target
    if target_type == "search":
        return search_target(target)
    if target_type != "entity":
        raise UserError(f"a watch is on one of {', '.join(TARGET_TYPES)}")
    key = resolve(target)
    if key not in rights(store, principal, [key]):
        audit.append(store, principal.username, "view_denied", key, {"watch": True})
        raise Forbidden(f"{principal.username} may not see {target}")
    return key, target  # the label is what the principal was shown (a pseudonym stays one)


# --- watch, unwatch, list ---------------------------------------------------------------------


def add_watch(
    store: GraphStore, principal: Principal, target_type: str, target: str, *, notify: bool = False
) -> dict[str, Any]:
    """Watch ``target`` (an entity key or pseudonym, a lead id, or the text of a search); watching
    it again changes only ``notify``. Audited as ``watch_add``."""
    require(principal, "analyst", "officer", "admin")
    kept, label = _check_target(store, principal, target_type, target)
    at = utc_now()
    row = store.write(
        ADD, owner=principal.username, type=target_type, target=kept,
        id=f"watch-{secrets.token_hex(8)}", org=principal.org,
        unit=principal.org if principal.is_officer else None, at=at, at_ns=time.time_ns(),
        seen=list(since_now(store, at).seen), label=label, notify=bool(notify),
    )[0]["watch"]  # fmt: skip
    audit.append(
        store, principal.username, "watch_add", f"watch:{row['id']}",
        {"type": target_type, "notify": bool(notify)},
    )  # fmt: skip
    return dict(row)


def find_watch(
    store: GraphStore, principal: Principal, target_type: str, target: str
) -> dict[str, Any] | None:
    """The principal's watch on ``target`` (as :func:`add_watch` takes it), or None."""
    if target_type == "search":
        kept = search_target(target)[0]
    elif target_type == "entity":
        kept = resolve(target)
    else:
        kept = target
    row = store.read_one(FIND, owner=principal.username, type=target_type, target=kept)
    return dict(row["watch"]) if row else None


def list_watches(store: GraphStore, principal: Principal) -> list[dict[str, Any]]:
    """The principal's own watches, oldest first."""
    return [dict(r["watch"]) for r in store.read(OWN, owner=principal.username, id=None)]


def _own(store: GraphStore, principal: Principal, watch_id: str, action: str) -> dict[str, Any]:
    row = store.read_one(ONE, id=watch_id)
    if row is None:
        raise UserError(f"no watch {watch_id}")
    watch = dict(row["watch"])
    if watch["owner"] != principal.username:
        audit.append(
            store, principal.username, "watch_denied", f"watch:{watch_id}", {"action": action}
        )
        raise Forbidden("only its owner changes a watch")
    return watch


def remove_watch(store: GraphStore, principal: Principal, watch_id: str) -> None:
    """Stop watching (one's own watch only). Audited as ``watch_remove``."""
    watch = _own(store, principal, watch_id, "remove")
    store.write(REMOVE, id=watch_id)
    audit.append(
        store, principal.username, "watch_remove", f"watch:{watch_id}",
        {"type": watch["target_type"]},
    )  # fmt: skip


def mark_seen(
    store: GraphStore, principal: Principal, watch_id: str, at: str | None = None
) -> None:
    """Count everything landed until ``at`` (default: now) as seen on one's own watch."""
    _own(store, principal, watch_id, "seen")
    since = since_now(store, at or utc_now())
    store.write(SEEN, id=watch_id, at=since.at, seen=list(since.seen))


# --- what changed -----------------------------------------------------------------------------


def _targets(store: GraphStore, principal: Principal, watch: dict[str, Any]) -> dict[str, bool]:
    """The watched entities the principal may see now: key → may see raw."""
    target = watch["target"]
    if watch["target_type"] == "entity":
        return rights(store, principal, [target])
    if watch["target_type"] == "lead":
        if not lifecycle.may_view(store, principal, target):
            return {}
        row = store.read_one(LEAD_MEMBERS, id=target)
        keys = list(row["keys"]) if row else []
        if principal.role != "analyst":  # as the lead page: officers and admins see it whole
            return dict.fromkeys(keys, True)
        raw = rights(store, principal, keys)
        return {key: raw.get(key, False) for key in keys}
    query = Query(**json.loads(target))
    found = find_entities(
        store,
        principal,
        keys=query.keys,
        complaint_id=query.complaint_id,
        name=query.name,
        handle=query.handle,
    )  # fmt: skip  (the search is audited as the watcher's)
    return {resolve(entity["key"]): not entity["masked"] for entity in found}


def _changes(
    store: GraphStore, principal: Principal, watch: dict[str, Any], *, only: str | None = None
) -> list[dict[str, Any]]:
    """The watch's updates as the principal may see them: one row per submission and entity."""
    subs = own_submissions(store, principal)
    since = Since(watch["seen_until"], tuple(watch.get("seen") or ()))
    arrived = landed(store, since, subs=subs, only=only)
    if not arrived:
        return []
    allowed = _targets(store, principal, watch)
    ids = [s["id"] for s in arrived]
    facts = new_facts(store, list(allowed), ids)
    if not facts:
        return []
    targets = compose_by_key(
        store, principal, entities_by_keys(store, list(facts)), allowed=allowed
    )
    others_wanted = {link["other"] for found in facts.values() for link in found["links"]}
    others = compose_by_key(store, principal, entities_by_keys(store, sorted(others_wanted)))
    rows = []
    for submission in arrived:
        for key, found in facts.items():
            entity = targets.get(key)
            if entity is None:
                continue
            statements = [
                s["values"] for s in found["statements"] if s["submission"] == submission["id"]
            ]
            links = []
            for link in found["links"]:
                other = others.get(link["other"])
                if other is None or not any(
                    str(s).split("#", 1)[0] == submission["id"] for s in link["sources"]
                ):
                    continue
                raw_ends = not (entity["masked"] or other["masked"])
                if shown_link(link, subs, raw_ends) is None:
                    continue
                links.append(
                    {
                        "type": link["type"],
                        "direction": "out" if link["start"] == key else "in",
                        "other": other,
                        "sources": [
                            s
                            for s in link["sources"]
                            if str(s).split("#", 1)[0] == submission["id"]
                        ],
                    }
                )
            if statements or links:
                rows.append(
                    {
                        "watch": watch["id"],
                        "target_type": watch["target_type"],
                        "watch_label": watch.get("label") or watch["target"],
                        "submission": submission["id"],
                        "org": submission["org"],
                        "file_name": submission["file_name"],
                        "landed_at": submission["landed_at"],
                        "entity": entity,
                        "statements": statements,
                        "links": links,
                    }
                )
    return rows


def updates(store: GraphStore, principal: Principal) -> dict[str, Any]:
    """What is new for each of the principal's watches since it was last marked seen:
    ``{"checked_at", "watches", "updates"}``, the updates newest first. Audited as
    ``view_updates``."""
    require(principal, "analyst", "officer", "admin")
    checked_at = utc_now()
    watches = list_watches(store, principal)
    rows: list[dict[str, Any]] = []
    for watch in watches:
        rows += _changes(store, principal, watch)
    rows.sort(key=lambda r: (r["landed_at"], r["submission"]), reverse=True)
    audit.append(
        store, principal.username, "view_updates", None,
        {"watches": len(watches), "updates": len(rows)},
    )  # fmt: skip
    return {"checked_at": checked_at, "watches": watches, "updates": rows}


# --- notifying after a submission -------------------------------------------------------------


def notification_id(watch_id: str, submission: str, channel: str) -> str:
    """The one id a watch's notification about one submission has on one channel."""
    return hashlib.sha256(f"watch\x1f{watch_id}\x1f{submission}\x1f{channel}".encode()).hexdigest()[
        :32
    ]


def watch_payload(
    watch: dict[str, Any], found: list[dict[str, Any]], public_url: str
) -> dict[str, Any]:
    """What a notification says: which watch, which submission, how much changed and where to
    read it — no value, no name and no number: the target is named as the updates page names it
    to the watcher masked (an entity by its masked display key, a search not at all)."""
    first = found[0]
    target = None
    if watch["target_type"] == "lead":
        target = watch["target"]
    elif watch["target_type"] == "entity":
        target = first["entity"]["display_key"]
    return {
        "event": "watch.update",
        "watch_id": watch["id"],
        "target_type": watch["target_type"],
        "target": target,
        "submission": first["submission"],
        "landed_at": first["landed_at"],
        "entities": len(found),
        "statements": sum(len(r["statements"]) for r in found),
        "links": sum(len(r["links"]) for r in found),
        "url": f"{public_url.rstrip('/')}/updates",
    }


def _masked_view(store: GraphStore, principal: Principal, rows: list[dict[str, Any]]) -> None:
    """Each row's entity as the watcher would see it masked (a message leaves the workbench)."""
    keys = [resolve(r["entity"]["key"]) for r in rows]
    masked = compose_by_key(
        store, principal, entities_by_keys(store, keys), allowed=dict.fromkeys(keys, False)
    )
    for row, key in zip(rows, keys, strict=True):
        row["entity"] = masked.get(key, row["entity"])


def after_submission(
    store: GraphStore, submission: str, *, config: settings_module.Settings | None = None
) -> list[str]:
    """Queue one notification per configured channel for each watch asking for them whose
    watcher may see new facts of ``submission``; returns the ids queued now (none for a
    submission already notified). Called by :func:`ingest.submit.submit_file` once the
    submission has landed, whichever door it came through."""
    config = config or settings_module.load()
    channels: list[str] = []
    if config.webhook_url:
        channels.append("webhook")
    if config.smtp_host:
        channels.append("email")
    if not channels:
        return []
    queued: list[str] = []
    for row in store.read(TOUCHED, submission=submission):
        watch = dict(row["watch"])
        user = users.get_user(store, watch["owner"])
        if user is None or user.disabled:
            continue
        principal = Principal.of(user)
        try:
            found = _changes(store, principal, watch, only=submission)
        except UserError as error:  # e.g. the watcher's searches are over the minute's limit
            log.warning("watch %s not checked after %s: %s", watch["id"], submission, error)
            continue
        if not found:
            continue
        _masked_view(store, principal, found)
        payload = watch_payload(watch, found, config.public_url)
        rows = []
        for channel in channels:
            to = config.webhook_url
            if channel == "email":
                email = (store.read_one(USER_EMAIL, username=user.username) or {}).get("email")
                to = email or ", ".join(config.smtp_to)
            entry = outbox.notification_row(
                channel, to or "", payload,
                lead_id=watch["target"] if watch["target_type"] == "lead" else None,
                key_id=outbox.secret_id(config.webhook_secret) if channel == "webhook" else None,
            )  # fmt: skip
            rows.append({**entry, "id": notification_id(watch["id"], submission, channel)})
        new = [r for r in store.write(ENQUEUE_ONCE, rows=rows, watch=watch["id"]) if r["new"]]
        if new:
            audit.append(
                store, "leadgraph", "watch_notify", f"watch:{watch['id']}",
                {"owner": watch["owner"], "submission": submission,
                 "channels": [r["channel"] for r in new]},
            )  # fmt: skip
            queued += [r["id"] for r in new]
    return queued
