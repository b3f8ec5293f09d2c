"""Learning from outcomes: officers' results and analysts' dismissals re-rank candidate leads.

What is learned
---------------
One vector a lead (``lead_features``), over the features the explanation shows
(``scores.WEIGHTS``) plus ``ring_kinds``: each feature is ``0.7 × the best seed's value + 0.3 ×
the mean over the best three seeds`` — the same mix ``rings.ring_score`` gives their scores —
and ``ring_kinds`` is ``(kinds of entity − 1) / 4`` (at most 1) with weight 8, the ring score's
two points a kind. So ``Σ weight × value`` is the lead's hand score (up to the 100-point caps):
the hand weights, put as a model, rank leads exactly as ``detect`` does, and a learned weight
is comparable with its hand weight. (A score-weighted mixture rather than the maximum: the best
seed decides, as it decides the hand score, and a ring whose second and third numbers disguise
their slang too is told apart from one whose single number does.) Detect writes the vector on
the Lead as ``features_json``.

Labels (one a lead, its current state; a restored dismissal is no label):

==================================  ========  ===============================================
what was recorded                   label     why
==================================  ========  ===============================================
outcome ``confirmed`` (查证属实)      1         the officer found the ring real (立案)
outcome ``arrested`` (已抓获)         1         the strongest confirmation
outcome ``no_action`` (不予处理)      0         looked at and not a case (不立案)
outcome ``need_more_info``          none      the officer could not decide either way
dismissed with a reason (analyst)   0         an analyst says it is not a ring
anything else (unread, pushed …)    none      unlabelled is not negative
==================================  ========  ===============================================

Model
-----
L2-regularised logistic regression, ``P(ring) = σ(b + Σ β_j x_j)``, whose penalty
``PRIOR_STRENGTH / 2 · Σ (β_j − β0_j)²`` pulls the coefficients toward the hand weights on the
logit scale, ``β0_j = PRIOR_SCALE × WEIGHTS_j`` (ten hand points = one unit of log-odds), not
toward zero; the intercept ``b`` is free. It is fitted with L-BFGS-B (scipy) inside the bounds
below. A learned weight is ``β_j / PRIOR_SCALE`` in score points; a feature's learned
contribution is that weight × the lead's value, and the lead's ``rank_score`` their sum — equal to
its hand score while the model is the prior.

Bounded influence (stated, tested as an attacker in tests/security/test_rerank_influence.py):

* each labeller (the officer or analyst who recorded it) carries at most ``USER_SHARE`` (1/5)
  and each org (the labeller's org or police unit) at most ``ORG_SHARE`` (1/3) of the total label
  weight; a group over its cap has its examples down-weighted to it (``capped_weights``);
* so a model needs labels from at least ``MIN_ORGS`` (3) orgs and ``MIN_LABELLERS`` (5)
  labellers, besides ``MIN_LABELS`` (20) labels and ``MIN_PER_CLASS`` (5) of each class; with
  fewer, no model: the hand weights stay and the pages and method.txt say why;
* every coefficient stays within ``MAX_MOVE`` (2) × its hand weight of it: ``β_j ∈ [−β0_j,
  3·β0_j]`` — a feature can be switched off, tripled or turned mildly against, never more.

Training is explicit (``leadgraph rerank train``, the admin's button on the status page), never a
side effect of an outcome; the loop's job queue can call ``train`` later. Each training writes a
``RankModel`` node (the newest is in force) and re-scores the leads (``apply_model``).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize

from graph.core.clock import utc_now
from graph.db.store import GraphStore
from graph.evidence.scores import WEIGHTS, EntityScore
from graph.workflow import audit

FEATURES: tuple[str, ...] = (*WEIGHTS, "ring_kinds")
HAND_WEIGHTS: dict[str, float] = {**WEIGHTS, "ring_kinds": 8.0}
PRIOR_SCALE = 0.1  # log-odds per hand point
PRIOR_STRENGTH = 2.0  # the penalty's weight, in units of one example's log loss
MAX_MOVE = 2.0  # a coefficient stays within MAX_MOVE × its hand weight of it
USER_SHARE = 1 / 5
ORG_SHARE = 1 / 3
MIN_LABELS = 20
MIN_PER_CLASS = 5
MIN_ORGS = 3
MIN_LABELLERS = 5
POSITIVE_OUTCOMES = frozenset({"confirmed", "arrested"})
NEGATIVE_OUTCOMES = frozenset({"no_action"})
METHOD = (
    "L2 logistic regression toward the hand weights (prior scale 0.1 log-odds a point, "
    f"strength {PRIOR_STRENGTH}); labeller share ≤ 1/5, org share ≤ 1/3; each coefficient "
    "within 2× its hand weight of it"
)


def lead_features(seeds: Sequence[EntityScore], members: Iterable[str]) -> dict[str, float]:
    """A lead's feature vector from its ring's seeds (best first) and member keys.

    Examples
    --------
    >>> a = EntityScore("phone:a", "Phone", 50.0, {"complainants": 30.0, "burst": 5.0}, {})
    >>> b = EntityScore("phone:b", "Phone", 20.0, {"complainants": 15.0}, {})
    >>> x = lead_features([a, b], ["phone:a", "phone:b", "firm:c"])
    >>> x["complainants"], x["burst"], x["ring_kinds"]
    (0.925, 0.85, 0.25)
    """
    top = list(seeds[:3])
    values = [{f: s.contributions.get(f, 0.0) / w for f, w in WEIGHTS.items()} for s in top]
    vector = {
        f: round(0.7 * values[0][f] + 0.3 * sum(v[f] for v in values) / len(values), 4)
        for f in WEIGHTS
    }
    kinds = len({key.split(":", 1)[0] for key in members})
    vector["ring_kinds"] = round(min(1.0, max(0, kinds - 1) / 4), 4)
    return vector


def features_json(seeds: Sequence[EntityScore], members: Iterable[str]) -> str:
    """``lead_features`` as the JSON ``detect`` writes on the Lead."""
    return json.dumps(lead_features(seeds, members), sort_keys=True)


def label_of(status: str | None, outcome: str | None) -> int | None:
    """A lead's label from its status and outcome (the table above); None is unlabelled."""
    if status == "dismissed":
        return 0
    if outcome in POSITIVE_OUTCOMES:
        return 1
    if outcome in NEGATIVE_OUTCOMES:
        return 0
    return None


