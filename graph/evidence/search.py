"""Finding entities for a user, within their rights, with numbers masked where they must be.

Rights (shared/DESIGN.md):

* an analyst sees the entities their org's submissions assert, and those one link away from
  them (reached from their data); raw phone numbers and names only for what their own org
  submitted, masked otherwise;
* an officer sees the entities of the leads pushed to them or their unit, unmasked;
* an admin sees everything, unmasked.

Every search is audited.

Free text is matched as part of a name (a person's name also folded: ``张 三`` finds ``张三``)
and, for firms, fuzzily: the full-text index ``statement_name`` (``cjk`` analyser: Chinese as
overlapping character pairs, Latin words of four letters or more one edit away) proposes at most
``FUZZY_POOL`` statements, and each firm is kept when at least ``FUZZY_MIN`` of the typed name's
characters appear in its name in order (both folded as firm name keys,
:func:`graph.values.names.firm_name_key`). That share is the firm's ``match`` score, shown with
the name it matched. An analyst's fuzzy search, like its name search, reads only its own org's
statements.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher
from typing import Any

from graph.core import settings
from graph.core.clock import format_time
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.evidence.rights import compose, compose_by_key, resolve, rights
from graph.values.names import firm_name_key
from graph.values.person import fold_person_name
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
       OR replace(toLower(coalesce(n.name, '')), ' ', '') CONTAINS $folded
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
     OR replace(toLower(coalesce(s.name, '')), ' ', '') CONTAINS $folded
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


BY_HANDLE = """
MATCH (n:Account {handle: $handle})
RETURN n.key AS key, 'Account' AS label, properties(n) AS props
ORDER BY key
LIMIT $limit
"""

# Firms whose stated name the full-text index finds near the typed one ($org: an analyst's own
# statements only; null for officers and admins).
FUZZY_FIRMS = """
CALL db.index.fulltext.queryNodes('statement_name', $lucene, {limit: $pool})
YIELD node AS s
WHERE $org IS NULL OR s.org = $org
MATCH (s)-[:ABOUT]->(n:Firm)
RETURN n.key AS key, 'Firm' AS label, properties(n) AS props, s.name AS matched
"""

FUZZY_POOL = 200  # statements the index proposes
FUZZY_LIMIT = 20  # firms a fuzzy search returns at most
FUZZY_MIN = 0.7  # share of the typed name's characters found in order in the firm's name
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def lucene_query(typed: str) -> str:
    """The full-text query for a typed firm name: Latin words of four letters or more fuzzy
    (``word~1``: one edit away), the rest as
    text the analyser splits into character pairs; every special character escaped."""
    terms = []
    for word in firm_name_key(typed).split():
        if word.isascii() and word.isalnum():
            terms.append(f"{word}~1" if len(word) >= 4 else word)
        else:
            terms.append(_LUCENE_SPECIAL.sub(r"\\\1", word))
    return " ".join(terms)


def name_match(typed: str, name: str) -> float:
    """Share of the characters of ``typed`` that appear in ``name`` in order (both folded as
    firm name keys, spaces ignored): 1.0 when the name contains the typed one."""
    a = firm_name_key(typed).replace(" ", "")
    b = firm_name_key(name).replace(" ", "")
    if not a or not b:
        return 0.0
    matched = sum(block.size for block in SequenceMatcher(None, a, b).get_matching_blocks())
    return matched / len(a)


def fuzzy_firms(store: GraphStore, typed: str, org: str | None) -> list[dict[str, Any]]:
    """Firms whose name is near ``typed``, best first, each with ``match: {score, name}``."""
    query = lucene_query(typed)
    if len(firm_name_key(typed).replace(" ", "")) < 2 or not query.strip():
        return []
    best: dict[str, dict[str, Any]] = {}
    for row in store.read(FUZZY_FIRMS, lucene=query, pool=FUZZY_POOL, org=org):
        score = name_match(typed, row["matched"] or "")
        if score >= FUZZY_MIN and score > best.get(row["key"], {}).get("score", -1.0):
            best[row["key"]] = {**row, "score": score}
    ranked = sorted(best.values(), key=lambda r: (-r["score"], len(r["matched"]), r["key"]))
    return [
        {
            "key": r["key"],
            "label": r["label"],
            "props": r["props"],
            "match": {"score": round(r["score"], 2), "name": r["matched"]},
        }
        for r in ranked[:FUZZY_LIMIT]
    ]


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
    handle: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Entities by exact keys, by complaint id, by an account handle on any platform, or by
    part of a name (firms also fuzzily, with a ``match`` score), within the principal's rights;
    the search itself is audited."""
    _check_rate(store, principal)
    rows: list[dict[str, Any]] = []
    if keys:
        rows += store.read(BY_KEYS, keys=[resolve(key) for key in keys])
    if complaint_id:
        rows += store.read(BY_COMPLAINT_ID, id=complaint_id)
    if handle:
        rows += store.read(BY_HANDLE, handle=handle, limit=limit)
    fuzzy: list[dict[str, Any]] = []
    if name and len(name.strip()) >= 2:
        text, folded = name.strip(), fold_person_name(name)
        if principal.role == "analyst":
            rows += store.read(
                BY_NAME_OF_ORG, text=text, folded=folded, org=principal.org, limit=limit
            )
        else:
            rows += store.read(BY_NAME, text=text, folded=folded, limit=limit)
        fuzzy = fuzzy_firms(store, text, principal.org if principal.role == "analyst" else None)
    # exact finds first; a firm found fuzzily only comes after them, with its score
    unique = list({row["key"]: row for row in rows}.values())
    seen = {row["key"] for row in unique}
    unique += [row for row in fuzzy if row["key"] not in seen]
    scores = {row["key"]: row["match"] for row in fuzzy}
    # A lookup answers only with what the principal may see unmasked: found-or-not of a
    # masked number or name would tell another org's data.
    allowed = rights(store, principal, [row["key"] for row in unique])
    found = [row for row in unique if allowed.get(row["key"])][:limit]
    shown = compose_by_key(store, principal, found, allowed=allowed)
    visible = [
        {**entity, "match": scores[key]} if key in scores else entity
        for key, entity in shown.items()
    ]
    audit.append(
        store,
        principal.username,
        "search",
        None,
        {
            "keys": keys or [],
            "complaint_id": complaint_id,
            "name": name,
            "handle": handle,
            "results": len(visible),
        },
    )
    return visible
