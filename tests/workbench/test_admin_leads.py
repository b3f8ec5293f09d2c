"""The admin page's lead control (AppTest): the admin assigns a candidate to an analyst of the
org that triages it (another org's analysts are not offered), is told the case waits for the
push, and once the lead is pushed records its case number and reviewing officer. Both audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from support import CONTACT_ORG, WECHAT, as_read, one_contact_ring, page_as

from app.i18n import translate
from graph.db.store import GraphStore
from graph.workflow import audit, users
from graph.workflow.auth import Principal
from graph.workflow.lifecycle import accept_lead, push_lead

OTHER_ORG = "云杉小额贷款有限公司"
UNIT = "示例市公安局经侦支队"
ADMIN = Principal("admin", "admin", None, None)
ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
OUTSIDER = Principal("analyst_y", "analyst", OTHER_ORG, "enterprise")
OFFICER = Principal("officer_1", "officer", UNIT, "police")
ADMIN_PAGE = "from app.views.admin import admin_page\nadmin_page()\n"
ASSIGNED = "MATCH (:Lead {id: $id})-[:ASSIGNED_TO]->(u:User) RETURN u.username AS who"


@pytest.fixture
def lead(store: GraphStore, tmp_path: Path) -> str:
    found = one_contact_ring(store, tmp_path)
    users.add_org(store, CONTACT_ORG, "enterprise", exist_ok=True)
    users.add_org(store, OTHER_ORG, "enterprise", exist_ok=True)
    users.add_org(store, UNIT, "police")
    for who in (ADMIN, ANALYST, OUTSIDER, OFFICER):
        users.add_user(store, who.username, role=who.role, org=who.org, password_hash="x")
    return str(next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"]))


def run(element: Any) -> AppTest:
    """Run the app after an interaction with ``element`` (a widget)."""
    at: AppTest = element.run()
    assert not at.exception, at.exception
    return at


def said(at: AppTest) -> list[str]:
    return [as_read(s.value) for s in at.success] + [as_read(c.value) for c in at.caption]


def test_the_admin_assigns_a_candidate_and_sets_the_case_once_pushed(
    store: GraphStore, lead: str
) -> None:
    at = page_as(ADMIN, ADMIN_PAGE, admin_lead=lead)
    assert translate("admin.leads") in [tab.label for tab in at.tabs]
    chooser = at.selectbox(key=f"admin_assign_to_{lead}")
    assert chooser.options == [translate("admin.unassign"), "analyst_a"]  # that org's only
    assert translate("admin.case_after_push") in said(at)
    chooser.set_value("analyst_a")
    run(at.button(key=f"admin_assign_{lead}").click())
    assert translate("lead.assigned") in said(at)
    assert [row["who"] for row in store.read(ASSIGNED, id=lead)] == ["analyst_a"]
    [entry] = audit.entries(store, 5, actor="admin", action="assign")
    assert entry.target == f"lead:{lead}" and entry.details == {"to": "analyst_a"}

    accept_lead(store, ANALYST, lead, "ours")
    push_lead(store, ANALYST, lead, officer=OFFICER.username)
    at = page_as(ADMIN, ADMIN_PAGE, admin_lead=lead)
    at.text_input(key=f"case_ref_{lead}").input("深公(经)立字〔2025〕0077号")
    at.text_input(key=f"reviewing_officer_{lead}").input("李警官")
    run(at.button(key=f"case_save_{lead}").click())
    assert translate("inbox.case_saved") in said(at)
    case = store.read_one(
        "MATCH (l:Lead {id: $id}) RETURN l.case_ref AS case, l.reviewing_officer AS officer",
        id=lead,
    )
    assert case == {"case": "深公(经)立字〔2025〕0077号", "officer": "李警官"}
    [entry] = audit.entries(store, 5, actor="admin", action="case_set")
    assert entry.details == {
        "case_ref": "深公(经)立字〔2025〕0077号",
        "reviewing_officer": "李警官",
    }
    # the analyst's leads page still shows the admin's assignee
    leads = page_as(ANALYST, "from app.views.leads import leads_page\nleads_page()\n")
    assert list(leads.dataframe[0].value[translate("lead.col_assigned")]) == ["analyst_a"]
