"""Withdrawing a submission: taking one ingested file's assertions back out of the graph.

A party that finds its file was wrong (the wrong month's export, rows it had no right to share)
withdraws the submission. What that file asserted goes; what other parties asserted stays:

1. the Submission becomes ``withdrawing`` (who, when, why), so a withdrawal cut short is resumed
   by running it again, and the same file cannot be submitted meanwhile;
2. every lead that INVOLVES an entity the submission named is marked for review
   (``l.review``, ``l.review_reason``, one event in ``l.review_events``) — whatever its status,
   also one an officer holds; the lead itself is not changed (``graph/workflow/lifecycle.py``
   owns its life) and nothing is unmarked here;
3. its Statements go; an entity whose values were the withdrawing org's (``values_org``) and
   that somebody else still states something about takes its values again from the remaining
   Statements, as the writer would have given them: the holder's statements first for a
   complaint, else the org of the earliest remaining statement (``at``), applying that org's
   statements in order; with no statement left its value properties are removed and
   ``values_org`` cleared;
4. its sources (``"<submission>#<row>"``) go from every link and node and its id from every
   node's ``submissions``; a link with no source left goes; an entity nothing names any more
   (no submission, no Statement, no link with a source) goes with its links (DETACH, so the
   ``SAME_TEMPLATE`` links of a complaint that went go too) — except an entity a lead INVOLVES,
   which stays, its lead marked for review;
5. one ``withdraw`` audit entry with the counts, then the Submission is ``withdrawn``.

What is not recomputed, and why: a ``CALLED`` link keeps only its remaining sources and its
``count`` becomes their number (the writer counts one call per source row, so this is exact),
but its ``total_seconds`` cannot be split by row — the graph keeps only the sum — so a call link
that lost rows loses ``total_seconds`` rather than show a duration that includes withdrawn calls.
``first_seen``/``last_seen`` of links and nodes keep the range they had (the graph does not keep
a date per source). Template clusters and candidate leads are brought up to date by the
submission's analysis job, queued again (:mod:`graph.workflow.jobs`); ``leadgraph jobs wait``
waits for it.

Every step is batched server-side (``CALL { … } IN TRANSACTIONS``) and idempotent, so a file of a
million rows is withdrawn in bounded transactions; a step that fails part-way leaves the
submission ``withdrawing`` and the same call finishes it. Finding the entities a submission named
scans the ``Entity`` label once (a node's ``submissions`` is a list, which no index covers).

This module lives in ``graph/workflow`` rather than ``graph/db`` because it decides who may
withdraw and writes the audit log, both of which sit above the database layer.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.core.model import ENTITY_LABEL, load_model
from graph.db.store import GraphStore
from graph.workflow import audit, jobs
from graph.workflow.auth import Forbidden, Principal, require

BATCH_ROWS = 1_000  # statements or entities a transaction; an entity may carry many links
MAX_REASON = 500
LISTED_LEADS = 50  # lead ids the audit entry names (the count is always complete)

SUBMISSION = """
MATCH (s:Submission {id: $id})
RETURN s.id AS id, s.org AS org, s.kind AS kind, s.file_name AS file_name, s.sha256 AS sha256,
       s.received_at AS received_at, s.status AS status, s.user AS user,
       s.rows_loaded AS rows_loaded, s.withdrawn_at AS withdrawn_at,
       s.withdrawn_by AS withdrawn_by, s.withdraw_reason AS withdraw_reason
"""

LIST_SUBMISSIONS = """
MATCH (s:Submission)
WHERE $org IS NULL OR s.org = $org
RETURN s.id AS id, s.org AS org, s.kind AS kind, s.file_name AS file_name,
       s.received_at AS received_at, s.status AS status, s.user AS user,
       s.rows_loaded AS rows_loaded, s.rows_quarantined AS rows_quarantined,
       s.withdrawn_at AS withdrawn_at, s.withdrawn_by AS withdrawn_by,
       s.withdraw_reason AS withdraw_reason
