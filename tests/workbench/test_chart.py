"""The chart that answers (issue 17): what the pages give streamlit-cytoscape, and what they do
with the events it returns.

AppTest cannot click inside a component's frame, but a component's return value is its
session-state entry: setting ``at.session_state[<chart key>]`` to the event the frontend would
send and running the page is what Streamlit does when the browser sends it. The real double-click
is in tests/workbench/test_chart_browser.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from support import CONTACT_ORG, LENDERS, page_as, two_org_lead

from app.i18n import translate
from app.views import cyto
from app.views.entity import ENTITY
from graph import views
from graph.core.model import kind_style, label_style
from graph.db.schema import wipe_data
from graph.db.store import GraphStore
from graph.workflow import audit, lifecycle, users
from graph.workflow.auth import Principal

OTHER = LENDERS[1]
ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
CONTRIBUTOR = Principal("analyst_y", "analyst", OTHER, "enterprise")
LEAD_PAGE = (
    "import streamlit as st\nfrom app.views.lead_detail import lead_view\n"
    "lead_view(st.session_state['principal'], st.session_state['lead'])\n"
)
HOSTILE = (
    '<img src=x onerror=alert(1)> <a href="https://example.invalid/x">[y](https://z.invalid)</a>'
)


def en(key: str) -> str:
    return translate(key, "en")


def zh(key: str) -> str:
    return translate(key, "zh")


def test_elements_carry_the_models_styles_and_defused_text() -> None:
    nodes = [
        {"key": f"firm:name:{i}", "display_key": f"firm:name:{i}", "label": "Firm",
         "props": {"name": HOSTILE if i == 1 else f"公司{i}", "secret": "x"}, "masked": False}
        for i in range(400)
    ]  # fmt: skip
    links = [{"start": f"firm:name:{i}", "end": f"firm:name:{i + 1}", "type": "HAS_PHONE",
              "sources": ["sub-1#2"]} for i in range(399)]  # fmt: skip
    state = cyto.new_state(nodes, links, 300)
    drawn, layout, info = cyto.elements(state, en)
    assert info == {"shown": 300, "total": 400, "links": info["links"]}
    assert layout["name"] == "preset" and all("position" in n for n in drawn["nodes"])
    first = next(n["data"] for n in drawn["nodes"] if n["data"]["id"] == "firm:name:1")
    # no ``<a href`` or ``<img`` the infopanel could rebuild as markup; the text reads the same
    assert "<a" not in first["name"] and "<img" not in first["name"]
    assert first["name"].replace(cyto.WORD_JOINER, "") == HOSTILE
    assert "secret" not in first and first["label"] == en("entity.Firm")
    styles = {s.label: s.dump() for s in cyto.node_styles(en)}
    firm = styles[en("entity.Firm")]["style"]
    assert firm["background-color"] == label_style("Firm").fill
    assert firm["border-color"] == label_style("Firm").border
    assert firm["shape"] == cyto.SHAPES[label_style("Firm").shape]
    edges = {s.label: s.dump() for s in cyto.edge_styles()}
    fact = edges["fact"]
    assert fact["selector"] == "edge[_kind='fact']"
    assert fact["style"]["line-color"] == kind_style("fact").colour
    assert fact["style"]["line-style"] == kind_style("fact").line
    small = cyto.new_state(nodes[:50], links[:49], 300)
    assert cyto.elements(small, en)[1]["name"] == "cose"


@pytest.fixture(scope="module")
def world(session_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    store = session_store
    wipe_data(store)
    lead = two_org_lead(store, tmp_path_factory.mktemp("chart"), OTHER)
    for org in (CONTACT_ORG, OTHER):
        users.add_org(store, org, "enterprise", exist_ok=True)
    for who in (ANALYST, CONTRIBUTOR):
        users.add_user(store, who.username, role=who.role, org=who.org, password_hash="x")
    lifecycle.accept_lead(store, ANALYST, lead, "共用微信号")
    return {"store": store, "lead": lead}


def chart_args(at: Any, key: str) -> dict[str, Any]:
    """The arguments the page gave the chart component ``key`` (what the browser receives)."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(proto, "json_args", None):
            args = json.loads(proto.json_args)
            if args.get("key") == key:
                found.append(args)
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    assert found, f"no chart {key} on the page"
    return found[0]


def send(at: Any, key: str, action: str, data: dict[str, Any], stamp: int) -> Any:
    """The browser's event ``action`` on chart ``key``, and the page's run that answers it."""
    at.session_state[key] = {"action": action, "data": data, "timestamp": stamp}
    at.run()
    assert not at.exception, at.exception
    return at


def ids(at: Any, key: str) -> set[str]:
    return {n["data"]["id"] for n in chart_args(at, key)["elements"]["nodes"]}


