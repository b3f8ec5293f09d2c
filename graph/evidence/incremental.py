"""The analysis after one submission: templates, scores and candidate leads brought up to date,
equal to a full ``build_templates`` + ``detect`` on the same data.

1. **Templates.** The submission's complaints go through ``templates.refresh_templates``, which
   names the complaints whose template cluster changed.
2. **Touched entities.** An entity's score reads only the complaints that name it (the four
   ways of ``ENTITY_COMPLAINTS``), their complainants, clusters and dates, and a few counts
   around it (calls, adverts, shared legal representative). It can change only when one of
   those facts is new: so the entities re-scored are the submission's own entities (every node a
   row mentions: both ends of each new link; found from the keys its write batches recorded,
   ``graph.db.writer.RECORD_KEYS``, not by scanning every node) and those reached backwards along those ways from
   them and from the complaints whose cluster changed (``AFFECTED``). The rest keep the score
   kept in the graph (``graph.evidence.scorestate``); a scored entity no longer scored loses it.
3. **Rings.** Rings are found from the kept scores as ``detect`` finds them (the same seeds, ties
   and thresholds, Louvain on each connected component of the ring graph on its own), but only
   in the region the changed entities (those re-scored, and those whose kept ring facts
   ``ringfacts.forget_stale`` dropped) can change: the components of the pruned ring graph
   that hold them, closed under new ties and under the holders of every person, template or
   handle whose holder count or status may have changed (``graph.evidence.ringregion``, which
   states why that is exact). The rest keep their rings and leads. Each entity's ties, people
   and handles are kept in the graph (``graph.evidence.ringfacts``) and read from the database
   again only for the entities this submission can have changed. Without a kept ring index
   (or after a withdrawal) the rings are found over every seed and the index written whole.
4. **Leads.** A ring is written again only when it holds a touched entity, or its members, ties
   or score differ from its candidate lead's, or it has no candidate yet (new, or stale and
   found again): any other ring's evidence, explanation and title read only facts of untouched
   entities, so its stored lead already equals what ``detect`` would write. A lead computed
   again is written (and reported updated) only when its row's digest differs from the one kept
   on it (``leads.row_digest``). Candidates of the region whose ring is gone are retired as
   ``detect`` retires them; leads an analyst has triaged are left alone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from graph.core.clock import utc_now
from graph.db.store import GraphStore
from graph.evidence import gds, rerank, ringfacts, ringregion, scorestate
from graph.evidence.analytics import score_entities
from graph.evidence.leads import (
    DetectSettings,
    kept_rings,
    lead_id,
    lead_rows,
    mark_stale,
    method_record,
    ring_ties,
    write_candidates,
)
from graph.evidence.rings import Ring
from graph.evidence.scores import SCORING_METHOD
from graph.evidence.templates import refresh_templates

Progress = Callable[[float, str], None]

# Every entity node a submission's rows mention (links join nodes of the same row), from the keys
# its batches recorded (``graph.db.writer.RECORD_KEYS``, indexed by submission).
SUBMISSION_ENTITIES = """
MATCH (k:SubmissionKeys {submission: $id})
UNWIND k.keys AS key
WITH DISTINCT key
MATCH (n:Entity {key: key}) WHERE $id IN n.submissions
RETURN n.key AS key, n:Complaint AS complaint
"""

# The same for a submission written before batches recorded their keys: every node scanned.
SUBMISSION_ENTITIES_SCANNED = """
MATCH (n:Entity) WHERE $id IN coalesce(n.submissions, [])
RETURN n.key AS key, n:Complaint AS complaint
"""
RECORDED = "RETURN EXISTS { (:SubmissionKeys {submission: $id}) } AS recorded"

# The entities whose ``ENTITY_COMPLAINTS`` row (or ring evidence) may read one of ``$keys``:
# each way an entity reaches a complaint, walked backwards from the complaint, the phone or the
# person in the middle.
AFFECTED = """
UNWIND $keys AS key
MATCH (s:Entity {key: key})
CALL (s) {
  MATCH (s)-[:CONTACT|REPRESENTED_BY]->(x:Entity) RETURN x
  UNION
  MATCH (s:Complaint)-[:CONTACT]->(:Phone)<-[:HAS_PHONE|ADVERTISES]-(x:Entity) RETURN x
  UNION
  MATCH (s:Complaint)-[:FILED_BY]->(:Person)-[:HAS_PHONE]->(:Phone)<-[:CALLED]-(x:Phone)
  RETURN x
  UNION
  MATCH (s:Phone)<-[:HAS_PHONE|ADVERTISES|CALLED]-(x:Entity) RETURN x
  UNION
  MATCH (s:Person)-[:HAS_PHONE]->(:Phone)<-[:CALLED]-(x:Phone) RETURN x
  UNION
  MATCH (s:Person)-[:LEGAL_REP_OF]->(x:Entity) RETURN x
}
RETURN DISTINCT x.key AS key
"""

# The lead each ring would write, as it stands.
STORED_LEADS = """
UNWIND $ids AS id
MATCH (l:Lead {id: id})
RETURN l.id AS id, l.status AS status, l.title AS title, l.score AS score,
       l.summary_json AS summary_json, l.explanation_json AS explanation_json,
       l.method_version AS method_version, l.row_digest AS row_digest,
       [(l)-[r:INVOLVES]->(x) WHERE r.role <> 'complaint' | x.key] AS members
