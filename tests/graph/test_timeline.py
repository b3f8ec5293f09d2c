"""Timelines (issue 17, "Time"): a lead's, an entity's and the installation's events, read
through graph.views on a real store built by ingest and detect."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from support import ACCOUNTS, CONTACT_ORG, one_contact_ring

from graph import views
from graph.db.store import GraphStore
from graph.evidence.timeline import EVENT_TYPES, events_from
from graph.workflow import audit, lifecycle, users
from graph.workflow.auth import Principal

ADMIN = Principal("root", "admin", None, None)
ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
OFFICER = Principal("officer_1", "officer", "市公安局经侦支队", "police")
ACCOUNT = next(iter(ACCOUNTS))
DAYS = [f"2025-06-0{n}" for n in range(1, 7)]


def test_a_leads_events_on_one_axis(store: GraphStore, tmp_path: Path) -> None:
    lead = one_contact_ring(store, tmp_path)["leads"][0]["id"]
    users.add_org(store, CONTACT_ORG, "enterprise", exist_ok=True)
    users.add_user(store, ANALYST.username, role="analyst", org=CONTACT_ORG, password_hash="x")
    users.add_org(store, OFFICER.org, "police")
    users.add_user(store, OFFICER.username, role="officer", org=OFFICER.org, password_hash="x")
    lifecycle.accept_lead(store, ANALYST, lead)
    lifecycle.push_lead(store, ANALYST, lead, officer=OFFICER.username)
    lifecycle.set_status(store, OFFICER, lead, "investigating", feedback="on it")

    events = views.lead_timeline(store, OFFICER, lead)
    assert {e["type"] for e in events} <= set(EVENT_TYPES)
    assert events == sorted(events, key=lambda e: e["time"])
    complaints = [e for e in events if e["type"] == "complaint"]
    assert len(complaints) == 12  # six a template, filed on the first six days of June
    assert sorted({e["time"] for e in complaints}) == DAYS
    assert {e["label"][:2] for e in complaints} == {"DY", "WB"}
    assert {e["key"] for e in events if e["type"] == "account"} == set(ACCOUNTS)
    assert {e["type"] for e in events if e["type"] == "submission"} == {"submission"}
    history = [e["label"] for e in events if e["type"] == "lead"]
    assert history[0] == "created"
    assert history[1:3] == ["accepted", f"pushed → {OFFICER.username}"]
    assert sorted(history[3:]) == ["feedback", "investigating"]  # within the same second
    # read off the lead page: the same view, audited as one
    assert audit.entries(store, 10, actor=OFFICER.username, action="view_lead")


def test_an_entitys_events_are_its_complaints_and_submissions(
    store: GraphStore, tmp_path: Path
) -> None:
    one_contact_ring(store, tmp_path)
    events = views.entity_timeline(store, ANALYST, ACCOUNT)
    complaints = [e for e in events if e["type"] == "complaint"]
    assert [e["time"] for e in complaints] == DAYS  # the six complaints naming the agent
    assert all(e["label"].startswith("DY") for e in complaints)
    assert [e["type"] for e in events].count("submission") == 2  # complaints and accounts
    assert {e["key"] for e in events if e["type"] == "account"} == {ACCOUNT}  # first, last seen


def test_the_installation_counts_events_a_day(store: GraphStore, tmp_path: Path) -> None:
    one_contact_ring(store, tmp_path)
    rows = views.installation_timeline(store, ADMIN, date(2025, 1, 1), date.today())
    complaints = {r["time"]: r["count"] for r in rows if r["type"] == "complaint"}
    assert complaints == dict.fromkeys(DAYS, 2)
    assert sum(r["count"] for r in rows if r["type"] == "submission") == 2
    assert sum(r["count"] for r in rows if r["type"] == "lead") >= 1
    # bounded: a window of days, never the whole graph event by event
    assert views.installation_timeline(store, ADMIN, date(2025, 6, 2), date(2025, 6, 3)) == [
        {"time": day, "type": "complaint", "count": 2} for day in DAYS[1:3]
    ]
    assert audit.entries(store, 10, actor="root", action="view_timeline")


def test_events_from_page_data() -> None:
    """The pure part: dates only where the page shows them; calls at their first and last time;
    a submission without a receipt time (another org's, to an analyst) is no event."""
    entities = [
        {"key": "complaint:x", "display_key": "complaint:x", "label": "Complaint",
         "props": {"filed_date": "2025-06-01", "complaint_id": "C1"}, "masked": False},
        {"key": "~complaint:1f", "display_key": "complaint:C*", "label": "Complaint",
         "props": {"complaint_id": "C*"}, "masked": True},
        {"key": "phone:+8613800000001", "display_key": "phone:+8613800000001", "label": "Phone",
         "props": {"first_seen": "2025-01-01"}, "masked": False},
    ]  # fmt: skip
    links = [
        {"start": "phone:a", "end": "phone:b", "type": "CALLED", "sources": ["s1#2"],
         "first_seen": "2025-02-01T10:00:00", "last_seen": "2025-02-03T09:00:00",
         "props": {"count": 3}},
        {"start": "complaint:x", "end": "phone:a", "type": "CONTACT", "sources": ["s1#1"],
         "first_seen": "2025-06-01"},
    ]  # fmt: skip
    submissions = [{"id": "s1", "org": "A", "file_name": "a.csv", "received_at": "2025-07-01"},
                   {"id": "s2", "org": "B"}]  # fmt: skip
    events = events_from(entities, links, submissions)
    assert [(e["time"], e["type"], e["key"]) for e in events] == [
        ("2025-02-01T10:00:00", "call", "phone:a"),
        ("2025-02-03T09:00:00", "call", "phone:a"),
        ("2025-06-01", "complaint", "complaint:x"),
        ("2025-07-01", "submission", ""),
    ]
    assert events[0]["label"] == "phone:a → phone:b (3)" and events[0]["source"] == "s1#2"
