"""Alliance matches in the graph: what a private set intersection found, kept as match links,
never as facts.

When a run of :mod:`graph.alliance.exchange` in intersection mode learns that some of this
installation's phones (accounts, firms, contacts) are also in a counterpart's set,
:func:`record_matches` draws one ``ALLIANCE_MATCH`` link (kind ``alliance_match``, its own
dashed line and colour, "联盟匹配（非事实）" in every legend) from each matched entity to the
counterpart's ``Org`` node (made with kind ``counterpart`` when no org of that name exists).

What a match is not:

* a statement about the entity: it writes no value, no Statement and no source, so it is
  counted nowhere as a complaint or as evidence;
* a tie between entities: it ends at an Org, never at an Entity, and trace, paths, rings and
  neighbourhoods walk Entity to Entity only — two phones matched by the same counterpart are not
  connected by it;
* everyone's to see: a match reveals which of its own entities the running org suspected and
  asked about, so it is shown to that org's analysts (``by_org``), to admins, and to officers on
  leads pushed to them by the lead's owning org (:func:`matches_of` with the orgs the viewer may
  see).

Detection reads it as one small feature (``alliance_match`` in ``graph.evidence.scores``).
"""

from __future__ import annotations

from typing import Any

from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.workflow import audit
from graph.workflow.users import check_org_name

LINK_TYPE = "ALLIANCE_MATCH"
KIND = "alliance_match"
COUNTERPART_KIND = "counterpart"
SET_NAMES = ("phones", "accounts", "firms", "contacts", "watchlist")
MAX_RUN_ID = 100
MAX_MATCHED_ON = 10  # an ISO date

# One link per (run, entity, counterpart); a key that names no entity here is skipped.
RECORD = """
MERGE (o:Org {name: $counterpart})
  ON CREATE SET o.key = 'org:' + $counterpart, o.kind = $counterpart_kind, o.created_at = $now
WITH o
OPTIONAL MATCH (:User {username: $by})-[:MEMBER_OF]->(mine:Org)
WITH o, mine.name AS by_org
UNWIND $keys AS key
MATCH (e:Entity {key: key})
WHERE NOT e:Complaint
MERGE (e)-[r:ALLIANCE_MATCH {run_id: $run_id}]->(o)
  ON CREATE SET r.kind = $kind, r.set_name = $set_name, r.matched_on = $matched_on, r.by = $by,
                r.by_org = by_org, r.recorded_at = $now, r._new = true
WITH r, coalesce(r._new, false) AS created
REMOVE r._new
RETURN count(r) AS found, sum(CASE WHEN created THEN 1 ELSE 0 END) AS created
"""

MATCHES_OF = """
UNWIND $keys AS key
MATCH (e:Entity {key: key})-[r:ALLIANCE_MATCH]->(o:Org)
WHERE $orgs IS NULL OR r.by_org IN $orgs
RETURN e.key AS key, o.name AS counterpart, o.key AS counterpart_key, r.set_name AS set_name,
       r.run_id AS run_id, r.matched_on AS matched_on, r.by AS by, r.by_org AS by_org,
       r.recorded_at AS recorded_at
ORDER BY key, matched_on, run_id
"""


def _check(counterpart: str, run_id: str, set_name: str, matched_on: str) -> str:
    if not run_id or len(run_id) > MAX_RUN_ID:
        raise UserError(f"a match run id must be 1-{MAX_RUN_ID} characters")
    if set_name not in SET_NAMES:
        raise UserError(f"set {set_name!r} must be one of {', '.join(SET_NAMES)}")
    if not matched_on or len(matched_on) > MAX_MATCHED_ON:
        raise UserError("matched_on must be an ISO date such as 2026-11-30")
    return check_org_name(counterpart)


def record_matches(
    store: GraphStore,
    *,
    run_id: str,
    counterpart: str,
    set_name: str,
    keys: list[str],
    matched_on: str,
    by: str,
) -> int:
    """Link each matched entity (``keys``: LeadGraph keys such as ``phone:+8613800138000``) to
    the ``counterpart`` org as an alliance match of run ``run_id``; returns how many links are
    new. Idempotent per (run, key): recording a run again adds nothing. Keys that name no entity
    here (or a complaint) are skipped and counted in the ``alliance_match`` audit entry, which
    names the run, the counterpart, the set and the counts — never the keys. New links re-score
    their entities and update the candidate leads
    (:func:`graph.evidence.incremental.rescore_entities`)."""
    counterpart = _check(counterpart, run_id, set_name, matched_on)
    wanted = sorted(set(keys))
    row = store.write(
        RECORD,
        counterpart=counterpart,
        counterpart_kind=COUNTERPART_KIND,
        keys=wanted,
        run_id=run_id,
        kind=KIND,
        set_name=set_name,
        matched_on=matched_on,
        by=by,
        now=utc_now(),
    )[0]
    created = int(row["created"] or 0)
    if created:
        # the matched entities' scores read their matches: re-scored, leads brought up to date
        # (imported here: graph.evidence reads this module's matches for its lead bundles)
        from graph.evidence.incremental import rescore_entities

        rescore_entities(store, wanted)
    audit.append(
        store,
        by,
        "alliance_match",
        f"org:{counterpart}",
        {
            "run_id": run_id,
            "set": set_name,
            "matched_on": matched_on,
            "keys": len(wanted),
            "linked": int(row["found"] or 0),
            "new": created,
            "skipped": len(wanted) - int(row["found"] or 0),
        },
    )
    return created


def matches_of(
    store: GraphStore, keys: list[str], orgs: list[str] | None = None
) -> list[dict[str, Any]]:
    """The alliance matches of ``keys``: ``{key, counterpart, counterpart_key, set_name, run_id,
    matched_on, by, by_org, recorded_at}``, those run by ``orgs`` only (``None``: every org's,
    for admins; ``[]``: none)."""
    if not keys or orgs == []:
        return []
    return store.read(MATCHES_OF, keys=keys, orgs=orgs)


def match_links(matches: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``matches`` as chart material: the counterpart orgs (``{key, label, props}``) and one
    ``ALLIANCE_MATCH`` link (``{start, end, type, kind, sources, props}``) per match, with no
    sources (a match is not stated by any row)."""
    orgs = {
        m["counterpart_key"]: {
            "key": m["counterpart_key"],
            "label": "Org",
            "props": {"name": m["counterpart"], "kind": COUNTERPART_KIND},
        }
        for m in matches
    }
    links = [
        {
            "start": m["key"],
            "end": m["counterpart_key"],
            "type": LINK_TYPE,
            "kind": KIND,
            "sources": [],
            "first_seen": m["matched_on"],
            "last_seen": m["matched_on"],
            "props": {
                "run_id": m["run_id"],
                "set_name": m["set_name"],
                "matched_on": m["matched_on"],
            },
        }
        for m in matches
    ]
    return list(orgs.values()), links