"""

KEYS_PER_QUERY = 5_000


def submission_entities(store: GraphStore, submission_id: str) -> list[dict[str, Any]]:
    """Every entity the submission's rows mention: ``{"key", "complaint"}`` rows."""
    recorded = store.read_one(RECORDED, id=submission_id)
    query = (
        SUBMISSION_ENTITIES if recorded and recorded["recorded"] else SUBMISSION_ENTITIES_SCANNED
    )
    return store.read(query, id=submission_id)


def affected_entities(store: GraphStore, keys: list[str], complaints: set[str]) -> list[str]:
    """The entities whose score may read one of ``keys`` (see ``AFFECTED``), with the
    non-complaint ``keys`` themselves, sorted."""
    found = {key for key in keys if key not in complaints}
    for start in range(0, len(keys), KEYS_PER_QUERY):
        rows = store.read(AFFECTED, keys=keys[start : start + KEYS_PER_QUERY])
        found.update(row["key"] for row in rows)
    return sorted(found)


def needs_row(ring: Ring, stored: dict[str, Any] | None, touched: set[str]) -> bool:
    """Whether ``ring``'s lead must be computed again (see the module's step 4)."""
    if stored is None or stored["status"] == "stale":
        return True
    if stored["status"] != "candidate":
        return False  # triaged: detect's write leaves it as it is
    if touched.intersection(ring.members) or stored["method_version"] != SCORING_METHOD:
        return True
    summary = json.loads(stored["summary_json"] or "{}")
    return (
        sorted(stored["members"]) != ring.members
        or stored["score"] != ring.score
        or summary.get("ties") != ring_ties(ring)
    )


def _changed(row: dict[str, Any], stored: dict[str, Any]) -> bool:
    """Whether ``row`` differs from the stored lead: by the digest kept on it, or field by field
    for a lead written before leads kept one."""
    if stored["row_digest"] is not None:
        return bool(row["row_digest"] != stored["row_digest"])
    members = sorted(item["key"] for item in row["involves"] if item["role"] != "complaint")
    return (
        members != sorted(stored["members"])
        or any(row[field] != stored[field] for field in ("title", "score", "summary_json"))
        or row["explanation_json"] != stored["explanation_json"]
    )


def analyse_submission(
    store: GraphStore, submission_id: str, progress: Progress | None = None
) -> dict[str, Any]:
    """Bring templates, scores and candidate leads up to date after ``submission_id`` landed,
    touching only what it can change (see the module); the candidates are then those a full
    ``build_templates`` + ``detect`` would write.

    Returns ``{"submission", "created", "updated", "stale", "touched", "seeds", "region_seeds",
    "ring_reads", "seconds"}``: the candidates that are new (or were stale and came back), those
    whose members, score or text changed, those retired, how many entities were re-scored, how
    many seeds there are, how many of them the rings were found again from (the region,
    ``graph.evidence.ringregion``) and for how many entities ring finding read the database (the
    rest of what it needs is kept, ``graph.evidence.ringfacts``)."""
    started = time.perf_counter()
    report = progress or (lambda fraction, what: None)
    settings = DetectSettings()
    report(0.0, "entities")
    own = submission_entities(store, submission_id)
    complaints = {row["key"] for row in own if row["complaint"]}
    report(0.1, "templates")
    changed = refresh_templates(store, sorted(complaints))
    report(0.3, "scores")
    everything = not scorestate.is_current(store, min_complainants=settings.min_complainants)
    if everything:  # no kept scores of this method yet: score the world once
        ringfacts.forget_all(store)
        scores, _ = score_entities(store, min_complainants=settings.min_complainants)
        touched = [s.key for s in scores]
        scorestate.save_all(
            store, scores, run=scorestate.new_run(), min_complainants=settings.min_complainants
        )
    else:
        region = sorted({row["key"] for row in own} | set(changed))
        touched = affected_entities(store, region, complaints | set(changed))
        scores, _ = score_entities(store, min_complainants=settings.min_complainants, keys=touched)
        scorestate.save_some(store, touched, scores, run=scorestate.new_run())
        forgotten = ringfacts.forget_stale(store, sorted(row["key"] for row in own))
    counts: dict[str, int] = {}
    changed = [] if everything else sorted(set(touched) | set(forgotten))
    created, updated, stale = _update_leads(
        store, settings, touched, everything, report, counts, changed
    )
    report(1.0, "done")
    return {
        "submission": submission_id,
        "created": sorted(created),
        "updated": sorted(updated),
        "stale": stale,
        "touched": len(touched),
        "seeds": counts.get("seeds", 0),
        "region_seeds": counts.get("region_seeds", 0),
        "ring_reads": counts.get("reads", 0),
        "seconds": round(time.perf_counter() - started, 3),
    }