@dataclass
class Example:
    lead: str
    x: dict[str, float]
    y: int
    user: str
    org: str


def capped_weights(
    examples: Sequence[Example], *, user_share: float = USER_SHARE, org_share: float = ORG_SHARE
) -> np.ndarray:
    """One weight an example (1 to start) such that no labeller's examples carry more than
    ``user_share`` and no org's more than ``org_share`` of the total: a group over its cap is
    scaled down to it (the largest common cap a level allows), alternating between the levels
    until both hold (at most 20 rounds; when both cannot hold at once the org cap, applied last,
    holds exactly).

    Examples
    --------
    One org with eight labels (by four analysts) and two with two each (one analyst a label):

    >>> ex = [Example(str(i), {}, 0, f"b{i % 4}", "big") for i in range(8)]
    >>> ex += [Example(str(i), {}, 0, f"u{i}", f"o{i % 2}") for i in range(4)]
    >>> w = capped_weights(ex)
    >>> round(float(w[:8].sum() / w.sum()), 3), float(w[8:].min())
    (0.333, 1.0)
    """
    weights = np.ones(len(examples))
    users, orgs = [e.user for e in examples], [e.org for e in examples]
    for _ in range(20):
        before = weights.copy()
        weights = _cap_level(_cap_level(weights, users, user_share), orgs, org_share)
        if np.allclose(before, weights, rtol=0, atol=1e-12):
            break
    return weights


