"""Another org's analyst cannot learn of a burst made of complaints it may not see (issue 17).

Org B (a lender) submits the complaints that make ``SURGE_PHONE`` surge in one week; org A submits
one complaint of its own naming the same phone, so A's analyst may open the phone (A stated it)
and the lead (A's complaint is in it). A's analyst asks for the phone's bursts, opens its profile
and the lead as a user would: none of them says there was a surge, nor when, nor how many —
neither the burst line, nor the score's burst feature, nor the lead's explanation. B's analyst,
whose complaints they are, sees the burst; an analyst of a third org is told nothing of the phone.
"""

from __future__ import annotations

from pathlib import Path

from support import (
    CONTACT_HEADER,
    CONTACT_ORG,
    SURGE_PHONE,
    SURGE_WEEK,
    TEMPLATE_A,
    burst_rows,
    lead_page_as,
    page_as,
    page_text,
    submit_complaints,
    write,
)

from app.views.entity import ENTITY
from graph import views
from graph.db.store import GraphStore
from graph.evidence.leads import detect
from graph.workflow import audit
from graph.workflow.auth import Principal
from ingest.submit import submit_file

OTHER = "云杉小额贷款有限公司"
THIRD = "北辰网络小额贷款有限公司"
ANALYST_A = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
ANALYST_B = Principal("analyst_b", "analyst", OTHER, "enterprise")
STRANGER = Principal("analyst_c", "analyst", THIRD, "enterprise")
PAGE = "from app.views.entity import entity_page\nentity_page()\n"
# what would give the burst away: its period, its count, its words. (The lead page lists each of
# the lead's complaints, masked, with its date, and the phone's last_seen date is on its profile:
# facts of the lead and the phone as they were, not a surge the workbench computed for A.)
BURST_WORDS = ("投诉激增：", f"{SURGE_WEEK[0]} 至", "件，基线", "激增", "surge")
SECRETS = (*BURST_WORDS[:3], SURGE_WEEK[0], "12 件")


def _world(store: GraphStore, folder: Path) -> str:
    submit_complaints(store, folder, burst_rows(), complaints_org=OTHER)
    own = f"A0001,2026-01-21,{CONTACT_ORG},董福晓,13955500001,13812340001,," + TEMPLATE_A.format(
        name="董福晓", lender=CONTACT_ORG
    )
    path = write(folder / "a.csv", CONTACT_HEADER + own + "\n")
    submit_file(store, "complaints", path, org=CONTACT_ORG, user="analyst_a")
    (lead,) = [lead for lead in detect(store)["leads"] if SURGE_PHONE in lead["entities"]]
    return str(lead["id"])


def test_an_analyst_does_not_learn_of_another_orgs_burst(store: GraphStore, tmp_path: Path) -> None:
    lead_id = _world(store, tmp_path)
    # the timeline's view: the phone is A's to see, but no burst of A's own complaints
    assert views.entity_bursts(store, ANALYST_A, [SURGE_PHONE]) == {SURGE_PHONE: []}
    profile = views.entity_profile(store, ANALYST_A, SURGE_PHONE)
    assert profile["bursts"] == []
    score = profile["score"]
    assert score["contributions"]["burst"] == 0.0 and score["features"]["burst"] is None
    # the lead A may open says nothing of it either
    lead = views.lead_page(store, ANALYST_A, lead_id)["lead"]
    assert not [item for item in lead["explanation"] if item.get("feature") == "burst"]
    assert not any(
        item.get("feature") == "burst"
        for listed in views.lead_list(store, ANALYST_A)
        for item in listed.get("explanation") or []
    )
    # nor do the pages, as A's analyst reads them
    profile_page = page_as(ANALYST_A, PAGE, **{ENTITY: SURGE_PHONE})
    lead_page = lead_page_as(ANALYST_A, lead_id)
    assert not profile_page.exception and not lead_page.exception
    shown = page_text(profile_page)
    assert "投诉激增: 未发现投诉激增。" in shown  # the line is there, and says none
    for secret in SECRETS:
        assert secret not in shown, secret
    shown = page_text(lead_page)
    for secret in BURST_WORDS:
        assert secret not in shown, secret


def test_the_org_whose_complaints_they_are_sees_the_burst(
    store: GraphStore, tmp_path: Path
) -> None:
    _world(store, tmp_path)
    (period,) = views.entity_bursts(store, ANALYST_B, [SURGE_PHONE])[SURGE_PHONE]
    assert (period["start"], period["count"]) == (SURGE_WEEK[0], 12)
    score = views.entity_profile(store, ANALYST_B, SURGE_PHONE)["score"]
    assert score["contributions"]["burst"] == 5.0
    assert score["features"]["burst"]["start"] == SURGE_WEEK[0]


def test_a_stranger_learns_nothing_of_the_phone(store: GraphStore, tmp_path: Path) -> None:
    _world(store, tmp_path)
    assert views.entity_bursts(store, STRANGER, [SURGE_PHONE]) == {}
    (entry,) = audit.entries(store, 10, actor="analyst_c", action="view_bursts")
    assert entry.details == {"shown": 0, "periods": 0}
