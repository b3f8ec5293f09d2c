"""Triage in the workbench (AppTest): an analyst dismisses a candidate with a reason, finds it
again through the status filter and restores it, assigns it to a colleague who then finds it
with "assigned to me"; the officer it was pushed to saves a case number and reviewing officer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from support import CONTACT_ORG, WECHAT, as_read, one_contact_ring, page_as

from app.i18n import translate
from graph.db.store import GraphStore
from graph.workflow import users
from graph.workflow.auth import Principal
from graph.workflow.lifecycle import accept_lead, push_lead

UNIT = "示例市公安局经侦支队"
ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
COLLEAGUE = Principal("analyst_b", "analyst", CONTACT_ORG, "enterprise")
OFFICER = Principal("officer_1", "officer", UNIT, "police")
LEADS = "from app.views.leads import leads_page\nleads_page()\n"
INBOX = "from app.views.inbox import inbox_page\ninbox_page()\n"


@pytest.fixture
def lead(store: GraphStore, tmp_path: Path) -> str:
    found = one_contact_ring(store, tmp_path)
    users.add_org(store, CONTACT_ORG, "enterprise", exist_ok=True)
    users.add_org(store, UNIT, "police")
    for who in (ANALYST, COLLEAGUE, OFFICER):
        users.add_user(store, who.username, role=who.role, org=who.org, password_hash="x")
    return str(next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"]))


def listed(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["id"]) if at.dataframe else []


def run(element: Any) -> AppTest:
    """Run the app after an interaction with ``element`` (a widget, or the AppTest itself)."""
    at: AppTest = element.run()
    assert not at.exception, at.exception
    return at


def test_an_analyst_dismisses_restores_and_assigns_a_candidate(lead: str) -> None:
    at = page_as(ANALYST, LEADS, leads_selected=lead)
    assert lead in listed(at)
    run(at.text_input(key=f"dismiss_reason_{lead}").input("另案已处理"))
    run(at.button(key=f"dismiss_{lead}").click())
    assert translate("lead.dismissed") in [as_read(s.value) for s in at.success]
    assert lead not in listed(at)

    run(at.multiselect(key="leads_statuses").set_value(["dismissed"]))
    assert listed(at) == [lead]
    assert at.selectbox(key="leads_selected").value == lead
    assert "另案已处理" in "\n".join(as_read(c.value) for c in at.caption)
    run(at.button(key=f"restore_{lead}").click())
    assert translate("lead.restored") in [as_read(s.value) for s in at.success]
    run(at.multiselect(key="leads_statuses").set_value([]))
    assert lead in listed(at)

    at.selectbox(key="leads_selected").set_value(lead)
    run(at)
    at.selectbox(key=f"assign_to_{lead}").set_value("analyst_b")
    run(at.button(key=f"assign_{lead}").click())
    assert translate("lead.assigned") in [as_read(s.value) for s in at.success]

    mine = page_as(COLLEAGUE, LEADS)
    run(mine.checkbox(key="leads_mine").check())
    assert listed(mine) == [lead]
    assert list(mine.dataframe[0].value[translate("lead.col_assigned")]) == ["analyst_b"]
    theirs = page_as(ANALYST, LEADS)
    run(theirs.checkbox(key="leads_mine").check())
    assert listed(theirs) == []


def test_the_officer_saves_the_case_number_and_reviewing_officer(
    store: GraphStore, lead: str
) -> None:
    accept_lead(store, ANALYST, lead, "共用微信号")
    push_lead(store, ANALYST, lead, officer="officer_1")
    at = page_as(OFFICER, INBOX)
    at.text_input(key=f"case_ref_{lead}").input("深公(经)立字〔2025〕0042号")
    at.text_input(key=f"reviewing_officer_{lead}").input("张警官")
    run(at.button(key=f"case_save_{lead}").click())
    assert translate("inbox.case_saved") in [as_read(s.value) for s in at.success]
    row = store.read_one(
        "MATCH (l:Lead {id: $id}) RETURN l.case_ref AS case, l.reviewing_officer AS officer",
        id=lead,
    )
    assert row == {"case": "深公(经)立字〔2025〕0042号", "officer": "张警官"}
    assert at.text_input(key=f"case_ref_{lead}").value == "深公(经)立字〔2025〕0042号"