def _cap_level(weights: np.ndarray, groups: list[str], share: float) -> np.ndarray:
    """Scale each group's weights down so that no group sums to more than ``share`` of the total:
    groups keep ``min(sum, c)`` for the largest ``c`` with ``c ≤ share × Σ min(sum_g, c)``."""
    sums: dict[str, float] = defaultdict(float)
    for weight, group in zip(weights, groups, strict=True):
        sums[group] += float(weight)
    totals = np.array(list(sums.values()))

    def slack(c: float) -> float:
        return share * float(np.minimum(totals, c).sum()) - c

    if slack(float(totals.max())) >= -1e-12:
        return weights
    low, high = 0.0, float(totals.max())
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if slack(middle) >= -1e-12 else (low, middle)
    scale = {g: min(1.0, low / s) if s > 0 else 1.0 for g, s in sums.items()}
    return np.array([w * scale[g] for w, g in zip(weights, groups, strict=True)])


def prior() -> np.ndarray:
    """The hand weights on the logit scale, in ``FEATURES`` order."""
    return np.array([PRIOR_SCALE * HAND_WEIGHTS[f] for f in FEATURES])


def fit(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    beta0: np.ndarray | None = None,
    strength: float = PRIOR_STRENGTH,
    max_move: float | None = MAX_MOVE,
) -> tuple[np.ndarray, float]:
    """Weighted logistic regression with an L2 pull toward ``beta0`` (default: ``prior()``),
    each coefficient within ``max_move × |beta0_j|`` of it (None: unbounded); returns the
    coefficients and the free intercept."""
    beta0 = prior() if beta0 is None else beta0
    weights = np.ones(len(y)) if weights is None else weights

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        beta, intercept = theta[:-1], theta[-1]
        z = x @ beta + intercept
        p = 1.0 / (1.0 + np.exp(-z))
        # log(1 + e^z) - y z, computed stably
        value = float(np.sum(weights * (np.logaddexp(0.0, z) - y * z)))
        value += strength / 2 * float(np.sum((beta - beta0) ** 2))
        residual = weights * (p - y)
        gradient = np.append(x.T @ residual + strength * (beta - beta0), residual.sum())
        return value, gradient

    bounds: list[tuple[float | None, float | None]] = [
        (None, None) if max_move is None else (b - max_move * abs(b), b + max_move * abs(b))
        for b in beta0
    ]
    bounds.append((None, None))
    start = np.append(beta0, _start_intercept(x @ beta0, y, weights))
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return result.x[:-1], float(result.x[-1])


def _start_intercept(z: np.ndarray, y: np.ndarray, weights: np.ndarray) -> float:
    rate = float(np.clip((weights * y).sum() / max(weights.sum(), 1e-12), 0.01, 0.99))
    return math.log(rate / (1 - rate)) - float(np.average(z, weights=weights))


def matrix(vectors: Iterable[Mapping[str, float]]) -> np.ndarray:
    rows = [[float(v.get(f, 0.0)) for f in FEATURES] for v in vectors]
    return np.array(rows, dtype=float).reshape(-1, len(FEATURES))


def too_few(examples: Sequence[Example]) -> str | None:
    """Why ``examples`` cannot train a model (None when they can)."""
    positives = sum(e.y for e in examples)
    negatives = len(examples) - positives
    orgs = len({e.org for e in examples})
    users = len({e.user for e in examples})
    if len(examples) < MIN_LABELS:
        return f"too few labels: {len(examples)} < {MIN_LABELS}"
    if min(positives, negatives) < MIN_PER_CLASS:
        return f"too few of a class: {positives} positive, {negatives} negative (< {MIN_PER_CLASS})"
    if orgs < MIN_ORGS:
        return f"labels from too few orgs: {orgs} < {MIN_ORGS}"
    if users < MIN_LABELLERS:
        return f"labels from too few labellers: {users} < {MIN_LABELLERS}"
    return None


