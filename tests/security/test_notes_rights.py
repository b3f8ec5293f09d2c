"""Working notes stay within their author's org or unit. Two lenders both stated one phone;
org A's analyst writes a note on it. Org B's analyst — who sees the phone, whole, through its
own rows — acts as an attacker would: reads the phone's notes through the page door and on the
page, guesses the note's id to edit or delete it, and writes on an entity it cannot see. Each
gets nothing of A's note; refusals are audited. A colleague in A's org does see it."""

from __future__ import annotations

import pytest
from support import page_as

from graph import views
from graph.db.store import GraphStore
from graph.workflow import audit
from graph.workflow.auth import Forbidden, Principal

ORG_A, ORG_B = "星河消费金融", "云杉小贷"
A = Principal("analyst_a", "analyst", ORG_A, "enterprise")
A2 = Principal("analyst_a2", "analyst", ORG_A, "enterprise")
B = Principal("analyst_b", "analyst", ORG_B, "enterprise")
SHARED, A_ONLY = "phone:+8613800138000", "phone:+8613900139000"
SECRET = "SECRETNOTE 内部判断：该号码为催收外包"
SECTION = (
    "import streamlit as st\nfrom app.views.notes import notes_section\n"
    "notes_section(st.session_state['principal'], st.session_state['target'])\n"
)


@pytest.fixture
def shared(store: GraphStore) -> str:
    store.write(
        "CREATE (:Org {name: $a})-[:SUBMITTED]->(:Submission {id: 'sub-a'}) "
        "CREATE (:Org {name: $b})-[:SUBMITTED]->(:Submission {id: 'sub-b'}) "
        "CREATE (:Phone:Entity {key: $shared, e164: '+8613800138000', "
        "                       submissions: ['sub-a', 'sub-b']}) "
        "CREATE (:Phone:Entity {key: $a_only, e164: '+8613900139000', submissions: ['sub-a']})",
        a=ORG_A,
        b=ORG_B,
        shared=SHARED,
        a_only=A_ONLY,
    )
    return str(views.add_note(store, A, SHARED, SECRET)["id"])


def test_another_org_reads_no_note_through_the_door_or_the_page(
    store: GraphStore, shared: str
) -> None:
    assert [n["text"] for n in views.notes(store, A2, SHARED)] == [SECRET]  # A's colleague
    assert views.notes(store, B, SHARED) == []  # B sees the phone, not A's note
    page = page_as(B, SECTION, target=SHARED)
    shown = " ".join(m.value for m in page.markdown) + " ".join(c.value for c in page.caption)
    assert "SECRETNOTE" not in shown and "analyst_a" not in shown
    colleague = page_as(A2, SECTION, target=SHARED)
    assert any("SECRETNOTE" in m.value for m in colleague.markdown)


def test_another_org_may_not_change_a_note_whose_id_it_guessed(
    store: GraphStore, shared: str
) -> None:
    with pytest.raises(Forbidden):
        views.edit_note(store, B, shared, "overwritten")
    with pytest.raises(Forbidden):
        views.delete_note(store, B, shared)
    assert [n["text"] for n in views.notes(store, A, SHARED)] == [SECRET]
    refused = audit.entries(store, 10, actor="analyst_b", action="note_denied")
    assert [e.details["action"] for e in refused] == ["delete", "edit"]


def test_no_note_on_an_entity_one_may_not_see(store: GraphStore, shared: str) -> None:
    with pytest.raises(Forbidden):
        views.add_note(store, B, A_ONLY, "probing")
    with pytest.raises(Forbidden):
        views.notes(store, B, A_ONLY)
    assert len(audit.entries(store, 10, actor="analyst_b", action="view_denied")) == 2
    assert store.read_one("MATCH (n:Note) RETURN count(n) AS n") == {"n": 1}
