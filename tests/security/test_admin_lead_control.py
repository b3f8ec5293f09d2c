"""The admin page's lead control is the admin's: through the same doors (:mod:`graph.views`) a
non-admin cannot do what it does. Another org's analyst may not learn the lead's org's analysts
by asking whom it could be assigned to, nor assign it; the owning org's analyst may not hand it
to another org; an officer it was not pushed to and an analyst may not set its case. Each
refusal is audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import CONTACT_ORG, WECHAT, one_contact_ring

from graph import views
from graph.db.store import GraphStore
from graph.workflow import audit, users
from graph.workflow.auth import Forbidden, Principal
from graph.workflow.lifecycle import accept_lead, push_lead

OTHER_ORG = "云杉小额贷款有限公司"
UNIT, OTHER_UNIT = "示例市公安局经侦支队", "示例市公安局反诈中心"
ADMIN = Principal("admin", "admin", None, None)
ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
OUTSIDER = Principal("analyst_y", "analyst", OTHER_ORG, "enterprise")
OFFICER = Principal("officer_1", "officer", UNIT, "police")
STRANGER = Principal("officer_2", "officer", OTHER_UNIT, "police")
ASSIGNED = "MATCH (:Lead {id: $id})-[:ASSIGNED_TO]->(u:User) RETURN u.username AS who"
CASE = "MATCH (l:Lead {id: $id}) RETURN l.case_ref AS case"


@pytest.fixture
def lead(store: GraphStore, tmp_path: Path) -> str:
    found = one_contact_ring(store, tmp_path)
    for org, kind in ((CONTACT_ORG, "enterprise"), (OTHER_ORG, "enterprise"),
                      (UNIT, "police"), (OTHER_UNIT, "police")):  # fmt: skip
        users.add_org(store, org, kind, exist_ok=True)
    for who in (ADMIN, ANALYST, OUTSIDER, OFFICER, STRANGER):
        users.add_user(store, who.username, role=who.role, org=who.org, password_hash="x")
    lead_id = str(next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"]))
    accept_lead(store, ANALYST, lead_id, "ours")
    push_lead(store, ANALYST, lead_id, officer=OFFICER.username)
    return lead_id


def test_assignees_of_a_lead_are_named_to_the_admin_only(store: GraphStore, lead: str) -> None:
    assert views.assignees(store, ADMIN, lead) == ["analyst_a"]
    # another org's analyst asking about this lead hears of its own colleagues only
    assert views.assignees(store, OUTSIDER, lead) == ["analyst_y"]
    with pytest.raises(Forbidden):
        views.assignees(store, OFFICER, lead)


def test_a_non_admin_cannot_assign_or_set_the_case(store: GraphStore, lead: str) -> None:
    with pytest.raises(Forbidden):  # may not even see it
        views.assign_lead(store, OUTSIDER, lead, "analyst_y")
    with pytest.raises(Forbidden):  # the owner may not give it to another org
        views.assign_lead(store, ANALYST, lead, "analyst_y")
    with pytest.raises(Forbidden):
        views.set_case(store, ANALYST, lead, "伪造案号", "伪造")
    with pytest.raises(Forbidden):
        views.set_case(store, STRANGER, lead, "伪造案号", "伪造")
    assert store.read(ASSIGNED, id=lead) == []
    assert store.read_one(CASE, id=lead) == {"case": None}
    assert audit.entries(store, 5, actor="analyst_y", action="view_denied")
    assert audit.entries(store, 5, actor="analyst_a", action="triage_denied")
    assert audit.entries(store, 5, actor="officer_2", action="view_denied")
    # the admin may do both
    views.assign_lead(store, ADMIN, lead, "analyst_a")
    views.set_case(store, ADMIN, lead, "案号 1", "李警官")
    assert [row["who"] for row in store.read(ASSIGNED, id=lead)] == ["analyst_a"]
    assert store.read_one(CASE, id=lead) == {"case": "案号 1"}
