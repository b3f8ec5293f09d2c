"""Alerts: the people a lead concerns are told when it needs them, once, in the workbench and
through the outbox (:mod:`graph.workflow.outbox`) when a channel is configured.

After each submission's analysis (:func:`after_analysis`, given the changes of
``graph.evidence.incremental.analyse_submission``) two kinds of alert are made:

* ``candidate`` — a candidate lead created or updated by the submission whose score is at or
  over ``LEADGRAPH_ALERT_MIN_SCORE``, for each active analyst of every org whose complaints the
  lead rests on (or that owns it) who may open it (:func:`graph.workflow.lifecycle.may_view`),
  the first time it is over the threshold for that analyst: a lead alerted once is not alerted
  again when it grows, nor when it drops under the threshold and comes back;
* ``evidence`` — a pushed (acknowledged, investigating) lead whose entities the submission
  gave new facts (:func:`graph.evidence.changes.new_facts`: values stated, links from new rows,
  new complaints naming them), for the officer it was pushed to, the active officers of the unit
  it was pushed to and its reviewing officer (when that names an officer's account), each only
  while they may open the lead.

An alert is an ``Alert`` node ``{id, key, kind, lead_id, submission, recipient, score, counts
(JSON), created_at, read_at}``. Its own node rather than a watch's notification: an alert is
kept for its recipient whether or not a channel is configured, and is read (``read_at``) by
that recipient alone; the outbox carries its copies outside. It holds counts and the lead's
id and score only — no value, name or number — so neither the Updates page nor a message says
more than the recipient's own lead page would. Its id is derived from (kind, lead, submission,
recipient), and each outbox copy's id from the alert's id and the channel, so running
:func:`after_analysis` again for the same submission makes and sends nothing new.

Audited: ``alert_created`` (one entry an alert, naming the channels it was queued on),
``alert_read`` when its recipient opens it, ``alert_denied`` when anyone else tries.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from graph.core import settings as settings_module
from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.evidence.changes import new_facts
from graph.workflow import audit, lifecycle, outbox, users
from graph.workflow.auth import Forbidden, Principal, require

PUSHED_STATUSES = ("pushed", "acknowledged", "investigating")
LIST_LIMIT = 100

# The created or updated candidates and who may be told of them: the orgs whose complaints the
# lead rests on (as lifecycle.LEAD_ACCESS decides an analyst's view) and its owner, if any.
CANDIDATES = """
UNWIND $ids AS id
MATCH (l:Lead {id: id})
WHERE l.status = 'candidate' AND l.score >= $min_score
OPTIONAL MATCH (l)-[:OWNED_BY]->(owner:Org)
CALL (l) {
  MATCH (l)-[:INVOLVES]->(c:Complaint)
  WHERE c.values_org IS NOT NULL
  RETURN collect(DISTINCT c.values_org) AS source_orgs
}
RETURN l.id AS id, l.score AS score, l.size AS size, l.summary_json AS summary_json,
       [o IN source_orgs + [owner.name] WHERE o IS NOT NULL] AS orgs
