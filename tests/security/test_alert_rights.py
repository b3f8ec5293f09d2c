"""Alerts go to the people a lead concerns and say nothing more than their pages would: an
analyst of an org whose complaints are not in the lead gets none and cannot open another's
alert; an officer the lead was not pushed to gets none; a message carries no raw number."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import WebhookReceiver, alert_world, new_evidence, webhook_configured, who

from graph import views
from graph.db.store import GraphStore
from graph.workflow import alerts, audit, lifecycle, notify
from graph.workflow.auth import Forbidden

SECRET = "alert-rights-secret"
NO_CHANGES: dict[str, Any] = {"created": [], "updated": [], "stale": []}
# the new complaints' borrowers' own phones (support.new_evidence)
RAW_NUMBERS = ["13900000300", "13900000301", "13900000302", "+86139"]


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookReceiver]:
    monkeypatch.setenv("LEADGRAPH_ALERT_MIN_SCORE", "0")
    with webhook_configured(monkeypatch, SECRET, "http://127.0.0.1:8501") as server:
        yield server


@pytest.fixture
def world(store: GraphStore, tmp_path: Path, receiver: WebhookReceiver) -> dict[str, Any]:
    found = alert_world(store, tmp_path)
    alerts.after_analysis(store, found["submission"], found["changes"])
    analyst = who(store, "analyst_a")
    lifecycle.accept_lead(store, analyst, found["lead"])
    lifecycle.push_lead(store, analyst, found["lead"], officer="officer_p")
    later = new_evidence(store, tmp_path, "more.csv")
    alerts.after_analysis(store, later, NO_CHANGES)
    return {**found, "later": later}


def test_an_analyst_whose_org_is_not_in_the_lead_gets_no_alert_and_cannot_open_one(
    store: GraphStore, world: dict[str, Any]
) -> None:
    outsider = who(store, "analyst_c")
    assert views.alerts(store, outsider) == []
    [theirs] = views.alerts(store, who(store, "analyst_a"))
    with pytest.raises(Forbidden):
        views.open_alert(store, outsider, theirs["id"])
    [denied] = audit.entries(store, 5, action="alert_denied")
    assert (denied.actor, denied.target) == ("analyst_c", f"alert:{theirs['id']}")
    assert not audit.entries(store, 5, action="alert_read")
    assert views.alerts(store, who(store, "analyst_a"))[0]["read_at"] is None  # still unread
    with pytest.raises(Forbidden):  # nor another analyst of the lead, nor its officer
        views.open_alert(store, who(store, "analyst_b"), theirs["id"])
    with pytest.raises(Forbidden):
        views.open_alert(store, who(store, "officer_p"), theirs["id"])


def test_an_officer_the_lead_was_not_pushed_to_gets_no_alert(
    store: GraphStore, world: dict[str, Any]
) -> None:
    assert [a["kind"] for a in views.alerts(store, who(store, "officer_p"))] == ["evidence"]
    assert views.alerts(store, who(store, "officer_q")) == []  # same role, another unit


def test_a_delivered_alert_carries_no_raw_number(
    store: GraphStore, world: dict[str, Any], receiver: WebhookReceiver
) -> None:
    notify.deliver_due(store, notify.channels_from_settings())
    bodies = [a["body"] for a in receiver.accepted if "alert_id" in a["body"]]
    assert sorted(b["kind"] for b in bodies) == ["candidate", "candidate", "evidence"]
    said = json.dumps(bodies, ensure_ascii=False)
    assert not any(number in said for number in RAW_NUMBERS)
    shown = json.dumps(views.alerts(store, who(store, "officer_p")), ensure_ascii=False)
    assert not any(number in shown for number in RAW_NUMBERS)
