"""The login page: the only page shown without a session. It lists the demo accounts only in
demo mode (:func:`app.session.demo_mode`), the only time they can sign in."""

from __future__ import annotations

import streamlit as st

from app import session
from app.session import t
from app.views.safe import escape_markdown
from graph.core.errors import UserError
from graph.workflow import demo
from graph.workflow.auth import LoginFailed


def login_page() -> None:
    st.header(t("login.header"))
    notice = st.session_state.pop(session.NOTICE, None)
    if notice:
        st.info(t(notice))
    with st.form("login"):
        username = st.text_input(t("login.username"), key="login_username")
        password = st.text_input(t("login.password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("login.submit"), type="primary")
    if submitted:
        try:
            session.sign_in(username, password)
        except LoginFailed as error:
            # a locked account, an unknown user and a wrong password read the same
            st.error(t("login.disabled" if error.reason == "disabled" else "login.invalid"))
        except UserError as error:  # the database is not reachable
            st.error(escape_markdown(f"{t('status.unavailable')}: {error}"))
        else:
            st.rerun()
    if session.demo_mode():  # demo accounts sign in here and now: list them
        with st.expander(t("login.demo")):
            st.caption(t("login.demo_note"))
            st.dataframe(
                [
                    {
                        t("admin.username"): account.username,
                        t("login.password"): account.password,
                        t("admin.role"): t(f"role.{account.role}"),
                        t("admin.org"): account.org or "—",
                    }
                    for account in demo.DEMO_ACCOUNTS
                ],
                hide_index=True,
            )
