"""One entity's profile page (analysts and officers): every value with who stated it and when,
its links by type with their sources, the submissions and leads it appears in, its score with
the features behind it, and its working notes (apart from the evidence).

Everything comes from :func:`graph.views.entity_profile`, which checks the principal's rights,
masks what they may not see raw and audits the view. Other pages open a profile with
:func:`open_profile`; a link may also carry the entity as the ``entity`` query parameter.
User text is shown only as escaped Markdown or in data tables.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from app.session import require_principal, store, t
from app.views.chart import chart_panel
from app.views.notes import notes_section
from app.views.safe import escape_markdown
from app.views.timeline import timeline_panel
from app.views.watch import watch_toggle
from graph import views
from graph.core.errors import UserError
from graph.evidence.timeline import events_from
from graph.export.interactive import node_caption
from graph.workflow.auth import Principal

ENTITY = "entity"  # the session-state key and the query parameter naming the entity shown
URL_PATH = "entity"


def open_profile(key: str) -> None:
    """Show ``key``'s profile (a key or the pseudonym of a masked entity): from any page."""
    st.session_state[ENTITY] = key
    try:
        st.switch_page(st.Page(entity_page, title=t("nav.entity"), url_path=URL_PATH))
    except StreamlitAPIException:  # a page run outside the workbench's navigation (AppTest)
        st.rerun()


def profile_button(key: str, *, widget_key: str) -> None:
    """An "open profile" button for ``key``."""
    if st.button(t("entity.open"), key=widget_key, icon=":material/account_box:"):
        open_profile(key)


def profile_picker(label: str, entities: dict[str, dict[str, Any]], *, widget_key: str) -> None:
    """A choice of ``entities`` (by key; each shown by its label and display key, so a masked one
    by its pseudonym) beside a button that opens the chosen one's profile."""
    if not entities:
        return
    left, right = st.columns([3, 1])
    chosen = left.selectbox(
        label,
        list(entities),
        format_func=lambda k: (
            f"{t('entity.' + entities[k]['label'])} · {entities[k]['display_key']}"
        ),
        key=f"{widget_key}_pick",
    )
    with right:
        if chosen:
            profile_button(chosen, widget_key=f"{widget_key}_open")


def _chosen() -> str | None:
    wanted = st.query_params.get(ENTITY)
    if wanted:
        st.session_state[ENTITY] = wanted
    return st.session_state.get(ENTITY) or None


def entity_page() -> None:
    me = require_principal()
    st.header(t("nav.entity"))
    key = _chosen()
    if not key:
        st.info(t("entity.none"))
        return
    try:
        data = views.entity_profile(store(), me, key)
    except UserError as error:  # Forbidden included
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    entity = data["entity"]
    st.subheader(
        escape_markdown(f"{t('entity.' + entity['label'])} · {entity['display_key']}"),
        anchor="entity",
    )
    if entity["masked"]:
        st.caption(t("entity.masked_note"))
    watch_toggle(me, "entity", entity["key"])
    _identity(entity)
    timeline_panel(
        events_from(*views.profile_parts(data), data["submissions"]),
        t,
        key=f"entity_timeline_{entity['key']}",
        bands=burst_bands(data.get("bursts") or []),
    )
    _statements(me, data["statements"])
    _links(data)
    _chart(me, data)
    _submissions(data["submissions"])
    _leads(data["leads"])
    _score(data["score"], data.get("bursts") or [])
    notes_section(me, entity["key"])


def _identity(entity: dict[str, Any]) -> None:
    st.markdown(f"**{t('entity.identity')}**")
    rows = [{t("entity.col_field"): k, t("entity.col_value"): str(v)}
            for k, v in sorted(entity["props"].items())]  # fmt: skip
    st.dataframe(rows, hide_index=True, width="stretch", key="entity_identity")


def _statements(me: Principal, stated: list[dict[str, Any]]) -> None:
    st.markdown(f"**{t('entity.statements')}**")
    if me.is_analyst:
        st.caption(t("entity.statements_own"))
    if not stated:
        st.caption("—")
        return
    st.dataframe(
        [
            {
                t("lead.col_org"): s["org"],
                t("lead.col_submission"): s["submission"],
                t("lead.col_received"): s.get("at") or "",
                t("lead.col_forwarded"): s.get("forwarded_for") or "",
                t("lead.col_values"): json.dumps(s["values"], ensure_ascii=False, sort_keys=True),
            }
            for s in stated
        ],
        hide_index=True,
        width="stretch",
        key="entity_statements",
    )


