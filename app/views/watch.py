"""The "watch" control of the entity profile, the lead page and the search page: watch or stop
watching a target, with "notify me" (a message through the outbox after each submission that
touches it). Everything goes through :mod:`graph.views`, which checks and audits it; what is
new shows on the updates page (:mod:`app.views.updates`).
"""

from __future__ import annotations

import hashlib

import streamlit as st

from app.session import store, t
from app.views.safe import escape_markdown
from graph import views
from graph.core.errors import UserError
from graph.workflow.auth import Principal


def _widget(target_type: str, target: str, name: str) -> str:
    """A widget key that does not carry the target (a phone number, a search) into the page."""
    digest = hashlib.sha256(f"{target_type}\x1f{target}".encode()).hexdigest()[:12]
    return f"watch_{name}_{digest}"


def watch_toggle(me: Principal, target_type: str, target: str) -> None:
    """Watch ``target`` (an entity key or pseudonym, a lead id, or a search's text) or stop."""
    try:
        current = views.watch_of(store(), me, target_type, target)
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    left, right = st.columns([1, 2])
    try:
        if current is None:
            notify = right.checkbox(t("watch.notify"), key=_widget(target_type, target, "notify"))
            if left.button(
                t("watch.watch"),
                key=_widget(target_type, target, "on"),
                icon=":material/visibility:",
            ):
                views.watch(store(), me, target_type, target, notify=notify)
                st.rerun()
            return
        right.caption(t("watch.watching_notify" if current.get("notify") else "watch.watching"))
        if left.button(
            t("watch.unwatch"), key=_widget(target_type, target, "off"),
            icon=":material/visibility_off:",
        ):  # fmt: skip
            views.unwatch(store(), me, current["id"])
            st.rerun()
    except UserError as error:  # Forbidden included
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
