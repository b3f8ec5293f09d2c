"""The admin page: accounts, enterprises and police units, the audit log and its verification,
the submissions with the control that withdraws one (``app/views/withdraw.py``), and the leads
with their assignment and case (``app/views/admin_leads.py``).

Every action goes through :mod:`graph.workflow.admin`, which refuses anyone but an admin and audits it.
"""

from __future__ import annotations

import json

import streamlit as st

from app.session import require_principal, store, t
from app.views.admin_leads import lead_triage_panel
from app.views.safe import escape_markdown
from app.views.withdraw import withdraw_panel
from graph.core.errors import UserError
from graph.workflow import admin, audit, users
from graph.workflow.auth import Principal
from graph.workflow.users import ORG_KINDS, ROLES


def admin_page() -> None:
    me = require_principal()
    st.header(t("nav.admin"))
    _show_flash()
    users_tab, orgs_tab, audit_tab, submissions_tab, leads_tab = st.tabs(
        [
            t("admin.users"),
            t("admin.orgs"),
            t("admin.audit"),
            t("admin.submissions"),
            t("admin.leads"),
        ]
    )
    with users_tab:
        _users(me)
    with orgs_tab:
        _orgs(me)
    with audit_tab:
        _audit(me)
    with submissions_tab:
        withdraw_panel(me, "admin_withdraw")
    with leads_tab:
        lead_triage_panel(me, flash)


def _failed(error: UserError) -> None:
    st.error(escape_markdown(f"{t('common.failed')}: {error}"))


FLASH = "admin_flash"


def flash(message: str, password: str | None = None) -> None:
    """Rerun so that every table shows the change, and say what happened on the next run."""
    st.session_state[FLASH] = (message, password)
    st.rerun()


def _show_flash() -> None:
    message, password = st.session_state.pop(FLASH, (None, None))
    if message:
        st.success(escape_markdown(message))
    if password:
        st.caption(t("admin.generated_password"))
        st.code(password, language=None)


def _users(me: Principal) -> None:
    try:
        accounts = admin.accounts(store(), me)
        orgs = admin.orgs(store(), me)
    except UserError as error:
        _failed(error)
        return

    def state(user: users.User) -> str:
        if user.disabled:
            return t("admin.disabled")
        if user.locked_until:
            return t("admin.locked")
        if user.demo:
            return t("admin.demo")
        return t("admin.must_change") if user.must_change_password else t("admin.active")

    st.dataframe(
        [
            {
                t("admin.username"): u.username,
                t("admin.display_name"): u.display_name,
                t("admin.role"): t(f"role.{u.role}"),
                t("admin.org"): u.org or "—",
                t("admin.state"): state(u),
                t("admin.last_login"): u.last_login or "—",
            }
            for u in accounts
        ],
        hide_index=True,
        key="admin_users_table",
    )

    st.subheader(t("admin.add_user"))
    with st.form("add_user", clear_on_submit=True):
        left, right = st.columns(2)
        username = left.text_input(t("admin.username"), key="new_username")
        display_name = right.text_input(t("admin.display_name"), key="new_display_name")
        role = left.selectbox(
            t("admin.role"), ROLES, format_func=lambda r: t(f"role.{r}"), key="new_role"
        )
        org = right.selectbox(
            t("admin.org"),
            ["", *(o.name for o in orgs)],
            format_func=lambda name: name or "—",
            key="new_org",
        )
        password = left.text_input(
            t("admin.password_optional"), type="password", key="new_password"
        )
        submitted = st.form_submit_button(t("admin.add_user"))
    if submitted:
        try:
            user, generated = admin.create_account(
                store(),
                me,
                username,
                role=role,
                org=org or None,
                display_name=display_name,
                password=password or None,
            )
        except UserError as error:
            _failed(error)
        else:
            flash(t("admin.user_added").format(username=user.username), generated)

    st.subheader(t("admin.disable_enable"))
    names = [u.username for u in accounts]
    if not names:
        return
    chosen = st.selectbox(t("admin.username"), names, key="toggle_username")
    left, right = st.columns(2)
    try:
        if left.button(t("admin.disable"), key="disable_user"):
            admin.disable_account(store(), me, chosen)
            st.rerun()
        if right.button(t("admin.enable"), key="enable_user"):
            admin.enable_account(store(), me, chosen)
            st.rerun()
    except UserError as error:
        _failed(error)


def _orgs(me: Principal) -> None:
    try:
        orgs = admin.orgs(store(), me)
    except UserError as error:
        _failed(error)
        return
    st.dataframe(
        [
            {
                t("admin.org"): o.name,
                t("admin.kind"): t(f"kind.{o.kind}"),
                t("admin.members"): o.members,
            }
            for o in orgs
        ],
        hide_index=True,
        key="admin_orgs_table",
    )
    st.subheader(t("admin.add_org"))
    with st.form("add_org", clear_on_submit=True):
        name = st.text_input(t("admin.org"), key="new_org_name")
        kind = st.selectbox(
            t("admin.kind"), ORG_KINDS, format_func=lambda k: t(f"kind.{k}"), key="new_org_kind"
        )
        submitted = st.form_submit_button(t("admin.add_org"))
    if submitted:
        try:
            org = admin.create_org(store(), me, name, kind)
        except UserError as error:
            _failed(error)
        else:
            flash(t("admin.org_added").format(name=org.name))


def _audit(me: Principal) -> None:
    if st.button(t("admin.verify"), key="verify_audit"):
        try:
            report = admin.verify_audit(store(), me)
        except UserError as error:
            _failed(error)
        else:
            if report.ok:
                st.success(
                    escape_markdown(
                        t("admin.audit_ok").format(entries=report.entries, head=report.head_hash)
                    )
                )
            elif report.bad_seq is None:  # the seal itself was refused
                st.error(
                    escape_markdown(t("admin.audit_seal_broken").format(reason=report.reason or ""))
                )
            else:
                st.error(
                    escape_markdown(
                        t("admin.audit_broken").format(
                            seq=report.bad_seq, reason=report.reason or ""
                        )
                    )
                )
    left, middle, right = st.columns(3)
    action = left.selectbox(
        t("admin.action"),
        ["", *audit.ACTIONS],
        format_func=lambda a: a or t("admin.all"),
        key="audit_action",
    )
    actor = middle.text_input(t("admin.actor"), key="audit_actor")
    limit = right.number_input(
        t("admin.limit"), min_value=10, max_value=5000, value=200, step=50, key="audit_limit"
    )
    try:
        rows = admin.audit_log(
            store(), me, limit=int(limit), actor=actor.strip() or None, action=action or None
        )
    except UserError as error:
        _failed(error)
        return
    st.dataframe(
        [
            {
                "#": e.seq,
                t("admin.time"): e.at,
                t("admin.actor"): e.actor,
                t("admin.action"): e.action,
                t("admin.target"): e.target or "",
                t("admin.details"): json.dumps(e.details, ensure_ascii=False) if e.details else "",
            }
            for e in rows
        ],
        hide_index=True,
        key="admin_audit_table",
    )