ORDER BY s.received_at DESC, s.id
LIMIT $limit
"""

# Only a complete submission starts a withdrawal; one already withdrawing is resumed and keeps
# who started it, when and why.
BEGIN = """
MATCH (s:Submission {id: $id})
WHERE s.status IN ['complete', 'withdrawing']
SET s.status = 'withdrawing',
    s.withdrawn_at = coalesce(s.withdrawn_at, $at),
    s.withdrawn_by = coalesce(s.withdrawn_by, $by),
    s.withdraw_reason = coalesce(s.withdraw_reason, $reason)
RETURN s.withdrawn_at AS at, s.withdrawn_by AS by, s.withdraw_reason AS reason
"""

# Leads are few (thousands) and reached from their INVOLVES links, so one transaction does.
MARK_LEADS = """
MATCH (l:Lead)-[:INVOLVES]->(n:Entity)
WHERE $id IN coalesce(n.submissions, [])
WITH DISTINCT l
WHERE NOT $id IN coalesce(l.review_submissions, [])
SET l.review = true,
    l.review_reason = CASE WHEN coalesce(l.review_reason, '') = '' THEN $reason
                           ELSE l.review_reason + '\\n' + $reason END,
    l.review_events = coalesce(l.review_events, []) + $event,
    l.review_submissions = coalesce(l.review_submissions, []) + $id
"""

MARKED_LEADS = """
MATCH (l:Lead)
WHERE $id IN coalesce(l.review_submissions, [])
RETURN l.id AS id
ORDER BY id
"""

# Per statement of the submission: when its entity's values are the withdrawing org's, give
# the entity the values of the remaining statements (see the module's docstring), then delete
# the statement. ``$values`` maps each label to its value properties (graph/core/model.yaml).
STATEMENTS = """
MATCH (st:Statement {submission: $id})
CALL (st) {
  OPTIONAL MATCH (st)-[:ABOUT]->(n:Entity)
  CALL (n) {
    WITH n
    WHERE n IS NOT NULL AND n.values_org = $org
    OPTIONAL MATCH (other:Statement)-[:ABOUT]->(n)
    WHERE other.submission <> $id
    WITH n, other
    ORDER BY other.forwarded_for IS NOT NULL, other.at, other.key
    WITH n, collect(other) AS others
    WITH n, others, [o IN others | o.org][0] AS values_org
    WITH n, values_org, [o IN others WHERE o.org = values_org] AS chosen,
         coalesce($values[[x IN labels(n) WHERE x <> $entity][0]], []) AS names
    FOREACH (k IN names | SET n[k] = null)
    FOREACH (o IN chosen | FOREACH (k IN names | SET n[k] = coalesce(o[k], n[k])))
    SET n.values_org = values_org
    RETURN sum(CASE WHEN values_org IS NULL THEN 0 ELSE 1 END) AS moved,
           sum(CASE WHEN values_org IS NULL THEN 1 ELSE 0 END) AS cleared
  }
  DETACH DELETE st
  RETURN moved, cleared
} IN TRANSACTIONS OF $batch ROWS
RETURN count(*) AS statements, coalesce(sum(moved), 0) AS moved,
       coalesce(sum(cleared), 0) AS cleared
