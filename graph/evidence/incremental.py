"""Analysis after one submission (interface 1 of issue 18).

A STAND-IN, shipped with the job queue so that it works end to end: it rebuilds everything (the
full :func:`~graph.evidence.templates.build_templates` and :func:`~graph.evidence.leads.detect`)
and tells what changed by comparing the candidate leads before and after. The incremental
version, which re-examines only the part of the graph a submission touched, replaces this file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from graph.db.store import GraphStore
from graph.evidence.leads import detect
from graph.evidence.templates import build_templates

CANDIDATES = """
MATCH (l:Lead {status: 'candidate'})
RETURN l.id AS id, l.score AS score, [(l)-[:INVOLVES]->(x) | x.key] AS members
"""


def _candidates(store: GraphStore) -> dict[str, tuple[float, frozenset[str]]]:
    return {row["id"]: (row["score"], frozenset(row["members"])) for row in store.read(CANDIDATES)}


def analyse_submission(
    store: GraphStore,
    submission_id: str,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, Any]:
    """Bring template clusters and candidate leads up to date after ``submission_id`` landed
    (or was withdrawn): ``created`` candidates that did not exist before (or were stale and
    came back), ``updated`` ones whose members or score changed, ``stale`` ones retired, and
    ``touched``, the entities of the candidates now (this stand-in scores every entity)."""
    started = time.perf_counter()
    say = progress or (lambda fraction, what: None)
    say(0.0, "templates")
    before = _candidates(store)
    build_templates(store)
    say(0.4, "detect")
    detect(store)
    after = _candidates(store)
    say(1.0, "done")
    return {
        "submission": submission_id,
        "created": sorted(set(after) - set(before)),
        "updated": sorted(i for i in after if i in before and before[i] != after[i]),
        "stale": sorted(set(before) - set(after)),
        "touched": len(set().union(*(members for _, members in after.values()))),
        "seconds": round(time.perf_counter() - started, 3),
    }
