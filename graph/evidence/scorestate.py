"""The intermediary scores as last computed, kept in the graph: one ``EntityScore`` node per
scored entity (its key, score and the whole ``scores.EntityScore`` as JSON) and one
``ScoreState`` node saying which scoring method and threshold wrote them.

``detect`` writes them all (and deletes those of entities no longer scored); the incremental
analysis (``graph.evidence.incremental``) rewrites only the entities a submission touched. Both
then find rings from the seeds read back from here (``seed_candidates``), so the rings of the two
paths come from the same scores, without re-scoring the world after each submission. Kept on
nodes of their own rather than on the entities, so exports and pages that show an entity's
properties are unchanged. A withdrawal (``graph.workflow.withdraw``) deletes the ``ScoreState``:
facts left the graph, and the next analysis scores every entity once.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict

from graph.db.store import GraphStore
from graph.evidence.scores import SCORING_METHOD, EntityScore

SAVE_SCORES = """
UNWIND $rows AS row
MERGE (s:EntityScore {key: row.key})
SET s.score = row.score, s.json = row.json, s.run = $run
"""

# After a full scoring: the entities scored by an earlier run and not by this one.
DELETE_OTHER_RUNS = """
MATCH (s:EntityScore) WHERE s.run <> $run
CALL { WITH s DELETE s } IN TRANSACTIONS OF 10000 ROWS
"""

DELETE_SCORES = """
UNWIND $keys AS key
MATCH (s:EntityScore {key: key})
DELETE s
"""

# Every score at or above ``$min_score`` (the seeds are among them).
SEED_CANDIDATES = """
MATCH (s:EntityScore) WHERE s.score >= $min_score
RETURN s.json AS json
"""

SCORES_OF = """
UNWIND $keys AS key
MATCH (s:EntityScore {key: key})
RETURN s.json AS json
"""

SAVE_STATE = """
MERGE (m:ScoreState {id: 'scores'})
SET m.method = $method, m.min_complainants = $min_complainants, m.run = $run
"""

READ_STATE = """
MATCH (m:ScoreState {id: 'scores'})
RETURN m.method AS method, m.min_complainants AS min_complainants
"""

BATCH = 5_000


def new_run() -> str:
    """A fresh id for one scoring run (two runs in the same second differ)."""
    return uuid.uuid4().hex


def encode(score: EntityScore) -> str:
    """``score`` as JSON (every field; ``decode`` gives it back equal)."""
    return json.dumps(asdict(score), ensure_ascii=False, sort_keys=True)


def decode(text: str) -> EntityScore:
    return EntityScore(**json.loads(text))


def _save(store: GraphStore, scores: list[EntityScore], run: str) -> None:
    rows = [{"key": s.key, "score": s.score, "json": encode(s)} for s in scores]
    for start in range(0, len(rows), BATCH):
        store.write(SAVE_SCORES, rows=rows[start : start + BATCH], run=run)


def save_all(
    store: GraphStore, scores: list[EntityScore], *, run: str, min_complainants: int
) -> None:
    """Keep ``scores`` (every scored entity) and forget every other entity's score."""
    _save(store, scores, run)
    store.run_autocommit(DELETE_OTHER_RUNS, run=run)
    store.write(SAVE_STATE, method=SCORING_METHOD, min_complainants=min_complainants, run=run)


def save_some(store: GraphStore, keys: list[str], scores: list[EntityScore], *, run: str) -> None:
    """Keep the new ``scores`` of the entities ``keys`` (re-scored); forget those of ``keys``
    that are no longer scored."""
    _save(store, scores, run)
    gone = sorted(set(keys) - {s.key for s in scores})
    for start in range(0, len(gone), BATCH):
        store.write(DELETE_SCORES, keys=gone[start : start + BATCH])


def is_current(store: GraphStore, *, min_complainants: int) -> bool:
    """Whether the kept scores were written by this scoring method with this threshold (else
    the incremental path scores everything once)."""
    row = store.read_one(READ_STATE)
    return bool(
        row and row["method"] == SCORING_METHOD and row["min_complainants"] == min_complainants
    )


def seed_candidates(store: GraphStore, *, min_score: float) -> list[EntityScore]:
    """The kept scores of at least ``min_score``, best first (ties by key), as
    ``score_entities`` orders them."""
    scores = [decode(row["json"]) for row in store.read(SEED_CANDIDATES, min_score=min_score)]
    scores.sort(key=lambda s: (-s.score, s.key))
    return scores


def scores_of(store: GraphStore, keys: list[str]) -> list[EntityScore]:
    """The kept scores of those of ``keys`` that are scored, by key."""
    found = []
    for start in range(0, len(keys), BATCH):
        rows = store.read(SCORES_OF, keys=keys[start : start + BATCH])
        found += [decode(row["json"]) for row in rows]
    return found
