"""The pages' link chart: :func:`chart_panel`.

It shows the event-returning streamlit-cytoscape component (:mod:`app.views.cyto`: what it is
given, how its events are handled, what was checked of it), with a legend, "show more" and the
selection's actions, in a fragment. The pure parts (captions, the legend, selecting the best
connected nodes, the layout, and the pyvis document :func:`~graph.export.interactive.chart_html`
the court package's ``chart.html`` is made with) live in :mod:`graph.export.interactive`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from app.views.safe import escape_markdown
from graph import views
from graph.core.errors import UserError
from graph.export.interactive import CAP, HEIGHT, kind_of, legend_html, node_caption
from graph.workflow.auth import Principal


def chart_panel(
    nodes: list[dict[str, Any]],
    links: list[dict[str, Any]],
    t: Callable[[str], str],
    *,
    key: str,
    principal: Principal | None = None,
    lead_id: str | None = None,
) -> None:
    """The chart with its legend, "show more", and its selection's actions, in a fragment so
    that an event redraws only the chart. Its state starts from ``nodes``/``links`` once per
    ``key``; ``lead_id`` offers "add to lead as evidence" to an analyst."""
    from streamlit_cytoscape import streamlit_cytoscape

    from app.session import require_principal, store
    from app.views import cyto

    @st.fragment
    def panel() -> None:
        me = principal or require_principal()
        state_key, pick_key = f"{key}_state", f"{key}_selection"
        state = st.session_state.get(state_key)
        if state is None:
            state = st.session_state[state_key] = cyto.new_state(nodes, links, CAP)
        # The chart's last event is its session-state entry: handled (once) before drawing, so
        # that what it changed is drawn in this run.
        try:
            step = cyto.handle(store(), me, state, st.session_state.get(key))
        except UserError as error:  # Forbidden included
            st.error(escape_markdown(f"{t('common.failed')}: {error}"))
            step = None
        if step and step.startswith("profile:"):
            from app.views.entity import open_profile

            open_profile(step.removeprefix("profile:"))
        if step == "redraw":
            st.session_state[pick_key] = [i for i in state["selection"] if i in state["nodes"]]
        drawn, layout, info = cyto.elements(state, t)
        # The legend holds only our own texts (escaped), never user data.
        legend = legend_html(
            [str(n.get("label")) for n in state["nodes"].values()],
            t,
            [kind_of(link) for link in state["links"].values()],
        )
        st.markdown(legend, unsafe_allow_html=True)
        st.caption(t("chart.help"))
        streamlit_cytoscape(
            drawn,
            layout=layout,
            node_styles=cyto.node_styles(t),
            edge_styles=cyto.edge_styles(),
            height=HEIGHT,
            key=key,
            node_actions=cyto.NODE_ACTIONS,
            events=cyto.EVENTS,
            infopanel_actions=cyto.infopanel_actions(t),
        )
        for note, values in state["notes"]:
            st.caption(escape_markdown(t(note).format(**values)))
        st.caption(
            t("chart.shown").format(shown=info["shown"], total=info["total"], links=info["links"])
        )
        if info["shown"] < info["total"]:
            st.button(t("chart.more"), key=f"{key}_more", on_click=_more, args=(state,))
        _selection(me, state, t, key=key, lead_id=lead_id)

    panel()


def _more(state: dict[str, Any]) -> None:
    state["cap"] += CAP


def _selection(
    me: Principal, state: dict[str, Any], t: Callable[[str], str], *, key: str, lead_id: str | None
) -> None:
    """The chart's selection (gathered from clicks, editable) and its two actions."""
    from app.session import store

    pick_key = f"{key}_selection"
    picked = [i for i in st.session_state.get(pick_key, []) if i in state["nodes"]]
    picked += [i for i in state["selection"] if i not in picked and i in state["nodes"]]
    st.session_state[pick_key] = picked
    chosen = st.multiselect(
        t("chart.selection"),
        list(state["nodes"]),
        key=pick_key,
        placeholder=t("chart.selection_none"),
        format_func=lambda i: (
            f"{t('entity.' + str(state['nodes'][i].get('label')))} · {node_caption(state['nodes'][i])}"
        ),
    )
    state["selection"] = list(chosen)
    if not chosen:
        return
    entities = [{**state["nodes"][i], "caption": node_caption(state["nodes"][i])} for i in chosen]
    left, right = st.columns(2)
    offered = bool(lead_id) and me.role == "analyst"
    if offered and left.button(t("chart.add_to_lead"), key=f"{key}_add"):
        try:
            added = views.add_to_lead(store(), me, str(lead_id), [e["key"] for e in entities])
        except UserError as error:  # Forbidden included
            st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        else:
            st.session_state.pop(f"lead_page:{lead_id}", None)  # reload the lead
            st.success(t("chart.added").format(count=len(added)))
    right.download_button(
        t("chart.export"),
        data=lambda: views.export_selection(store(), me, entities, context=_context(key, lead_id)),
        file_name="selection.csv",
        mime="text/csv",
        key=f"{key}_export",
        on_click="ignore",
    )


def _context(key: str, lead_id: str | None) -> str:
    """What an exported selection is audited against: the lead, else the chart."""
    return f"lead:{lead_id}" if lead_id else f"chart:{key}"
