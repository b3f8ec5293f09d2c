"""A lead's life after detection, with access checked and every step audited.

``candidate`` → ``lead`` (accepted by an analyst, owned by the analyst's org) → ``pushed`` (to an
officer or a police unit) → ``acknowledged`` → ``investigating`` → ``closed`` with an outcome
(``confirmed``, ``arrested``, ``no_action``, ``need_more_info``). Every transition records who and
when in the lead's history; feedback flows back to the owning org's analysts.

Who may see a lead (enforced here, not only by hiding buttons):

* an analyst — leads their org owns, and every lead (candidate or not) resting on complaints
  their org holds; only the owning org pushes and exports;
* an officer — leads pushed to them or to their unit;
* an admin — every lead.

Each function takes the :class:`~graph.workflow.auth.Principal` asking and raises
:class:`~graph.workflow.auth.Forbidden` otherwise; each view, push, status change and feedback is written
to the audit log.
"""

from __future__ import annotations

import json
from typing import Any

from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.workflow import audit, outbox
from graph.workflow.auth import Forbidden, Principal, require

STATUSES = (
    "candidate",
    "lead",
    "pushed",
    "acknowledged",
    "investigating",
    "closed",
    "stale",
    "dismissed",  # set aside with a reason, kept and restorable (graph.workflow.triage)
)
HIDDEN_BY_DEFAULT = ("dismissed",)  # lists show these only when asked for by status
OFFICER_STATUSES = ("acknowledged", "investigating", "closed")
OUTCOMES = ("confirmed", "arrested", "no_action", "need_more_info")

# The orgs a lead's evidence comes from: those that hold the values of the complaints it involves
# (the lender that filed each, or the regulator that forwarded one no lender submitted). Naming
# another org's complaint in one's own upload makes a Statement, not a contribution.
LEAD_ACCESS = """
MATCH (l:Lead {id: $id})
OPTIONAL MATCH (l)-[:OWNED_BY]->(owner:Org)
OPTIONAL MATCH (l)-[p:PUSHED_TO]->(target)
WITH l, owner, collect(DISTINCT {kind: [x IN labels(target) WHERE x IN ['User', 'Org']][0],
                                 name: coalesce(target.username, target.name)}) AS targets
CALL (l) {
  MATCH (l)-[:INVOLVES]->(c:Complaint)
  WHERE c.values_org IS NOT NULL
  RETURN collect(DISTINCT c.values_org) AS source_orgs
}
RETURN l.status AS status, owner.name AS owner, targets, source_orgs
"""

LEADS_FOR_ANALYST = """
MATCH (l:Lead)
WHERE ($statuses IS NULL OR l.status IN $statuses)
  AND ($assignee IS NULL OR EXISTS { (l)-[:ASSIGNED_TO]->(:User {username: $assignee}) })
  AND (EXISTS { (l)-[:OWNED_BY]->(:Org {name: $org}) }
       OR EXISTS { MATCH (l)-[:INVOLVES]->(c:Complaint) WHERE c.values_org = $org })
RETURN l.id AS id, l.title AS title, l.score AS score, l.status AS status, l.size AS size,
       l.date_first AS date_first, l.date_last AS date_last,
       l.explanation_json AS explanation_json, l.feedback_json AS feedback_json,
       [(l)-[:ASSIGNED_TO]->(u:User)-[:MEMBER_OF]->(:Org {name: $org}) | u.username] AS assigned,
       l.rank_score AS rank_score, l.ranking_json AS ranking_json
ORDER BY coalesce(l.rank_score, l.score) DESC, l.id
LIMIT $limit
"""

LEADS_FOR_OFFICER = """
MATCH (l:Lead)-[p:PUSHED_TO]->(target)
WHERE (target:User AND target.username = $username) OR (target:Org AND target.name = $unit)
WITH l, max(p.at) AS pushed_at, collect(p.note)[0] AS note,
     any(x IN collect(coalesce(p.read_by, [])) WHERE $username IN x) AS read
RETURN l.id AS id, l.title AS title, l.score AS score, l.status AS status, l.size AS size,
       pushed_at, note, read, l.explanation_json AS explanation_json
ORDER BY read, pushed_at DESC
"""