def rescore_entities(store: GraphStore, keys: list[str]) -> dict[str, Any]:
    """Re-score ``keys`` and bring candidate leads up to date, as :func:`analyse_submission`
    does for a submission's entities: for an input that is no row of a submission, such as an
    alliance match (``graph.alliance.matches``), which only the matched entity's own score
    reads (a match ends at an org, so no kept ring fact changes). Returns ``{"created",
    "updated", "stale", "touched"}``."""
    settings = DetectSettings()
    touched = sorted(set(keys))
    if not scorestate.is_current(store, min_complainants=settings.min_complainants):
        return {"created": [], "updated": [], "stale": [], "touched": 0}  # the next one does all
    scores, _ = score_entities(store, min_complainants=settings.min_complainants, keys=touched)
    scorestate.save_some(store, touched, scores, run=scorestate.new_run())
    created, updated, stale = _update_leads(
        store, settings, touched, False, lambda f, w: None, changed=touched
    )
    return {"created": created, "updated": updated, "stale": stale, "touched": len(touched)}


def _update_leads(
    store: GraphStore,
    settings: DetectSettings,
    touched: list[str],
    everything: bool,
    report: Progress,
    counts: dict[str, int] | None = None,
    changed: list[str] | None = None,
) -> tuple[list[str], list[str], list[str]]:
    """Steps 3 and 4 of the module: rings from the kept scores — over the region the
    ``changed`` entities can change (``graph.evidence.ringregion``), over every seed when
    ``everything`` or no ring index is kept — and the leads of those that hold a ``touched``
    entity or changed (all when ``everything``) written again; returns the created, updated and
    retired lead ids (``counts`` gets ring finding's seeds, region seeds and reads)."""
    report(0.5, "rings")
    counts = counts if counts is not None else {}
    found = None
    if not everything:
        found = ringregion.region_rings(
            store,
            changed or [],
            min_seed_score=settings.min_seed_score,
            min_agent_share=settings.min_agent_share,
            contact_ties=settings.contact_ties,
            seed=settings.seed,
        )
    if found is None:
        rings = kept_rings(store, settings, counts=counts)
    else:
        rings = found.rings
        counts.update(seeds=found.seeds, region_seeds=found.region_seeds, reads=found.reads)
    ids = [lead_id(ring) for ring in rings]
    stored = {row["id"]: row for row in store.read(STORED_LEADS, ids=ids)}
    touched_set = set(touched)
    redo = [
        ring
        for ring, identifier in zip(rings, ids, strict=True)
        if everything or needs_row(ring, stored.get(identifier), touched_set)
    ]
    report(0.7, "leads")
    rows, _ = lead_rows(store, redo)
    created, updated, written = [], [], []
    for row in rows:
        before = stored.get(row["id"])
        if before is not None and before["status"] not in ("candidate", "stale"):
            continue
        if before is None or before["status"] == "stale":
            created.append(row["id"])
        elif _changed(row, before):
            updated.append(row["id"])
        elif before["method_version"] == SCORING_METHOD:
            continue  # the same lead: nothing to write
        written.append(row)
    report(0.9, "writes")
    now = utc_now()
    write_candidates(
        store, written, method=method_record(settings, gds.engine_name(store)), now=now
    )
    stale = mark_stale(store, ids, now=now, among=found.nodes if found else None)
    if written:  # as detect does, for the leads written: the learned rank of a model in force
        rerank.apply_model(store, ids=[row["id"] for row in written])
    return sorted(created), sorted(updated), stale
