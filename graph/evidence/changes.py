"""What changed since a moment: the submissions that landed after it and the facts they added
about given entities — their Statements (values) and the links whose sources are their rows.

The reads behind watching (:mod:`graph.workflow.watch`), kept apart so that alerts on other
things (a candidate that appears, a pushed lead that gains evidence) can ask the same question.
No rights here: every function returns what the graph holds; callers pass the submissions a
viewer may see (``subs``) and compose what they show.

"Since" is a :class:`Since`: a time stamp to the second (``graph.core.clock``) and the ids of
the submissions that landed in that very second and were already seen, so a submission landing
in the same second as a watch was made or marked seen is neither missed nor shown twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.db.store import GraphStore
from graph.evidence.rights import STATEMENT_BOOKKEEPING

LINKS_PER_ENTITY = 200  # new links read per entity and round: a hub's flood is summarised

# A submission landed when its first complete run finished (graph/db/writer.py); one finished
# before ``landed_at`` was recorded counts from its receipt.
LANDED = """
MATCH (s:Submission)
WHERE s.status = 'complete' AND coalesce(s.landed_at, s.received_at) >= $since
  AND NOT s.id IN $seen
  AND ($subs IS NULL OR s.id IN $subs) AND ($only IS NULL OR s.id = $only)
RETURN s.id AS id, s.org AS org, s.file_name AS file_name, s.kind AS kind,
       coalesce(s.landed_at, s.received_at) AS landed_at
ORDER BY landed_at, id
"""

LANDED_AT = """
MATCH (s:Submission)
WHERE s.status = 'complete' AND coalesce(s.landed_at, s.received_at) = $at
RETURN collect(s.id) AS ids
"""

NEW_STATEMENTS = """
UNWIND $keys AS key
MATCH (s:Statement {entity: key})
WHERE s.submission IN $subs
RETURN key, s.submission AS submission, properties(s) AS props
ORDER BY key, submission
"""

# Each entity's links that one of the submissions' rows asserts, with those rows only.
NEW_LINKS = """
UNWIND $keys AS key
MATCH (n:Entity {key: key})
WHERE any(x IN coalesce(n.submissions, []) WHERE x IN $subs)
CALL (n) {
  MATCH (n)-[r]-(o:Entity)
  WITH r, o, [x IN coalesce(r.sources, []) WHERE split(x, '#')[0] IN $subs] AS fresh
  WHERE size(fresh) > 0
  RETURN r, o, fresh
  LIMIT $cap
}
RETURN n.key AS key, type(r) AS type, startNode(r).key AS start, endNode(r).key AS end,
       r.kind AS kind, fresh AS sources, r.first_seen AS first_seen, r.last_seen AS last_seen,
       properties(r) AS props, o.key AS other
"""


@dataclass(frozen=True)
class Since:
    """A moment to the second and the submissions of that second already seen."""

    at: str
    seen: tuple[str, ...] = field(default_factory=tuple)


def since_now(store: GraphStore, at: str) -> Since:
    """``at`` with every submission that landed in that second counted as seen."""
    row = store.read_one(LANDED_AT, at=at)
    return Since(at, tuple(sorted(row["ids"])) if row else ())


def landed(
    store: GraphStore,
    since: Since,
    *,
    subs: set[str] | None = None,
    only: str | None = None,
) -> list[dict[str, Any]]:
    """The complete submissions landed at or after ``since`` and not seen then, oldest first;
    among ``subs`` when given, ``only`` that one when given."""
    return store.read(
        LANDED,
        since=since.at,
        seen=list(since.seen),
        subs=sorted(subs) if subs is not None else None,
        only=only,
    )


def new_facts(
    store: GraphStore, keys: list[str], subs: list[str]
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """key → ``{"statements": [...], "links": [...]}``: what the submissions ``subs`` said about
    each of ``keys`` (keys they said nothing about are left out). A statement is ``{submission,
    values}``; a link ``{type, start, end, kind, sources, first_seen, last_seen, props, other}``
    with only the submissions' own sources (at most ``LINKS_PER_ENTITY`` links an entity)."""
    if not keys or not subs:
        return {}
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def slot(key: str) -> dict[str, list[dict[str, Any]]]:
        return found.setdefault(key, {"statements": [], "links": []})

    for row in store.read(NEW_STATEMENTS, keys=keys, subs=subs):
        values = {k: v for k, v in row["props"].items() if k not in STATEMENT_BOOKKEEPING}
        slot(row["key"])["statements"].append({"submission": row["submission"], "values": values})
    for row in store.read(NEW_LINKS, keys=keys, subs=subs, cap=LINKS_PER_ENTITY):
        link = {k: v for k, v in row.items() if k != "key"}
        link["props"] = {
            k: v
            for k, v in (row["props"] or {}).items()
            if k not in ("sources", "kind", "first_seen", "last_seen")
        }
        slot(row["key"])["links"].append(link)
    return found
