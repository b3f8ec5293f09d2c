"""graph.values.amounts: literal input, literal output."""

from __future__ import annotations

import pytest

from graph.values.amounts import amount_problem, parse_amount


@pytest.mark.parametrize(
    ("raw", "yuan"),
    [
        ("1.2万", 12000.0),
        ("12,000元", 12000.0),
        ("¥3000", 3000.0),
        ("￥3,000.50", 3000.5),
        ("12000", 12000.0),
        ("12000.00", 12000.0),
        ("3千元", 3000.0),
        ("1.5亿", 150000000.0),
        ("人民币5000元", 5000.0),
        ("RMB 5,000", 5000.0),
        ("CNY5000", 5000.0),
        ("１２０００", 12000.0),
        ("5000元整", 5000.0),
        ("0.5w", 5000.0),
        ("3.68万元", 36800.0),
    ],
)
def test_amounts(raw: str, yuan: float) -> None:
    assert parse_amount(raw) == yuan


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("-5", "negative amount '-5'"),
        ("3000-5000", "a range, not one amount: '3000-5000'"),
        ("$300", "not in yuan: '$300'"),
        ("300美元", "not in yuan: '300美元'"),
        ("abc", "not an amount: 'abc'"),
        ("1,20", "not an amount: '1,20'"),
    ],
)
def test_rejected(raw: str, reason: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_amount(raw)
    assert str(error.value) == reason
    assert amount_problem(raw) == reason
