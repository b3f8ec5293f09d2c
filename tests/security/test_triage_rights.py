"""Triage is the owning org's (or, while a candidate has no owner, its contributors'): another
org's analyst who can see a lead through its own complaints may not dismiss, restore or assign
it, nor assign it to its own people; an analyst may not assign to another org's analyst; an org
that cannot see a lead is refused as a viewer; only the officer it was pushed to sets the case.
Each refusal is audited, as the attacker acts: through the library calls the pages make."""

from __future__ import annotations

import pytest

from graph.db.store import GraphStore
from graph.workflow import audit, users
from graph.workflow.auth import Forbidden, Principal
from graph.workflow.lifecycle import accept_lead, push_lead
from graph.workflow.triage import assign_lead, dismiss_lead, restore_lead, set_case

OWNER, CONTRIBUTOR, STRANGER = "星河消费金融", "云杉小贷", "北辰网络小贷"
UNIT, OTHER_UNIT = "示例市公安局经侦支队", "另一市公安局"
A = Principal("analyst_a", "analyst", OWNER, "enterprise")
B = Principal("analyst_b", "analyst", CONTRIBUTOR, "enterprise")
C = Principal("analyst_c", "analyst", STRANGER, "enterprise")
OFFICER = Principal("officer_1", "officer", UNIT, "police")
OTHER_OFFICER = Principal("officer_2", "officer", OTHER_UNIT, "police")


@pytest.fixture
def lead(store: GraphStore) -> str:
    for org in (OWNER, CONTRIBUTOR, STRANGER):
        users.add_org(store, org, "enterprise")
    for unit in (UNIT, OTHER_UNIT):
        users.add_org(store, unit, "police")
    for who in (A, B, C, OFFICER, OTHER_OFFICER):
        users.add_user(store, who.username, role=who.role, org=who.org, password_hash="x")
    users.add_user(store, "analyst_a2", role="analyst", org=OWNER, password_hash="x")
    # a candidate resting on complaints of the owner and of the contributor
    store.write(
        "CREATE (l:Lead {id: 'L1', key: 'lead:L1', status: 'candidate', title: 't'}) "
        "CREATE (l)-[:INVOLVES]->(:Complaint:Entity {key: 'complaint:1', values_org: $a}) "
        "CREATE (l)-[:INVOLVES]->(:Complaint:Entity {key: 'complaint:2', values_org: $b})",
        a=OWNER,
        b=CONTRIBUTOR,
    )
    return "L1"


def refusals(store: GraphStore, action: str, actor: str) -> list[audit.Entry]:
    return audit.entries(store, 20, actor=actor, action=action)


def test_another_org_may_not_triage_a_lead_it_does_not_own(store: GraphStore, lead: str) -> None:
    accept_lead(store, A, lead, "ours")
    # B sees the lead (its complaints are in it) but it is A's now
    with pytest.raises(Forbidden):
        dismiss_lead(store, B, lead, "not worth it")
    with pytest.raises(Forbidden):
        assign_lead(store, B, lead, "analyst_b")
    with pytest.raises(Forbidden):
        assign_lead(store, A, lead, "analyst_b")  # the owner may not hand it to another org
    dismiss_lead(store, A, lead, "duplicate")
    with pytest.raises(Forbidden):
        restore_lead(store, B, lead)
    assert [e.details["action"] for e in refusals(store, "triage_denied", "analyst_b")] == [
        "restore",
        "assign",
        "dismiss",
    ]
    assert refusals(store, "triage_denied", "analyst_a")[0].details["to"] == "analyst_b"
    row = store.read_one(
        "MATCH (l:Lead {id: 'L1'}) RETURN l.status AS status, "
        "[(l)-[:ASSIGNED_TO]->(u) | u.username] AS assigned"
    )
    assert row == {"status": "dismissed", "assigned": []}


def test_an_org_that_cannot_see_a_candidate_is_refused_as_a_viewer(
    store: GraphStore, lead: str
) -> None:
    for attempt in (
        lambda: dismiss_lead(store, C, lead, "hide it"),
        lambda: assign_lead(store, C, lead, "analyst_c"),
    ):
        with pytest.raises(Forbidden):
            attempt()
    assert len(refusals(store, "view_denied", "analyst_c")) == 2
    # a contributor may triage a candidate nobody owns yet, within its own org only
    assign_lead(store, B, lead, "analyst_b")
    with pytest.raises(Forbidden):
        assign_lead(store, B, lead, "analyst_a2")


def test_only_the_officer_it_was_pushed_to_sets_the_case(store: GraphStore, lead: str) -> None:
    accept_lead(store, A, lead, "ours")
    push_lead(store, A, lead, officer="officer_1")
    with pytest.raises(Forbidden):
        set_case(store, OTHER_OFFICER, lead, "伪造案号", "伪造民警")
    with pytest.raises(Forbidden):
        set_case(store, A, lead, "伪造案号", "伪造民警")
    assert len(refusals(store, "view_denied", "officer_2")) == 1
    row = store.read_one("MATCH (l:Lead {id: 'L1'}) RETURN l.case_ref AS case_ref")
    assert row == {"case_ref": None}
    set_case(store, OFFICER, lead, "案号1", "张警官")
