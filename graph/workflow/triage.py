"""Triage of leads: dismiss with a reason and restore, assign to an analyst, set the case.

* :func:`dismiss_lead` — a candidate (or a stale candidate, or an accepted lead not yet pushed)
  is set aside with a reason; it is kept, with the status it had, and ``detect`` leaves it
  dismissed (:data:`graph.evidence.leads.UPSERT_CANDIDATES` rewrites candidates and stale ones
  only). :func:`restore_lead` puts it back to the status it had.
* :func:`assign_lead` — one analyst of an org is responsible for the lead within that org; each
  org that may triage a lead has its own assignee (an ``ASSIGNED_TO`` link), so two lenders
  behind one candidate do not overwrite each other's choice.
* :func:`set_case` — the officer the lead was pushed to (or their unit's officer, or an admin)
  records the case number and the reviewing officer; both are printed on the cover sheet.

Who may triage (dismiss, restore, assign): an analyst of the org that owns the lead or, while it
has no owner, of an org whose complaints it rests on (the same analysts who may accept it); an
admin always. Refusals are audited as ``triage_denied`` (``view_denied`` for those who may not
even see the lead). Every change is written to the lead's history and to the audit log.
"""

from __future__ import annotations

from typing import Any

from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.workflow import audit, users
from graph.workflow.auth import Forbidden, Principal, require
from graph.workflow.lifecycle import _history, check_view

DISMISSABLE = ("candidate", "stale", "lead")
CASE_STATUSES = ("pushed", "acknowledged", "investigating", "closed")
MAX_REASON = 1_000
MAX_CASE_FIELD = 100

DISMISS = """
MATCH (l:Lead {id: $id}) WHERE l.status IN $dismissable
SET l.dismissed_from = l.status, l.status = 'dismissed', l.dismiss_reason = $reason,
    l.dismissed_by = $username, l.dismissed_at = $at, l.history_json = $history
RETURN count(l) AS changed
"""

RESTORE = """
MATCH (l:Lead {id: $id}) WHERE l.status = 'dismissed'
SET l.status = coalesce(l.dismissed_from, 'candidate'), l.history_json = $history,
    l.restored_by = $username, l.restored_at = $at
REMOVE l.dismissed_from, l.dismiss_reason, l.dismissed_by, l.dismissed_at
RETURN l.status AS status
"""

# One assignee per org: the org's former assignee link goes, the new one comes.
ASSIGN = """
MATCH (l:Lead {id: $id})
MATCH (u:User {username: $assignee})-[:MEMBER_OF]->(:Org {name: $org})
CALL (l) {
  MATCH (l)-[old:ASSIGNED_TO]->(:User)-[:MEMBER_OF]->(:Org {name: $org})
  DELETE old
}
MERGE (l)-[a:ASSIGNED_TO]->(u)
SET a.by = $username, a.at = $at, l.history_json = $history
RETURN count(a) AS assigned
"""

UNASSIGN = """
MATCH (l:Lead {id: $id})-[old:ASSIGNED_TO]->(:User)-[:MEMBER_OF]->(o:Org)
WHERE $org IS NULL OR o.name = $org
DELETE old
WITH DISTINCT l
SET l.history_json = $history
"""

SET_CASE = """
MATCH (l:Lead {id: $id})
SET l.case_ref = $case_ref, l.reviewing_officer = $reviewing_officer, l.history_json = $history
"""


def triaging_orgs(access: dict[str, Any]) -> list[str]:
    """The orgs whose analysts may triage a lead: its owner, else the orgs it rests on."""
    return [access["owner"]] if access["owner"] else list(access["source_orgs"])


def _check_triage(
    store: GraphStore, principal: Principal, lead_id: str, action: str
) -> dict[str, Any]:
    require(principal, "analyst", "admin")
    access = check_view(store, principal, lead_id)  # audits view_denied
    if not principal.is_admin and principal.org not in triaging_orgs(access):
        audit.append(
            store, principal.username, "triage_denied", f"lead:{lead_id}", {"action": action}
        )
        raise Forbidden(f"lead {lead_id} belongs to {access['owner']}; only that org triages it")
    return access


def _reason(text: str, what: str) -> str:
    reason = " ".join((text or "").split())
    if not reason:
        raise UserError(f"say why the lead is {what}")
    if len(reason) > MAX_REASON:
        raise UserError(f"a reason is at most {MAX_REASON} characters")
    return reason


