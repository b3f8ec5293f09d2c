"""The reads behind one entity's profile page (:func:`graph.views.entity_profile`, which applies
the viewer's rights): the submissions that name the entity, the leads it is in, and its
intermediary score with the features behind it.

No rights here: every function returns what the graph holds.
"""

from __future__ import annotations

import json
from typing import Any

from graph.db.store import GraphStore
from graph.evidence.analytics import score_entities
from graph.evidence.scores import EntityScore

ENTITY_SUBMISSIONS = """
MATCH (n:Entity {key: $key})
UNWIND coalesce(n.submissions, []) AS id
MATCH (s:Submission {id: id})
RETURN s.id AS id, s.file_name AS file_name, s.sha256 AS sha256, s.org AS org, s.user AS user,
       s.kind AS kind, s.received_at AS received_at
ORDER BY s.received_at, s.id
"""

ENTITY_LEADS = """
MATCH (l:Lead)-[:INVOLVES]->(:Entity {key: $key})
RETURN l.id AS id, l.title AS title, l.score AS score, l.status AS status, l.size AS size,
       l.date_first AS date_first, l.date_last AS date_last,
       l.explanation_json AS explanation_json
ORDER BY l.score DESC, l.id
"""


def entity_submissions(store: GraphStore, key: str) -> list[dict[str, Any]]:
    """The submissions whose rows state ``key``, oldest first."""
    return store.read(ENTITY_SUBMISSIONS, key=key)


def entity_leads(store: GraphStore, key: str) -> list[dict[str, Any]]:
    """The leads (every status) that involve ``key``, best first, each with its ``explanation``
    decoded (it names the ring's entities: a page masks them)."""
    rows = store.read(ENTITY_LEADS, key=key)
    for row in rows:
        row["explanation"] = json.loads(row.pop("explanation_json") or "null") or []
    return rows


def entity_score(
    store: GraphStore, key: str, *, min_complainants: int = 5
) -> EntityScore | dict[str, Any] | None:
    """The intermediary score of ``key`` as ``detect`` computes it (the same query and weights),
    a ``{"key", "type", "complaints"}`` dict when it is a service number set aside, or None when
    fewer than ``min_complainants`` complainants name it (it is not scored)."""
    scores, set_aside = score_entities(store, min_complainants=min_complainants, keys=[key])
    if scores:
        return scores[0]
    return set_aside[0] if set_aside else None
