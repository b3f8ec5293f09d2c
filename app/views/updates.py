"""The updates page, home of analysts and officers: their alerts first (a candidate over the
threshold, new evidence on a lead pushed to them: :mod:`graph.workflow.alerts`, each opening its
lead and marked read then), what is new for the entities, leads and searches they watch, and the
watches themselves with "stop watching".

Everything comes from :func:`graph.views.updates`, which shows only the facts the user's own
pages would (an analyst's org's rows; what an officer was pushed) and audits the view. A row
opens the entity's profile (:func:`app.views.entity.open_profile`) or the lead. Texts from the
data are shown in data tables or as escaped Markdown.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from app.session import require_principal, store, t
from app.views import inbox, leads
from app.views.entity import profile_picker
from app.views.safe import escape_markdown
from graph import views
from graph.core.errors import UserError
from graph.workflow.auth import Principal


def _what(update: dict[str, Any]) -> str:
    """What changed, in one line: the values stated and the links added."""
    parts = []
    for values in update["statements"]:
        shown = json.dumps(values, ensure_ascii=False, sort_keys=True)
        parts.append(f"{t('updates.values')} {shown}")
    for link in update["links"]:
        arrow = "→" if link["direction"] == "out" else "←"
        parts.append(f"{t('link.' + link['type'])} {arrow} {link['other']['display_key']}")
    return "; ".join(parts)


def _watch_name(target_type: str, label: str) -> str:
    return f"{t('watch.type_' + target_type)} · {label}"


def update_rows(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            t("updates.col_when"): u["landed_at"],
            t("updates.col_entity"): f"{t('entity.' + u['entity']['label'])} · "
            f"{u['entity']['display_key']}",
            t("updates.col_what"): _what(u),
            t("updates.col_watch"): _watch_name(u["target_type"], u["watch_label"]),
            t("lead.col_org"): u["org"],
            t("lead.col_file"): u["file_name"],
        }
        for u in found
    ]


def _open_lead(me: Principal, lead_id: str) -> None:
    """Show the lead on the analyst's leads page or the officer's inbox."""
    page = leads if me.is_analyst else inbox
    st.session_state[page.SELECTED] = lead_id
    key = "leads" if me.is_analyst else "inbox"
    function = leads.leads_page if me.is_analyst else inbox.inbox_page
    try:
        st.switch_page(st.Page(function, title=t(f"nav.{key}"), url_path=key))
    except StreamlitAPIException:  # a page run outside the workbench's navigation (AppTest)
        st.rerun()


def updates_page() -> None:
    me = require_principal()
    st.header(t("nav.updates"))
    _alerts(me)
    try:
        data = views.updates(store(), me)
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    _updates(me, data)
    _watches(me, data["watches"])


def alert_line(alert: dict[str, Any]) -> str:
    """One alert in words: its kind, the lead, its score, the counts, when; no data values."""
    counts = {key: value for key, value in alert["counts"].items() if isinstance(value, int)}
    try:
        what = t(f"alerts.counts_{alert['kind']}").format(**counts)
    except (KeyError, ValueError):
        what = ""
    score = alert.get("score")
    shown = f" · {t('alerts.score')} {score:.1f}" if isinstance(score, int | float) else ""
    return (
        f"{t('alerts.kind_' + alert['kind'])} · {alert['lead_id']}{shown} · {what} · "
        f"{alert['created_at']}"
    )


def _alerts(me: Principal) -> None:
    """The "提醒 Alerts" section: each alert with a button that opens its lead."""
    st.subheader(t("alerts.title"), anchor=False)
    try:
        found = views.alerts(store(), me)
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    if not found:
        st.caption(t("alerts.none"))
        return
    for alert in found:
        left, right = st.columns([4, 1])
        unread = "" if alert.get("read_at") else f"**{escape_markdown(t('alerts.unread'))}** · "
        left.markdown(unread + escape_markdown(alert_line(alert)))
        if right.button(t("alerts.open"), key=f"alert_open_{alert['id']}"):
            try:
                opened = views.open_alert(store(), me, alert["id"])
            except UserError as error:
                st.error(escape_markdown(f"{t('common.failed')}: {error}"))
                return
            _open_lead(me, opened["lead_id"])


def _updates(me: Principal, data: dict[str, Any]) -> None:
    found = data["updates"]
    if not found:
        st.info(t("updates.none") if data["watches"] else t("updates.no_watches"))
        return
    st.dataframe(update_rows(found), hide_index=True, width="stretch", key="updates_table")
    entities = {u["entity"]["key"]: u["entity"] for u in found}
    profile_picker(t("updates.open_entity"), entities, widget_key="updates_entity")
    lead_ids = sorted({u["watch_label"] for u in found if u["target_type"] == "lead"})
    if lead_ids:
        left, right = st.columns([3, 1])
        chosen = left.selectbox(t("updates.lead"), lead_ids, key="updates_lead_pick")
        if chosen and right.button(t("lead.open"), key="updates_lead_open"):
            _open_lead(me, chosen)
    if st.button(t("updates.mark_seen"), key="updates_seen", icon=":material/done_all:"):
        try:
            for watch in data["watches"]:
                views.mark_seen(store(), me, watch["id"], data["checked_at"])
        except UserError as error:
            st.error(escape_markdown(f"{t('common.failed')}: {error}"))
            return
        st.rerun()


def _watches(me: Principal, watches: list[dict[str, Any]]) -> None:
    st.subheader(t("updates.watches"), anchor=False)
    if not watches:
        st.caption(t("updates.watches_none"))
        return
    for watch in watches:
        left, right = st.columns([4, 1])
        notify = f" · {t('watch.notify')}" if watch.get("notify") else ""
        name = _watch_name(watch["target_type"], watch.get("label") or watch["target"])
        left.markdown(escape_markdown(f"{name} · {watch['created']}{notify}"))
        if right.button(t("watch.unwatch"), key=f"updates_unwatch_{watch['id']}"):
            try:
                views.unwatch(store(), me, watch["id"])
            except UserError as error:
                st.error(escape_markdown(f"{t('common.failed')}: {error}"))
                return
            st.rerun()
