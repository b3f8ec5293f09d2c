"""Working notes on an entity or a lead: a section of its own, labelled as not evidence.

:func:`notes_section` lists the notes the principal may read (their org's or unit's) and lets
them add one, and edit or delete their own; everything goes through :mod:`graph.views`, which
checks and audits it. A note is shown as the text it is (:func:`app.views.safe.escape_markdown`).
The lead page calls it with ``lead:<id>``; an entity page with the entity's key.
"""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from app.session import store, t
from app.views.safe import escape_markdown
from graph import views
from graph.core.errors import UserError
from graph.workflow.auth import Principal
from graph.workflow.notes import MAX_NOTE


def _widget(target: str, name: str) -> str:
    """A widget key that does not carry the target (a phone number) into the page."""
    return f"note_{name}_{hashlib.sha256(target.encode()).hexdigest()[:12]}"


def _note(me: Principal, note: dict[str, Any]) -> None:
    edited = f" · {t('notes.edited')} {note['edited_at']}" if note.get("edited_at") else ""
    by = f"{note['author']} ({note.get('org') or '—'}) · {note['created_at']}{edited}"
    with st.container(border=True):
        st.caption(escape_markdown(by))
        st.markdown(escape_markdown(str(note["text"])))
        if note["author"] != me.username and not me.is_admin:
            return
        with st.popover(t("notes.change")):
            text = st.text_area(
                t("notes.text"), value=str(note["text"]), max_chars=MAX_NOTE,
                key=f"note_edit_{note['id']}",
            )  # fmt: skip
            left, right = st.columns(2)
            try:
                if note["author"] == me.username and left.button(
                    t("notes.save"), key=f"note_save_{note['id']}"
                ):
                    views.edit_note(store(), me, note["id"], text)
                    st.rerun()
                if right.button(t("notes.delete"), key=f"note_delete_{note['id']}"):
                    views.delete_note(store(), me, note["id"])
                    st.rerun()
            except UserError as error:
                st.error(escape_markdown(f"{t('common.failed')}: {error}"))


def notes_section(me: Principal, target: str) -> None:
    """The notes of ``target`` (an entity key or pseudonym, or ``lead:<id>``) under their own
    heading, with the promise that they are not evidence, and a box to add one."""
    st.subheader(t("notes.header"), anchor=False)
    st.caption(t("notes.not_evidence"))
    try:
        found = views.notes(store(), me, target)
    except UserError as error:  # Forbidden included
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    if not found:
        st.caption(t("notes.none"))
    for note in found:
        _note(me, note)
    with st.form(_widget(target, "add"), clear_on_submit=True):
        text = st.text_area(t("notes.new"), max_chars=MAX_NOTE, key=_widget(target, "text"))
        if st.form_submit_button(t("notes.add")):
            try:
                views.add_note(store(), me, target, text)
            except UserError as error:
                st.error(escape_markdown(f"{t('common.failed')}: {error}"))
            else:
                st.rerun()