"""

# Per entity the submission named: its sources out of its links (a link left with none goes;
# a call link's count follows its sources), out of the node, its id out of ``submissions``;
# then the entity goes if nothing names it any more and no lead involves it.
ENTITIES = """
MATCH (n:Entity)
WHERE $id IN n.submissions
CALL (n) {
  OPTIONAL MATCH (n)-[r]-()
  WHERE any(x IN coalesce(r.sources, []) WHERE x STARTS WITH $prefix)
  WITH n, collect(DISTINCT r) AS touched
  WITH n, touched,
       reduce(total = 0, r IN touched |
              total + size([x IN r.sources WHERE x STARTS WITH $prefix])) AS link_sources
  FOREACH (r IN touched | SET r.sources = [x IN r.sources WHERE NOT x STARTS WITH $prefix])
  FOREACH (r IN [r IN touched WHERE type(r) = 'CALLED' AND size(r.sources) > 0] |
           SET r.count = size(r.sources), r.total_seconds = null)
  WITH n, link_sources, [r IN touched WHERE size(r.sources) = 0] AS emptied
  FOREACH (r IN emptied | DELETE r)
  WITH n, link_sources, size(emptied) AS links,
       size([x IN coalesce(n.sources, []) WHERE x STARTS WITH $prefix]) AS node_sources
  SET n.sources = CASE WHEN node_sources = 0 THEN n.sources
                       ELSE [x IN n.sources WHERE NOT x STARTS WITH $prefix] END,
      n.submissions = [x IN n.submissions WHERE x <> $id]
  WITH n, link_sources, links, node_sources,
       size(n.submissions) = 0
       AND NOT EXISTS { (n)-[r]-() WHERE size(coalesce(r.sources, [])) > 0 }
       AND NOT EXISTS { (:Statement)-[:ABOUT]->(n) } AS unnamed,
       EXISTS { (:Lead)-[:INVOLVES]->(n) } AS involved
  WITH n, link_sources, links, node_sources, unnamed AND NOT involved AS gone,
       unnamed AND involved AS kept
  WITH n, link_sources, links, node_sources, gone, kept,
       CASE WHEN gone THEN COUNT { (n)--() } ELSE 0 END AS detached
  CALL (n, gone) {
    WITH n
    WHERE gone
    DETACH DELETE n
  }
  RETURN link_sources, links, node_sources, CASE WHEN gone THEN 1 ELSE 0 END AS entity,
         CASE WHEN kept THEN 1 ELSE 0 END AS kept_one, detached
} IN TRANSACTIONS OF $batch ROWS
RETURN count(*) AS named, coalesce(sum(link_sources), 0) AS link_sources,
       coalesce(sum(links), 0) AS links, coalesce(sum(node_sources), 0) AS node_sources,
       coalesce(sum(entity), 0) AS entities, coalesce(sum(kept_one), 0) AS kept,
       coalesce(sum(detached), 0) AS detached
"""

FINISH = """
MATCH (s:Submission {id: $id})
SET s.status = 'withdrawn'
"""

REVIEW_MARKS = """
UNWIND $ids AS id
MATCH (l:Lead {id: id})
WHERE l.review = true
RETURN l.id AS id, l.review_reason AS review_reason,
       coalesce(l.review_submissions, []) AS review_submissions
"""


# What an analyst is told besides the record: counts of their own org's assertions only. How
# many entities went, moved to other values or stayed, and which leads were marked, would tell
# them which of their entities other orgs also name.
RECORD = ("submission", "org", "kind", "file_name", "withdrawn_at", "withdrawn_by", "reason")
OWN_COUNTS = frozenset({"resumed", "statements", "named", "link_sources", "node_sources"})


@dataclass
class WithdrawReport:
    """What a withdrawal did. Counts are of this run (a resumed withdrawal counts what was left
    to do); ``leads`` are all the leads marked for review because of this submission."""

    submission: str
    org: str
    kind: str
    file_name: str
    withdrawn_at: str
    withdrawn_by: str
    reason: str
    resumed: bool = False
    statements: int = 0  # Statements deleted
    values_moved: int = 0  # entities whose values are now another statement's
    values_cleared: int = 0  # entities left without values (also those then removed)
    named: int = 0  # entities the submission still named when this run began
    link_sources: int = 0  # source entries removed from links
    links: int = 0  # links removed because no source remained
    node_sources: int = 0  # source entries removed from nodes
    entities: int = 0  # entities removed because nothing names them any more
    kept_for_leads: int = 0  # entities nothing names any more, kept because a lead involves them
    detached_links: int = 0  # links that went with a removed entity (e.g. SAME_TEMPLATE)
    leads: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def shown_to(self, principal: Principal) -> dict[str, Any]:
        """The report as ``principal`` may read it: all of it for an admin; for an analyst the
        record and the counts of their own org's assertions (see ``OWN_COUNTS``)."""
        data = self.as_dict()
        if principal.is_admin:
            return data
        return {k: v for k, v in data.items() if k in RECORD or k in OWN_COUNTS}

    def audit_details(self) -> dict[str, Any]:
        details = {k: v for k, v in self.as_dict().items() if k not in ("submission", "leads")}
        details["leads"] = len(self.leads)
        details["lead_ids"] = self.leads[:LISTED_LEADS]
        return details


