"""The timeline on the pages (issue 17, "Time"): a period cuts the lead page's chart and tables
to what happened in it (:func:`app.views.timeline.in_period`); the entity and status pages show
their timelines; the trace finds paths in time order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support import ACCOUNTS, lead_page_as, one_contact_ring, page_as, rendered, write

from app.i18n import translate
from app.views.entity import ENTITY
from app.views.timeline import in_period, period_key
from graph.db.store import GraphStore
from graph.workflow.auth import Principal
from ingest.submit import submit_file

ADMIN = Principal("root", "admin", None, None)
KEY = translate("lead.col_key", "zh")


def _node(key: str, label: str = "Phone", **props: Any) -> dict[str, Any]:
    return {"key": key, "display_key": key, "label": label, "props": props, "masked": False}


def _link(start: str, end: str, first: str | None, last: str | None = None) -> dict[str, Any]:
    return {"start": start, "end": end, "type": "CONTACT", "first_seen": first, "last_seen": last}


def test_in_period_keeps_what_happened_in_it() -> None:
    nodes = [
        _node("complaint:1", "Complaint", filed_date="2025-06-01"),
        _node("complaint:2", "Complaint", filed_date="2025-06-05"),
        _node("phone:a", first_seen="2025-01-01T08:00:00", last_seen="2025-01-31"),
        _node("phone:b"),  # no dates of its own (as a masked entity)
        _node("firm:c", first_seen="2025-06-04"),
    ]
    links = [
        _link("complaint:1", "phone:b", "2025-06-01"),
        _link("complaint:2", "phone:a", "2025-06-05"),
        _link("complaint:1", "complaint:2", None),  # a template match: no dates
        _link("phone:a", "phone:b", "2025-01-10T10:00:00", "2025-06-02T11:00:00"),
    ]
    kept_nodes, kept_links = in_period(nodes, links, "2025-06-01", "2025-06-02")
    assert [n["key"] for n in kept_nodes] == ["complaint:1", "phone:a", "phone:b"]
    assert kept_links == [links[0], links[3]]  # the match's other end filed later
    kept_nodes, kept_links = in_period(nodes, links, "2025-06-01", "2025-06-05T00:00:00")
    assert len(kept_nodes) == 5 and kept_links == links
    assert in_period(nodes, links, "2024-01-01", "2024-12-31") == ([], [])
    # a period's days are whole: a date-time on the last day is in it
    assert [n["key"] for n in in_period(nodes, [], "2025-01-31", "2025-01-31")[0]] == ["phone:a"]


def _entity_keys(at: Any) -> list[str]:
    table = next(d.value for d in at.dataframe if KEY in d.value.columns)
    return list(table[KEY])


def test_a_period_filters_the_lead_pages_chart_and_tables(
    store: GraphStore, tmp_path: Path
) -> None:
    lead = one_contact_ring(store, tmp_path)["leads"][0]["id"]
    whole = lead_page_as(ADMIN, lead)
    assert whole.get("vega_lite_chart")  # the timeline
    everything = _entity_keys(whole)
    assert sum(key.startswith("complaint:") for key in everything) == 12

    at = page_as(
        ADMIN,
        "import streamlit as st\nfrom app.views.lead_detail import lead_view\n"
        "lead_view(st.session_state['principal'], st.session_state['lead'])\n",
        lead=lead,
        **{period_key(f"timeline_{lead}"): ("2025-06-01", "2025-06-02")},
    )
    shown = _entity_keys(at)
    complaints = [key for key in shown if key.startswith("complaint:")]
    assert len(complaints) == 4  # DY0000, DY0001, WB0000, WB0001
    assert set(shown) < set(everything)
    assert set(ACCOUNTS) <= set(shown)  # the agents the period's complaints name
    assert "2025-06-01 – 2025-06-02" in rendered(at)
    # the texts tab and the chart follow the period too
    texts = "\n".join(str(m.value) for m in at.markdown)
    assert "DY0000" in texts and "DY0004" not in texts
    charted = translate("chart.shown", "zh").split("{shown}")[0] + str(len(shown))
    assert charted in rendered(at) and f"/ {len(shown)} " in rendered(at)


def test_the_entity_and_status_pages_show_timelines(store: GraphStore, tmp_path: Path) -> None:
    one_contact_ring(store, tmp_path)
    account = next(iter(ACCOUNTS))
    at = page_as(ADMIN, "from app.views.entity import entity_page\nentity_page()\n",
                 **{ENTITY: account})  # fmt: skip
    assert at.get("vega_lite_chart") and not at.error
    at = page_as(ADMIN, "from app.views.status import status_page\nstatus_page()\n")
    assert at.get("vega_lite_chart") and not at.error
    assert translate("timeline.installation", "zh") in rendered(at)


CALLS = [  # a → m → b goes back in time; a → p → q → b does not
    ("13800000001", "13800000010", "2025-03-01 10:00"),
    ("13800000010", "13800000002", "2025-02-01 10:00"),
    ("13800000001", "13800000011", "2025-01-01 10:00"),
    ("13800000011", "13800000012", "2025-01-02 10:00"),
    ("13800000012", "13800000002", "2025-01-03 10:00"),
]


def test_the_trace_page_finds_paths_in_time_order(store: GraphStore, tmp_path: Path) -> None:
    rows = "\n".join(",".join(call) for call in CALLS)
    path = write(tmp_path / "calls.csv", "主叫号码,被叫号码,通话时间\n" + rows + "\n")
    submit_file(store, "calls", path, org="星河消费金融股份有限公司", user="analyst")
    at = page_as(ADMIN, "from app.views.search import search_page\nsearch_page()\n")
    at.text_input(key="paths_a").input("13800000001")
    at.text_input(key="paths_b").input("13800000002")
    at.form_submit_button[1].click().run()  # the trace form (the search form comes first)
    assert [len(d.value) for d in at.dataframe] == [2, 3]  # via m first: it goes back in time

    at.checkbox(key="paths_in_order").check()
    at.form_submit_button[1].click().run()
    assert not at.exception
    steps = next(d.value for d in at.dataframe)
    assert len(steps) == 3
    first = translate("lead.col_first", "zh")
    assert [str(day)[:10] for day in steps[first]] == ["2025-01-01", "2025-01-02", "2025-01-03"]
    assert translate("search.in_time_order_note", "zh") in rendered(at)

    at.number_input(key="paths_max_gap").set_value(0)
    at.form_submit_button[1].click().run()
    assert not at.dataframe and translate("search.no_paths", "zh") in rendered(at)


def test_marked_periods_are_shaded_bands_behind_the_events() -> None:
    """The timeline draws periods passed in (bursts, later) as bands: one rect a period."""
    from app.views.timeline import timeline_chart

    events = [{"time": "2025-06-0" + str(n), "type": "complaint", "key": "phone:a",
               "label": f"C{n}", "source": "s#1"} for n in range(1, 7)]  # fmt: skip
    bands = [
        {"key": "phone:a", "start": "2025-06-02", "end": "2025-06-04", "label": "burst 3σ"},
        {"key": "phone:a", "start": "2025-06-06", "end": "2025-06-06", "label": "burst 2σ"},
    ]
    spec = timeline_chart(events, str, bands=bands).to_dict()
    rect, points = spec["layer"]
    assert rect["mark"]["type"] == "rect" and rect["encoding"]["x2"]["field"] == "end"
    band_rows = spec["datasets"][rect["data"]["name"]]
    assert [(r["start"], r["end"], r["label"]) for r in band_rows] == [
        ("2025-06-02", "2025-06-04", "burst 3σ"),
        ("2025-06-06", "2025-06-06", "burst 2σ"),
    ]
    assert points["mark"]["type"] == "circle"
    assert len(spec["datasets"][points["data"]["name"]]) == 6
    assert [p["name"] for p in spec["params"]] == ["period"]
    assert not timeline_chart(events, str).to_dict().get("layer")[1:]  # no bands: one layer
