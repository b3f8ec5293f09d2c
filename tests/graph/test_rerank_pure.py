"""The re-ranker's fitting, caps and thresholds (graph/evidence/rerank.py), without a server."""

from __future__ import annotations

import doctest

import numpy as np

from graph.evidence import rerank
from graph.evidence.rerank import FEATURES, Example


def test_doctests() -> None:
    failures, tried = doctest.testmod(rerank)
    assert tried and not failures


def _synthetic(
    n: int, beta: np.ndarray, intercept: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.random((n, len(FEATURES)))
    p = 1 / (1 + np.exp(-(x @ beta + intercept)))
    return x, (rng.random(n) < p).astype(float)


def test_fit_recovers_a_known_vector() -> None:
    """With many labels the prior hardly matters: the fit finds the coefficients that made them
    (each within the bounds, some far from the hand weights, one turned against)."""
    beta0 = rerank.prior()
    truth = beta0 * np.linspace(-0.8, 2.8, len(FEATURES))
    x, y = _synthetic(40_000, truth, -4.0, seed=1)
    beta, intercept = rerank.fit(x, y)
    assert np.abs(beta - truth).max() < 0.25
    assert abs(intercept + 4.0) < 0.3


def test_the_prior_holds_with_few_labels() -> None:
    """Twenty noisy labels that say the opposite of the hand weights move the model a little: it
    still ranks random leads almost as the hand weights do."""
    beta0 = rerank.prior()
    x, y = _synthetic(20, -beta0, 0.0, seed=2)
    beta, _ = rerank.fit(x, y)
    leads = np.random.default_rng(3).random((500, len(FEATURES)))
    hand, learned = leads @ beta0, leads @ beta
    correlation = np.corrcoef(np.argsort(np.argsort(hand)), np.argsort(np.argsort(learned)))[0, 1]
    assert correlation > 0.9


def test_coefficients_stay_within_twice_their_hand_weight() -> None:
    beta0 = rerank.prior()
    x, y = _synthetic(20_000, -3 * beta0, 1.5 * float(beta0.sum()), seed=4)
    beta, _ = rerank.fit(x, y)
    assert np.all(beta >= -beta0 - 1e-9) and np.all(beta <= 3 * beta0 + 1e-9)
    assert np.allclose(beta, -beta0, atol=1e-6)  # pushed hard the other way: stops at the bound


def _examples(n: int, positives: int, orgs: int, users: int) -> list[Example]:
    return [
        Example(f"l{i}", {}, int(i < positives), f"u{i % users}", f"o{i % orgs}") for i in range(n)
    ]


def test_too_few_labels_gives_no_model() -> None:
    assert rerank.too_few(_examples(40, 20, 3, 6)) is None
    assert "too few labels" in str(rerank.too_few(_examples(19, 10, 3, 6)))
    assert "too few of a class" in str(rerank.too_few(_examples(40, 4, 3, 6)))
    assert "too few orgs" in str(rerank.too_few(_examples(40, 20, 2, 6)))
    assert "too few labellers" in str(rerank.too_few(_examples(40, 20, 3, 4)))
    facts = rerank.train_examples(_examples(19, 10, 3, 6))
    assert facts["coefficients"] is None and facts["labels"] == 19


def test_caps_on_users_and_orgs() -> None:
    """One analyst of one org with 100 labels against 30 from six officers of three units: the
    analyst's weight is a fifth of the total at most, the org's a third."""
    examples = [Example(f"a{i}", {}, 0, "mallory", "lender_x") for i in range(100)]
    examples += [Example(f"o{i}", {}, 1, f"officer{i % 6}", f"unit{i % 3}") for i in range(30)]
    weights = rerank.capped_weights(examples)
    total = weights.sum()
    for group in ("user", "org"):
        shares: dict[str, float] = {}
        for example, weight in zip(examples, weights, strict=True):
            name = getattr(example, group)
            shares[name] = shares.get(name, 0.0) + weight / total
        cap = rerank.USER_SHARE if group == "user" else rerank.ORG_SHARE
        assert max(shares.values()) <= cap + 1e-6, (group, shares)
    assert weights[100:].min() == 1.0  # the honest labels keep their full weight


def test_prior_model_ranks_as_the_hand_score() -> None:
    x = {name: 0.5 for name in FEATURES}
    assert rerank.rank_score(x, rerank.HAND_WEIGHTS) == round(
        0.5 * sum(rerank.HAND_WEIGHTS.values()), 2
    )