def train_examples(examples: Sequence[Example]) -> dict[str, Any]:
    """A model from ``examples``, as the ``RankModel`` facts: ``coefficients`` (learned weights
    in hand points, by feature) or None with ``reason`` when there are too few."""
    positives = sum(e.y for e in examples)
    facts: dict[str, Any] = {
        "labels": len(examples),
        "positives": positives,
        "negatives": len(examples) - positives,
        "orgs": len({e.org for e in examples}),
        "labellers": len({e.user for e in examples}),
        "prior": HAND_WEIGHTS,
        "method": METHOD,
        "coefficients": None,
        "intercept": None,
        "reason": too_few(examples),
    }
    if facts["reason"] is not None:
        return facts
    weights = capped_weights(examples)
    beta, intercept = fit(
        matrix(e.x for e in examples), np.array([e.y for e in examples], float), weights
    )
    facts["coefficients"] = {
        f: round(float(b) / PRIOR_SCALE, 4) for f, b in zip(FEATURES, beta, strict=True)
    }
    facts["intercept"] = round(intercept, 4)
    return facts


def contributions(x: Mapping[str, float], coefficients: Mapping[str, float]) -> dict[str, float]:
    """Each feature's learned contribution (learned weight × value), in hand points."""
    return {f: round(coefficients.get(f, 0.0) * float(x.get(f, 0.0)), 2) for f in FEATURES}


def rank_score(x: Mapping[str, float], coefficients: Mapping[str, float]) -> float:
    """A lead's learned score: the sum of its learned contributions (its hand score while the
    model is the prior)."""
    return round(sum(contributions(x, coefficients).values()), 2)


# --- the store --------------------------------------------------------------------------------

# Every labelled lead that has a feature vector, with who labelled it: the dismissing analyst, or
# the officer whose feedback recorded the outcome in force (the latest such), and their org.
LABELLED_LEADS = """
MATCH (l:Lead)
WHERE l.features_json IS NOT NULL AND (l.status = 'dismissed' OR l.outcome IS NOT NULL)
OPTIONAL MATCH (l)-[f:FEEDBACK]->(officer:User) WHERE f.outcome = l.outcome
WITH l, f, officer ORDER BY f.at DESC
WITH l, collect(officer.username)[0] AS officer
WITH l, CASE WHEN l.status = 'dismissed' THEN l.dismissed_by ELSE officer END AS by
OPTIONAL MATCH (:User {username: by})-[:MEMBER_OF]->(o:Org)
RETURN l.id AS id, l.status AS status, l.outcome AS outcome, l.features_json AS features_json,
       by, collect(o.name)[0] AS org
ORDER BY id
"""

NEXT_VERSION = "OPTIONAL MATCH (m:RankModel) RETURN coalesce(max(m.version), 0) + 1 AS version"

WRITE_MODEL = """
CREATE (m:RankModel {version: $version, trained_at: $at, labels: $labels,
                     positives: $positives, negatives: $negatives, orgs: $orgs,
                     labellers: $labellers, coefficients_json: $coefficients_json,
                     intercept: $intercept, prior_json: $prior_json, method: $method,
                     reason: $reason, by: $by})
"""

LATEST_MODEL = """
MATCH (m:RankModel) WITH m ORDER BY m.version DESC LIMIT 1 RETURN properties(m) AS model
"""

LEAD_VECTORS = """
MATCH (l:Lead) WHERE l.features_json IS NOT NULL RETURN l.id AS id, l.features_json AS x
"""
LEAD_VECTORS_OF = """
UNWIND $ids AS id
MATCH (l:Lead {id: id}) WHERE l.features_json IS NOT NULL
RETURN l.id AS id, l.features_json AS x
"""

# ``$rows``: ``[{id, rank_score, ranking_json}]``; a null rank_score removes it (hand order).
WRITE_RANKS = """
UNWIND $rows AS row
MATCH (l:Lead {id: row.id})
SET l.rank_score = row.rank_score, l.ranking_json = row.ranking_json
"""


