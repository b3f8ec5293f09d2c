"""A timeline shows no more than the page it belongs to (issue 17, "Time").

Two lenders file complaints into one ring: B the six "DY" ones (and the agent accounts' file
comes from A), C the six "WB" ones. B's analyst may open the lead (B's complaints are in it),
but C's complaints are C's: on the lead page they are masked, so on B's timeline they are no
events — not their dates, not their ids — and neither is the receipt of another org's files.
A stranger (an analyst of an org that stated none of it) is refused every timeline, and the
installation's timeline (every org's counts) is an admin's only; each refusal is audited.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support import (
    CONTACT_ORG,
    TEMPLATE_A,
    TEMPLATE_B,
    complaint_rows,
    lead_page_as,
    submit_complaints,
)

from app.views.timeline import timeline_chart
from graph import views
from graph.db.store import GraphStore
from graph.evidence.leads import detect
from graph.workflow import audit
from graph.workflow.auth import Forbidden, Principal

B = "云杉小额贷款有限公司"
C = "北辰网络小额贷款有限公司"
STRANGER_ORG = "青禾金融科技有限公司"
ANALYST_B = Principal("analyst_b", "analyst", B, "enterprise")
STRANGER = Principal("analyst_d", "analyst", STRANGER_ORG, "enterprise")
ACCOUNTS = (
    '{"platform": "douyin", "handle": "fawu_helper1", "nickname": "上岸老师", "bio": "加V：Fawu_Lv88"}\n'
    '{"platform": "weibo", "handle": "shangan_2", "nickname": "上岸老师", "bio": "vx fawu_lv88"}\n'
)


def _two_lenders_ring(store: GraphStore, folder: Path) -> str:
    (folder / "b").mkdir()
    (folder / "c").mkdir()
    dy = complaint_rows("DY", TEMPLATE_A, agent="抖音：@fawu_helper1")
    wb = complaint_rows("WB", TEMPLATE_B, agent="微博：@shangan_2", first_phone=50)
    submit_complaints(store, folder / "b", dy, ACCOUNTS, complaints_org=B)
    submit_complaints(store, folder / "c", wb, complaints_org=C)
    leads = detect(store)["leads"]
    return str(max(leads, key=lambda lead: len(lead["entities"]))["id"])


def test_another_orgs_complaints_are_not_on_the_timeline(store: GraphStore, tmp_path: Path) -> None:
    lead = _two_lenders_ring(store, tmp_path)
    events = views.lead_timeline(store, ANALYST_B, lead)
    complaints = [e for e in events if e["type"] == "complaint"]
    assert complaints and all(e["label"].startswith("DY") for e in complaints)
    assert not any("WB" in str(value) for e in events for value in e.values())
    # only B's own file's receipt: not C's, nor A's accounts file
    submissions = [e for e in events if e["type"] == "submission"]
    assert [e["label"] for e in submissions] == [f"{B} · complaints.csv"]
    assert not any(C in str(e) or CONTACT_ORG in str(e) for e in events)
    # what the page draws is the same: the chart's data holds none of C's complaints
    spec = timeline_chart(events, str).to_json()
    assert "WB0000" not in spec and C not in spec
    at = lead_page_as(ANALYST_B, lead)
    assert at.get("vega_lite_chart") and not at.error
    chart = str(at.get("vega_lite_chart")[0].proto)  # its spec and data, as sent to the browser
    assert "DY0000" in chart and not any(f"WB000{n}" in chart for n in range(6))
    assert "2025-06-0" in chart


def test_a_stranger_sees_no_timeline(store: GraphStore, tmp_path: Path) -> None:
    lead = _two_lenders_ring(store, tmp_path)
    with pytest.raises(Forbidden):
        views.lead_timeline(store, STRANGER, lead)
    with pytest.raises(Forbidden):
        views.entity_timeline(store, STRANGER, "account:douyin:fawu_helper1")
    with pytest.raises(Forbidden):
        views.installation_timeline(store, STRANGER, date(2025, 1, 1), date(2025, 12, 31))
    with pytest.raises(Forbidden):
        views.installation_timeline(store, ANALYST_B, date(2025, 1, 1), date(2025, 12, 31))
    denied = [e.target for e in audit.entries(store, 10, action="view_denied")]
    assert sorted(denied) == sorted([f"lead:{lead}", "account:douyin:fawu_helper1",
                                     "timeline:installation", "timeline:installation"])  # fmt: skip
    assert not audit.entries(store, 10, action="view_timeline")