def dismiss_lead(store: GraphStore, principal: Principal, lead_id: str, reason: str) -> None:
    """Set a lead aside with a reason; it is kept (with its former status) and can be restored."""
    access = _check_triage(store, principal, lead_id, "dismiss")
    reason = _reason(reason, "dismissed")
    if access["status"] not in DISMISSABLE:
        raise UserError(
            f"lead {lead_id} is {access['status']}; only a candidate or a lead not yet pushed "
            "can be dismissed"
        )
    history = _history(
        store, lead_id, principal, "dismissed", reason=reason, previous=access["status"]
    )
    rows = store.write(
        DISMISS,
        id=lead_id,
        dismissable=list(DISMISSABLE),
        reason=reason,
        username=principal.username,
        at=utc_now(),
        history=history,
    )
    if not rows or rows[0]["changed"] == 0:
        raise UserError(f"lead {lead_id} changed meanwhile; look again")
    audit.append(
        store,
        principal.username,
        "dismiss",
        f"lead:{lead_id}",
        {"reason": reason, "previous": access["status"]},
    )


def restore_lead(store: GraphStore, principal: Principal, lead_id: str, reason: str = "") -> str:
    """Put a dismissed lead back to the status it had; returns that status."""
    access = _check_triage(store, principal, lead_id, "restore")
    if access["status"] != "dismissed":
        raise UserError(f"lead {lead_id} is {access['status']}, not dismissed")
    reason = " ".join((reason or "").split())[:MAX_REASON]
    history = _history(store, lead_id, principal, "restored", reason=reason)
    rows = store.write(
        RESTORE, id=lead_id, username=principal.username, at=utc_now(), history=history
    )
    if not rows:
        raise UserError(f"lead {lead_id} changed meanwhile; look again")
    status = str(rows[0]["status"])
    audit.append(
        store,
        principal.username,
        "restore",
        f"lead:{lead_id}",
        {"reason": reason, "status": status},
    )
    return status


def assign_lead(
    store: GraphStore, principal: Principal, lead_id: str, username: str | None
) -> None:
    """Make ``username`` (an active analyst of the principal's org; for an admin, of an org that
    may triage the lead) responsible for it; ``None`` clears the assignment."""
    access = _check_triage(store, principal, lead_id, "assign")
    org = None if principal.is_admin else principal.org
    if username is None:
        history = _history(store, lead_id, principal, "unassigned")
        store.write(UNASSIGN, id=lead_id, org=org, history=history)
        audit.append(store, principal.username, "assign", f"lead:{lead_id}", {"to": None})
        return
    user = users.get_user(store, username)
    if user is None or user.role != "analyst" or user.disabled:
        raise UserError(f"no active analyst named {username!r}")
    allowed = triaging_orgs(access) if principal.is_admin else [principal.org]
    if user.org not in allowed:
        audit.append(
            store,
            principal.username,
            "triage_denied",
            f"lead:{lead_id}",
            {"action": "assign", "to": username},
        )
        raise Forbidden(f"{username} is not an analyst of an org that triages lead {lead_id}")
    history = _history(store, lead_id, principal, "assigned", to=username)
    store.write(
        ASSIGN,
        id=lead_id,
        assignee=username,
        org=user.org,
        username=principal.username,
        at=utc_now(),
        history=history,
    )
    audit.append(store, principal.username, "assign", f"lead:{lead_id}", {"to": username})


def _case_field(value: str | None, name: str) -> str | None:
    text = " ".join((value or "").split())
    if len(text) > MAX_CASE_FIELD:
        raise UserError(f"the {name} is at most {MAX_CASE_FIELD} characters")
    return text or None


def set_case(
    store: GraphStore,
    principal: Principal,
    lead_id: str,
    case_ref: str | None,
    reviewing_officer: str | None,
) -> None:
    """The officer a lead was pushed to (or an admin) records its case number and reviewing
    officer (empty clears one); both appear on the court package's cover and chart."""
    require(principal, "officer", "admin")
    access = check_view(store, principal, lead_id)  # officers: pushed to them or their unit
    if access["status"] not in CASE_STATUSES:
        raise UserError(f"lead {lead_id} is {access['status']}; a case is set once it is pushed")
    case = _case_field(case_ref, "case number")
    officer = _case_field(reviewing_officer, "reviewing officer")
    history = _history(
        store, lead_id, principal, "case_set", case_ref=case, reviewing_officer=officer
    )
    store.write(SET_CASE, id=lead_id, case_ref=case, reviewing_officer=officer, history=history)
    audit.append(
        store,
        principal.username,
        "case_set",
        f"lead:{lead_id}",
        {"case_ref": case, "reviewing_officer": officer},
    )