# Facts left the graph: the intermediary scores kept for the incremental analysis
# (graph/evidence/scorestate.py) are out of date, so the next analysis re-scores every entity.
FORGET_SCORES = "MATCH (m:ScoreState {id: 'scores'}) DELETE m"
# A complaint's first submission may have been this one: its place in the templates' write order
# (graph/evidence/templates.py) moves, and a value it took from this submission may have gone, so
# the template index is forgotten (its stamp, graph/evidence/template_index.py): the next
# refresh rebuilds the templates.
FORGET_TEMPLATE_INDEX = "MATCH (t:TemplateIndex {id: 'complaints'}) DELETE t"
# The keys the withdrawn submission wrote (graph/db/writer.py RECORD_KEYS): nothing to analyse.
FORGET_KEYS = "MATCH (k:SubmissionKeys {submission: $id}) DELETE k"


def review_reason(submission: dict[str, Any], at: str, by: str, reason: str) -> str:
    """The one line a lead records about a withdrawal (kept in English, like the audit log)."""
    text = (
        f"submission {submission['id']} ({submission.get('file_name')}, {submission.get('org')}) "
        f"withdrawn at {at} by {by}"
    )
    return f"{text}: {reason}" if reason else text


def _submission(store: GraphStore, submission_id: str) -> dict[str, Any] | None:
    return store.read_one(SUBMISSION, id=submission_id)


def _check(store: GraphStore, by: Principal, submission_id: str) -> dict[str, Any]:
    """The submission, if ``by`` may withdraw it: an admin any, an analyst only their own org's.

    An analyst is told the same thing for another org's submission as for one that does not
    exist, so the refusal does not confirm what other orgs submitted; the refusal is audited."""
    require(by, "admin", "analyst")
    found = _submission(store, submission_id)
    if by.is_admin:
        if found is None:
            raise UserError(f"no submission {submission_id!r}")
        return found
    if not by.org or found is None or found["org"] != by.org:
        audit.append(store, by.username, "withdraw_denied", f"submission:{submission_id}")
        raise Forbidden(f"no submission {submission_id!r} of {by.org or 'your organisation'}")
    return found


