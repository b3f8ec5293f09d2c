"""What every workbench page shares: the store, the language, the signed-in principal.

Pages call :func:`t` for text, :func:`store` for the graph and :func:`require_principal` for who
is asking, and hand that principal to library functions, which decide what it may see.
"""

from __future__ import annotations

import secrets
import time

import streamlit as st

from app.i18n import DEFAULT_LANGUAGE, translate
from graph.core import settings
from graph.db.store import GraphStore
from graph.workflow import auth, demo
from graph.workflow.auth import Principal

LANGUAGE = "language"
PRINCIPAL = "principal"
LAST_ACTIVITY = "last_activity"
NOTICE = "login_notice"
CLIENT_ID = "client_id"


def t(key: str) -> str:
    return translate(key, st.session_state.get(LANGUAGE, DEFAULT_LANGUAGE))


@st.cache_resource
def store() -> GraphStore:
    """One store (driver and its connection pool) for the whole server process."""
    return GraphStore.open()


def principal() -> Principal | None:
    return st.session_state.get(PRINCIPAL)


def require_principal(*, password_page: bool = False) -> Principal:
    """The signed-in principal; a page reached without one stops here, and so does every page
    but the password page (``password_page``) while the user must choose a new password."""
    me = principal()
    if me is None or (me.must_change_password and not password_page):
        st.stop()
    return me  # type: ignore[return-value]


def served_locally() -> bool:
    """Whether this browser session reached the workbench on this machine directly: the server
    listens on loopback only and no proxy stands between (:func:`graph.workflow.demo.request_is_local`).
    Demo accounts sign in only then."""
    return demo.request_is_local(st.get_option("server.address"), st.context.headers)


def demo_mode() -> bool:
    """Demo mode for this session: the installation's setting and address, and this request."""
    return demo.demo_configured(settings.load()) and served_locally()


def client_id() -> str:
    """This browser session's id: the "client" the sign-in throttle counts attempts for."""
    if CLIENT_ID not in st.session_state:
        st.session_state[CLIENT_ID] = secrets.token_hex(16)
    return str(st.session_state[CLIENT_ID])


def sign_in(username: str, password: str) -> Principal:
    """Authenticate (audited) and start a session; raises :class:`graph.workflow.auth.LoginFailed`."""
    me = auth.authenticate(
        store(), username, password, client=client_id(), loopback=served_locally()
    )
    st.session_state[PRINCIPAL] = me
    st.session_state[LAST_ACTIVITY] = time.time()
    return me


def sign_out(reason: str = "user") -> None:
    me = st.session_state.pop(PRINCIPAL, None)
    st.session_state.pop(LAST_ACTIVITY, None)
    if me is not None:
        auth.logout(store(), me, reason=reason)


def check_session() -> None:
    """End the session when it has been idle too long or its account was disabled; otherwise
    count this run as activity. Leaves a notice for the login page."""
    me = principal()
    if me is None:
        return
    now = time.time()
    last = float(st.session_state.get(LAST_ACTIVITY) or 0)
    if auth.session_expired(last, now, settings.load()):
        sign_out("timeout")
        st.session_state[NOTICE] = "login.timed_out"
        return
    fresh = auth.refresh(store(), me)
    if fresh is None:
        sign_out("disabled")
        st.session_state[NOTICE] = "login.ended"
        return
    st.session_state[PRINCIPAL] = fresh
    st.session_state[LAST_ACTIVITY] = now
