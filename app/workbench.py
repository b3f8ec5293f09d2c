"""The LeadGraph workbench: one Streamlit entry point that signs users in and routes to thin pages.

Run with ``leadgraph serve`` (or ``make run``). Without a session only the login page exists;
with one, the pages of the principal's role (``app/navigation.py``). Idle sessions time out and
a disabled account's session ends at its next click. Pages call library functions; no Cypher here.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from app import navigation, session
from app.i18n import LANGUAGES
from app.session import t
from app.views.login import login_page
from app.views.safe import escape_markdown
from app.worker import background_worker
from graph.core.errors import UserError


def sidebar() -> None:
    with st.sidebar:
        st.selectbox(
            t("common.language"),
            options=tuple(LANGUAGES),
            format_func=lambda code: LANGUAGES[code],
            key=session.LANGUAGE,
        )
        me = session.principal()
        if me is None:
            return
        where = f" · {me.org}" if me.org else ""
        st.caption(t("session.signed_in_as"))
        name = escape_markdown(me.display_name or me.username)
        st.markdown(f"**{name}** ({escape_markdown(t(f'role.{me.role}') + where)})")
        if st.button(t("session.logout"), key="logout"):
            session.sign_out()
            st.rerun()


def main() -> None:
    st.set_page_config(page_title="LeadGraph", layout="wide")
    try:
        session.check_session()
    except UserError as error:  # the database went away under a signed-in session
        st.error(escape_markdown(f"{t('status.unavailable')}: {error}"))
        st.stop()
    # the analysis queue's worker thread, once per process; while the database is away, the
    # next page opened tries again
    with contextlib.suppress(UserError):
        background_worker()
    sidebar()
    st.title(t("app.title"))
    me = session.principal()
    if me is None:
        login = st.Page(login_page, title=t("nav.login"), url_path="login", default=True)
        st.navigation([login], position="hidden").run()
    else:
        st.navigation(navigation.pages_for(me, t)).run()


main()