def withdraw_submission(
    store: GraphStore,
    by: Principal,
    submission_id: str,
    *,
    reason: str = "",
    batch_rows: int = BATCH_ROWS,
) -> WithdrawReport:
    """Withdraw ``submission_id`` for ``by`` (see the module's docstring) and audit it once.

    Raises :class:`UserError` for an unknown submission, one already withdrawn, or one still
    loading; :class:`Forbidden` for anyone but an admin or an analyst of the submitting org."""
    submission_id = submission_id.strip()
    reason = " ".join(reason.split())[:MAX_REASON]
    found = _check(store, by, submission_id)
    status = found["status"]
    if status == "withdrawn":
        raise UserError(
            f"submission {submission_id} was already withdrawn at {found['withdrawn_at']} "
            f"by {found['withdrawn_by']}"
        )
    if status not in ("complete", "withdrawing"):
        raise UserError(
            f"submission {submission_id} is {status or 'not complete'}: submit the same file "
            "again to finish loading it, then withdraw it"
        )
    began = store.write(
        BEGIN, id=submission_id, at=utc_now(), by=by.username, reason=reason or None
    )
    if not began:  # another withdrawal finished in between
        raise UserError(f"submission {submission_id} was already withdrawn")
    at, withdrawn_by, reason = began[0]["at"], began[0]["by"], began[0]["reason"] or ""
    report = WithdrawReport(
        submission=submission_id,
        org=found["org"],
        kind=found["kind"],
        file_name=found["file_name"],
        withdrawn_at=at,
        withdrawn_by=withdrawn_by,
        reason=reason,
        resumed=status == "withdrawing",
    )
    event = {
        "submission": submission_id,
        "org": found["org"],
        "file_name": found["file_name"],
        "at": at,
        "by": withdrawn_by,
        "reason": reason,
    }
    store.write(
        MARK_LEADS,
        id=submission_id,
        reason=review_reason(found, at, withdrawn_by, reason),
        event=json.dumps(event, ensure_ascii=False, sort_keys=True),
    )
    report.leads = [row["id"] for row in store.read(MARKED_LEADS, id=submission_id)]

    values = {label: list(node.values) for label, node in load_model().nodes.items()}
    [done] = store.stream(
        STATEMENTS,
        id=submission_id,
        org=found["org"],
        values=values,
        entity=ENTITY_LABEL,
        batch=batch_rows,
    )
    report.statements, report.values_moved = done["statements"], done["moved"]
    report.values_cleared = done["cleared"]

    [done] = store.stream(ENTITIES, id=submission_id, prefix=f"{submission_id}#", batch=batch_rows)
    report.named = done["named"]
    report.link_sources, report.links = done["link_sources"], done["links"]
    report.node_sources, report.entities = done["node_sources"], done["entities"]
    report.kept_for_leads, report.detached_links = done["kept"], done["detached"]
    store.write(FORGET_SCORES)
    store.write(FORGET_TEMPLATE_INDEX)
    store.write(FORGET_KEYS, id=submission_id)

    # Audited before the status flips: a crash in between leaves it ``withdrawing``, and running
    # it again audits the (empty) rest once more rather than leaving no entry at all.
    audit.append(
        store, by.username, "withdraw", f"submission:{submission_id}", report.audit_details()
    )
    store.write(FINISH, id=submission_id)
    # the candidate leads are brought up to date without the withdrawn rows (graph/workflow/jobs.py)
    jobs.enqueue_analysis(store, submission_id, again=True, cause="withdraw")
    return report


def submissions(
    store: GraphStore, by: Principal, *, limit: int = 500, org: str | None = None
) -> list[dict[str, Any]]:
    """The submissions ``by`` may see and withdraw, newest first: every org's for an admin
    (or ``org``'s), the analyst's own org's for an analyst."""
    require(by, "admin", "analyst")
    if not by.is_admin:
        if not by.org:
            raise Forbidden("an analyst without an organisation has no submissions")
        org = by.org
    return store.read(LIST_SUBMISSIONS, org=org or None, limit=max(0, int(limit)))


def review_marks(store: GraphStore, lead_ids: list[str]) -> dict[str, dict[str, Any]]:
    """``{lead id: {review, review_reason, review_submissions}}`` for those of ``lead_ids`` that
    are marked for review because a submission they rest on was withdrawn."""
    rows = store.read(REVIEW_MARKS, ids=list(lead_ids))
    return {row.pop("id"): {"review": True, **row} for row in rows}


def review_events(lead: dict[str, Any]) -> list[dict[str, Any]]:
    """The withdrawals a lead's ``review_events`` records, oldest first (unreadable entries
    are skipped)."""
    events = []
    for item in lead.get("review_events") or []:
        try:
            event = json.loads(item)
        except (TypeError, ValueError):
            continue
        if isinstance(event, dict):
            events.append(event)
    return events
