"""Triage on a lead that ``detect`` found (tests/support.py's ``one_contact_ring``): dismissed
with a reason, kept and hidden from the list, left dismissed by a second detect run, restored
to what it was; assigned within the org and filtered by assignee; the case number and reviewing
officer set by the officer it was pushed to, and printed on the cover sheet."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support import CONTACT_ORG, WECHAT, one_contact_ring

from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.evidence.leads import detect, lead_bundle
from graph.export.cover import CoverInfo, cover_rows
from graph.workflow import audit, users
from graph.workflow.auth import Principal
from graph.workflow.lifecycle import accept_lead, push_lead, visible_leads
from graph.workflow.triage import assign_lead, dismiss_lead, restore_lead, set_case

UNIT = "示例市公安局经侦支队"
ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
OFFICER = Principal("officer_1", "officer", UNIT, "police")


@pytest.fixture
def lead(store: GraphStore, tmp_path: Path) -> str:
    found = one_contact_ring(store, tmp_path)
    users.add_org(store, CONTACT_ORG, "enterprise", exist_ok=True)
    users.add_org(store, UNIT, "police")
    for name in ("analyst_a", "analyst_b"):
        users.add_user(store, name, role="analyst", org=CONTACT_ORG, password_hash="x")
    users.add_user(store, "officer_1", role="officer", org=UNIT, password_hash="x")
    return str(next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"]))


def lead_node(store: GraphStore, lead_id: str) -> dict[str, object]:
    row = store.read_one("MATCH (l:Lead {id: $id}) RETURN properties(l) AS lead", id=lead_id)
    assert row is not None
    return dict(row["lead"])


def listed(store: GraphStore, **filters: object) -> list[str]:
    return [lead["id"] for lead in visible_leads(store, ANALYST, **filters)]  # type: ignore[arg-type]


def test_a_dismissed_candidate_is_kept_hidden_and_stays_dismissed_through_detect(
    store: GraphStore, lead: str
) -> None:
    assign_lead(store, ANALYST, lead, "analyst_b")
    with pytest.raises(UserError, match="say why"):
        dismiss_lead(store, ANALYST, lead, "  ")
    dismiss_lead(store, ANALYST, lead, "同一代理已在另案处理")

    assert lead not in listed(store)
    assert lead in listed(store, statuses=["dismissed"])
    detect(store)  # the same data again: the ring is found again, the lead stays set aside
    node = lead_node(store, lead)
    assert node["status"] == "dismissed" and node["dismiss_reason"] == "同一代理已在另案处理"
    assert [x["assigned"] for x in visible_leads(store, ANALYST, statuses=["dismissed"])] == [
        ["analyst_b"]
    ]
    assert restore_lead(store, ANALYST, lead) == "candidate"
    with pytest.raises(UserError, match="not dismissed"):
        restore_lead(store, ANALYST, lead)

    assert lead in listed(store) and lead_node(store, lead)["status"] == "candidate"
    detect(store)  # restored: detect updates it as any candidate
    assert lead_node(store, lead)["status"] == "candidate"
    events = [h["event"] for h in json.loads(str(lead_node(store, lead)["history_json"]))]
    assert events == ["assigned", "dismissed", "restored"]
    entry = audit.entries(store, 1, actor="analyst_a", action="dismiss")[0]
    assert entry.target == f"lead:{lead}"
    assert entry.details == {"reason": "同一代理已在另案处理", "previous": "candidate"}
    assert audit.entries(store, 1, actor="analyst_a", action="restore")[0].details["status"] == (
        "candidate"
    )


def test_an_accepted_lead_is_restored_to_lead_and_assigned_leads_filter(
    store: GraphStore, lead: str
) -> None:
    accept_lead(store, ANALYST, lead, "共用微信号")
    assert listed(store, assignee="analyst_a") == []
    assign_lead(store, ANALYST, lead, "analyst_a")
    assert listed(store, assignee="analyst_a") == [lead]
    assign_lead(store, ANALYST, lead, "analyst_b")  # one assignee per org: the new one
    assert listed(store, assignee="analyst_a") == [] and listed(store, assignee="analyst_b")
    dismiss_lead(store, ANALYST, lead, "证据不足")
    assert restore_lead(store, ANALYST, lead, "新证据") == "lead"
    assign_lead(store, ANALYST, lead, None)
    assert listed(store, assignee="analyst_b") == []


def test_the_officer_sets_the_case_and_it_is_on_the_cover(store: GraphStore, lead: str) -> None:
    accept_lead(store, ANALYST, lead, "共用微信号")
    with pytest.raises(UserError, match="pushed"):
        set_case(store, Principal("root", "admin", None, None), lead, "X", "Y")
    push_lead(store, ANALYST, lead, officer="officer_1")
    with pytest.raises(UserError, match="can be dismissed"):
        dismiss_lead(store, ANALYST, lead, "不要了")
    set_case(store, OFFICER, lead, " 深公(经)立字〔2025〕0042号 ", "张警官")

    bundle = lead_bundle(store, lead)
    info = CoverInfo("pkg", "court", "officer_1", datetime(2025, 7, 1, tzinfo=UTC), "ab" * 16, 1)
    rows = dict(cover_rows(bundle, info))
    assert rows["案件编号 Case reference"] == "深公(经)立字〔2025〕0042号"
    assert rows["审核民警 Reviewing officer"] == "张警官"
    entry = audit.entries(store, 1, actor="officer_1", action="case_set")[0]
    assert entry.details == {
        "case_ref": "深公(经)立字〔2025〕0042号",
        "reviewing_officer": "张警官",
    }
    set_case(store, OFFICER, lead, "", "")  # cleared: the cover falls back
    rows = dict(cover_rows(lead_bundle(store, lead), info))
    assert rows["案件编号 Case reference"] == "—"
    assert rows["审核民警 Reviewing officer"] == "officer_1"  # the officer it was pushed to
