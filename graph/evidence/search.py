"""Finding entities for a user, within their rights, with numbers masked where they must be.

Rights (shared/DESIGN.md):

* an analyst sees the entities their org's submissions assert, and those one link away from
  them (reached from their data); raw phone numbers and names only for what their own org
  submitted, masked otherwise;
* an officer sees the entities of the leads pushed to them or their unit, unmasked;
* an admin sees everything, unmasked.

Every search is audited.
"""

from __future__ import annotations

from typing import Any

from graph.db.store import GraphStore
from graph.workflow import audit
from graph.workflow.auth import Forbidden, Principal

HIDDEN = {"sources", "submissions"}

BY_KEYS = """
UNWIND $keys AS key
MATCH (n:Entity {key: key})
RETURN n.key AS key, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, properties(n) AS props
"""

BY_COMPLAINT_ID = """
MATCH (n:Complaint {complaint_id: $id})
RETURN n.key AS key, 'Complaint' AS label, properties(n) AS props
LIMIT 50
"""

BY_NAME = """
MATCH (n:Entity)
WHERE (n:Firm OR n:Account OR n:Person) AND
      (toLower(coalesce(n.name, '')) CONTAINS toLower($text)
       OR toLower(coalesce(n.nickname, '')) CONTAINS toLower($text)
       OR toLower(coalesce(n.handle, '')) CONTAINS toLower($text))
RETURN n.key AS key, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, properties(n) AS props
ORDER BY n.key
LIMIT $limit
"""

# Submissions of the analyst's org, and the entities one link away from what they assert.
ORG_SUBMISSIONS = (
    "MATCH (:Org {name: $org})-[:SUBMITTED]->(s:Submission) RETURN collect(s.id) AS ids"
)

REACHED_FROM_ORG = """
UNWIND $keys AS key
MATCH (n:Entity {key: key})
WHERE any(s IN coalesce(n.submissions, []) WHERE s IN $subs)
   OR EXISTS { MATCH (n)--(m:Entity) WHERE any(s IN coalesce(m.submissions, []) WHERE s IN $subs) }
RETURN n.key AS key, any(s IN coalesce(n.submissions, []) WHERE s IN $subs) AS own
"""

IN_OFFICER_LEADS = """
UNWIND $keys AS key
MATCH (n:Entity {key: key})<-[:INVOLVES]-(l:Lead)-[:PUSHED_TO]->(t)
WHERE (t:User AND t.username = $username) OR (t:Org AND t.name = $unit)
RETURN DISTINCT n.key AS key, true AS own
"""


def mask_phone(e164: str) -> str:
    """``+8613800138000`` → ``+86138****8000``: enough to recognise, not to call."""
    if len(e164) < 8:
        return e164[:3] + "****"
    return e164[:-8] + "****" + e164[-4:]


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else name


def entities_by_keys(store: GraphStore, keys: list[str]) -> list[dict[str, Any]]:
    """``{key, label, props}`` of each entity of ``keys`` that exists (no rights applied)."""
    return store.read(BY_KEYS, keys=keys) if keys else []


def masked(entity: dict[str, Any]) -> dict[str, Any]:
    """The entity with phone numbers and personal names masked (ID numbers are never stored)."""
    props = dict(entity["props"])
    key = entity["key"]
    if entity["label"] == "Phone" and props.get("e164"):
        props["e164"] = mask_phone(props["e164"])
        key = "phone:" + props["e164"]
    if entity["label"] == "Person" and props.get("name"):
        props["name"] = mask_name(props["name"])
    return {**entity, "display_key": key, "props": props, "masked": True}


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": row["key"],
        "label": row["label"],
        "display_key": row["key"],
        "props": {k: v for k, v in row["props"].items() if k not in HIDDEN},
        "masked": False,
    }


def rights(store: GraphStore, principal: Principal, keys: list[str]) -> dict[str, bool]:
    """key → may see raw values, for each of ``keys`` the principal may see at all."""
    if principal.is_admin:
        return dict.fromkeys(keys, True)
    if principal.role == "analyst":
        subs = store.read_one(ORG_SUBMISSIONS, org=principal.org)
        rows = store.read(REACHED_FROM_ORG, keys=keys, subs=subs["ids"] if subs else [])
    elif principal.role == "officer":
        rows = store.read(
            IN_OFFICER_LEADS, keys=keys, username=principal.username, unit=principal.org
        )
    else:
        raise Forbidden("unknown role")
    return {row["key"]: bool(row["own"]) for row in rows}


def apply_rights(
    store: GraphStore, principal: Principal, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Drop what ``principal`` may not see; mask what they may see but not raw."""
    allowed = rights(store, principal, [row["key"] for row in rows])
    result = []
    for row in rows:
        if row["key"] not in allowed:
            continue
        entity = _clean(row)
        result.append(entity if allowed[row["key"]] else masked(entity))
    return result


def find_entities(
    store: GraphStore,
    principal: Principal,
    *,
    keys: list[str] | None = None,
    complaint_id: str | None = None,
    name: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Entities by exact keys, by complaint id or by part of a name, within the principal's
    rights; the search itself is audited."""
    rows: list[dict[str, Any]] = []
    if keys:
        rows += store.read(BY_KEYS, keys=keys)
    if complaint_id:
        rows += store.read(BY_COMPLAINT_ID, id=complaint_id)
    if name and len(name.strip()) >= 2:
        rows += store.read(BY_NAME, text=name.strip(), limit=limit)
    unique = list({row["key"]: row for row in rows}.values())[:limit]
    visible = apply_rights(store, principal, unique)
    audit.append(
        store,
        principal.username,
        "search",
        None,
        {"keys": keys or [], "complaint_id": complaint_id, "name": name, "results": len(visible)},
    )
    return visible