ALL_LEADS = """
MATCH (l:Lead)
WHERE ($statuses IS NULL OR l.status IN $statuses)
  AND ($assignee IS NULL OR EXISTS { (l)-[:ASSIGNED_TO]->(:User {username: $assignee}) })
RETURN l.id AS id, l.title AS title, l.score AS score, l.status AS status, l.size AS size,
       l.date_first AS date_first, l.date_last AS date_last,
       l.explanation_json AS explanation_json, l.feedback_json AS feedback_json,
       [(l)-[:ASSIGNED_TO]->(u:User) | u.username] AS assigned,
       l.rank_score AS rank_score, l.ranking_json AS ranking_json
ORDER BY coalesce(l.rank_score, l.score) DESC, l.id
LIMIT $limit
"""

LEAD_DETAIL = "MATCH (l:Lead {id: $id}) RETURN properties(l) AS lead"

ACCEPT = """
MATCH (l:Lead {id: $id}), (o:Org {name: $org}), (u:User {username: $username})
SET l.status = 'lead', l.summary_text = $summary, l.accepted_by = $username, l.org = $org,
    l.accepted_at = $at, l.history_json = $history
MERGE (l)-[:OWNED_BY]->(o)
MERGE (l)-[:ACCEPTED_BY]->(u)
"""

PUSH_TO_USER = """
MATCH (l:Lead {id: $id}), (t:User {username: $target})
WHERE t.role = 'officer'
MERGE (l)-[p:PUSHED_TO]->(t)
SET p.at = $at, p.at_ms = timestamp(), p.by = $username, p.note = $note, p.read_by = [],
    p.kind = 'fact',
    l.status = 'pushed', l.officer = $target, l.history_json = $history
RETURN count(p) AS pushed
"""

PUSH_TO_UNIT = """
MATCH (l:Lead {id: $id}), (t:Org {name: $target, kind: 'police'})
MERGE (l)-[p:PUSHED_TO]->(t)
SET p.at = $at, p.at_ms = timestamp(), p.by = $username, p.note = $note, p.read_by = [],
    p.kind = 'fact',
    l.status = 'pushed', l.unit = $target, l.history_json = $history
RETURN count(p) AS pushed
"""

MARK_READ = """
MATCH (l:Lead {id: $id})-[p:PUSHED_TO]->(target)
WHERE (target:User AND target.username = $username) OR (target:Org AND target.name = $unit)
SET p.read_by = CASE WHEN $username IN coalesce(p.read_by, []) THEN p.read_by
                     ELSE coalesce(p.read_by, []) + $username END
"""

SET_STATUS = """
MATCH (l:Lead {id: $id}), (u:User {username: $username})
SET l.status = $status, l.outcome = $outcome, l.history_json = $history,
    l.feedback_json = $feedback_json
WITH l, u
WHERE $feedback IS NOT NULL OR $outcome IS NOT NULL
CREATE (l)-[:FEEDBACK {outcome: $outcome, text: $feedback, at: $at, by: $username,
                       status: $status, kind: 'fact'}]->(u)
"""


def _access(store: GraphStore, lead_id: str) -> dict[str, Any]:
    row = store.read_one(LEAD_ACCESS, id=lead_id)
    if row is None:
        raise UserError(f"no lead {lead_id!r}")
    return row


def _may_view(principal: Principal, access: dict[str, Any]) -> bool:
    if principal.is_admin:
        return True
    if principal.role == "analyst":
        # the owning org, and every org whose complaints the lead rests on: accepting a
        # candidate does not lock its other contributors out (they see it, masked as ever)
        return access["owner"] == principal.org or principal.org in access["source_orgs"]
    if principal.role == "officer":
        return any(
            (t["kind"] == "User" and t["name"] == principal.username)
            or (t["kind"] == "Org" and t["name"] == principal.org)
            for t in access["targets"]
        )
    return False


def may_view(store: GraphStore, principal: Principal, lead_id: str) -> bool:
    """Whether ``principal`` may see the lead (as :func:`check_view` decides, without auditing):
    for lists that name leads, such as an entity's profile."""
    return _may_view(principal, _access(store, lead_id))


