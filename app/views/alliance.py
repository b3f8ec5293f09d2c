"""The alliance page, an admin's and an analyst's: private set intersection with the other
institutions' installations, by files (README, "Alliance").

Four tabs: prepare a request (set, mode, a trusted counterpart → the request file to download),
answer one (upload a request, choose the set → the response file), read a result (upload the
response → the count, and in intersection mode the matched entities as the viewer may see them,
each opening its profile), and this installation's runs and trusted counterparts. Every action
goes through a :mod:`graph.views` function; files pass as bytes (uploads and downloads) and
through private temporary folders there, never into the working folder.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.session import require_principal, store, t
from app.views.entity import profile_picker
from app.views.safe import escape_markdown
from graph import views
from graph.alliance.protocol import MODES
from graph.alliance.sets import SET_NAMES
from graph.core.errors import UserError
from graph.workflow.auth import Forbidden, Principal

PREPARED = "alliance_prepared"  # session keys of the last file made, kept across reruns
ANSWERED = "alliance_answered"
RESULT = "alliance_result"


def _failed(error: Exception) -> None:
    st.error(escape_markdown(f"{t('common.failed')}: {error}"))


def alliance_page() -> None:
    me = require_principal()
    st.header(t("nav.alliance"))
    st.caption(t("alliance.intro"))
    try:
        overview = views.alliance_overview(store(), me)
    except (UserError, Forbidden) as error:
        _failed(error)
        return
    st.caption(escape_markdown(t("alliance.identity").format(**overview)))
    ask, answer, result, listing = st.tabs(
        [t("alliance.tab_ask"), t("alliance.tab_answer"), t("alliance.tab_result"),
         t("alliance.tab_runs")]
    )  # fmt: skip
    with ask:
        _ask(me, overview)
    with answer:
        _answer(me)
    with result:
        _result(me)
    with listing:  # read again: a request made above in this run is listed at once
        _listing(views.alliance_overview(store(), me))


def _set_choice(widget_key: str) -> tuple[str, bytes | None]:
    """The set to match, and the watchlist file's bytes when the set is a watchlist."""
    set_name = st.selectbox(
        t("alliance.set"), SET_NAMES, format_func=lambda s: t(f"alliance.set_{s}"), key=widget_key
    )
    if set_name != "watchlist":
        return set_name, None
    upload = st.file_uploader(t("alliance.watchlist"), type=["csv", "txt"], key=f"{widget_key}_w")
    return set_name, upload.getvalue() if upload is not None else None


def _ask(me: Principal, overview: dict[str, Any]) -> None:
    names = [row["name"] for row in overview["trusted"]]
    if not names:
        st.info(t("alliance.no_trusted"))
        return
    set_name, watchlist = _set_choice("alliance_ask_set")
    mode = st.selectbox(
        t("alliance.mode"), MODES, format_func=lambda m: t(f"alliance.mode_{m}"),
        key="alliance_ask_mode",
    )  # fmt: skip
    counterpart = st.selectbox(t("alliance.counterpart"), names, key="alliance_ask_to")
    force = st.checkbox(t("alliance.force"), key="alliance_ask_force")
    if st.button(t("alliance.prepare"), key="alliance_prepare", type="primary"):
        if set_name == "watchlist" and watchlist is None:
            st.warning(t("alliance.watchlist_missing"))
        else:
            try:
                st.session_state[PREPARED] = views.alliance_request(
                    store(), me, set_name, mode, counterpart, watchlist=watchlist, force=force
                )
            except (UserError, Forbidden) as error:
                st.session_state.pop(PREPARED, None)
                _failed(error)
    prepared = st.session_state.get(PREPARED)
    if prepared and prepared.get("warning"):
        st.warning(escape_markdown(prepared["warning"]))
    _offer(prepared, "prepared", "request")


def _offer(made: dict[str, Any] | None, message: str, kind: str) -> None:
    """What was made (``alliance.<message>``) and its file to download, if anything was."""
    if not made:
        return
    st.success(escape_markdown(t(f"alliance.{message}").format(**made)))
    st.download_button(
        t(f"alliance.download_{kind}"),
        data=made["file"],
        file_name=made["file_name"],
        mime="application/json",
        key=f"alliance_{kind}_download",
    )


def _answer(me: Principal) -> None:
    upload = st.file_uploader(t("alliance.request_file"), type=["json"], key="alliance_request")
    set_name, watchlist = _set_choice("alliance_answer_set")
    if st.button(t("alliance.answer"), key="alliance_answer", disabled=upload is None):
        try:
            st.session_state[ANSWERED] = views.alliance_respond(
                store(), me, upload.getvalue() if upload else b"", set_name, watchlist=watchlist
            )
        except (UserError, Forbidden) as error:
            st.session_state.pop(ANSWERED, None)
            _failed(error)
    _offer(st.session_state.get(ANSWERED), "answered", "response")


def _result(me: Principal) -> None:
    upload = st.file_uploader(t("alliance.response_file"), type=["json"], key="alliance_response")
    if st.button(t("alliance.read"), key="alliance_read", disabled=upload is None):
        try:
            st.session_state[RESULT] = views.alliance_finish(
                store(), me, upload.getvalue() if upload else b""
            )
        except (UserError, Forbidden) as error:
            st.session_state.pop(RESULT, None)
            _failed(error)
    shown = st.session_state.get(RESULT)
    if shown:
        show_result(shown)


def show_result(result: dict[str, Any]) -> None:
    """The count, and the matched entities (masked as the viewer's role masks them), each with
    its profile a click away."""
    st.success(escape_markdown(t("alliance.count").format(**result)))
    if result["mode"] != "intersection":
        st.caption(t("alliance.count_only"))
        return
    st.caption(t("alliance.matches_note"))
    rows = [
        {t("alliance.col_kind"): t(f"entity.{row['label']}"),
         t("alliance.col_entity"): row["display_key"]}
        for row in result["matched"]
    ]  # fmt: skip
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
        entities = {row["key"]: row for row in result["matched"]}
        profile_picker(t("alliance.matched"), entities, widget_key="alliance_match")
    if result["hidden"]:
        st.caption(t("alliance.hidden").format(hidden=result["hidden"]))
    if result["listed"]:
        st.caption(t("alliance.listed"))
        st.dataframe([{t("alliance.col_entity"): key} for key in result["listed"]], hide_index=True)


def _listing(overview: dict[str, Any]) -> None:
    st.subheader(t("alliance.runs"))
    columns = ("run_id", "created", "counterpart", "mode", "set", "size", "finished", "count", "by")
    names = {"run_id": "run"}
    if overview["runs"]:
        st.dataframe(
            [
                {t(f"alliance.col_{names.get(c, c)}"): run.get(c) for c in columns}
                for run in overview["runs"]
            ],
            hide_index=True,
        )
    else:
        st.caption(t("alliance.no_runs"))
    st.subheader(t("alliance.trusted"))
    if overview["trusted"]:
        st.dataframe(
            [
                {t(f"alliance.col_{c}"): row[c] for c in ("name", "fingerprint", "trusted_at")}
                for row in overview["trusted"]
            ],
            hide_index=True,
        )
    else:
        st.caption(t("alliance.no_trusted"))
