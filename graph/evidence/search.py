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

from datetime import UTC, datetime, timedelta
from typing import Any

from graph.core import settings
from graph.core.clock import format_time
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.evidence.rights import compose, resolve, rights
from graph.workflow import audit
from graph.workflow.auth import Principal

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


# An analyst's name search reads only its own org's statements (and account handles, which are
# identity): matching another party's name for an entity would tell that party's value.
BY_NAME_OF_ORG = """
CALL () {
  MATCH (s:Statement {org: $org})
  WHERE toLower(coalesce(s.name, '')) CONTAINS toLower($text)
     OR toLower(coalesce(s.nickname, '')) CONTAINS toLower($text)
  MATCH (s)-[:ABOUT]->(n:Entity)
  RETURN n
  UNION
  MATCH (n:Account) WHERE toLower(n.handle) CONTAINS toLower($text)
  RETURN n
}
RETURN DISTINCT n.key AS key, [l IN labels(n) WHERE l <> 'Entity'][0] AS label,
       properties(n) AS props
ORDER BY key
LIMIT $limit
"""


def entities_by_keys(store: GraphStore, keys: list[str]) -> list[dict[str, Any]]:
    """``{key, label, props}`` of each entity of ``keys`` that exists (no rights applied)."""
    return store.read(BY_KEYS, keys=keys) if keys else []


def apply_rights(
    store: GraphStore, principal: Principal, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Drop what ``principal`` may not see; mask what they may see but not raw
    (:func:`graph.evidence.rights.compose`)."""
    return compose(store, principal, rows)


def _check_rate(store: GraphStore, principal: Principal) -> None:
    """At most ``LEADGRAPH_SEARCHES_PER_MINUTE`` searches a user a minute (counted in the audit
    log, so every process and page shares the count): thousands of guesses are not a search."""
    limit = settings.load().searches_per_minute
    since = format_time(datetime.now(UTC) - timedelta(minutes=1))
    if audit.count_recent(store, principal.username, "search", since) >= limit:
        audit.append(store, principal.username, "search_refused", None, {"limit": limit})
        raise UserError(f"more than {limit} searches in a minute; wait a minute and try again")


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
    _check_rate(store, principal)
    rows: list[dict[str, Any]] = []
    if keys:
        rows += store.read(BY_KEYS, keys=[resolve(key) for key in keys])
    if complaint_id:
        rows += store.read(BY_COMPLAINT_ID, id=complaint_id)
    if name and len(name.strip()) >= 2:
        if principal.role == "analyst":
            rows += store.read(BY_NAME_OF_ORG, text=name.strip(), org=principal.org, limit=limit)
        else:
            rows += store.read(BY_NAME, text=name.strip(), limit=limit)
    unique = list({row["key"]: row for row in rows}.values())
    # A lookup answers only with what the principal may see unmasked: found-or-not of a
    # masked number or name would tell another org's data.
    allowed = rights(store, principal, [row["key"] for row in unique])
    found = [row for row in unique if allowed.get(row["key"])][:limit]
    visible = compose(store, principal, found, allowed=allowed)
    audit.append(
        store,
        principal.username,
        "search",
        None,
        {"keys": keys or [], "complaint_id": complaint_id, "name": name, "results": len(visible)},
    )
    return visible
