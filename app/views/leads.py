"""Candidate leads (analysts): the ranked list, then one lead's page with accept and push, and
triage: dismiss with a reason or restore, assign within the org (:mod:`graph.workflow.triage`).

The list and every action go through :mod:`graph.workflow.lifecycle`, which checks the analyst's org and
audits each view and push; after a push the notification delivery runs when it is installed.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from app.session import require_principal, store, t
from app.views import lead_detail
from app.views.safe import escape_markdown
from graph import views
from graph.core.errors import UserError
from graph.workflow import lifecycle, notify, triage
from graph.workflow.auth import Principal

log = logging.getLogger(__name__)
SELECTED = "leads_selected"
FLASH = "leads_flash"


def _reasons(lead: dict[str, Any], top: int = 3) -> str:
    items = sorted(lead.get("explanation") or [], key=lambda i: -float(i.get("contribution") or 0))
    return "; ".join(
        f"{t('feature.' + str(i.get('feature')))} = {i.get('value')}" for i in items[:top]
    )


def lead_rows(leads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            t("lead.col_rank"): rank,
            t("lead.score"): round(float(lead.get("score") or 0), 1),
            t("lead.col_title"): lead.get("title") or lead["id"],
            t("lead.status"): t(f"status.{lead.get('status')}"),
            t("lead.size"): lead.get("size"),
            t("lead.span"): " – ".join(
                str(d) for d in (lead.get("date_first"), lead.get("date_last")) if d
            ),
            t("lead.reasons"): _reasons(lead),
            t("lead.col_feedback"): len(lead.get("feedback") or []),
            t("lead.col_assigned"): ", ".join(lead.get("assigned") or []),
            "id": lead["id"],
        }
        for rank, lead in enumerate(leads, start=1)
    ]


def order_note(leads: list[dict[str, Any]]) -> str:
    """Which score orders the list: the learned one when a model is in force, else the hand one
    (:mod:`graph.evidence.rerank`)."""
    ranked = next((lead for lead in leads if lead.get("rank_score") is not None), None)
    if ranked is None:
        return t("rerank.order_hand")
    return t("rerank.order_learned").format(**ranked.get("ranking") or {})


def leads_page() -> None:
    me = require_principal()
    st.header(t("nav.leads"))
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(escape_markdown(message))  # it may name a unit or a file
    statuses = st.multiselect(
        t("lead.filter_status"),
        [s for s in lifecycle.STATUSES if s != "stale"],
        default=[],
        format_func=lambda s: t(f"status.{s}"),
        placeholder=t("lead.filter_all"),
        key="leads_statuses",
    )
    mine = st.checkbox(t("lead.filter_mine"), key="leads_mine")
    try:
        leads = views.lead_list(
            store(), me, statuses=statuses or None, assignee=me.username if mine else None
        )
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    if not leads:
        st.info(t("lead.none"))
        return
    st.caption(order_note(leads))
    st.dataframe(lead_rows(leads), hide_index=True, width="stretch", key="leads_table")
    ids = [lead["id"] for lead in leads]
    titles = {lead["id"]: f"{lead.get('title') or lead['id']} ({lead['id']})" for lead in leads}
    if st.session_state.get(SELECTED) not in ids:
        st.session_state[SELECTED] = ids[0]
    chosen = st.selectbox(t("lead.open"), ids, format_func=lambda i: titles[i], key=SELECTED)
    lead_detail.lead_view(me, chosen, actions=lambda data: _actions(me, data))


def _actions(me: Principal, data: dict[str, Any]) -> None:
    lead = data["lead"]
    lead_id = lead["id"]
    status = lead.get("status")
    _triage(me, lead)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('lead.accept')}**")
        if status == "dismissed":
            st.caption(t("lead.dismissed_restore_first"))
        elif status in ("candidate", "lead"):
            summary = st.text_area(
                t("lead.summary"),
                value=lead.get("summary_text") or lead.get("title") or "",
                key=f"summary_{lead_id}",
            )
            if st.button(t("lead.accept_button"), key=f"accept_{lead_id}"):
                try:
                    lifecycle.accept_lead(store(), me, lead_id, summary)
                except UserError as error:
                    st.error(escape_markdown(f"{t('common.failed')}: {error}"))
                else:
                    _done(lead_id, t("lead.accepted"))
        else:
            st.caption(
                escape_markdown(
                    t("lead.already_accepted").format(by=lead.get("accepted_by") or "—")
                )
            )
    with right:
        st.markdown(f"**{t('lead.push')}**")
        if lead.get("org") != me.org:
            st.caption(t("lead.accept_first"))
            return
        if lead.get("status") == "closed":
            _reopen(me, lead_id)
            return
        try:
            targets = views.push_targets(store(), me)
        except UserError as error:
            st.error(escape_markdown(f"{t('common.failed')}: {error}"))
            return
        kind = st.radio(
            t("lead.push_to"),
            ["officer", "unit"],
            format_func=lambda k: t(f"lead.push_{k}"),
            horizontal=True,
            key=f"push_kind_{lead_id}",
        )
        options = targets["officers"] if kind == "officer" else targets["units"]
        target = st.selectbox(t("lead.target"), options, key=f"push_target_{lead_id}")
        note = st.text_area(t("lead.note"), key=f"push_note_{lead_id}")
        if st.button(t("lead.push_button"), key=f"push_{lead_id}", disabled=not target):
            try:
                lifecycle.push_lead(
                    store(),
                    me,
                    lead_id,
                    officer=target if kind == "officer" else None,
                    unit=target if kind == "unit" else None,
                    note=note,
                )
            except UserError as error:
                st.error(escape_markdown(f"{t('common.failed')}: {error}"))
            else:
                notified = _notify(lead_id)
                _done(lead_id, t("lead.pushed").format(target=target) + notified)
        lead_detail.export_section(me, lead_id)


def _triage(me: Principal, lead: dict[str, Any]) -> None:
    """Dismiss with a reason, or restore; assign to an analyst of one's own org."""
    lead_id = lead["id"]
    status = lead.get("status")
    st.markdown(f"**{t('lead.triage')}**")
    left, right = st.columns(2)
    with left:
        if status == "dismissed":
            st.caption(
                escape_markdown(
                    t("lead.dismissed_by").format(
                        by=lead.get("dismissed_by") or "—", reason=lead.get("dismiss_reason") or ""
                    )
                )
            )
            if st.button(t("lead.restore_button"), key=f"restore_{lead_id}"):
                _try(lead_id, t("lead.restored"), triage.restore_lead, store(), me, lead_id)
        elif status in triage.DISMISSABLE:
            reason = st.text_input(t("lead.dismiss_reason"), key=f"dismiss_reason_{lead_id}")
            if st.button(
                t("lead.dismiss_button"), key=f"dismiss_{lead_id}", disabled=not reason.strip()
            ):
                _try(
                    lead_id, t("lead.dismissed"), triage.dismiss_lead, store(), me, lead_id, reason
                )
    with right:
        if not me.is_analyst:
            return
        options = ["", *views.assignees(store(), me)]
        who = st.selectbox(
            t("lead.assign_to"),
            options,
            format_func=lambda u: u or "—",
            key=f"assign_to_{lead_id}",
        )
        if st.button(t("lead.assign_button"), key=f"assign_{lead_id}"):
            _try(lead_id, t("lead.assigned"), triage.assign_lead, store(), me, lead_id, who or None)


