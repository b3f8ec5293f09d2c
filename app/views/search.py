"""Search and trace (analysts and officers), within the user's rights.

What was typed is interpreted by :func:`graph.evidence.search_input.interpret` (a phone in any form, a USCC, an
account, a contact such as ``wechat:abc123`` or ``加微 abc123``, an entity key, a complaint id or
part of a name) and looked up by
:func:`graph.evidence.search.find_entities`, which drops what the user may not see, masks what they may
not see raw and audits the search. The neighbourhood and the paths come from
:func:`graph.views.trace_neighbourhood` and :func:`graph.views.trace_paths`, which apply the same
rights to every node and audit the trace.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.session import require_principal, store, t
from app.views.chart import chart_panel
from app.views.entity import profile_button
from app.views.lead_detail import entity_rows, link_rows
from app.views.safe import escape_markdown
from app.views.watch import watch_toggle
from graph import views
from graph.core.errors import UserError
from graph.evidence.search import find_entities
from graph.evidence.search_input import interpret
from graph.export.interactive import node_caption
from graph.workflow.auth import Principal

RESULTS = "search_results"


def search_page() -> None:
    me = require_principal()
    st.header(t("nav.search"))
    find_tab, trace_tab = st.tabs([t("search.find_tab"), t("search.paths_tab")])
    with find_tab:
        _find(me)
    with trace_tab:
        _paths(me)


def _lookup(me: Principal, text: str) -> list[dict[str, Any]]:
    query = interpret(text)
    if not (query.keys or query.complaint_id or query.name or query.handle):
        return []
    return find_entities(
        store(),
        me,
        keys=query.keys,
        complaint_id=query.complaint_id,
        name=query.name,
        handle=query.handle,
    )


def _label(entity: dict[str, Any]) -> str:
    return f"{t('entity.' + entity['label'])} · {entity['display_key']} · {node_caption(entity)}"


def _result_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entity table, with a firm found fuzzily saying how near its name is and which."""
    rows = entity_rows(results)
    if not any(entity.get("match") for entity in results):
        return rows
    for row, entity in zip(rows, results, strict=True):
        match = entity.get("match")
        row[t("search.col_match")] = (
            t("search.match").format(score=round(100 * match["score"]), name=match["name"])
            if match
            else ""
        )
    return rows


def _find(me: Principal) -> None:
    with st.form("search_form"):
        text = st.text_input(t("search.query"), key="search_text", help=t("search.help"))
        submitted = st.form_submit_button(t("search.button"))
    if submitted:
        try:
            st.session_state[RESULTS] = _lookup(me, text)
        except UserError as error:
            st.error(escape_markdown(f"{t('common.failed')}: {error}"))
            return
    results: list[dict[str, Any]] = st.session_state.get(RESULTS) or []
    if submitted and not results:
        st.info(t("search.nothing"))
    if not results:
        return
    st.dataframe(_result_rows(results), hide_index=True, width="stretch", key="search_table")
    typed = st.session_state.get("search_text") or ""
    if typed.strip():
        st.caption(t("watch.search_caption"))
        watch_toggle(me, "search", typed)
    if any(entity.get("match") for entity in results):
        st.caption(t("search.fuzzy_note"))
    by_key = {entity["key"]: entity for entity in results}
    chosen = st.selectbox(
        t("search.entity"), list(by_key), format_func=lambda k: _label(by_key[k]), key="search_pick"
    )
    profile_button(chosen, widget_key="search_profile")
    hops = st.slider(t("search.hops"), 1, 2, 1, key="search_hops")
    try:
        graph = views.trace_neighbourhood(store(), me, chosen, hops=hops)
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    notes = []
    if graph["hidden"]:
        notes.append(t("search.hidden").format(count=graph["hidden"]))
    if graph["truncated"]:
        notes.append(t("search.truncated"))
    if graph["set_aside"]:
        notes.append(
            escape_markdown(
                t("search.hubs").format(keys=", ".join(h["key"] for h in graph["set_aside"]))
            )
        )
    for note in notes:
        st.caption(note)
    chart_panel(
        graph["nodes"], graph["links"], t, key=f"search_chart_{chosen}_{hops}", principal=me
    )
    with st.expander(t("lead.links")):
        st.dataframe(link_rows(graph["links"]), hide_index=True, width="stretch")


def _paths(me: Principal) -> None:
    with st.form("paths_form"):
        left, right = st.columns(2)
        a = left.text_input(t("search.from"), key="paths_a", help=t("search.help"))
        b = right.text_input(t("search.to"), key="paths_b", help=t("search.help"))
        hops = st.slider(t("search.max_hops"), 1, 6, 4, key="paths_hops")
        ordered, gap = st.columns(2)
        in_order = ordered.checkbox(
            t("search.in_time_order"), key="paths_in_order", help=t("search.in_time_order_help")
        )
        max_gap = gap.number_input(
            t("search.max_gap_days"), min_value=0, value=None, step=1, key="paths_max_gap"
        )
        submitted = st.form_submit_button(t("search.trace"))
    if not submitted:
        return
    try:
        ends = [_lookup(me, text) for text in (a, b)]
        if not ends[0] or not ends[1]:
            st.info(t("search.ends_missing"))
            return
        found = views.trace_paths(
            store(),
            me,
            ends[0][0]["key"],
            ends[1][0]["key"],
            max_hops=hops,
            time_ordered=in_order,
            max_gap_days=int(max_gap) if in_order and max_gap is not None else None,
        )
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    st.caption(
        escape_markdown(
            t("search.between").format(a=ends[0][0]["display_key"], b=ends[1][0]["display_key"])
        )
    )
    if found["hidden"]:
        st.caption(t("search.paths_hidden").format(count=found["hidden"]))
    if found["set_aside"]:
        st.caption(
            escape_markdown(
                t("search.hubs").format(keys=", ".join(h["key"] for h in found["set_aside"]))
            )
        )
    if in_order:
        st.caption(t("search.in_time_order_note"))
    if found["search"] == "shortest_only":
        st.caption(t("search.shortest_only"))
    if not found["paths"]:
        st.info(t("search.no_paths"))
        return
    for number, path in enumerate(found["paths"], start=1):
        st.markdown(f"**{t('search.path').format(number=number, hops=path['hops'])}**")
        st.dataframe(
            [
                {
                    "#": step_number,
                    t("lead.col_from"): step["start"],
                    t("lead.col_link"): t(f"link.{step['type']}"),
                    t("lead.col_to"): step["end"],
                    t("lead.col_sources"): ", ".join(step.get("sources") or []),
                    t("lead.col_first"): step.get("first_seen") or "",
                    t("search.col_last"): step.get("last_seen") or "",
                }
                for step_number, step in enumerate(path["steps"], start=1)
            ],
            hide_index=True,
            width="stretch",
            key=f"path_{number}",
        )