def examples(store: GraphStore) -> list[Example]:
    """The labelled leads as examples (a label nobody can be named for counts as ``?``)."""
    found = []
    for row in store.read(LABELLED_LEADS):
        y = label_of(row["status"], row["outcome"])
        if y is None:
            continue
        x = json.loads(row["features_json"])
        found.append(Example(row["id"], x, y, str(row["by"] or "?"), str(row["org"] or "?")))
    return found


def latest_model(store: GraphStore) -> dict[str, Any] | None:
    """The model in force (the newest ``RankModel``), decoded; None before any training."""
    row = store.read_one(LATEST_MODEL)
    if row is None:
        return None
    model = dict(row["model"])
    model["coefficients"] = json.loads(model.pop("coefficients_json", None) or "null")
    model["prior"] = json.loads(model.pop("prior_json", None) or "null")
    return model


def ranking_facts(model: Mapping[str, Any] | None) -> dict[str, Any]:
    """What ranked a lead, as written on it (``ranking_json``) and printed in method.txt."""
    if model is None:
        return {"model": None, "labels": 0, "reason": "never trained"}
    facts = {
        k: model.get(k)
        for k in ("labels", "positives", "negatives", "orgs", "trained_at", "reason")
    }
    facts["model"] = model["version"] if model.get("coefficients") else None
    facts["version"] = model["version"]
    return facts


def apply_model(
    store: GraphStore, model: Mapping[str, Any] | None = None, *, ids: list[str] | None = None
) -> int:
    """Write each lead's ``rank_score`` and learned contributions under the model in force (or
    remove ``rank_score`` when the hand weights rule); returns the leads written. ``ids``: only
    those leads (the others were ranked by the same model and their features did not change)."""
    model = latest_model(store) if model is None else model
    coefficients = (model or {}).get("coefficients")
    facts = ranking_facts(model)
    rows = []
    vectors = store.read(LEAD_VECTORS) if ids is None else store.read(LEAD_VECTORS_OF, ids=ids)
    for row in vectors:
        x = json.loads(row["x"])
        ranking = dict(facts)
        if coefficients:
            ranking["learned"] = contributions(x, coefficients)
        rows.append(
            {
                "id": row["id"],
                "rank_score": rank_score(x, coefficients) if coefficients else None,
                "ranking_json": json.dumps(ranking, ensure_ascii=False, sort_keys=True),
            }
        )
    for start in range(0, len(rows), 5_000):
        store.write(WRITE_RANKS, rows=rows[start : start + 5_000])
    return len(rows)


def train(store: GraphStore, actor: str) -> dict[str, Any]:
    """Train on the labels now recorded, store the ``RankModel`` (even one that says there were
    too few labels: it records that the hand weights are in force), re-rank the leads and audit
    ``rerank_train``; returns the model's facts with ``version`` and ``leads`` re-ranked."""
    facts = train_examples(examples(store))
    version = store.read_one(NEXT_VERSION)["version"]  # type: ignore[index]
    at = utc_now()
    store.write(
        WRITE_MODEL,
        version=version,
        at=at,
        labels=facts["labels"],
        positives=facts["positives"],
        negatives=facts["negatives"],
        orgs=facts["orgs"],
        labellers=facts["labellers"],
        coefficients_json=json.dumps(facts["coefficients"]) if facts["coefficients"] else None,
        intercept=facts["intercept"],
        prior_json=json.dumps(facts["prior"]),
        method=facts["method"],
        reason=facts["reason"],
        by=actor,
    )
    leads = apply_model(store)
    facts.update(version=version, trained_at=at, leads=leads)
    details = {k: facts[k] for k in ("version", "labels", "positives", "negatives", "reason")}
    audit.append(store, actor, "rerank_train", f"rank_model:{version}", details)
    return facts