def _try(lead_id: str, message: str, action: Any, *args: Any) -> None:
    """Run one triage action; a refusal or a user error is shown, success reloads the page."""
    try:
        action(*args)
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
    else:
        _done(lead_id, message)


def _reopen(me: Principal, lead_id: str) -> None:
    """A closed lead is reopened, with a reason, before it can be pushed again."""
    st.caption(t("lead.closed_reopen_first"))
    reason = st.text_input(t("lead.reopen_reason"), key=f"reopen_reason_{lead_id}")
    if st.button(t("lead.reopen_button"), key=f"reopen_{lead_id}", disabled=not reason.strip()):
        try:
            lifecycle.reopen_lead(store(), me, lead_id, reason)
        except UserError as error:
            st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        else:
            _done(lead_id, t("lead.reopened"))


def _notify(lead_id: str) -> str:
    """Send the push's notifications now (what fails stays queued for ``leadgraph notify run``);
    returns a note for the success message that says what really happened."""
    try:
        report = notify.notify_push(store(), lead_id)
    except Exception as error:
        log.warning("notifications of lead %s: %s", lead_id, error)
        return " " + t("lead.notify_queued")
    return " " + t(f"lead.notify_{report.outcome}")


def _done(lead_id: str, message: str) -> None:
    lead_detail.forget(lead_id)
    st.session_state[FLASH] = message
    st.rerun()
