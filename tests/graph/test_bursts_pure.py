"""Burst detection on hand-made weekly series (no server): a flat series has no burst, a surge
has one, a new entity has no baseline to surge against, slow steady growth is not a burst."""

from __future__ import annotations

import random
from datetime import date, timedelta

from graph.evidence.bursts import (
    MIN_HISTORY_WEEKS,
    WINDOW_WEEKS,
    find_bursts,
    poisson_tail,
    strongest,
    week_of,
    weekly_counts,
)
from graph.evidence.scores import WEIGHTS, score_row

FIRST = date(2026, 1, 5)  # a Monday


def series(counts: list[int]) -> dict[date, int]:
    return {FIRST + timedelta(weeks=i): n for i, n in enumerate(counts)}


def test_a_flat_series_has_no_burst() -> None:
    assert find_bursts(series([3] * 30)) == []
    assert find_bursts(series([40] * 30)) == []


def test_ordinary_noise_of_a_steady_rate_is_not_a_burst() -> None:
    rng = random.Random(5)
    for rate in (1, 4, 12, 40):
        # 52 weeks of a steady Poisson rate, drawn as 200 daily chances
        weeks = [sum(rng.random() < rate / 200 for _ in range(200)) for _ in range(52)]
        assert find_bursts(series([max(1, weeks[0]), *weeks[1:]])) == [], rate


def test_a_surge_is_one_period_with_its_count_and_baseline() -> None:
    found = find_bursts(series([2, 3, 2, 2, 3, 2, 41, 3, 2]))
    assert found == [
        {
            "start": "2026-02-16",
            "end": "2026-02-22",
            "weeks": 1,
            "count": 41,
            "peak": 41,
            "baseline": 2.33,
            "ratio": 17.6,
        }
    ]


def test_adjacent_surge_weeks_are_merged_and_the_baseline_is_from_before() -> None:
    (period,) = find_bursts(series([1, 2, 1, 2, 1, 30, 12, 2, 1]))
    assert (period["start"], period["end"], period["weeks"]) == ("2026-02-09", "2026-02-22", 2)
    assert (period["count"], period["peak"], period["baseline"]) == (42, 30, 1.4)


def test_two_surges_apart_are_two_periods() -> None:
    found = find_bursts(series([2, 2, 2, 2, 25, 2, 2, 2, 2, 2, 30, 2]))
    assert [p["count"] for p in found] == [25, 30]
    assert strongest(found) == found[1]


def test_a_new_entity_has_no_baseline_to_surge_against() -> None:
    # busy from its first week: no burst, however many
    assert find_bursts(series([40, 35, 50, 45])) == []
    # a surge before MIN_HISTORY_WEEKS weeks of history is not judged; after, it is
    early = [1] * (MIN_HISTORY_WEEKS - 1) + [30]
    assert find_bursts(series(early)) == []
    assert len(find_bursts(series([1] * MIN_HISTORY_WEEKS + [30]))) == 1


def test_slow_steady_growth_is_not_a_burst() -> None:
    assert find_bursts(series(list(range(1, 41)))) == []
    assert find_bursts(series([round(1.15**i) for i in range(1, 30)])) == []


def test_a_few_complaints_after_quiet_weeks_are_not_a_burst() -> None:
    assert find_bursts(series([1, 0, 0, 0, 0, 4])) == []  # under the minimum count
    assert len(find_bursts(series([1, 0, 0, 0, 0, 6]))) == 1


def test_a_lasting_new_level_stops_being_a_burst_after_a_window() -> None:
    (period,) = find_bursts(series([2] * 6 + [30] * 20))
    assert period["weeks"] == WINDOW_WEEKS and period["baseline"] == 2.0


def test_weeks_tails_and_counts() -> None:
    assert week_of("2026-03-15") == date(2026, 3, 9)  # a Sunday: its week's Monday
    assert week_of("") is None
    assert weekly_counts([("2026-03-09", 1), ("2026-03-10", 2), ("bad", 5)]) == {
        date(2026, 3, 9): 3
    }
    assert abs(poisson_tail(5, 0.5) - 0.000172) < 1e-6
    assert poisson_tail(1, 2.0) == 1 - 2.718281828459045**-2


SCORE_ROW = {
    "key": "phone:+8613800138000",
    "label": "Phone",
    "complaints": 20,
    "complainants": 20,
    "lenders": 1,
    "sources": 1,
    "top_template": 0,
    "disguised": 0,
    "calls_to_complainants": 0,
    "advertised": 0,
    "shared_legal_rep": 0,
    "first_date": "2026-01-05",
    "last_date": "2026-03-01",
}


def test_a_burst_is_a_score_feature_with_its_period() -> None:
    period = find_bursts(series([2, 3, 2, 2, 3, 2, 41, 3, 2]))
    calm = score_row({**SCORE_ROW, "bursts": []})
    surged = score_row({**SCORE_ROW, "bursts": period})
    assert calm.contributions["burst"] == 0.0 and calm.features["burst"] is None
    assert surged.contributions["burst"] == WEIGHTS["burst"] == 5.0
    assert surged.features["burst"] == period[0]
    assert surged.score == calm.score + 5.0
    assert score_row(SCORE_ROW).contributions["burst"] == 0.0  # a row read without bursts


def test_a_week_of_chance_at_a_low_steady_rate_is_not_a_burst() -> None:
    # a law firm of the 10k synthetic world: about two complaints a week all year, and one week
    # of 8 against 1.9 (a tail of 1 in 1,100: a burst had the threshold been 1 in 1,000)
    law_firm = [2, 2, 1, 2, 2, 3, 2, 4, 3, 1, 1, 1, 1, 8, 1, 0, 0, 3, 1, 2, 1, 2, 3, 0, 3]
    assert find_bursts(series(law_firm)) == []