def check_view(store: GraphStore, principal: Principal, lead_id: str) -> dict[str, Any]:
    access = _access(store, lead_id)
    if not _may_view(principal, access):
        audit.append(store, principal.username, "view_denied", f"lead:{lead_id}")
        raise Forbidden(f"{principal.username} may not see lead {lead_id}")
    return access


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for name in (
        "explanation_json",
        "feedback_json",
        "summary_json",
        "history_json",
        "method_json",
        "ranking_json",
        "features_json",
    ):
        if name in row:
            row[name.removesuffix("_json")] = json.loads(row.pop(name) or "null")
    return row


def visible_leads(
    store: GraphStore,
    principal: Principal,
    *,
    statuses: list[str] | None = None,
    assignee: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """The leads ``principal`` may see: an analyst's candidates and org leads, an officer's
    inbox (unread first), or everything for an admin. Dismissed leads are left out unless
    ``statuses`` names them; ``assignee`` keeps the leads assigned to that user (with
    ``assigned``: the assignees of the analyst's own org, or all of them for an admin)."""
    if statuses is None:
        statuses = [s for s in STATUSES if s not in HIDDEN_BY_DEFAULT]
    if principal.role == "analyst":
        rows = store.read(
            LEADS_FOR_ANALYST, org=principal.org, statuses=statuses, assignee=assignee, limit=limit
        )
    elif principal.role == "officer":
        rows = store.read(LEADS_FOR_OFFICER, username=principal.username, unit=principal.org)
    elif principal.is_admin:
        rows = store.read(ALL_LEADS, statuses=statuses, assignee=assignee, limit=limit)
    else:
        raise Forbidden("unknown role")
    return [_decode(row) for row in rows]


def view_lead(store: GraphStore, principal: Principal, lead_id: str) -> dict[str, Any]:
    """A lead's details for ``principal`` (checked and audited); marks it read for an officer."""
    check_view(store, principal, lead_id)
    lead = _decode(store.read(LEAD_DETAIL, id=lead_id)[0]["lead"])
    if principal.role == "officer":
        store.write(MARK_READ, id=lead_id, username=principal.username, unit=principal.org)
    audit.append(store, principal.username, "view_lead", f"lead:{lead_id}")
    return lead


def _history(
    store: GraphStore, lead_id: str, principal: Principal, event: str, **extra: Any
) -> str:
    lead = store.read(LEAD_DETAIL, id=lead_id)[0]["lead"]
    history = json.loads(lead.get("history_json") or "[]")
    history.append({"event": event, "by": principal.username, "at": utc_now(), **extra})
    return json.dumps(history, ensure_ascii=False)


def accept_lead(store: GraphStore, principal: Principal, lead_id: str, summary: str = "") -> None:
    """An analyst accepts a candidate: it becomes their org's lead, never touched by detect."""
    require(principal, "analyst")
    access = check_view(store, principal, lead_id)
    if access["status"] not in ("candidate", "lead"):
        raise UserError(f"lead {lead_id} is {access['status']}; only a candidate can be accepted")
    if access["owner"] and access["owner"] != principal.org:
        raise Forbidden(f"lead {lead_id} was accepted by another org; it stays theirs to push")
    store.write(
        ACCEPT,
        id=lead_id,
        org=principal.org,
        username=principal.username,
        summary=summary,
        at=utc_now(),
        history=_history(store, lead_id, principal, "accepted"),
    )
    audit.append(store, principal.username, "accept", f"lead:{lead_id}", {"summary": summary})


def push_lead(
    store: GraphStore,
    principal: Principal,
    lead_id: str,
    *,
    officer: str | None = None,
    unit: str | None = None,
    note: str = "",
) -> None:
    """An analyst pushes their org's lead to an officer or a police unit."""
    require(principal, "analyst")
    access = check_view(store, principal, lead_id)
    if access["owner"] != principal.org:
        raise Forbidden("accept the candidate before pushing it")
    if access["status"] == "closed":
        # pushing would silently reset an officer's outcome: reopening is its own, audited step
        raise UserError(f"lead {lead_id} is closed; reopen it first (with a reason), then push")
    if bool(officer) == bool(unit):
        raise UserError("push to one officer or one police unit")
    query, target = (PUSH_TO_USER, officer) if officer else (PUSH_TO_UNIT, unit)
    history = _history(store, lead_id, principal, "pushed", to=target, note=note)
    at = utc_now()
    # Webhook and email messages wait in the outbox, written in the push's own transaction (a
    # push is never without its messages, nor a message without its push); the app layer sends
    # them (graph.workflow.notify).
    messages = outbox.push_notifications(
        store,
        lead_id=lead_id,
        pushed_by=principal.username,
        target=target or "",
        target_kind="officer" if officer else "unit",
        note=note,
        pushed_at=at,
    )
    push = (
        query,
        {"id": lead_id, "target": target, "username": principal.username, "note": note,
         "at": at, "history": history},
    )  # fmt: skip

    def pushed(index: int, records: list[dict[str, Any]]) -> None:
        if index == 0 and (not records or records[0]["pushed"] == 0):
            raise UserError(f"no officer or police unit named {target!r}")

    store.write_all([push, (outbox.ENQUEUE, {"rows": messages})], check=pushed)
    audit.append(store, principal.username, "push", f"lead:{lead_id}", {"to": target, "note": note})


REOPEN = """
MATCH (l:Lead {id: $id}) WHERE l.status = 'closed'
SET l.status = 'lead', l.reopened_at = $at, l.reopened_by = $username, l.history_json = $history
RETURN count(l) AS reopened
"""


def reopen_lead(store: GraphStore, principal: Principal, lead_id: str, reason: str) -> None:
    """The owning org's analyst reopens a closed lead (say why), so that it can be pushed
    again; the officer's outcome stays in its history and feedback."""
    require(principal, "analyst")
    access = check_view(store, principal, lead_id)
    if access["owner"] != principal.org:
        raise Forbidden("only the owning org reopens its lead")
    if access["status"] != "closed":
        raise UserError(f"lead {lead_id} is {access['status']}, not closed")
    if not reason.strip():
        raise UserError("say why the lead is reopened")
    history = _history(store, lead_id, principal, "reopened", reason=reason)
    store.write(REOPEN, id=lead_id, at=utc_now(), username=principal.username, history=history)
    audit.append(store, principal.username, "reopen", f"lead:{lead_id}", {"reason": reason})


def set_status(
    store: GraphStore,
    principal: Principal,
    lead_id: str,
    status: str,
    *,
    outcome: str | None = None,
    feedback: str | None = None,
) -> None:
    """An officer moves a pushed lead on and sends feedback; it flows back to the analysts."""
    require(principal, "officer")
    check_view(store, principal, lead_id)
    if status not in OFFICER_STATUSES:
        raise UserError(f"status must be one of {', '.join(OFFICER_STATUSES)}")
    if status == "closed" and outcome not in OUTCOMES:
        raise UserError(f"closing needs an outcome: {', '.join(OUTCOMES)}")
    if outcome is not None and outcome not in OUTCOMES:
        raise UserError(f"outcome must be one of {', '.join(OUTCOMES)}")
    lead = store.read(LEAD_DETAIL, id=lead_id)[0]["lead"]
    feedback_items = json.loads(lead.get("feedback_json") or "[]")
    if feedback or outcome:
        feedback_items.append(
            {"by": principal.username, "unit": principal.org, "at": utc_now(), "status": status,
             "outcome": outcome, "text": feedback}
        )  # fmt: skip
    store.write(
        SET_STATUS,
        id=lead_id,
        username=principal.username,
        status=status,
        outcome=outcome,
        feedback=feedback,
        at=utc_now(),
        history=_history(store, lead_id, principal, status, outcome=outcome),
        feedback_json=json.dumps(feedback_items, ensure_ascii=False),
    )
    audit.append(
        store,
        principal.username,
        "feedback",
        f"lead:{lead_id}",
        {"status": status, "outcome": outcome, "text": feedback},
    )
