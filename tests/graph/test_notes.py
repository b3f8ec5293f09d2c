"""Working notes (graph/workflow/notes.py) against a real graph: written, read, edited and
deleted with an audit entry each; kept apart from evidence — a lead's bundle, its page's tables
and links, entity degrees and detection's scores are the same with notes as without."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support import CONTACT_ORG, WECHAT, lead_page_as, one_contact_ring

from graph import views
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.evidence.analytics import entity_info
from graph.evidence.leads import detect, lead_bundle
from graph.workflow import audit
from graph.workflow.auth import Forbidden, Principal
from graph.workflow.notes import MAX_NOTE, add_note, delete_note, edit_note, list_notes

ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
COLLEAGUE = Principal("analyst_a2", "analyst", CONTACT_ORG, "enterprise")
ADMIN = Principal("admin", "admin", None, None)
NOTE = "NOTETEXT 该号码疑似中介，待核实"


def as_set(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle with each list as a sorted list of its items' JSON (row order aside)."""
    return {
        part: sorted(json.dumps(x, sort_keys=True, ensure_ascii=False) for x in value)
        if isinstance(value, list)
        else value
        for part, value in bundle.items()
    }


@pytest.fixture
def lead(store: GraphStore, tmp_path: Path) -> str:
    found = one_contact_ring(store, tmp_path)
    return str(next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"]))


def test_a_note_is_written_read_edited_and_deleted_with_audit(store: GraphStore, lead: str) -> None:
    note = add_note(store, ANALYST, f"lead:{lead}", f"  {NOTE}\r\nsecond line  ")
    assert note["text"] == f"{NOTE}\nsecond line"
    assert [n["id"] for n in list_notes(store, COLLEAGUE, f"lead:{lead}")] == [note["id"]]
    with pytest.raises(Forbidden):
        edit_note(store, COLLEAGUE, note["id"], "not mine")  # a colleague reads, never edits
    with pytest.raises(Forbidden):
        delete_note(store, COLLEAGUE, note["id"])
    edit_note(store, ANALYST, note["id"], "changed")
    [shown] = list_notes(store, ANALYST, f"lead:{lead}")
    assert shown["text"] == "changed" and shown["edited_at"]
    with pytest.raises(UserError):
        add_note(store, ANALYST, f"lead:{lead}", "   ")
    with pytest.raises(UserError):
        add_note(store, ANALYST, f"lead:{lead}", "x" * (MAX_NOTE + 1))
    delete_note(store, ANALYST, note["id"])
    assert list_notes(store, ANALYST, f"lead:{lead}") == []
    actions = [e.action for e in audit.entries(store, 50) if e.action.startswith("note_")]
    assert actions == ["note_delete", "note_edit", "note_denied", "note_denied", "note_add"]
    added = audit.entries(store, 5, action="note_add")[0]
    assert added.actor == "analyst_a" and added.target == f"lead:{lead}"
    assert NOTE not in str(added.details)  # the log says that a note was written, not what


def test_an_admin_reads_every_note_and_may_delete_one(store: GraphStore, lead: str) -> None:
    note = add_note(store, ANALYST, WECHAT, NOTE)
    assert [n["id"] for n in list_notes(store, ADMIN, WECHAT)] == [note["id"]]
    with pytest.raises(Forbidden):
        edit_note(store, ADMIN, note["id"], "rewritten by someone else")
    delete_note(store, ADMIN, note["id"])
    assert audit.entries(store, 1, action="note_delete")[0].details["author"] == "analyst_a"


def test_notes_are_never_evidence(store: GraphStore, lead: str) -> None:
    before_bundle = lead_bundle(store, lead)
    keys = [e["key"] for e in before_bundle["entities"]]
    before_degrees = {k: row["degree"] for k, row in entity_info(store, keys).items()}
    before_scores = {found["id"]: found["score"] for found in detect(store)["leads"]}
    for key in keys:  # a note on every entity of the lead, and on the lead
        add_note(store, ANALYST, key, f"{NOTE} {key}")
    add_note(store, ANALYST, f"lead:{lead}", NOTE)

    assert as_set(lead_bundle(store, lead)) == as_set(before_bundle)
    assert {k: row["degree"] for k, row in entity_info(store, keys).items()} == before_degrees
    assert {found["id"]: found["score"] for found in detect(store)["leads"]} == before_scores
    page = views.lead_page(store, ANALYST, lead)
    assert NOTE not in str(page)
    # the page: the note in its own section, in no evidence table
    at = lead_page_as(ANALYST, lead)
    assert all(NOTE not in d.value.to_string() for d in at.dataframe)
    assert any(NOTE in m.value for m in at.markdown)
    assert "工作备注（非证据）" in [s.value for s in at.subheader]
