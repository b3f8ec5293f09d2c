"""Events on one time axis: what happened to a lead, an entity or the whole installation.

An event is ``{time, type, key, label, source}``: ``time`` an ISO date or date-time (as stored),
``type`` one of :data:`EVENT_TYPES`, ``key`` the entity (or ``lead:<id>``) it belongs to, as the
viewer sees it, ``label`` a short text and ``source`` who says so: a call's first row
(``<submission>#<row>``) the viewer may see, a complaint's holder (its ``source``), the
submission received, or who acted for a lead's own history.

No rights here. A lead's and an entity's events are read off what :func:`graph.views.lead_page`
and :func:`graph.views.entity_profile` already show the viewer (:func:`events_from`): an entity
shown masked has no dates, a link an analyst may not see is not there, another org's
submissions carry no receipt time, so the timeline can show nothing the page hides. The
installation's timeline counts events a day (:func:`daily_counts`), for admins.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from graph.db.store import GraphStore

EVENT_TYPES = ("complaint", "call", "account", "submission", "lead")
MAX_DAYS = 3_660  # an installation timeline covers at most about ten years of days

# The history entries a lead's timeline shows (graph.workflow.lifecycle and triage write them).
LEAD_EVENTS = ("accepted", "pushed", "acknowledged", "investigating", "closed", "reopened")


def _source(sources: list[Any] | None) -> str:
    return str(sources[0]) if sources else ""


def entity_events(entity: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of one entity as the viewer sees it (``{key, label, display_key, props,
    masked}``): a complaint's filing date, an account's first and last seen. A masked entity
    shows no dates, so it has none."""
    props = entity.get("props") or {}
    key = str(entity.get("display_key") or entity.get("key"))
    if entity.get("masked"):
        return []
    if entity.get("label") == "Complaint" and props.get("filed_date"):
        name = props.get("complaint_id") or key
        return [_event(props["filed_date"], "complaint", key, str(name), props.get("source"))]
    if entity.get("label") == "Account":
        first, last = props.get("first_seen"), props.get("last_seen")
        events = [_event(first, "account", key, f"{key} · first seen", "")] if first else []
        if last and last != first:
            events.append(_event(last, "account", key, f"{key} · last seen", ""))
        return events
    return []


def link_events(link: dict[str, Any]) -> list[dict[str, Any]]:
    """A call's first and last time (a ``CALLED`` link as the viewer sees it: ends as display
    keys, its sources cut to what the viewer may see)."""
    if link.get("type") != "CALLED":
        return []
    props = link.get("props") or {}
    count = props.get("count")
    label = f"{link['start']} → {link['end']}" + (f" ({count})" if count else "")
    times = dict.fromkeys(t for t in (link.get("first_seen"), link.get("last_seen")) if t)
    return [
        _event(t, "call", str(link["start"]), label, _source(link.get("sources"))) for t in times
    ]


def submission_events(submissions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each submission's receipt, where the viewer is shown its time (an analyst is shown only
    the id and org of another org's)."""
    return [
        _event(
            s["received_at"], "submission", "", f"{s.get('org')} · {s.get('file_name')}", s["id"]
        )
        for s in submissions
        if s.get("received_at")
    ]


def lead_history_events(lead: dict[str, Any]) -> list[dict[str, Any]]:
    """A lead's own history: created (found by detect), accepted, pushed, the officer's steps,
    reopened; and each piece of feedback."""
    key = f"lead:{lead.get('id')}" if lead.get("id") else str(lead.get("key") or "lead")
    events = []
    if lead.get("created_at"):
        events.append(_event(lead["created_at"], "lead", key, "created", "detect"))
    for item in lead.get("history") or []:
        if item.get("event") in LEAD_EVENTS and item.get("at"):
            target = item.get("to") or item.get("outcome")
            label = str(item["event"]) + (f" → {target}" if target else "")
            events.append(_event(item["at"], "lead", key, label, str(item.get("by") or "")))
    for item in lead.get("feedback") or []:
        if item.get("at"):
            label = "feedback" + (f": {item['outcome']}" if item.get("outcome") else "")
            events.append(_event(item["at"], "lead", key, label, str(item.get("by") or "")))
    return events


def events_from(
    entities: list[dict[str, Any]],
    links: list[dict[str, Any]],
    submissions: Sequence[dict[str, Any]] = (),
    lead: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Every event of a page's data (entities, links and submissions as shown to the viewer,
    and a lead's node), oldest first. Ties keep the order written here: a lead's history in the
    order it happened (a push and the officer's answer often share a second), then feedback."""
    events = [e for entity in entities for e in entity_events(entity)]
    events += [e for link in links for e in link_events(link)]
    events += submission_events(list(submissions))
    if lead is not None:
        events += lead_history_events(lead)
    return sorted(events, key=lambda e: (e["time"], e["type"], e["key"]))


def _event(time: Any, kind: str, key: str, label: str, source: Any) -> dict[str, Any]:
    return {
        "time": str(time),
        "type": kind,
        "key": key,
        "label": label,
        "source": str(source or ""),
    }


# --- the whole installation: events a day ----------------------------------------------------

# Each part counts one event type a day between $since and $until (ISO dates, inclusive): a
# date-time compares by its first ten characters' day through `left`, so an index on the
# property still narrows the range ($until_next is the day after $until).
DAILY_COUNTS = """
CALL () {
  MATCH (c:Complaint) WHERE c.filed_date >= $since AND c.filed_date < $until_next
  RETURN 'complaint' AS type, left(c.filed_date, 10) AS day, count(*) AS count
  UNION ALL
  MATCH (:Phone)-[r:CALLED]->(:Phone) WHERE r.first_seen >= $since AND r.first_seen < $until_next
  RETURN 'call' AS type, left(r.first_seen, 10) AS day, count(*) AS count
  UNION ALL
  MATCH (a:Account) WHERE a.first_seen >= $since AND a.first_seen < $until_next
  RETURN 'account' AS type, left(a.first_seen, 10) AS day, count(*) AS count
  UNION ALL
  MATCH (s:Submission) WHERE s.received_at >= $since AND s.received_at < $until_next
  RETURN 'submission' AS type, left(s.received_at, 10) AS day, count(*) AS count
  UNION ALL
  MATCH (l:Lead) WHERE l.created_at >= $since AND l.created_at < $until_next
  RETURN 'lead' AS type, left(l.created_at, 10) AS day, count(*) AS count
}
RETURN type, day, sum(count) AS count
ORDER BY day, type
"""


def daily_counts(store: GraphStore, since: date, until: date) -> list[dict[str, Any]]:
    """Events a day by type between ``since`` and ``until`` (inclusive): complaints filed,
    calls (first time), accounts first seen, submissions received, leads found. Each row is
    ``{time (the day), type, count}``; at most :data:`MAX_DAYS` days are counted."""
    if until < since:
        since, until = until, since
    since = max(since, until - timedelta(days=MAX_DAYS - 1))
    rows = store.read(
        DAILY_COUNTS,
        since=since.isoformat(),
        until_next=(until + timedelta(days=1)).isoformat(),
    )
    return [{"time": row["day"], "type": row["type"], "count": row["count"]} for row in rows]