def _links(data: dict[str, Any]) -> None:
    st.markdown(f"**{t('entity.links')}**")
    if data["truncated"] or data["set_aside"]:
        st.caption(t("entity.hub"))
    if not data["links"]:
        st.caption("—")
        return
    others: dict[str, dict[str, Any]] = {}
    for link_type, links in data["links"].items():
        st.markdown(f"{t('link.' + link_type)} ({len(links)})")
        rows = []
        for link in links:
            other = link["other"]
            others[other["key"]] = other
            rows.append(
                {
                    t("entity.col_direction"): "→" if link["direction"] == "out" else "←",
                    t("lead.col_type"): t(f"entity.{other['label']}"),
                    t("lead.col_key"): other["display_key"],
                    t("lead.col_name"): node_caption(other),
                    t("lead.col_kind"): t(f"linkkind.{link.get('kind') or 'fact'}"),
                    t("lead.col_sources"): ", ".join(link.get("sources") or []),
                    t("lead.col_surface"): (link.get("props") or {}).get("surface") or "",
                    t("lead.col_first"): link.get("first_seen") or "",
                }
            )
        st.dataframe(rows, hide_index=True, width="stretch", key=f"entity_links_{link_type}")
    profile_picker(t("entity.open_linked"), others, widget_key="entity_linked")


def _chart(me: Principal, data: dict[str, Any]) -> None:
    """The entity and its linked entities on the chart (expand, open, select as elsewhere)."""
    entity = data["entity"]
    nodes = {entity["key"]: entity}
    links = []
    for group in data["links"].values():
        for link in group:
            nodes.setdefault(link["other"]["key"], link["other"])
            links.append(link)
    with st.expander(t("lead.tab_chart"), expanded=False):
        chart_panel(
            list(nodes.values()), links, t, key=f"entity_chart_{entity['key']}", principal=me
        )


def _submissions(submissions: list[dict[str, Any]]) -> None:
    st.markdown(f"**{t('entity.submissions')}**")
    if not submissions:
        st.caption("—")
        return
    st.dataframe(
        [
            {
                t("lead.col_submission"): s["id"],
                t("lead.col_file"): s.get("file_name"),
                t("lead.col_org"): s.get("org"),
                t("lead.col_received"): s.get("received_at"),
            }
            for s in submissions
        ],
        hide_index=True,
        width="stretch",
        key="entity_submissions",
    )


def _leads(leads: list[dict[str, Any]]) -> None:
    st.markdown(f"**{t('entity.leads')}**")
    if not leads:
        st.caption("—")
        return
    st.dataframe(
        [
            {
                t("entity.col_lead"): lead["id"],
                t("entity.col_title"): lead.get("title") or "",
                t("lead.score"): round(float(lead.get("score") or 0), 1),
                t("lead.status"): t(f"status.{lead.get('status')}"),
                t("lead.size"): lead.get("size"),
            }
            for lead in leads
        ],
        hide_index=True,
        width="stretch",
        key="entity_leads",
    )


def burst_text(period: dict[str, Any]) -> str:
    """A burst period (``graph.evidence.bursts``) in the viewer's language."""
    return t("feature.burst_value").format(
        start=period["start"],
        end=period["end"],
        weeks=period["weeks"],
        count=period["count"],
        baseline=f"{float(period['baseline']):.1f}",
    )


def burst_bands(bursts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Burst periods as the timeline's shaded bands, labelled in the viewer's language."""
    return [
        {"key": p.get("key", ""), "start": p["start"], "end": p["end"], "label": burst_text(p)}
        for p in bursts
    ]


def feature_value(name: str, value: Any) -> str:
    """A score feature's value as a table cell: a burst in words, others as they are."""
    if name == "burst":
        return burst_text(value) if isinstance(value, dict) else "—"
    return str(value)


def _bursts(bursts: list[dict[str, Any]]) -> None:
    st.markdown(f"{t('entity.bursts')}: " + escape_markdown(
        "; ".join(burst_text(p) for p in bursts) if bursts else t("entity.no_bursts")
    ))  # fmt: skip
    st.caption(t("entity.bursts_method"))


def _score(score: dict[str, Any] | None, bursts: list[dict[str, Any]]) -> None:
    st.markdown(f"**{t('entity.score')}**")
    _bursts(bursts)
    if score is None:
        st.caption(t("entity.not_scored"))
        return
    if "service" in score:
        st.caption(t("entity.service"))
        return
    st.metric(t("entity.score"), f"{float(score['score']):.1f}")
    st.dataframe(
        [
            {
                t("lead.col_feature"): t(f"feature.{name}"),
                t("lead.col_value"): feature_value(name, score["features"].get(name)),
                t("lead.col_contribution"): value,
            }
            for name, value in sorted(score["contributions"].items(), key=lambda kv: -kv[1])
        ],
        hide_index=True,
        width="stretch",
        key="entity_score",
    )