"""

# The pushed leads with an entity the submission names, pushed before it landed (a retry after
# a later push is not news for the officer), and who they were pushed to. ISO times have whole
# seconds, so the server's milliseconds (``landed_ms``, ``at_ms``) decide a push and a landing in
# the same second; data from before they were kept compares the seconds.
PUSHED_TOUCHED = """
MATCH (s:Submission {id: $submission})
WITH coalesce(s.landed_at, s.received_at) AS landed, s.landed_ms AS landed_ms
MATCH (l:Lead)
WHERE l.status IN $statuses AND EXISTS {
  MATCH (l)-[p:PUSHED_TO]->() WHERE coalesce(p.at_ms < landed_ms, p.at <= landed)
}
CALL (l) {
  MATCH (l)-[:INVOLVES]->(n:Entity)
  WHERE $submission IN coalesce(n.submissions, [])
  RETURN collect(n.key) AS keys
}
WITH l, keys
WHERE size(keys) > 0
CALL (l) {
  OPTIONAL MATCH (l)-[:PUSHED_TO]->(officer:User {role: 'officer'})
  OPTIONAL MATCH (l)-[:PUSHED_TO]->(:Org {kind: 'police'})<-[:MEMBER_OF]-(member:User {role: 'officer'})
  RETURN collect(DISTINCT officer.username) + collect(DISTINCT member.username) AS officers
}
RETURN l.id AS id, l.score AS score, keys, officers, l.reviewing_officer AS reviewing_officer
ORDER BY l.id
"""

# The leads each of $pairs' recipients was told are over the threshold, after another submission.
ALERTED = """
UNWIND $pairs AS pair
MATCH (a:Alert {kind: 'candidate', lead_id: pair.lead, recipient: pair.recipient})
WHERE a.submission <> $submission
RETURN DISTINCT pair.lead AS lead, pair.recipient AS recipient
"""

USER_EMAIL = "MATCH (u:User {username: $username}) RETURN u.email AS email"

# Made once: the alert and its outbox copies in one statement, each keyed by a derived id.
CREATE_ONCE = """
UNWIND $rows AS row
MERGE (a:Alert {id: row.id})
  ON CREATE SET a.key = 'alert:' + row.id, a.kind = row.kind, a.lead_id = row.lead_id,
                a.submission = row.submission, a.recipient = row.recipient, a.score = row.score,
                a.counts = row.counts, a.created_at = row.created_at, a._new = true
WITH a, row, coalesce(a._new, false) AS new
REMOVE a._new
WITH a, row, new
CALL (a, row, new) {
  UNWIND CASE WHEN new THEN row.notifications ELSE [] END AS m
  MERGE (n:Notification {id: m.id})
    ON CREATE SET n.key = 'notification:' + m.id, n.channel = m.channel, n.target = m.target,
                  n.lead_id = m.lead_id, n.payload = m.payload, n.status = 'pending',
                  n.attempts = 0, n.next_attempt_at = m.created_at, n.created_at = m.created_at,
                  n.key_id = m.key_id, n.alert_id = a.id
  RETURN collect(m.channel) AS channels
}
RETURN a.id AS id, new, channels
"""

OWN = """
MATCH (a:Alert {recipient: $username})
RETURN properties(a) AS alert
ORDER BY a.read_at IS NOT NULL, a.created_at DESC, a.id
LIMIT $limit
"""

ONE = "MATCH (a:Alert {id: $id}) RETURN properties(a) AS alert"

MARK_READ = "MATCH (a:Alert {id: $id}) WHERE a.read_at IS NULL SET a.read_at = $at"


def alert_id(kind: str, lead_id: str, submission: str, recipient: str) -> str:
    """The one id an alert of ``kind`` about a lead after a submission has for a recipient."""
    text = f"alert\x1f{kind}\x1f{lead_id}\x1f{submission}\x1f{recipient}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def notification_id(alert: str, channel: str) -> str:
    """The one id of an alert's copy on one channel."""
    return hashlib.sha256(f"alert\x1f{alert}\x1f{channel}".encode()).hexdigest()[:32]


def alert_payload(alert: dict[str, Any], public_url: str) -> dict[str, Any]:
    """What a message about an alert says: its kind, the lead's id (and score), the counts and
    the link to the lead — never a value, a name or a number of the data."""
    return {
        "event": f"alert.{alert['kind']}",
        "alert_id": alert["id"],
        "kind": alert["kind"],
        "lead_id": alert["lead_id"],
        "score": alert["score"],
        "counts": json.loads(alert["counts"]),
        "created_at": alert["created_at"],
        "url": outbox.lead_url(public_url, alert["lead_id"]),
    }


# --- who is told ------------------------------------------------------------------------------