def test_the_lead_chart_expands_removes_opens_and_selects(world: dict[str, Any]) -> None:
    store, lead = world["store"], world["lead"]
    key = f"chart_{lead}"
    at = page_as(ANALYST, LEAD_PAGE, lead=lead)
    drawn = ids(at, key)
    entities = {e["display_key"]: e for e in views.lead_page(store, ANALYST, lead)["entities"]}
    assert drawn == set(entities)
    complaint = sorted(k for k in entities if k.startswith(f"complaint:{CONTACT_ORG}:"))[0]

    # double-click: the complaint's neighbourhood (its complainant's phone) joins the chart
    expected = views.trace_neighbourhood(store, ANALYST, entities[complaint]["key"], hops=1)
    send(at, key, "expand", {"node_ids": [complaint]}, 1)
    grown = ids(at, key)
    assert {n["display_key"] for n in expected["nodes"]} <= grown and len(grown) > len(drawn)
    assert any(c.value.startswith(zh("chart.expanded").split("{")[0]) for c in at.caption), (
        "the expansion is said"
    )
    assert (
        audit.entries(store, 1, actor="analyst_a", action="search")[0].target
        == (entities[complaint]["key"])
    )
    # the same event again (a rerun) does nothing more; an id the server did not draw, nothing
    send(at, key, "expand", {"node_ids": [complaint]}, 1)
    send(at, key, "expand", {"node_ids": ["phone:+8613100000000"]}, 2)
    assert ids(at, key) == grown

    # delete: gone from the chart (the screen only)
    phone = next(i for i in grown - drawn)
    send(at, key, "remove", {"node_ids": [phone]}, 3)
    assert phone not in ids(at, key)
    assert phone in {e["display_key"] for e in views.trace_neighbourhood(
        store, ANALYST, entities[complaint]["key"], hops=1)["nodes"]}  # fmt: skip

    # click then shift-click: both in the selection, with its two actions
    first, second = sorted(drawn)[:2]
    send(at, key, "select", {"type": "select", "target_id": first}, 4)
    send(at, key, "select", {"type": "select", "target_id": second}, 5)
    assert at.multiselect(key=f"{key}_selection").value == [first, second]
    assert any(b.label == zh("chart.add_to_lead") for b in at.button)
    assert any(zh("chart.export") in str(d.proto) for d in at.get("download_button"))

    # the infopanel's "open profile": the drawn node's own key, whatever the browser says
    send(at, key, "profile", {"element_id": complaint, "element_data": {"_key": "x"}}, 6)
    assert at.session_state[ENTITY] == entities[complaint]["key"]


def test_add_to_lead_through_the_page(world: dict[str, Any]) -> None:
    """The owning org's analyst adds a picked entity; another org's analyst, who reads the lead
    and sees the same button, is refused and nothing is added."""
    store, lead = world["store"], world["lead"]
    key = f"chart_{lead}"
    members = "MATCH (:Lead {id: $id})-[r:INVOLVES]->(x) RETURN x.key AS key, r.reason AS reason"

    def members_now() -> dict[str, Any]:
        return {row["key"]: row["reason"] for row in store.read(members, id=lead)}

    before = members_now()
    hostile = page_as(CONTRIBUTOR, LEAD_PAGE, lead=lead)
    drawn = sorted(ids(hostile, key))
    complaint = next(i for i in drawn if i.startswith(f"complaint:{OTHER}:"))
    send(hostile, key, "expand", {"node_ids": [complaint]}, 1)
    new = sorted(ids(hostile, key) - set(drawn))
    assert new, "the expansion should bring an entity outside the lead"
    send(hostile, key, "select", {"type": "select", "target_id": new[0]}, 2)
    hostile.button(key=f"{key}_add").click().run()
    assert any(zh("common.failed") in e.value for e in hostile.error)
    assert members_now() == before
    assert audit.entries(store, 1, actor="analyst_y", action="evidence_denied")

    owner = page_as(ANALYST, LEAD_PAGE, lead=lead)
    drawn = sorted(ids(owner, key))
    complaint = next(i for i in drawn if i.startswith(f"complaint:{CONTACT_ORG}:"))
    send(owner, key, "expand", {"node_ids": [complaint]}, 1)
    new = sorted(ids(owner, key) - set(drawn))
    send(owner, key, "select", {"type": "select", "target_id": new[0]}, 2)
    owner.button(key=f"{key}_add").click().run()
    assert not owner.exception, owner.exception
    assert [s.value for s in owner.success] == [zh("chart.added").format(count=1)]
    added = set(members_now()) - set(before)
    assert len(added) == 1 and members_now()[added.pop()].startswith("added by analyst_a on ")
