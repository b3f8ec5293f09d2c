"""The admin page's lead control (tab *线索分派 Leads*): an admin assigns a lead to an analyst of
an org that triages it (its owner, or while it is a candidate, an org whose complaints it rests
on) and records the case number and the reviewing officer of a pushed lead.

Analysts assign within their own org on the leads page and officers set the case in their inbox;
an admin has neither page, so the same two actions are here. Both go through :mod:`graph.views`
(:func:`graph.views.assignees`, :func:`graph.views.assign_lead`, :func:`graph.views.set_case`),
which check the principal and audit each change and refusal.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app.session import store, t
from app.views import lead_detail
from app.views.inbox import case_form
from app.views.safe import escape_markdown
from graph import views
from graph.core.errors import UserError
from graph.workflow import lifecycle, triage
from graph.workflow.auth import Principal

CHOSEN = "admin_lead"


def lead_triage_panel(me: Principal, done: Callable[[str], None]) -> None:
    """Choose a lead (any status), then assign it and set its case. ``done(message)`` reruns
    the page with ``message`` said."""
    try:
        leads = views.lead_list(store(), me, statuses=list(lifecycle.STATUSES))
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    if not leads:
        st.info(t("lead.none"))
        return
    titles = {lead["id"]: f"{lead.get('title') or lead['id']} ({lead['id']})" for lead in leads}
    if st.session_state.get(CHOSEN) not in titles:
        st.session_state[CHOSEN] = leads[0]["id"]
    lead_id = str(
        st.selectbox(t("lead.open"), list(titles), format_func=lambda i: titles[i], key=CHOSEN)
    )
    try:
        lead = lead_detail.load(me, lead_id)["lead"]
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    assigned = next((row.get("assigned") for row in leads if row["id"] == lead_id), None)
    st.caption(
        escape_markdown(
            t("admin.lead_state").format(
                status=t(f"status.{lead.get('status')}"),
                owner=lead.get("org") or "—",
                assigned=", ".join(assigned or []) or "—",
            )
        )
    )
    left, right = st.columns(2)
    with left:
        _assign(me, lead_id, done)
    with right:
        if lead.get("status") in triage.CASE_STATUSES:
            case_form(me, lead, saved=done)
        else:
            st.markdown(f"**{t('inbox.case')}**")
            st.caption(t("admin.case_after_push"))


def _assign(me: Principal, lead_id: str, done: Callable[[str], None]) -> None:
    st.markdown(f"**{t('lead.assign_to')}**")
    try:
        options = ["", *views.assignees(store(), me, lead_id)]
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    who = st.selectbox(
        t("admin.assign_analyst"),
        options,
        format_func=lambda u: u or t("admin.unassign"),
        key=f"admin_assign_to_{lead_id}",
    )
    if st.button(t("lead.assign_button"), key=f"admin_assign_{lead_id}"):
        try:
            views.assign_lead(store(), me, lead_id, who or None)
        except UserError as error:
            st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        else:
            lead_detail.forget(lead_id)
            done(t("lead.assigned"))
