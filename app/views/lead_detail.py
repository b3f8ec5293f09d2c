"""One lead's page, shared by the analyst's candidates and the officer's inbox.

Everything comes from :func:`graph.views.lead_page`, which checks that the principal may see the
lead, audits the view (and marks it read for an officer) and masks what they may not see raw.
The role-specific actions (accept and push; status, feedback and export) are drawn by the pages
that call :func:`lead_view` through its ``actions`` argument.

User text (complaint texts, names, bios) is shown only as escaped Markdown (see
:mod:`app.views.safe`) or in data tables, never as HTML.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from app.session import store, t
from app.views.chart import chart_panel
from app.views.entity import burst_bands
from app.views.notes import notes_section
from app.views.safe import escape_markdown
from app.views.timeline import in_period, timeline_panel
from app.views.watch import watch_toggle
from graph import views
from graph.core.errors import UserError
from graph.evidence.timeline import events_from
from graph.text.slang import Hit, scan
from graph.workflow import withdraw
from graph.workflow.auth import Principal

PACKAGE = "lead_package"
VIEW_TTL_SECONDS = 60.0  # a lead page re-run within this long is not a new (audited) view


def highlight(text: str, hits: list[Hit]) -> str:
    """``text`` as escaped Markdown with each slang hit on an orange background."""
    parts: list[str] = []
    position = 0
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if hit.start < position:  # overlapping hits: the first one wins
            continue
        parts.append(escape_markdown(text[position : hit.start]))
        parts.append(f":orange-background[**{escape_markdown(text[hit.start : hit.end])}**]")
        position = hit.end
    parts.append(escape_markdown(text[position:]))
    return "".join(parts)


def _cache_key(lead_id: str) -> str:
    return f"lead_page:{lead_id}"


def forget(lead_id: str) -> None:
    """Drop the page's copy of the lead (after an action changed it)."""
    st.session_state.pop(_cache_key(lead_id), None)


def load(me: Principal, lead_id: str) -> dict[str, Any]:
    """The lead for this session: fetched (checked, audited) again when older than the TTL.
    Kept in the session, never shared between principals."""
    cached = st.session_state.get(_cache_key(lead_id))
    if cached and cached[0] == me.username and time.time() - cached[1] < VIEW_TTL_SECONDS:
        return cached[2]  # type: ignore[no-any-return]
    data = views.lead_page(store(), me, lead_id)
    data["bursts"] = lead_bursts(me, data["entities"])
    st.session_state[_cache_key(lead_id)] = (me.username, time.time(), data)
    return data


BURSTING_LABELS = ("Phone", "Firm")


