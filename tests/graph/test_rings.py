"""Rings on a hand-made graph: two numbers that deal with the same borrowers are one ring, even
when no complaint, firm or template ties them; one borrower in common is not enough."""

from __future__ import annotations

from graph.db.store import GraphStore
from graph.evidence.analytics import EntityScore, find_rings

# Each row: a complaint naming ``phone`` as contact, filed by ``person``.
COMPLAINTS = """
UNWIND $rows AS row
MERGE (p:Entity:Phone {key: row.phone}) SET p.type = 'mobile'
MERGE (who:Entity:Person {key: row.person})
CREATE (c:Entity:Complaint {key: row.complaint})
CREATE (c)-[:CONTACT]->(p)
CREATE (c)-[:FILED_BY]->(who)
"""

# Each row: ``phone`` called the phone of ``person``.
CALLS = """
UNWIND $rows AS row
MATCH (caller:Phone {key: row.phone})
MERGE (who:Entity:Person {key: row.person})
MERGE (own:Entity:Phone {key: row.person_phone}) SET own.type = 'mobile'
MERGE (who)-[:HAS_PHONE]->(own)
CREATE (caller)-[:CALLED]->(own)
"""

A, B, C, D = (f"phone:+861380013800{n}" for n in range(4))


def seed(key: str) -> EntityScore:
    """A seed as score_entities would make it: high score, agent-written complaints."""
    features = {"complaints": 2, "template_share": 1.0, "disguise_rate": 0.0}
    return EntityScore(key=key, label="Phone", score=80.0, contributions={}, features=features)


def complaint(n: int, phone: str, person: str) -> dict[str, str]:
    return {"complaint": f"complaint:test:{n}", "phone": phone, "person": f"person:{person}"}


def test_numbers_dealing_with_the_same_borrowers_are_one_ring(store: GraphStore) -> None:
    store.write(
        COMPLAINTS,
        rows=[
            # A and B: separate complaints by the same two borrowers.
            complaint(1, A, "p1"), complaint(2, A, "p2"),
            complaint(3, B, "p1"), complaint(4, B, "p2"),
            # C: its own borrowers, and one complaint by p1 (one person in common with A, B).
            complaint(5, C, "p3"), complaint(6, C, "p4"), complaint(7, C, "p1"),
            complaint(8, D, "p5"), complaint(9, D, "p6"),
        ],
    )  # fmt: skip
    # D called the borrowers who name C: the numbers one ring uses to chase its own clients.
    store.write(
        CALLS,
        rows=[
            {"phone": D, "person": "person:p3", "person_phone": "phone:+8613900139003"},
            {"phone": D, "person": "person:p4", "person_phone": "phone:+8613900139004"},
        ],
    )
    rings = find_rings(store, [seed(A), seed(B), seed(C), seed(D)])
    found = sorted(ring.members for ring in rings)
    assert found == [[A, B], [C, D]]
    why = {edge[2] for ring in rings for edge in ring.edges}
    assert why == {"SAME_PEOPLE"}


def test_one_borrower_in_common_ties_nothing(store: GraphStore) -> None:
    store.write(
        COMPLAINTS,
        rows=[complaint(1, A, "p1"), complaint(2, A, "p2"),
              complaint(3, B, "p1"), complaint(4, B, "p3")],
    )  # fmt: skip
    rings = find_rings(store, [seed(A), seed(B)])
    assert sorted(ring.members for ring in rings) == [[A], [B]]


def test_a_borrower_shared_by_many_numbers_ties_nothing(store: GraphStore) -> None:
    """A person whom more than ``max_people_holders`` seeds deal with (a popular complainant,
    a number everyone calls) says nothing about who works together."""
    phones = [f"phone:+86137001370{n:02d}" for n in range(4)]
    rows = [complaint(10 * i + j, phone, f"p{j}") for i, phone in enumerate(phones) for j in (1, 2)]
    store.write(COMPLAINTS, rows=rows)
    together = find_rings(store, [seed(p) for p in phones])
    assert [ring.members for ring in together] == [sorted(phones)]
    apart = find_rings(store, [seed(p) for p in phones], max_people_holders=3)
    assert sorted(ring.members for ring in apart) == [[p] for p in sorted(phones)]
