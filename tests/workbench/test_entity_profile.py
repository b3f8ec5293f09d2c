"""The entity profile page (issue 17): an analyst opens an entity its org stated and sees its
values, its links with their sources, the lead it is in and its score; search results and the
lead page open it."""

from __future__ import annotations

from pathlib import Path

from support import ACCOUNTS, CONTACT_ORG, WECHAT, lead_page_as, one_contact_ring, page_as, rendered

from app.i18n import translate
from app.views.entity import ENTITY
from graph import views
from graph.db.store import GraphStore
from graph.workflow import audit
from graph.workflow.auth import Principal

ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
ACCOUNT = next(iter(ACCOUNTS))  # account:douyin:fawu_helper1
PAGE = "from app.views.entity import entity_page\nentity_page()\n"


def test_an_analyst_sees_its_own_entity_whole(store: GraphStore, tmp_path: Path) -> None:
    found = one_contact_ring(store, tmp_path)
    lead = next(lead["id"] for lead in found["leads"] if ACCOUNT in lead["entities"])
    data = views.entity_profile(store, ANALYST, ACCOUNT)
    assert data["entity"]["display_key"] == ACCOUNT and not data["entity"]["masked"]
    assert [s["org"] for s in data["statements"]] == [CONTACT_ORG]
    assert data["statements"][0]["values"]["nickname"] == "上岸老师"
    assert data["statements"][0]["at"] and data["statements"][0]["submission"]
    contact = data["links"]["MENTIONS_CONTACT"]
    assert [link["other"]["display_key"] for link in contact] == [WECHAT]
    own = {s["id"] for s in data["submissions"]}
    assert own and all(str(s).split("#")[0] in own for s in contact[0]["sources"])
    assert len(data["links"]["REPRESENTED_BY"]) == 6  # the six complaints naming it as agent
    assert [item["id"] for item in data["leads"]] == [lead]
    assert data["score"] and data["score"]["score"] > 0
    assert audit.entries(store, 1, action="view_entity")[0].target == ACCOUNT

    views.add_note(store, ANALYST, ACCOUNT, "已电话核实：该账号为中介引流号")
    at = page_as(ANALYST, PAGE, **{ENTITY: ACCOUNT})
    shown = rendered(at) + "\n".join(d.value.to_string() for d in at.dataframe)
    for expected in ("上岸老师", WECHAT, lead, translate("link.MENTIONS_CONTACT", "zh")):
        assert expected in shown, expected
    # the org's working note is on the profile, under its own heading, in no evidence table
    assert "已电话核实" in rendered(at)
    assert not any("已电话核实" in d.value.to_string() for d in at.dataframe)
    assert contact[0]["sources"][0] in shown
    assert at.metric[0].value  # the score


def test_search_and_lead_page_open_the_profile(store: GraphStore, tmp_path: Path) -> None:
    found = one_contact_ring(store, tmp_path)
    lead = next(lead["id"] for lead in found["leads"] if ACCOUNT in lead["entities"])
    opened = translate("entity.open", "zh")
    at = lead_page_as(ANALYST, lead)
    at.selectbox(key="lead_profile_pick").set_value(ACCOUNT)
    at.button(key="lead_profile_open").click().run()
    assert at.session_state[ENTITY] == ACCOUNT
    assert any(b.label == opened for b in at.button)