def lead_bursts(me: Principal, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The complaint bursts of the lead's phones and firms that the viewer may see, counted from
    the complaints the viewer may see raw (:func:`graph.views.entity_bursts`)."""
    keys = [
        str(e["display_key"] or e["key"])
        for e in entities
        if e["label"] in BURSTING_LABELS and not e.get("masked")
    ]
    if not keys:
        return []
    found = views.entity_bursts(store(), me, keys)
    return [period for periods in found.values() for period in periods]


def lead_view(
    me: Principal, lead_id: str, actions: Callable[[dict[str, Any]], None] | None = None
) -> None:
    try:
        data = load(me, lead_id)
    except UserError as error:  # Forbidden included
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    lead = data["lead"]
    # a fixed anchor: Streamlit would make the heading's id from the title
    st.subheader(escape_markdown(str(lead.get("title") or lead_id)), anchor=lead_id)
    cols = st.columns(4)
    cols[0].metric(t("lead.score"), f"{float(lead.get('score') or 0):.1f}")
    cols[1].metric(t("lead.status"), t(f"status.{lead.get('status')}"))
    cols[2].metric(t("lead.size"), int(lead.get("size") or 0))
    complaints = sum(1 for e in data["entities"] if e["label"] == "Complaint")
    cols[3].metric(t("lead.complaints"), complaints)
    span = [str(d) for d in (lead.get("date_first"), lead.get("date_last")) if d]
    st.caption(escape_markdown(f"{t('lead.span')}: {' – '.join(span) or '—'} · {lead_id}"))
    if lead.get("summary_text"):
        st.markdown(f"**{t('lead.summary')}**: {escape_markdown(str(lead['summary_text']))}")
    if lead.get("review"):
        st.warning(escape_markdown(review_line(me, lead)))
    watch_toggle(me, "lead", lead_id)
    shown, period = in_timeline(lead_id, data)

    tabs = st.tabs(
        [
            t("lead.tab_chart"),
            t("lead.tab_evidence"),
            t("lead.tab_texts"),
            t("lead.tab_explanation"),
            t("lead.tab_feedback"),
        ]
    )
    with tabs[0]:
        chart_panel(
            shown["entities"],
            shown["links"],
            t,
            key=f"chart_{lead_id}{period}",
            principal=me,
            lead_id=lead_id,
        )
    with tabs[1]:
        _evidence(shown)
    with tabs[2]:
        _texts(shown)
    with tabs[3]:
        _explanation(lead)
    with tabs[4]:
        _feedback(lead)
    st.divider()  # working notes: apart from the evidence above, and not part of it
    notes_section(me, f"lead:{lead_id}")
    if actions is not None:
        st.divider()
        actions(data)


def in_timeline(lead_id: str, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The lead's timeline, and the page's data cut to the period brushed on it
    (:func:`app.views.timeline.in_period`) with a suffix naming the period for widget keys."""
    events = events_from(data["entities"], data["links"], data["submissions"], data["lead"])
    period = timeline_panel(
        events, t, key=f"timeline_{lead_id}", bands=burst_bands(data.get("bursts") or [])
    )
    if period is None:
        return data, ""
    entities, links = in_period(data["entities"], data["links"], *period)
    st.caption(
        t("timeline.filtered").format(
            start=period[0], end=period[1], shown=len(entities), total=len(data["entities"])
        )
    )
    return {**data, "entities": entities, "links": links}, f"_{period[0]}_{period[1]}"


def review_line(me: Principal, lead: dict[str, Any]) -> str:
    """Why the lead needs review: each withdrawn submission it rests on (its id and org, when;
    its file, who withdrew it and why as well, except to an analyst of another org — another
    org's files and users are not theirs to know, as on the rest of the page)."""
    parts = []
    for event in withdraw.review_events(lead):
        theirs = not me.is_analyst or me.org == event.get("org")
        fields = [
            f"{event.get('file_name')} ({event.get('org')}, {event.get('submission')})"
            if theirs
            else f"{event.get('org')}, {event.get('submission')}",
            str(event.get("at") or ""),
        ]
        if theirs:
            fields.append(t("lead.review_by").format(by=event.get("by")))
            if event.get("reason"):
                fields.append(str(event["reason"]))
        parts.append(" · ".join(fields))
    return t("lead.review").format(details="; ".join(parts) or "—")


def entity_rows(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from graph.export.interactive import node_caption

    return [
        {
            t("lead.col_type"): t(f"entity.{e['label']}"),
            t("lead.col_key"): e["display_key"],
            t("lead.col_name"): node_caption(e),
            t("lead.col_first"): e["props"].get("first_seen") or "",
            t("lead.col_masked"): "✓" if e.get("masked") else "",
        }
        for e in entities
    ]


def statement_rows(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Who said which value, for the entities more than one party made statements about (an
    officer's and an admin's view; an analyst sees its own org's values only)."""
    return [
        {
            t("lead.col_key"): e["display_key"],
            t("lead.col_org"): s["org"],
            t("lead.col_forwarded"): s.get("forwarded_for") or "",
            t("lead.col_received"): s.get("at") or "",
            t("lead.col_values"): json.dumps(s["values"], ensure_ascii=False, sort_keys=True),
        }
        for e in entities
        if len({s["org"] for s in e.get("stated") or []}) > 1
        for s in e["stated"]
    ]


def link_rows(links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            t("lead.col_from"): link["start"],
            t("lead.col_link"): t(f"link.{link['type']}"),
            t("lead.col_to"): link["end"],
            t("lead.col_kind"): t(f"linkkind.{link.get('kind') or 'fact'}"),
            t("lead.col_sources"): ", ".join(link.get("sources") or []),
            # where a contact was found in text, and how it was written there
            t("lead.col_field"): (link.get("props") or {}).get("field") or "",
            t("lead.col_surface"): (link.get("props") or {}).get("surface") or "",
            t("lead.col_first"): link.get("first_seen") or "",
        }
        for link in links
    ]


def _evidence(data: dict[str, Any]) -> None:
    st.markdown(f"**{t('lead.entities')}**")
    st.dataframe(entity_rows(data["entities"]), hide_index=True, width="stretch")
    _open_profile(data["entities"])
    statements = statement_rows(data["entities"])
    if statements:
        st.markdown(f"**{t('lead.statements')}**")
        st.caption(t("lead.statements_help"))
        st.dataframe(statements, hide_index=True, width="stretch")
    st.markdown(f"**{t('lead.links')}**")
    st.dataframe(link_rows(data["links"]), hide_index=True, width="stretch")
    st.markdown(f"**{t('lead.submissions')}**")
    st.dataframe(
        [
            {
                t("lead.col_submission"): s["id"],
                t("lead.col_file"): s.get("file_name"),
                t("lead.col_org"): s.get("org"),
                t("lead.col_received"): s.get("received_at"),
                "SHA-256": (s.get("sha256") or "")[:16] + "…",
            }
            for s in data["submissions"]
        ],
        hide_index=True,
        width="stretch",
    )


def _open_profile(entities: list[dict[str, Any]]) -> None:
    """Pick one of the lead's entities (masked ones by their pseudonym) and open its profile."""
    from app.views.entity import profile_picker

    profile_picker(t("entity.open"), {e["key"]: e for e in entities}, widget_key="lead_profile")


def _texts(data: dict[str, Any]) -> None:
    complaints = [e for e in data["entities"] if e["label"] == "Complaint"]
    by_cluster: dict[str, list[dict[str, Any]]] = {}
    for complaint in complaints:
        cluster = complaint["props"].get("template_cluster") or ""
        by_cluster.setdefault(cluster, []).append(complaint)
    st.caption(t("lead.texts_note"))
    for cluster, members in sorted(by_cluster.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if cluster:
            size = members[0]["props"].get("template_size") or len(members)
            heading = t("lead.template").format(cluster=cluster, size=size, here=len(members))
        else:
            heading = t("lead.no_template").format(here=len(members))
        with st.expander(escape_markdown(heading), expanded=len(by_cluster) == 1):
            for complaint in sorted(members, key=lambda c: c["props"].get("filed_date") or ""):
                props = complaint["props"]
                text = str(props.get("text") or "")
                hits = scan(text) if text else []
                meta = " · ".join(
                    str(props.get(k)) for k in ("complaint_id", "filed_date", "institution")
                    if props.get(k)
                )  # fmt: skip
                st.markdown(f"**{escape_markdown(meta)}**")
                st.markdown(highlight(text, hits) if text else "—")
                if hits:
                    st.caption(
                        escape_markdown(
                            "; ".join(
                                f"{h.surface} → {h.term}"
                                + (f" ({h.disguise})" if h.disguise else "")
                                for h in hits
                            )
                        )
                    )


def contact_tie_text(item: dict[str, Any]) -> str:
    """A handle that ties the ring, in the interface's language: "the bio of account:a; the bio
    of account:b give the same WeChat ID wechat:fw12 (sources …)"."""
    members = [
        t("lead.contact_in_bio").format(entity=member.get("key"))
        if member.get("where") == "bio"
        else t("lead.contact_in_complaints").format(
            entity=member.get("key"), count=member.get("texts")
        )
        for member in item.get("members") or []
    ]
    text = t("lead.contact_tie").format(
        members=t("lead.list_sep").join(members),
        label=t(f"entity.{item.get('handle_label')}"),
        handle=item.get("entity"),
    )
    sources = item.get("sources") or []
    return f"{text} ({t('lead.col_sources')}: {', '.join(sources)})" if sources else text


def _explanation(lead: dict[str, Any]) -> None:
    from app.views.entity import feature_value

    every = lead.get("explanation") or []
    items = [item for item in every if item.get("feature") != "contact_tie"]
    contact_ties = [item for item in every if item.get("feature") == "contact_tie"]
    if items:
        st.dataframe(
            [
                {
                    t("lead.col_entity"): item.get("entity"),
                    t("lead.col_feature"): t(f"feature.{item.get('feature')}"),
                    t("lead.col_value"): feature_value(str(item.get("feature")), item.get("value")),
                    t("lead.col_contribution"): item.get("contribution"),
                }
                for item in items
            ],
            hide_index=True,
            width="stretch",
        )
    _learned(lead)
    if contact_ties:
        st.markdown(f"**{t('lead.contact_ties')}**")
        for item in contact_ties:
            st.markdown("- " + escape_markdown(contact_tie_text(item)))
    summary = lead.get("summary") or {}
    if summary.get("ties"):
        # derived ties (same people, same complaints, same template) are not links of the chart
        st.markdown(f"**{t('lead.ties')}**")
        st.dataframe(
            [
                {
                    t("lead.col_a"): tie.get("a"),
                    t("lead.col_b"): tie.get("b"),
                    t("lead.col_why"): "、".join(
                        t(f"link.{why}") for why in str(tie.get("why")).split(",")
                    ),
                    t("lead.col_weight"): tie.get("weight"),
                }
                for tie in sorted(summary["ties"], key=lambda tie: -float(tie.get("weight") or 0))
            ],
            hide_index=True,
            width="stretch",
        )
    if summary.get("slang"):
        st.markdown(f"**{t('lead.slang')}**")
        st.dataframe(
            [{t("lead.col_term"): k, t("common.count"): v} for k, v in summary["slang"].items()],
            hide_index=True,
        )
    facts = {
        t("lead.complainants"): summary.get("complainants"),
        t("lead.lenders"): len(summary.get("lenders") or []),
        t("lead.disguised"): summary.get("disguised_complaints"),
    }
    st.markdown(
        " · ".join(
            f"{escape_markdown(k)}: **{escape_markdown(str(v))}**"
            for k, v in facts.items()
            if v is not None
        )
    )


def ranking_line(lead: dict[str, Any]) -> str:
    """Which weights rank this lead: the learned model (version, labels, when) or the hand
    weights and why (:mod:`graph.evidence.rerank`)."""
    ranking = lead.get("ranking") or {}
    if ranking.get("model"):
        return t("rerank.model").format(rank_score=lead.get("rank_score"), **ranking)
    return t("rerank.hand").format(reason=ranking.get("reason") or "—")


def _learned(lead: dict[str, Any]) -> None:
    """The lead's feature values with each feature's hand and learned contribution."""
    from graph.evidence.rerank import FEATURES, HAND_WEIGHTS

    features = lead.get("features") or {}
    if not features:
        return
    st.markdown(f"**{t('rerank.title')}**")
    st.caption(escape_markdown(ranking_line(lead)))
    learned = (lead.get("ranking") or {}).get("learned") or {}
    st.dataframe(
        [
            {
                t("lead.col_feature"): t(f"feature.{name}"),
                t("rerank.col_value"): features.get(name),
                t("rerank.col_hand"): round(HAND_WEIGHTS[name] * float(features.get(name) or 0), 2),
                t("rerank.col_learned"): learned.get(name, "—"),
            }
            for name in FEATURES
            if name in features  # a feature withheld from this viewer is not listed
        ],
        hide_index=True,
        width="stretch",
    )


def _feedback(lead: dict[str, Any]) -> None:
    items = lead.get("feedback") or []
    if not items:
        st.info(t("lead.no_feedback"))
    for item in items:
        outcome = f" · {t('outcome.' + item['outcome'])}" if item.get("outcome") else ""
        st.markdown(
            f"**{escape_markdown(str(item.get('by')))}** ({escape_markdown(str(item.get('unit') or ''))}) · "
            f"{escape_markdown(str(item.get('at')))} · {t('status.' + str(item.get('status')))}{outcome}"
        )
        if item.get("text"):
            st.markdown("> " + escape_markdown(str(item["text"])))
    history = lead.get("history") or []
    if history:
        st.markdown(f"**{t('lead.history')}**")
        st.dataframe(
            [
                {
                    t("admin.time"): h.get("at"),
                    t("admin.actor"): h.get("by"),
                    t("admin.action"): t(
                        "status."
                        + ("lead" if h.get("event") == "accepted" else str(h.get("event")))
                    ),
                    t("lead.col_to"): h.get("to") or h.get("outcome") or "",
                }
                for h in history
            ],
            hide_index=True,
        )


def export_section(me: Principal, lead_id: str) -> None:
    """The court package button: the same code as ``leadgraph export`` (checked and audited in
    :func:`graph.views.export_lead`), offered as a download."""
    st.markdown(f"**{t('inbox.export')}**")
    st.caption(t("inbox.export_note"))
    if st.button(t("inbox.export_button"), key=f"export_{lead_id}"):
        try:
            with tempfile.TemporaryDirectory() as folder, st.spinner(t("inbox.exporting")):
                facts = views.export_lead(store(), me, lead_id, Path(folder))
                path = Path(facts["path"])
                st.session_state[PACKAGE] = (lead_id, path.name, path.read_bytes())
        except UserError as error:
            st.error(escape_markdown(f"{t('common.failed')}: {error}"))
    package = st.session_state.get(PACKAGE)
    if package and package[0] == lead_id:
        st.download_button(
            t("inbox.download"),
            package[2],
            file_name=package[1],
            mime="application/zip",
            key=f"download_{lead_id}",
        )
