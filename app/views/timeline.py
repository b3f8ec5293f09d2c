"""A timeline of events (:mod:`graph.evidence.timeline`) as an Altair chart, and the period it
brushes.

One row per event type, each in its label's colour from the domain model's one style
declaration. Dragging over the chart (an x-interval brush) picks a period; a date-range input
beside it does the same from the keyboard. :func:`in_period` cuts a page's entities and links to
what happened in the period, so the lead page's chart and tables follow the brush.

Marked periods (bursts, later) are drawn as shaded bands: ``[{key, start, end, label}]``.
Event labels reach the chart only as data (Vega-Lite text, tooltips escaped), never as HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from graph.core.model import label_style
from graph.evidence.timeline import EVENT_TYPES

BRUSH = "period"
HEIGHT = 200
BAND_COLOUR = "#f2c14e"
# the label whose colour each event type borrows (graph/core/model.yaml, display)
TYPE_LABELS = {
    "complaint": "Complaint",
    "call": "Phone",
    "account": "Account",
    "submission": "Submission",
    "lead": "Lead",
}

Period = tuple[str, str]  # ISO dates, both days included


def period_key(key: str) -> str:
    """The session-state key holding the period (or None) of the timeline drawn under ``key``."""
    return f"{key}_period"


def _day(value: Any) -> str:
    return str(value)[:10]


def _span(first: Any, last: Any) -> tuple[str, str] | None:
    first, last = first or last, last or first
    return (_day(first), _day(last)) if first else None


def _node_span(node: dict[str, Any]) -> tuple[str, str] | None:
    props = node.get("props") or {}
    if node.get("label") == "Complaint" and props.get("filed_date"):
        return _span(props["filed_date"], props["filed_date"])
    return _span(props.get("first_seen"), props.get("last_seen"))


def _overlaps(span: tuple[str, str] | None, start: str, end: str) -> bool:
    return span is not None and span[0] <= _day(end) and span[1] >= _day(start)


def in_period(
    nodes: list[dict[str, Any]], links: list[dict[str, Any]], start: str, end: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``nodes`` and ``links`` (as a page shows them: links' ends are display keys) that
    belong to the period from ``start`` to ``end`` (ISO dates or date-times; compared by day,
    both days included), in their order:

    * a link is in the period when its dates (``first_seen`` to ``last_seen``: a complaint's
      filing date, a call's times, else the day its row was received) overlap the period; a
      link without dates (a template match) when both its ends are kept;
    * a node is in the period when its own dates overlap the period — a complaint's filing
      date, otherwise its ``first_seen`` to ``last_seen`` — or when a link in the period
      reaches it. A masked node shows no dates of its own, so only such a link brings it in.
    """
    dated = [link for link in links if _span(link.get("first_seen"), link.get("last_seen"))]
    kept_links = [
        link
        for link in dated
        if _overlaps(_span(link.get("first_seen"), link.get("last_seen")), start, end)
    ]
    ends = {link["start"] for link in kept_links} | {link["end"] for link in kept_links}
    kept_nodes = [
        node
        for node in nodes
        if node["display_key"] in ends or _overlaps(_node_span(node), start, end)
    ]
    shown = {node["display_key"] for node in kept_nodes}
    kept = {id(link) for link in kept_links}
    return kept_nodes, [
        link
        for link in links
        if id(link) in kept
        or (
            not _span(link.get("first_seen"), link.get("last_seen"))
            and link["start"] in shown
            and link["end"] in shown
        )
    ]


