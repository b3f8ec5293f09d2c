"""Alerts in the workbench (AppTest): the Updates page opens with a "提醒 Alerts" section — the
analyst's new candidate over the threshold, the officer's new evidence on the lead pushed to
them — each with a button that opens the lead and marks the alert read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support import alert_world, new_evidence, page_as, page_text, who

from app.i18n import translate
from app.views import inbox, leads
from graph import views
from graph.db.store import GraphStore
from graph.workflow import alerts, audit, lifecycle

UPDATES_PAGE = "from app.views.updates import updates_page\nupdates_page()\n"
NO_CHANGES: dict[str, Any] = {"created": [], "updated": [], "stale": []}


def zh(key: str) -> str:
    return translate(key, "zh")


@pytest.fixture
def world(store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.delenv("LEADGRAPH_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("LEADGRAPH_SMTP_HOST", raising=False)
    monkeypatch.delenv("LEADGRAPH_ALERT_MIN_SCORE", raising=False)  # the default, 60
    found = alert_world(store, tmp_path)
    assert alerts.after_analysis(store, found["submission"], found["changes"]) == 2
    return {**found, "folder": tmp_path}


def test_the_analyst_sees_the_new_candidate_alert_and_opens_its_lead(
    store: GraphStore, world: dict[str, Any]
) -> None:
    me = who(store, "analyst_a")
    at = page_as(me, UPDATES_PAGE)
    text = page_text(at)
    assert zh("alerts.title") in text and zh("alerts.kind_candidate") in text
    assert world["lead"] in text and zh("alerts.unread") in text
    [alert] = views.alerts(store, me)
    at.button(key=f"alert_open_{alert['id']}").click().run()
    assert not at.exception, at.exception
    assert at.session_state[leads.SELECTED] == world["lead"]
    assert views.alerts(store, me)[0]["read_at"]
    assert audit.entries(store, 1, action="alert_read")[0].actor == "analyst_a"
    outsider = page_text(page_as(who(store, "analyst_c"), UPDATES_PAGE))
    assert zh("alerts.none") in outsider and world["lead"] not in outsider


def test_the_officer_sees_the_new_evidence_alert_on_the_lead_pushed_to_them(
    store: GraphStore, world: dict[str, Any]
) -> None:
    analyst = who(store, "analyst_a")
    lifecycle.accept_lead(store, analyst, world["lead"])
    lifecycle.push_lead(store, analyst, world["lead"], officer="officer_p")
    later = new_evidence(store, world["folder"], "more.csv")
    assert alerts.after_analysis(store, later, NO_CHANGES) == 1
    officer = who(store, "officer_p")
    at = page_as(officer, UPDATES_PAGE)
    text = page_text(at)
    assert zh("alerts.kind_evidence") in text and world["lead"] in text
    assert "13900000300" not in text  # counts, never the new complaints' numbers
    [alert] = views.alerts(store, officer)
    at.button(key=f"alert_open_{alert['id']}").click().run()
    assert not at.exception, at.exception
    assert at.session_state[inbox.SELECTED] == world["lead"]
    assert views.alerts(store, officer)[0]["read_at"]
    assert zh("alerts.none") in page_text(page_as(who(store, "officer_q"), UPDATES_PAGE))
