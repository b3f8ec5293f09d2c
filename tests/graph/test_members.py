"""Entities picked on a chart added to a lead as evidence (graph.workflow.members, through
graph.views): by an analyst of the owning org only, with the reason "added by <user> on
<date>", audited. Another org's analyst who may read the lead, the officer it was pushed to,
and anyone outside the lead are refused, each attempt audited, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from support import (
    CONTACT_ORG,
    LENDERS,
    two_org_lead,
)

from graph import views
from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.db.schema import wipe_data
from graph.db.store import GraphStore
from graph.workflow import audit, lifecycle, users
from graph.workflow.auth import Forbidden, Principal

UNIT = "示例市公安局经侦支队"
OTHER = LENDERS[1]  # a lender whose complaints the lead also rests on
ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
CONTRIBUTOR = Principal("analyst_y", "analyst", OTHER, "enterprise")
OUTSIDER = Principal("analyst_z", "analyst", LENDERS[3], "enterprise")
OFFICER = Principal("officer_1", "officer", UNIT, "police")

MEMBERS = "MATCH (:Lead {id: $id})-[r:INVOLVES]->(x:Entity) RETURN x.key AS key, properties(r) AS r"


@pytest.fixture(scope="module")
def world(session_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The contact ring, plus the same agent named by six complaints of another lender: the
    lead rests on both orgs' complaints; analyst_a's org accepts it and pushes it."""
    store, tmp_path = session_store, tmp_path_factory.mktemp("members")
    wipe_data(store)
    lead = two_org_lead(store, tmp_path, OTHER)
    for org in (CONTACT_ORG, OTHER, LENDERS[3]):
        users.add_org(store, org, "enterprise", exist_ok=True)
    users.add_org(store, UNIT, "police")
    for who in (ANALYST, CONTRIBUTOR, OUTSIDER, OFFICER):
        users.add_user(store, who.username, role=who.role, org=who.org, password_hash="x")
    lifecycle.accept_lead(store, ANALYST, lead, "共用微信号")
    lifecycle.push_lead(store, ANALYST, lead, officer="officer_1")
    outside = store.read(
        "MATCH (p:Phone) WHERE NOT p.key IN $keys AND p.key STARTS WITH 'phone:+86139000000'"
        " RETURN p.key AS key ORDER BY key LIMIT 2",
        keys=list(members(store, lead)),
    )
    return {"store": store, "lead": lead, "outside": [r["key"] for r in outside]}


def within(store: GraphStore, principal: Principal, lead: str) -> list[str]:
    """Entities outside the lead that ``principal`` may see (so only the owner check stops
    them): the phones of their own org's complainants."""
    from graph.evidence.rights import rights

    phones = [f"phone:+86139{n:08d}" for n in range(100)]
    seen = rights(store, principal, phones)
    return [key for key in phones if key in seen and key not in members(store, lead)][:2]


def members(store: GraphStore, lead: str) -> set[str]:
    return {row["key"] for row in store.read(MEMBERS, id=lead)}


def test_the_owning_orgs_analyst_adds_visible_entities_with_a_reason(
    world: dict[str, Any],
) -> None:
    store, lead = world["store"], world["lead"]
    extra = world["outside"]
    assert extra, "the world should hold phones outside the lead"
    before = members(store, lead)
    added = views.add_to_lead(store, ANALYST, lead, [*extra, next(iter(before))])
    assert sorted(added) == sorted(extra)  # a member already in it is left as it is
    rows = {row["key"]: row["r"] for row in store.read(MEMBERS, id=lead)}
    for key in extra:
        assert rows[key]["kind"] == "manual"
        assert rows[key]["reason"] == f"added by analyst_a on {utc_now()[:10]}"
    assert members(store, lead) == before | set(extra)
    node = lifecycle.view_lead(store, ANALYST, lead)
    assert node["history"][-1]["event"] == "evidence_added"
    entry = audit.entries(store, 1, actor="analyst_a", action="evidence_add")[0]
    assert entry.target == f"lead:{lead}" and entry.details == {"added": 2, "asked": 3}
    # the page shows them: the lead's entities now hold them
    assert set(extra) <= {e["key"] for e in views.lead_page(store, ANALYST, lead)["entities"]}
    with pytest.raises(UserError, match="choose"):
        views.add_to_lead(store, ANALYST, lead, [])


@pytest.mark.parametrize("hostile", [CONTRIBUTOR, OFFICER], ids=["other-org", "officer"])
def test_a_reader_of_the_lead_who_does_not_own_it_is_refused(
    world: dict[str, Any], hostile: Principal
) -> None:
    store, lead = world["store"], world["lead"]
    assert lifecycle.may_view(store, hostile, lead)  # they read the lead ...
    before = members(store, lead)
    target = views.lead_page(store, hostile, lead)["entities"][0]["key"]  # ... and its entities
    with pytest.raises(Forbidden, match="owns"):
        views.add_to_lead(store, hostile, lead, [target, *within(store, hostile, lead)])
    assert members(store, lead) == before
    denied = audit.entries(store, 1, actor=hostile.username, action="evidence_denied")
    assert denied and denied[0].target == f"lead:{lead}"


def test_an_outsider_and_entities_outside_ones_rights_are_refused(world: dict[str, Any]) -> None:
    store, lead = world["store"], world["lead"]
    before = members(store, lead)
    with pytest.raises(Forbidden):
        views.add_to_lead(store, OUTSIDER, lead, world["outside"])
    assert audit.entries(store, 1, actor="analyst_z", action="view_denied")[0].target == (
        f"lead:{lead}"
    )
    # the owner's analyst naming an entity its org cannot see at all: nothing is added
    unseen = "phone:+8613100000000"
    store.write("MERGE (p:Entity:Phone {key: $key}) SET p.e164 = '+8613100000000'", key=unseen)
    with pytest.raises(Forbidden):
        views.add_to_lead(store, ANALYST, lead, ["phone:+8613900000004", unseen])
    assert members(store, lead) == before


def test_export_selection_is_audited_and_spreadsheet_safe(world: dict[str, Any]) -> None:
    store, lead = world["store"], world["lead"]
    picked = [
        {"display_key": "phone:139****0080", "label": "Phone", "caption": '=HYPERLINK("x")'},
        {"display_key": "~firm:3fa8", "label": "Firm", "caption": "某公司"},
    ]
    text = views.export_selection(store, OFFICER, picked, context=f"lead:{lead}")
    assert text.splitlines() == [
        "key,label,caption",
        'phone:139****0080,Phone,"\'=HYPERLINK(""x"")"',
        "~firm:3fa8,Firm,某公司",
    ]
    entry = audit.entries(store, 1, actor="officer_1", action="export")[0]
    assert entry.target == f"lead:{lead}"
    assert entry.details == {"what": "chart_selection", "entities": 2}