def _active(store: GraphStore, username: str) -> Principal | None:
    user = users.get_user(store, username)
    return Principal.of(user) if user is not None and not user.disabled else None


def _may_open(store: GraphStore, principal: Principal, lead_id: str) -> bool:
    try:
        return lifecycle.may_view(store, principal, lead_id)
    except UserError:  # the lead is gone
        return False


def _candidate_alerts(
    store: GraphStore, submission: str, lead_ids: list[str], min_score: float
) -> list[dict[str, Any]]:
    """One row a candidate over the threshold and analyst who may open it and was not told."""
    rows = []
    analysts: dict[str, list[Principal]] = {}
    for lead in store.read(CANDIDATES, ids=sorted(set(lead_ids)), min_score=float(min_score)):
        summary = json.loads(lead["summary_json"] or "{}")
        counts = {
            "complaints": int(summary.get("complaints") or 0),
            "complainants": int(summary.get("complainants") or 0),
            "members": int(lead["size"] or 0),
        }
        for org in sorted(set(lead["orgs"])):
            if org not in analysts:
                found = users.list_users(store, role="analyst", org=org)
                analysts[org] = [Principal.of(u) for u in found if not u.disabled]
            for analyst in analysts[org]:
                if _may_open(store, analyst, lead["id"]):
                    rows.append(
                        {"kind": "candidate", "lead_id": lead["id"], "score": lead["score"],
                         "recipient": analyst.username, "counts": counts}
                    )  # fmt: skip
    # told after an earlier submission; a second call for this one finds its own alerts made
    pairs = [{"lead": r["lead_id"], "recipient": r["recipient"]} for r in rows]
    told = {
        (r["lead"], r["recipient"]) for r in store.read(ALERTED, pairs=pairs, submission=submission)
    }
    return [r for r in rows if (r["lead_id"], r["recipient"]) not in told]


