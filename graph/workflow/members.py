"""Adding entities to a lead by hand: an analyst picks them on the chart ("add to lead as
evidence") and they become members of the lead.

* Only an analyst of the org that owns the lead (it has been accepted) adds members; an officer,
  another org's analyst (even one whose complaints the lead rests on) and an admin are refused,
  audited as ``evidence_denied`` (``view_denied`` for one who may not even see the lead).
* Only entities within the analyst's rights are added (a masked one by its pseudonym); one
  outside them refuses the whole request, audited as ``view_denied``. Entities already in the
  lead (shown on its page, masked or not) are left as they are.
* A member added by hand is an ``INVOLVES`` link with ``kind: 'manual'`` and the reason
  ``added by <user> on <date>``, so a reader tells it from what detection matched. Detection
  never rewrites an accepted lead (:data:`graph.evidence.leads.UPSERT_CANDIDATES`).
* The addition goes into the lead's history and the audit log (``evidence_add``).
"""

from __future__ import annotations

from typing import Any

from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.evidence.rights import resolve, rights
from graph.workflow import audit, lifecycle
from graph.workflow.auth import Forbidden, Principal, require

MAX_MEMBERS = 300  # entities one request adds

ADD_MEMBERS = """
MATCH (l:Lead {id: $id})
CALL (l) {
  UNWIND $keys AS key
  MATCH (x:Entity {key: key})
  WHERE NOT (l)-[:INVOLVES]->(x)
  CREATE (l)-[:INVOLVES {kind: 'manual', role: 'added', reason: $reason, added_by: $username,
                         added_at: $at}]->(x)
  RETURN collect(x.key) AS added
}
SET l.history_json = $history
RETURN added
"""


MEMBER_KEYS = "MATCH (:Lead {id: $id})-[:INVOLVES]->(x:Entity) RETURN x.key AS key"


def add_members(
    store: GraphStore, principal: Principal, lead_id: str, keys: list[str]
) -> list[str]:
    """Add the entities ``keys`` (keys or pseudonyms) to the lead; returns the keys added (those
    already members are left as they are)."""
    require(principal, "analyst", "officer", "admin")
    access = lifecycle.check_view(store, principal, lead_id)  # audits view_denied
    if principal.role != "analyst" or not access["owner"] or access["owner"] != principal.org:
        audit.append(store, principal.username, "evidence_denied", f"lead:{lead_id}")
        raise Forbidden(
            f"only an analyst of the org that owns lead {lead_id} adds evidence to it"
            + ("" if access["owner"] else " (accept it first)")
        )
    wanted = list(dict.fromkeys(resolve(key) for key in keys))
    if not wanted:
        raise UserError("choose the entities to add")
    if len(wanted) > MAX_MEMBERS:
        raise UserError(f"at most {MAX_MEMBERS} entities at a time")
    # a member is shown on the lead's page already; any other must be within the rights
    current = {row["key"] for row in store.read(MEMBER_KEYS, id=lead_id)}
    new = [key for key in wanted if key not in current]
    seen = rights(store, principal, new)
    outside = [key for key in new if key not in seen]
    if outside:
        audit.append(
            store, principal.username, "view_denied", f"lead:{lead_id}", {"entities": len(outside)}
        )
        raise Forbidden(f"{principal.username} may not see {len(outside)} of these entities")
    at = utc_now()
    reason = f"added by {principal.username} on {at[:10]}"
    history = lifecycle._history(store, lead_id, principal, "evidence_added", count=len(new))
    row = store.write(
        ADD_MEMBERS,
        id=lead_id,
        keys=wanted,
        reason=reason,
        username=principal.username,
        at=at,
        history=history,
    )
    added: list[str] = row[0]["added"] if row else []
    details: dict[str, Any] = {"added": len(added), "asked": len(wanted)}
    audit.append(store, principal.username, "evidence_add", f"lead:{lead_id}", details)
    return added