def timeline_chart(
    events: list[dict[str, Any]],
    t: Callable[[str], str],
    *,
    bands: list[dict[str, Any]] | None = None,
) -> alt.LayerChart:
    """The events (``{time, type, key, label, source}``, or a day's ``{time, type, count}``) as
    points on one axis, a row and a colour per type, with an x-interval brush named
    :data:`BRUSH`; ``bands`` (``{key, start, end, label}``) drawn as shaded periods behind."""
    names = {kind: t(f"timeline.type.{kind}") for kind in EVENT_TYPES}
    frame = pd.DataFrame(
        [
            {
                "time": str(e["time"]),
                "type": names.get(e["type"], e["type"]),
                "key": e.get("key", ""),
                "label": e.get("label", ""),
                "source": e.get("source", ""),
                "count": int(e.get("count") or 1),
            }
            for e in events
        ],
        columns=["time", "type", "key", "label", "source", "count"],
    )
    counted = any("count" in e for e in events)
    brush = alt.selection_interval(encodings=["x"], name=BRUSH)
    colours = alt.Scale(
        domain=list(names.values()),
        range=[label_style(TYPE_LABELS[kind]).border for kind in EVENT_TYPES],
    )
    tooltip = [
        alt.Tooltip("time:N", title=t("timeline.time")),
        alt.Tooltip("type:N", title=t("timeline.type")),
    ]
    tooltip += (
        [alt.Tooltip("count:Q", title=t("common.count"))]
        if counted
        else [
            alt.Tooltip("label:N", title=t("timeline.label")),
            alt.Tooltip("source:N", title=t("timeline.source")),
        ]
    )
    points = (
        alt.Chart(frame)
        .mark_circle(opacity=0.8)
        .encode(
            x=alt.X("time:T", title=None),
            y=alt.Y("type:N", title=None, sort=list(names.values())),
            color=alt.Color("type:N", scale=colours, legend=None),
            size=alt.Size("count:Q", legend=None) if counted else alt.value(60),
            tooltip=tooltip,
        )
        .add_params(brush)
    )
    layers: list[alt.Chart] = []
    if bands:
        shaded = pd.DataFrame(
            [
                {"start": str(b["start"]), "end": str(b["end"]), "label": str(b.get("label", ""))}
                for b in bands
            ]
        )
        layers.append(
            alt.Chart(shaded)
            .mark_rect(color=BAND_COLOUR, opacity=0.3)
            .encode(
                x="start:T", x2="end:T", tooltip=[alt.Tooltip("label:N", title=t("timeline.band"))]
            )
        )
    return alt.LayerChart(layer=[*layers, points], height=HEIGHT)


def _as_day(value: Any) -> str:
    """A brushed end as an ISO date: Vega-Lite gives a time as milliseconds since 1970 (UTC)."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC).date().isoformat()
    return _day(value)


def brushed(event: Any) -> Period | None:
    """The period an ``st.altair_chart`` selection event holds, or None."""
    selection = (event or {}).get("selection") or {}
    found = selection.get(BRUSH) or {}
    ends = found.get("time") if isinstance(found, dict) else None
    if not ends or len(ends) != 2:
        return None
    return _as_day(ends[0]), _as_day(ends[1])


def _dates(period: Period) -> tuple[date, date]:
    return date.fromisoformat(period[0]), date.fromisoformat(period[1])


def timeline_panel(
    events: list[dict[str, Any]],
    t: Callable[[str], str],
    *,
    key: str,
    bands: list[dict[str, Any]] | None = None,
) -> Period | None:
    """Draw the timeline and the period's date-range input; return the period chosen (by
    brushing or by the dates), or None for all of time. The period is kept in the session
    (:func:`period_key`)."""
    st.markdown(f"**{t('timeline.header')}**")
    if not events:
        st.caption(t("timeline.none"))
        return None
    days = sorted(_day(e["time"]) for e in events)
    whole: Period = (days[0], days[-1])
    event = st.altair_chart(
        timeline_chart(events, t, bands=bands),
        on_select="rerun",
        selection_mode=BRUSH,
        key=key,
        width="stretch",
    )
    chosen, seen = period_key(key), f"{key}_brushed"
    brush = brushed(event)
    if brush != st.session_state.get(seen):  # a new brush (or a cleared one) sets the period
        st.session_state[seen] = brush
        st.session_state[chosen] = brush
    period: Period | None = st.session_state.get(chosen)
    shown = period or whole
    left, right = st.columns([3, 1])
    picked = left.date_input(  # keyed by the period, so that a brush moves it
        t("timeline.period"),
        value=_dates(shown),
        key=f"{key}_dates_{shown[0]}_{shown[1]}",
        help=t("timeline.help"),
    )
    if isinstance(picked, tuple) and len(picked) == 2:
        typed: Period = (picked[0].isoformat(), picked[1].isoformat())
        if typed != shown:
            period = None if typed == whole else typed
            st.session_state[chosen] = period
    if period is not None and right.button(t("timeline.all"), key=f"{key}_all"):
        st.session_state[chosen] = None
        st.rerun()
    return period
