"""Alerts (graph/workflow/alerts.py) against a real graph, through real ingest and a full
rebuild as the analysis: a candidate over the threshold alerts the analysts of the orgs whose
complaints it rests on, a pushed lead's new evidence alerts the officer it was pushed to, each
once, audited, and each delivered once to a real local webhook receiver by
``leadgraph notify run``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import (
    WebhookReceiver,
    alert_world,
    analysis_changes,
    lead_snapshot,
    new_evidence,
    webhook_configured,
    who,
)

from app.cli import main
from graph import views
from graph.db.store import GraphStore
from graph.workflow import alerts, audit, lifecycle, outbox, users

SECRET = "alert-webhook-secret"
PUBLIC_URL = "http://127.0.0.1:8501"
NO_CHANGES: dict[str, Any] = {"created": [], "updated": [], "stale": []}


@pytest.fixture
def world(store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.delenv("LEADGRAPH_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("LEADGRAPH_SMTP_HOST", raising=False)
    monkeypatch.setenv("LEADGRAPH_ALERT_MIN_SCORE", "0")
    return {**alert_world(store, tmp_path), "folder": tmp_path}


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookReceiver]:
    with webhook_configured(monkeypatch, SECRET, PUBLIC_URL) as server:
        yield server


def pushed(store: GraphStore, lead: str) -> None:
    """analyst_a accepts the lead and pushes it to the unit ALERT_UNIT (officer_p's)."""
    analyst = who(store, "analyst_a")
    lifecycle.accept_lead(store, analyst, lead)
    unit = who(store, "officer_p").org
    lifecycle.push_lead(store, analyst, lead, unit=unit)


def alert_kinds(store: GraphStore, username: str) -> list[tuple[str, str]]:
    return [(a["kind"], a["lead_id"]) for a in views.alerts(store, who(store, username))]


def test_the_changes_dict_comes_from_a_real_second_submission(
    store: GraphStore, world: dict[str, Any]
) -> None:
    changes = world["changes"]
    assert world["lead"] in changes["created"] + changes["updated"]
    assert changes["submission"] == world["submission"]


def test_a_candidate_over_the_threshold_alerts_the_analysts_of_its_orgs_once(
    store: GraphStore, world: dict[str, Any]
) -> None:
    lead, submission = world["lead"], world["submission"]
    made = alerts.after_analysis(store, submission, world["changes"])
    assert alert_kinds(store, "analyst_a") == [("candidate", lead)]  # CONTACT_ORG's complaints
    assert alert_kinds(store, "analyst_b") == [("candidate", lead)]  # LENDERS[1]'s
    assert alert_kinds(store, "analyst_c") == []  # no complaint of LENDERS[2] in it
    assert alert_kinds(store, "officer_p") == []  # a candidate is nobody's to investigate yet
    assert made == 2
    assert alerts.after_analysis(store, submission, world["changes"]) == 0  # once
    [alert] = views.alerts(store, who(store, "analyst_a"))
    assert alert["counts"]["complaints"] >= 18 and alert["read_at"] is None
    assert alert["score"] == lifecycle.view_lead(store, who(store, "analyst_a"), lead)["score"]
    created = audit.entries(store, 10, action="alert_created")
    assert sorted(e.details["recipient"] for e in created) == ["analyst_a", "analyst_b"]
    assert {e.details["lead"] for e in created} == {lead}


def test_a_lead_told_once_is_not_told_again_when_it_grows(
    store: GraphStore, world: dict[str, Any]
) -> None:
    alerts.after_analysis(store, world["submission"], world["changes"])
    before = lead_snapshot(store)
    later = new_evidence(store, world["folder"], "grow.csv")
    changes = analysis_changes(store, later, before)
    assert world["lead"] in changes["updated"]
    assert alerts.after_analysis(store, later, changes) == 0  # over the threshold already told


def test_a_candidate_under_the_threshold_alerts_nobody_until_it_crosses(
    store: GraphStore, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    score = float(lead_snapshot(store)[world["lead"]][1])
    monkeypatch.setenv("LEADGRAPH_ALERT_MIN_SCORE", str(score + 0.5))
    assert alerts.after_analysis(store, world["submission"], world["changes"]) == 0
    monkeypatch.setenv("LEADGRAPH_ALERT_MIN_SCORE", str(score))
    assert alerts.after_analysis(store, world["submission"], world["changes"]) == 2


def test_a_pushed_lead_gaining_evidence_alerts_the_unit_it_was_pushed_to(
    store: GraphStore, world: dict[str, Any]
) -> None:
    lead = world["lead"]
    pushed(store, lead)
    later = new_evidence(store, world["folder"], "more.csv")
    assert alerts.after_analysis(store, later, NO_CHANGES) == 1
    [alert] = views.alerts(store, who(store, "officer_p"))
    assert (alert["kind"], alert["lead_id"], alert["submission"]) == ("evidence", lead, later)
    counts = alert["counts"]
    assert counts["complaints"] == 3 and counts["links_by_type"]["REPRESENTED_BY"] == 3
    assert alert_kinds(store, "officer_q") == []  # another unit's officer: not pushed to
    assert alert_kinds(store, "analyst_c") == []
    assert alerts.after_analysis(store, later, NO_CHANGES) == 0  # once
    # a submission that landed before the push is not news to its officer
    assert alerts.after_analysis(store, world["submission"], NO_CHANGES) == 0


def test_the_recipient_opens_an_alert_marked_read_and_audited(
    store: GraphStore, world: dict[str, Any]
) -> None:
    alerts.after_analysis(store, world["submission"], world["changes"])
    me = who(store, "analyst_a")
    [alert] = views.alerts(store, me)
    opened = views.open_alert(store, me, alert["id"])
    assert opened["read_at"] and opened["lead_id"] == world["lead"]
    [entry] = audit.entries(store, 5, action="alert_read")
    assert (entry.actor, entry.target) == ("analyst_a", f"alert:{alert['id']}")


def test_an_alert_is_delivered_once_to_a_real_webhook_by_notify_run(
    store: GraphStore,
    world: dict[str, Any],
    receiver: WebhookReceiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lead = world["lead"]
    assert alerts.after_analysis(store, world["submission"], world["changes"]) == 2
    pushed(store, lead)
    later = new_evidence(store, world["folder"], "more.csv")
    assert alerts.after_analysis(store, later, NO_CHANGES) == 1
    queued = [n for n in outbox.list_notifications(store) if "alert_id" in n.payload]
    assert len(queued) == 3 and {n.channel for n in queued} == {"webhook"}
    capsys.readouterr()
    assert main(["notify", "run", "--once", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["delivered"] >= 3  # and the push's own message
    bodies = [a["body"] for a in receiver.accepted if "alert_id" in a["body"]]
    assert sorted(b["event"] for b in bodies) == ["alert.candidate", "alert.candidate",
                                                  "alert.evidence"]  # fmt: skip
    assert all(b["lead_id"] == lead and b["url"] == f"{PUBLIC_URL}/?lead={lead}" for b in bodies)
    [evidence] = [b for b in bodies if b["kind"] == "evidence"]
    assert evidence["counts"]["complaints"] == 3
    # again: nothing new is made, queued or delivered
    delivered = len(receiver.accepted)
    assert alerts.after_analysis(store, world["submission"], world["changes"]) == 0
    assert alerts.after_analysis(store, later, NO_CHANGES) == 0
    assert main(["notify", "run", "--once", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["delivered"] == 0
    assert len(receiver.accepted) == delivered and not receiver.rejected
    created = audit.entries(store, 10, action="alert_created")
    assert all(e.details["channels"] == ["webhook"] for e in created) and len(created) == 3


def test_an_alert_for_a_disabled_analyst_is_not_made(
    store: GraphStore, world: dict[str, Any]
) -> None:
    users.set_disabled(store, "analyst_b")
    assert alerts.after_analysis(store, world["submission"], world["changes"]) == 1
    assert alert_kinds(store, "analyst_a") == [("candidate", world["lead"])]


def test_an_alert_email_names_the_kind_the_lead_and_the_counts() -> None:
    from graph.workflow.notify import render_email

    alert = {"id": "a1", "kind": "evidence", "lead_id": "lead-1", "score": 81.5,
             "counts": '{"complaints": 3, "links": 3}', "created_at": "2026-01-01T00:00:00Z"}  # fmt: skip
    subject, body = render_email(alerts.alert_payload(alert, PUBLIC_URL))
    assert "lead-1" in subject and "New evidence on a pushed lead" in subject
    assert "complaints 3" in body and f"{PUBLIC_URL}/?lead=lead-1" in body
