"""The password page: a signed-in user changes their own password (the current one required).

It is every role's last page, and the only page of a user whose password an admin set (a new
account, ``leadgraph user passwd``, the first admin's one-time password) until they choose one.
The check, the rules and the audit entry are :func:`graph.workflow.auth.change_own_password`'s.
"""

from __future__ import annotations

import streamlit as st

from app import session
from app.session import require_principal, store, t
from app.views.lead_detail import escape_markdown
from graph.core.errors import UserError
from graph.workflow import auth

CHANGED = "account_password_changed"


def account_page() -> None:
    me = require_principal(password_page=True)
    st.header(t("nav.account"))
    if st.session_state.pop(CHANGED, False):
        st.success(t("account.changed"))
    if me.must_change_password:
        st.warning(t("account.must_change"))
    st.caption(t("account.rules").format(length=auth.MIN_PASSWORD))
    with st.form("change_password", clear_on_submit=True):
        current = st.text_input(t("account.current"), type="password", key="current_password")
        new = st.text_input(t("account.new"), type="password", key="new_password_1")
        again = st.text_input(t("account.again"), type="password", key="new_password_2")
        submitted = st.form_submit_button(t("account.submit"), type="primary")
    if not submitted:
        return
    if new != again:
        st.error(t("account.mismatch"))
        return
    try:
        fresh = auth.change_own_password(store(), me, current, new)
    except auth.Forbidden:
        session.sign_out()
        st.rerun()
    except auth.PasswordRefused as error:
        st.error(t(f"account.refused.{error.reason}").format(length=auth.MIN_PASSWORD))
    except UserError as error:  # the database is not reachable
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
    else:
        st.session_state[session.PRINCIPAL] = fresh
        st.session_state[CHANGED] = True
        st.rerun()
