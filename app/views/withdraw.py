"""The submissions table and the withdraw control, shared by the admin page (every org's
submissions) and the Submit page (an analyst's own org's).

What a principal sees and may withdraw is decided by :mod:`graph.workflow.withdraw`, not by this
panel: an analyst's list holds their org's submissions only, a withdrawal of any other is
refused there, and an analyst is told only the counts of their own org's assertions.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.session import store, t
from app.views.safe import escape_markdown
from graph.core.errors import UserError
from graph.workflow import withdraw
from graph.workflow.auth import Principal

OPEN = ("complete", "withdrawing")  # the statuses a withdrawal starts (or resumes) from


def _flash_key(key: str) -> str:
    return f"{key}_flash"


def _withdrawn(row: dict[str, Any]) -> str:
    if not row.get("withdrawn_at"):
        return ""
    text = f"{row['withdrawn_at']} · {row.get('withdrawn_by') or ''}"
    return f"{text} · {row['withdraw_reason']}" if row.get("withdraw_reason") else text


def _done_message(me: Principal, report: withdraw.WithdrawReport) -> str:
    shown = report.shown_to(me)
    message = t("withdraw.done").format(
        submission=report.submission,
        file=report.file_name,
        statements=shown["statements"],
        sources=shown["link_sources"] + shown["node_sources"],
    )
    if me.is_admin:
        message += " " + t("withdraw.done_admin").format(
            links=report.links,
            entities=report.entities,
            kept=report.kept_for_leads,
            leads=len(report.leads),
        )
    return message


def withdraw_panel(me: Principal, key: str) -> None:
    """The submissions ``me`` may see, newest first, and a form to withdraw one of them."""
    message = st.session_state.pop(_flash_key(key), None)
    if message:
        st.success(escape_markdown(message))
    try:
        rows = withdraw.submissions(store(), me)
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    if not rows:
        st.info(t("withdraw.none"))
        return
    st.dataframe(
        [
            {
                t("lead.col_submission"): row["id"],
                t("lead.col_org"): row["org"],
                t("submit.kind"): t(f"clue.{row['kind']}"),
                t("lead.col_file"): row["file_name"],
                t("lead.col_received"): row["received_at"],
                t("lead.status"): t(f"withdraw.status_{row['status']}"),
                t("withdraw.col_rows"): row.get("rows_loaded"),
                t("withdraw.col_withdrawn"): _withdrawn(row),
            }
            for row in rows
        ],
        hide_index=True,
        key=f"{key}_table",
    )
    labels = {
        row["id"]: f"{row['file_name']} · {row['org']} · {row['received_at']} · {row['id']}"
        for row in rows
        if row["status"] in OPEN
    }
    if not labels:
        return
    st.subheader(t("withdraw.header"))
    st.caption(t("withdraw.note"))
    with st.form(f"{key}_form", clear_on_submit=True):
        chosen = st.selectbox(
            t("withdraw.choose"),
            list(labels),
            format_func=lambda sub: labels[sub],
            key=f"{key}_choice",
        )
        reason = st.text_input(
            t("withdraw.reason"), max_chars=withdraw.MAX_REASON, key=f"{key}_reason"
        )
        confirmed = st.checkbox(t("withdraw.confirm"), key=f"{key}_confirm")
        submitted = st.form_submit_button(t("withdraw.button"))
    if not submitted or chosen is None:
        return
    if not confirmed:
        st.warning(t("withdraw.confirm_first"))
        return
    try:
        with st.spinner(t("withdraw.working")):
            report = withdraw.withdraw_submission(store(), me, chosen, reason=reason)
    except UserError as error:  # Forbidden included
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    st.session_state[_flash_key(key)] = _done_message(me, report)
    st.rerun()
