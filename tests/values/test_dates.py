"""graph.values.dates: literal input, literal output."""

from __future__ import annotations

import pytest

from graph.values.dates import date_problem, parse_date, parse_datetime


@pytest.mark.parametrize(
    "raw",
    [
        "2025-09-01",
        "2025/9/1",
        "2025/09/01",
        "2025.9.1",
        "2025年9月1日",
        "2025年09月01号",
        "20250901",
        "45901",
        "45901.0",
        "２０２５－０９－０１",
        "2025-09-01 14:05",
        "2025-09-01T14:05:09",
        "2025-09-01T00:00:00",
    ],
)
def test_one_day(raw: str) -> None:
    assert parse_date(raw) == "2025-09-01"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-09-01 14:05:09", "2025-09-01T14:05:09"),
        ("2025/9/1 14:05", "2025-09-01T14:05:00"),
        ("2025年9月1日 14时05分", "2025-09-01T14:05:00"),
        ("2025-09-01T14:05:09+08:00", "2025-09-01T14:05:09"),
        ("45901.5", "2025-09-01T12:00:00"),
        ("2025-09-01", "2025-09-01T00:00:00"),
    ],
)
def test_datetimes(raw: str, expected: str) -> None:
    assert parse_datetime(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2025-02-30", "impossible date 2025-02-30"),
        ("2025/2/29", "impossible date 2025-02-29"),
        ("2025年4月31日", "impossible date 2025-04-31"),
        ("20251301", "impossible date 2025-13-01"),
        ("2025.11.31", "impossible date 2025-11-31"),
        ("9/1/2025", "ambiguous date '9/1/2025': write the year first (2025-09-01)"),
        ("25-9-1", "two-digit year in '25-9-1': write the full year"),
        ("1800-01-01", "date out of range: year 1800"),
        ("hello", "not a date: 'hello'"),
        ("0", "not a date: '0' (as an Excel serial it is out of range)"),
        ("2025-09-01 25:00", "impossible time 25:00:00 in '2025-09-01 25:00'"),
    ],
)
def test_rejected(raw: str, reason: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_date(raw)
    assert str(error.value) == reason
    assert date_problem(raw) == reason


def test_leap_day() -> None:
    assert parse_date("2024-02-29") == "2024-02-29"
