"""The inbox (officers): leads pushed to me or my unit, unread first, and one lead's page with
status changes, feedback and the court package.

:func:`graph.workflow.lifecycle.visible_leads` lists only what was pushed to the officer or their unit;
opening a lead marks it read; status and feedback go through :func:`graph.workflow.lifecycle.set_status`
and the package through :func:`graph.views.export_lead` — all checked and audited there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from app.session import require_principal, store, t
from app.views import lead_detail
from app.views.safe import escape_markdown
from graph import views
from graph.core.errors import UserError
from graph.workflow import lifecycle
from graph.workflow.auth import Principal

SELECTED = "inbox_selected"
FLASH = "inbox_flash"


def inbox_rows(leads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            t("inbox.col_read"): "" if lead.get("read") else t("inbox.unread"),
            t("lead.col_title"): lead.get("title") or lead["id"],
            t("lead.status"): t(f"status.{lead.get('status')}"),
            t("lead.score"): round(float(lead.get("score") or 0), 1),
            t("inbox.col_pushed"): lead.get("pushed_at") or "",
            t("lead.note"): lead.get("note") or "",
            "id": lead["id"],
        }
        for lead in leads
    ]


def inbox_page() -> None:
    me = require_principal()
    st.header(t("nav.inbox"))
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(escape_markdown(message))
    try:
        leads = lifecycle.visible_leads(store(), me)
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    if not leads:
        st.info(t("inbox.empty"))
        return
    unread = sum(1 for lead in leads if not lead.get("read"))
    st.caption(t("inbox.counts").format(total=len(leads), unread=unread))
    st.dataframe(inbox_rows(leads), hide_index=True, width="stretch", key="inbox_table")
    ids = [lead["id"] for lead in leads]
    titles = {
        lead["id"]: ("● " if not lead.get("read") else "") + (lead.get("title") or lead["id"])
        for lead in leads
    }
    if st.session_state.get(SELECTED) not in ids:
        st.session_state[SELECTED] = ids[0]
    chosen = st.selectbox(t("lead.open"), ids, format_func=lambda i: titles[i], key=SELECTED)
    lead_detail.lead_view(me, chosen, actions=lambda data: _actions(me, data))


def _actions(me: Principal, data: dict[str, Any]) -> None:
    lead_id = data["lead"]["id"]
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('inbox.feedback')}**")
        with st.form(f"feedback_{lead_id}", clear_on_submit=True):
            current = data["lead"].get("status")
            statuses = list(lifecycle.OFFICER_STATUSES)
            status = st.selectbox(
                t("lead.status"),
                statuses,
                index=statuses.index(current) if current in statuses else 0,
                format_func=lambda s: t(f"status.{s}"),
                key=f"status_{lead_id}",
            )
            outcome = st.selectbox(
                t("inbox.outcome"),
                ["", *lifecycle.OUTCOMES],
                format_func=lambda o: t(f"outcome.{o}") if o else "—",
                key=f"outcome_{lead_id}",
            )
            text = st.text_area(t("inbox.feedback_text"), key=f"feedback_text_{lead_id}")
            sent = st.form_submit_button(t("inbox.send"))
        if sent:
            try:
                lifecycle.set_status(
                    store(),
                    me,
                    lead_id,
                    status,
                    outcome=outcome or None,
                    feedback=text.strip() or None,
                )
            except UserError as error:
                st.error(escape_markdown(f"{t('common.failed')}: {error}"))
            else:
                lead_detail.forget(lead_id)
                st.session_state[FLASH] = t("inbox.sent")
                st.rerun()
    with right:
        case_form(me, data["lead"], saved=_saved)
        lead_detail.export_section(me, lead_id)


def _saved(message: str) -> None:
    st.session_state[FLASH] = message
    st.rerun()


def case_form(me: Principal, lead: dict[str, Any], *, saved: Callable[[str], None]) -> None:
    """The case number and the reviewing officer, printed on the court package's cover (the
    inbox's, and the admin page's lead control); ``saved(message)`` runs after a change."""
    lead_id = lead["id"]
    st.markdown(f"**{t('inbox.case')}**")
    case_ref = st.text_input(
        t("inbox.case_ref"), value=lead.get("case_ref") or "", key=f"case_ref_{lead_id}"
    )
    reviewer = st.text_input(
        t("inbox.reviewing_officer"),
        value=lead.get("reviewing_officer") or "",
        key=f"reviewing_officer_{lead_id}",
    )
    if st.button(t("inbox.case_save"), key=f"case_save_{lead_id}"):
        try:
            views.set_case(store(), me, lead_id, case_ref, reviewer)
        except UserError as error:
            st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        else:
            lead_detail.forget(lead_id)
            saved(t("inbox.case_saved"))
