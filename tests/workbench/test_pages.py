"""The submit, leads, inbox and search pages with AppTest on the fixture world.

The world and the demo accounts are loaded once for this module; the tests then follow one
lead's story in file order (an analyst accepts and pushes it, an officer answers, the analyst
reads the answer) and try the reads that must fail.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from support import as_read, rendered

from app.i18n import translate
from app.views.lead_detail import highlight
from app.views.safe import escape_markdown
from graph import views
from graph.db.schema import wipe_data
from graph.db.store import GraphStore
from graph.evidence.leads import detect
from graph.evidence.rights import rights
from graph.evidence.templates import build_templates
from graph.export.interactive import chart_html, vis_library
from graph.text.slang import scan
from graph.workflow import admin, audit, lifecycle, users
from graph.workflow.auth import Forbidden, Principal
from ingest.demo import FIXTURE_WORLD, load_world

ROOT_ADMIN = Principal("root", "admin", None, None)
FEEDBACK = "已初步核实，<b>团伙</b>成员 3 人"


@pytest.fixture(scope="module")
def world(session_store: GraphStore) -> dict[str, Any]:
    wipe_data(session_store)
    load_world(session_store)
    build_templates(session_store)
    detect(session_store)
    admin.ensure_demo_accounts(session_store, ROOT_ADMIN)
    top = lifecycle.visible_leads(session_store, who(session_store, "analyst_a"))[0]
    return {"store": session_store, "lead": top["id"]}


def who(store: GraphStore, username: str) -> Principal:
    user = users.get_user(store, username)
    assert user is not None
    return Principal.of(user)


def page(store: GraphStore, name: str, username: str) -> AppTest:
    at = AppTest.from_string(
        f"from app.views.{name} import {name}_page\n{name}_page()\n", default_timeout=120
    )
    at.session_state["principal"] = who(store, username)
    at.run()
    assert not at.exception, at.exception
    return at


def zh(key: str) -> str:
    return translate(key, "zh")


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [s.value for s in at.success] + [e.value for e in at.error]
    parts += [d.value.to_string() for d in at.dataframe]
    return "\n".join(parts)


def button(at: AppTest, label_key: str) -> Any:
    return next(b for b in at.button if b.label == zh(label_key))


def test_analyst_sees_ranked_candidates_and_the_lead_page(world: dict[str, Any]) -> None:
    at = page(world["store"], "leads", "analyst_a")
    table = at.dataframe[0].value
    assert table["id"].iloc[0] == world["lead"]
    scores = list(table[zh("lead.score")])
    assert scores == sorted(scores, reverse=True)
    assert at.selectbox(key="leads_selected").value == world["lead"]
    body = texts(at)
    assert "SAME_TEMPLATE" not in body or zh("link.SAME_TEMPLATE") in body
    assert "sub-" in body  # the links carry their sources
    assert ":orange-background[" in body  # slang highlighted in the complaint texts
    # why the ring's entities belong together, including ties that are not links of the chart
    assert zh("lead.ties") in body and zh("lead.col_why") in body
    assert any(zh(f"link.{why}") in body for why in ("SAME_PEOPLE", "SAME_COMPLAINT", "HAS_PHONE"))
    views_audited = audit.entries(world["store"], 5, actor="analyst_a", action="view_lead")
    assert views_audited and views_audited[0].target == f"lead:{world['lead']}"


def test_analyst_accepts_and_pushes(world: dict[str, Any]) -> None:
    store, lead = world["store"], world["lead"]
    at = page(store, "leads", "analyst_a")
    at.text_area(key=f"summary_{lead}").input("共用代理电话的维权团伙")
    at.button(key=f"accept_{lead}").click().run()
    assert not at.exception and zh("lead.accepted") in [as_read(s.value) for s in at.success]
    at.radio(key=f"push_kind_{lead}").set_value("officer").run()
    at.selectbox(key=f"push_target_{lead}").set_value("officer_1")
    at.text_area(key=f"push_note_{lead}").input("请核查")
    at.button(key=f"push_{lead}").click().run()
    assert not at.exception, at.exception
    shown = [as_read(s.value) for s in at.success]
    assert any(s.startswith(zh("lead.pushed").format(target="officer_1")) for s in shown)
    # no webhook or email is configured in the tests: the page must not claim it sent anything
    assert any(zh("lead.notify_no_channel") in s for s in shown)
    assert not any(zh("lead.notify_sent") in s for s in shown)
    access = lifecycle.check_view(store, who(store, "officer_1"), lead)
    assert access["status"] == "pushed" and access["owner"] == "星河消费金融股份有限公司"
    assert audit.entries(store, 1, actor="analyst_a", action="push")[0].details["to"] == "officer_1"


def test_officer_sees_it_unread_and_answers(world: dict[str, Any]) -> None:
    store, lead = world["store"], world["lead"]
    listed = lifecycle.visible_leads(store, who(store, "officer_1"))
    assert [(row["id"], row["read"]) for row in listed] == [(lead, False)]
    at = page(store, "inbox", "officer_1")
    assert zh("inbox.unread") in at.dataframe[0].value.to_string()
    assert lifecycle.visible_leads(store, who(store, "officer_1"))[0]["read"] is True
    at.selectbox(key=f"status_{lead}").set_value("closed")
    at.selectbox(key=f"outcome_{lead}").set_value("confirmed")
    at.text_area(key=f"feedback_text_{lead}").input(FEEDBACK)
    button(at, "inbox.send").click().run()
    assert not at.exception, at.exception
    assert zh("inbox.sent") in [as_read(s.value) for s in at.success]
    entry = audit.entries(store, 1, actor="officer_1", action="feedback")[0]
    assert entry.details == {"status": "closed", "outcome": "confirmed", "text": FEEDBACK}


def test_officer_exports_the_court_package(world: dict[str, Any]) -> None:
    store, lead = world["store"], world["lead"]
    at = page(store, "inbox", "officer_1")
    at.button(key=f"export_{lead}").click().run()
    assert not at.exception, at.exception
    assert at.get("download_button")
    entry = audit.entries(store, 1, actor="officer_1", action="export")[0]
    assert entry.target == f"lead:{lead}" and entry.details["audience"] == "police"


def test_analyst_reads_the_feedback_escaped(world: dict[str, Any]) -> None:
    at = page(world["store"], "leads", "analyst_a")
    body = "\n".join(m.value for m in at.markdown)
    assert escape_markdown(FEEDBACK) in body  # shown as text: the <b> is escaped
    assert "<b>" not in body
    assert zh("outcome.confirmed") in body


def test_search_finds_a_phone_typed_with_0086(world: dict[str, Any]) -> None:
    store = world["store"]
    phone = next(k for k in rights_keys(store, "analyst_a", own=True) if k.startswith("phone:+86"))
    digits = phone.removeprefix("phone:+86")
    typed = f"0086-{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    at = page(store, "search", "analyst_a")
    at.text_input(key="search_text").input(typed)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert phone.removeprefix("phone:") in at.dataframe[0].value.to_string()
    assert audit.entries(store, 2, actor="analyst_a", action="search")


def rights_keys(store: GraphStore, username: str, *, own: bool) -> list[str]:
    """The phones ``username`` may see raw (``own``), or those it may not (its org stated none)."""
    keys = [row["key"] for row in store.read("MATCH (p:Phone) RETURN p.key AS key ORDER BY key")]
    allowed = rights(store, who(store, username), keys)
    return sorted(k for k in keys if bool(allowed.get(k)) is own)


def test_an_org_with_no_part_in_a_lead_does_not_see_it(world: dict[str, Any]) -> None:
    store, lead = world["store"], world["lead"]
    users.add_org(store, "无关消费金融", "enterprise")
    users.add_user(store, "analyst_z", role="analyst", org="无关消费金融", password_hash="x")
    outsider = who(store, "analyst_z")
    assert lead not in [row["id"] for row in lifecycle.visible_leads(store, outsider)]
    with pytest.raises(Forbidden):
        views.lead_page(store, outsider, lead)
    at = page(store, "leads", "analyst_z")
    assert lead not in at.dataframe[0].value["id"].tolist() if at.dataframe else True
    assert audit.entries(store, 1, actor="analyst_z", action="view_denied")[0].target == (
        f"lead:{lead}"
    )


def test_an_officer_does_not_see_a_lead_not_pushed_to_them(world: dict[str, Any]) -> None:
    store, lead = world["store"], world["lead"]
    officer_2 = who(store, "officer_2")
    assert lifecycle.visible_leads(store, officer_2) == []
    with pytest.raises(Forbidden):
        views.lead_page(store, officer_2, lead)
    at = page(store, "inbox", "officer_2")
    assert [i.value for i in at.info] == [zh("inbox.empty")]


def test_raw_phones_are_not_shown_to_another_orgs_analyst(world: dict[str, Any]) -> None:
    store = world["store"]
    masked_only = rights_keys(store, "analyst_b", own=False)
    assert masked_only, "the world should hold phones analyst_b's org did not submit"
    phone = masked_only[0]
    at = page(store, "search", "analyst_b")
    at.text_input(key="search_text").input(phone.removeprefix("phone:"))
    at.button[0].click().run()
    assert not at.exception, at.exception
    shown = rendered(at)
    raw = phone.removeprefix("phone:")
    assert raw not in shown and raw[-8:-4] + raw[-4:] not in shown
    # a number another org stated is not found at all: found-but-masked would be an oracle
    assert zh("search.nothing") in [i.value for i in at.info]
    # and an officer with no lead holding the number finds nothing
    at = page(store, "search", "officer_2")
    at.text_input(key="search_text").input(raw)
    at.button[0].click().run()
    assert raw not in rendered(at)
    assert zh("search.nothing") in [i.value for i in at.info]


def test_submit_page_previews_before_writing(world: dict[str, Any]) -> None:
    store = world["store"]
    before = store.read_one("MATCH (s:Submission) RETURN count(s) AS n")
    source = FIXTURE_WORLD / "firms.csv"
    from app.views.submit import preview, quarantine_csv, save_upload

    path = save_upload("firms.csv", source.read_bytes())
    result = preview(str(path), "firms", "星河消费金融股份有限公司")
    # two rows with a bad USCC are refused; a bad 成立日期 and a bad 联系电话 are dropped
    assert (result["rows_loaded"], result["rows_quarantined"], result["fields_dropped"]) == (
        27,
        2,
        2,
    )
    assert all(entry["reason"] for entry in result["quarantine"])
    assert quarantine_csv(result["quarantine"]).decode("utf-8-sig").startswith("file,row,field")
    assert store.read_one("MATCH (s:Submission) RETURN count(s) AS n") == before
    at = page(store, "submit", "analyst_a")
    assert at.header[0].value == zh("nav.submit")

    # What the page shows of that preview: the warnings counted and each entry's outcome.
    at = AppTest.from_function(_show_preview, args=(result,), default_timeout=60).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[zh("submit.rows_quarantined")] == "2"
    assert metrics[zh("submit.fields_dropped")] == "2"
    shown = at.dataframe[0].value
    outcomes = shown[zh("quarantine.outcome")].tolist()
    assert sorted(outcomes) == sorted(
        [zh("quarantine.refused")] * 2 + [zh("quarantine.dropped")] * 2
    )


def _show_preview(result):  # type: ignore[no-untyped-def]  # run as a script: no annotations
    from app.views.submit import show_preview

    show_preview(result, "firms.csv", 0)


def test_chart_escapes_user_data_and_caps_its_size() -> None:
    nodes = [
        {
            "key": f"firm:name:{i}",
            "label": "Firm",
            "props": {"name": f"<script>alert({i})</script>"},
        }
        for i in range(400)
    ]
    links = [
        {"start": f"firm:name:{i}", "end": f"firm:name:{i + 1}", "type": "CALLED", "sources": []}
        for i in range(399)
    ]
    document, info = chart_html(nodes, links, lambda k: translate(k, "en"))
    assert info == {"shown": 300, "total": 400, "links": info["links"]}
    assert "<script>alert" not in document and "\\u003cscript\\u003ealert" in document
    library = vis_library()[0].count("<script>")
    assert document.count("<script>") == library + 2  # the library's and our own, nothing else


def test_highlight_marks_slang_and_escapes_the_rest() -> None:
    text = "我要zx修复，停息挂帐 <img src=x onerror=alert(1)> [link](javascript:x)"
    marked = highlight(text, scan(text))
    assert ":orange-background[" in marked
    assert "<img" not in marked and "&lt;img" in marked
    assert "](javascript" not in marked


def test_every_page_text_has_both_languages() -> None:
    used = set()
    for name in ("submit", "leads", "inbox", "search", "lead_detail", "chart", "updates", "watch"):
        source = (Path(__file__).resolve().parents[2] / "app" / "views" / f"{name}.py").read_text()
        used |= set(re.findall(r"""\bt\(["']([a-z_]+\.[a-z_]+)["']\)""", source))
    missing = [key for key in used if translate(key, "en") == key]
    assert missing == []


def test_a_contributors_lead_page_holds_none_of_the_other_orgs_values(
    world: dict[str, Any],
) -> None:
    """analyst_b's org holds some of the complaints of analyst_a's lead: it opens the lead on its
    leads page, and the rendered page (tables, texts, chart HTML, widget keys) holds none of the
    values only the other orgs stated — their complaint texts and the numbers it did not state."""
    from graph.evidence.leads import lead_bundle
    from graph.evidence.rights import rights

    store, lead = world["store"], world["lead"]
    analyst_b = who(store, "analyst_b")
    visible = [row["id"] for row in lifecycle.visible_leads(store, analyst_b)]
    if lead not in visible:
        pytest.skip("analyst_b's org holds none of this lead's complaints in this world")
    bundle = lead_bundle(store, lead)
    texts_by_org: dict[str, set[str]] = {}
    for e in bundle["entities"]:
        if e["label"] == "Complaint" and e["props"].get("text"):
            texts_by_org.setdefault(e["props"].get("values_org"), set()).add(e["props"]["text"])
    others = set().union(*(v for k, v in texts_by_org.items() if k != analyst_b.org))
    others -= texts_by_org.get(analyst_b.org, set())  # form letters repeat across lenders
    phones = [e["key"] for e in bundle["entities"] if e["label"] == "Phone"]
    own = rights(store, analyst_b, phones)
    hidden_numbers = [k.removeprefix("+86") for k in
                      (p.removeprefix("phone:") for p in phones if not own.get(p))]  # fmt: skip
    assert others or hidden_numbers
    at = page(store, "leads", "analyst_b")
    at.selectbox(key="leads_selected").select(lead).run()
    assert not at.exception, at.exception
    shown = rendered(at)
    own_texts = "\n".join(texts_by_org.get(analyst_b.org, set()))
    for text in others:
        # a stretch of the other org's text that none of analyst_b's own texts holds
        windows = [text[i : i + 12] for i in range(0, max(1, len(text) - 12), 4)]
        for window in (w for w in windows if w not in own_texts):
            assert window not in shown, window
    for number in hidden_numbers:
        assert number not in shown, number


def test_a_leads_template_sizes_are_counted_on_read(world: dict[str, Any]) -> None:
    """Sizes are not stored on a cluster's members: the lead's bundle counts them."""
    from graph.evidence.leads import lead_bundle

    store, lead = world["store"], world["lead"]
    clustered = [
        e["props"]
        for e in lead_bundle(store, lead)["entities"]
        if e["label"] == "Complaint" and e["props"].get("template_cluster")
    ]
    assert clustered
    for props in clustered:
        members = store.read_one(
            "MATCH (c:Complaint {template_cluster: $cluster}) RETURN count(c) AS n",
            cluster=props["template_cluster"],
        )
        assert members is not None and props["template_size"] == members["n"] >= 2