def evidence_counts(facts: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    """What a submission added to a lead, counted by kind: entities with new facts, values
    stated, links (and by link type), new complaints among them or naming them."""
    links = [link for found in facts.values() for link in found["links"]]
    by_type: dict[str, int] = {}
    for link in links:
        by_type[link["type"]] = by_type.get(link["type"], 0) + 1
    complaints = {key for key in facts if key.startswith("complaint:")}
    complaints |= {link["other"] for link in links if str(link["other"]).startswith("complaint:")}
    return {
        "entities": len(facts),
        "statements": sum(len(found["statements"]) for found in facts.values()),
        "links": len(links),
        "links_by_type": dict(sorted(by_type.items())),
        "complaints": len(complaints),
    }


def _evidence_alerts(store: GraphStore, submission: str) -> list[dict[str, Any]]:
    """One row a pushed lead the submission gave new facts and officer who may open it."""
    rows = []
    for lead in store.read(PUSHED_TOUCHED, submission=submission, statuses=list(PUSHED_STATUSES)):
        facts = new_facts(store, list(lead["keys"]), [submission])
        if not facts:
            continue
        counts = evidence_counts(facts)
        names = {n for n in lead["officers"] if n}
        if lead["reviewing_officer"]:
            names.add(str(lead["reviewing_officer"]))
        for name in sorted(names):
            officer = _active(store, name)
            if officer and officer.is_officer and _may_open(store, officer, lead["id"]):
                rows.append(
                    {"kind": "evidence", "lead_id": lead["id"], "score": lead["score"],
                     "recipient": officer.username, "counts": counts}
                )  # fmt: skip
    return rows


# --- made once, queued once -------------------------------------------------------------------


def _channels(
    store: GraphStore, config: settings_module.Settings, recipient: str
) -> list[tuple[str, str]]:
    """(channel, target) for each configured channel: the webhook; the recipient's e-mail, or
    else ``LEADGRAPH_SMTP_TO``."""
    found = []
    if config.webhook_url:
        found.append(("webhook", config.webhook_url))
    if config.smtp_host:
        email = (store.read_one(USER_EMAIL, username=recipient) or {}).get("email")
        found.append(("email", email or ", ".join(config.smtp_to)))
    return found


def after_analysis(
    store: GraphStore,
    submission_id: str,
    changes: dict[str, Any],
    *,
    config: settings_module.Settings | None = None,
) -> int:
    """Make the alerts a submission's analysis calls for (``changes``: the dict of
    ``graph.evidence.incremental.analyse_submission``, of which ``created`` and ``updated``
    are read) and queue their outbox copies; returns how many alerts were made now (0 when the
    same submission was alerted already)."""
    config = config or settings_module.load()
    touched = [*(changes.get("created") or []), *(changes.get("updated") or [])]
    wanted = _candidate_alerts(store, submission_id, touched, config.alert_min_score)
    wanted += _evidence_alerts(store, submission_id)
    if not wanted:
        return 0
    at = utc_now()
    rows = []
    for item in wanted:
        identifier = alert_id(item["kind"], item["lead_id"], submission_id, item["recipient"])
        alert = {**item, "id": identifier, "submission": submission_id, "created_at": at,
                 "counts": json.dumps(item["counts"], sort_keys=True)}  # fmt: skip
        payload = alert_payload(alert, config.public_url)
        copies = []
        for channel, target in _channels(store, config, item["recipient"]):
            key_id = outbox.secret_id(config.webhook_secret) if channel == "webhook" else None
            entry = outbox.notification_row(
                channel, target, payload, lead_id=item["lead_id"], key_id=key_id
            )
            copies.append({**entry, "id": notification_id(identifier, channel)})
        rows.append({**alert, "notifications": copies})
    made = [r for r in store.write(CREATE_ONCE, rows=rows) if r["new"]]
    by_id = {row["id"]: row for row in rows}
    for row in made:
        alert = by_id[row["id"]]
        audit.append(
            store, "leadgraph", "alert_created", f"alert:{row['id']}",
            {"kind": alert["kind"], "lead": alert["lead_id"], "recipient": alert["recipient"],
             "submission": submission_id, "channels": list(row["channels"])},
        )  # fmt: skip
    return len(made)


# --- the recipient's side ---------------------------------------------------------------------


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    alert = {"read_at": None, **row}
    alert["counts"] = json.loads(alert.get("counts") or "{}")
    return alert


def list_alerts(
    store: GraphStore, principal: Principal, *, limit: int = LIST_LIMIT
) -> list[dict[str, Any]]:
    """The principal's own alerts, unread first, newest first."""
    require(principal, "analyst", "officer", "admin")
    rows = store.read(OWN, username=principal.username, limit=max(0, int(limit)))
    return [_decoded(row["alert"]) for row in rows]


def read_alert(store: GraphStore, principal: Principal, alert: str) -> dict[str, Any]:
    """Open one's own alert: marked read (audited as ``alert_read``) and returned, when its
    recipient may still open the lead. Anyone else's: :class:`Forbidden`, audited as
    ``alert_denied``."""
    require(principal, "analyst", "officer", "admin")
    row = store.read_one(ONE, id=alert)
    if row is None:
        raise UserError(f"no alert {alert}")
    found = _decoded(row["alert"])
    if found["recipient"] != principal.username:
        audit.append(store, principal.username, "alert_denied", f"alert:{alert}")
        raise Forbidden("an alert is read by its recipient only")
    lifecycle.check_view(store, principal, found["lead_id"])  # rights may have changed since
    store.write(MARK_READ, id=alert, at=utc_now())
    audit.append(
        store, principal.username, "alert_read", f"alert:{alert}",
        {"kind": found["kind"], "lead": found["lead_id"]},
    )  # fmt: skip
    return _decoded(store.read_one(ONE, id=alert)["alert"])  # type: ignore[index]
