"""Intermediary scores from plain rows, no server: invariants on many random rows, and exact
answers on hand-made ones (the same firms as test_scores.py, which reads them from Neo4j)."""

from __future__ import annotations

import doctest
import math
import random
from typing import Any

from graph.evidence import scores
from graph.evidence.scores import (
    SCORING_METHOD,
    WEIGHTS,
    feature_values,
    score_row,
    score_rows,
)


def row(key: str = "phone:+8613800138000", label: str = "Phone", **counts: Any) -> dict[str, Any]:
    """An ENTITY_COMPLAINTS row: five complaints by five borrowers about one lender, no more."""
    base: dict[str, Any] = {
        "key": key,
        "label": label,
        "phone_type": "mobile" if label == "Phone" else None,
        "scope": None,
        "registered": None,
        "complaints": 5,
        "complainants": 5,
        "lenders": 1,
        "sources": 1,
        "disguised": 0,
        "top_template": 0,
        "clusters": [],
        "first_date": "2025-03-01",
        "last_date": "2025-03-05",
        "calls_to_complainants": 0,
        "advertised": 0,
        "shared_legal_rep": 0,
    }
    return {**base, **counts}


def random_row(rng: random.Random, n: int) -> dict[str, Any]:
    complaints = rng.randint(1, 300)
    label = rng.choice(["Phone", "Firm", "Account", "Person"])
    registered = f"{rng.randint(2005, 2026)}-0{rng.randint(1, 9)}-15" if label == "Firm" else None
    return row(
        key=f"{label.lower()}:{n}",
        label=label,
        complaints=complaints,
        complainants=rng.randint(0, complaints),
        lenders=rng.randint(1, 12),
        disguised=rng.randint(0, complaints),
        top_template=rng.randint(0, complaints),
        calls_to_complainants=rng.randint(0, 40),
        advertised=rng.randint(0, 5),
        shared_legal_rep=rng.randint(0, 2),
        scope=rng.choice([None, "", "债务咨询", "软件开发"]),
        registered=registered,
        first_date=f"2025-0{rng.randint(1, 9)}-01",
    )


def test_the_examples_in_the_docstrings_run() -> None:
    failures, tried = doctest.testmod(scores)
    assert tried >= 8 and failures == 0


def test_every_score_is_the_sum_of_its_contributions_each_within_its_weight() -> None:
    rng = random.Random(20261130)
    for n in range(2_000):
        score = score_row(random_row(rng, n))
        assert set(score.contributions) == set(WEIGHTS)
        for name, contribution in score.contributions.items():
            assert 0.0 <= contribution <= WEIGHTS[name], (name, contribution)
        assert 0.0 <= score.score <= 100.0
        assert score.score == min(100.0, round(sum(score.contributions.values()), 2))


def test_more_complainants_or_a_younger_firm_never_lower_a_score() -> None:
    last = -1.0
    for complainants in range(0, 80):
        now = score_row(row(complaints=80, complainants=complainants)).score
        assert now >= last
        last = now
    last = -1.0
    for year in range(2026, 2004, -1):  # older and older
        now = score_row(row(label="Firm", registered=f"{year}-01-01")).score
        assert last == -1.0 or now <= last
        last = now


def test_a_young_firm_scores_more_and_says_why() -> None:
    """The firms of test_scores.py, as plain rows: five borrowers' complaints from 2025-03-01."""
    registered = {
        "firm:91440300MA5YOUNG01": "2024-09-01",  # half a year before its first complaint
        "firm:91440300MA5MIDDLE2": "2022-03-01",  # three years
        "firm:91440300MA5OLDER03": "2012-03-01",  # thirteen years
        "firm:91440300MA5NODATE4": None,
    }
    found, set_aside = score_rows(
        [row(key, "Firm", registered=date, lenders=1) for key, date in registered.items()]
    )
    assert set_aside == []
    by_key = {s.key: s for s in found}
    assert [by_key[k].features["firm_age_years"] for k in registered] == [0.5, 3.0, 13.0, None]
    assert [by_key[k].contributions["firm_age_years"] for k in registered] == [5.0, 2.5, 0.0, 0.0]
    complainants = round(30.0 * math.log1p(5) / math.log1p(50), 2)
    assert [by_key[k].score for k in registered] == [
        complainants + 5.0,
        complainants + 2.5,
        complainants,
        complainants,
    ]
    young, middle, older, undated = registered
    assert [s.key for s in found] == [young, middle, undated, older]  # best first, then by key


def test_one_entity_exactly() -> None:
    """A ring's number: 20 complaints by 18 borrowers about 4 lenders, 15 in one template and 6
    disguising slang; it called 12 borrowers and two accounts advertise it."""
    clusters = [
        {"cluster": "tpl-b", "n": 15},
        {"cluster": "tpl-a", "n": 3},
        {"cluster": "x", "n": 1},
    ]
    score = score_row(
        row(
            complaints=20,
            complainants=18,
            lenders=4,
            sources=2,
            top_template=15,
            clusters=clusters,
            disguised=6,
            calls_to_complainants=12,
            advertised=2,
        )
    )
    assert score.contributions == {
        "complainants": 22.47,  # 30 * ln 19 / ln 51
        "lenders": 10.0,
        "template_share": 18.75,  # 25 * 15/20
        "disguise_rate": 4.5,  # 15 * 6/20
        "agent_text_share": 0.0,  # no agent_like count in the row
        "calls_to_complainants": 10.0,
        "advertised": 5.0,
        "consulting_scope": 0.0,
        "shared_legal_rep": 0.0,
        "firm_age_years": 0.0,
        "burst": 0.0,  # no burst periods in the row
        "alliance_match": 0.0,  # no alliance match in the row
    }
    assert score.score == 70.72
    assert score.features["template_share"] == 0.75
    assert score.features["disguise_rate"] == 0.3
    assert score.templates == {"tpl-a": 3, "tpl-b": 15}  # clusters holding two or more
    assert score.reasons() == ["complainants=18", "template_share=0.75", "lenders=4"]


def test_a_template_share_needs_three_complaints() -> None:
    few = feature_values(row(complaints=2, complainants=2, top_template=2), None)
    enough = feature_values(row(complaints=3, complainants=3, top_template=2), None)
    assert few["template_share"] == 0.0
    assert enough["template_share"] == 2 / 3


def test_service_numbers_are_set_aside_not_scored() -> None:
    hotline = row("phone:95555", phone_type="service", complaints=300, complainants=290)
    mobile = row("phone:+8613800138000")
    firm_named_like_a_service = row("firm:name:95555", "Firm", phone_type="service")
    found, set_aside = score_rows([hotline, mobile, firm_named_like_a_service])
    assert set_aside == [{"key": "phone:95555", "type": "service", "complaints": 300}]
    assert sorted(s.key for s in found) == ["firm:name:95555", "phone:+8613800138000"]


def test_scores_are_best_first_then_by_key() -> None:
    rows = [row(f"phone:{n}", complainants=c) for n, c in ((3, 5), (1, 9), (2, 5), (0, 5))]
    assert [s.key for s in score_rows(rows)[0]] == ["phone:1", "phone:0", "phone:2", "phone:3"]


def test_the_scoring_method_has_a_version() -> None:
    assert isinstance(SCORING_METHOD, str) and SCORING_METHOD.startswith("scores-")
