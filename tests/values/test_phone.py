"""graph.values.phone: literal input, literal output."""

from __future__ import annotations

import random

import pytest
from support import EIGHT_FORMS

from graph.values import phone
from graph.values.phone import parse_phone, phone_problem


@pytest.mark.parametrize("raw", EIGHT_FORMS)
def test_eight_forms_one_number(raw: str) -> None:
    info = parse_phone(raw)
    assert info.e164 == "+8613800138000"
    assert info.type == "mobile"
    assert info.carrier == "中国移动"
    assert info.region == "北京市"
    assert info.key == "phone:+8613800138000"


@pytest.mark.parametrize(
    ("raw", "e164", "kind"),
    [
        ("010-12345678", "+861012345678", "fixed_line"),
        ("(010)12345678", "+861012345678", "fixed_line"),
        ("021 1234 5678", "+862112345678", "fixed_line"),
        ("+86 10 1234 5678", "+861012345678", "fixed_line"),
        ("95588", "+8695588", "service"),
        ("12315", "+8612315", "service"),
        ("10086", "+8610086", "service"),
        ("400-800-1234", "+864008001234", "shared_cost"),
        ("800-800-1234", "+868008001234", "toll_free"),
        ("0086 138 0013 8000", "+8613800138000", "mobile"),
        ("1380013 8000", "+8613800138000", "mobile"),
        ("+86-138-0013-8000", "+8613800138000", "mobile"),
        ("手机：13800138000", "+8613800138000", "mobile"),
        ("138-0013-8000（张经理）", "+8613800138000", "mobile"),
        ("+1 650 253 0000", "+16502530000", "fixed_line_or_mobile"),
    ],
)
def test_forms(raw: str, e164: str, kind: str) -> None:
    info = parse_phone(raw)
    assert (info.e164, info.type) == (e164, kind)


def test_fixed_line_region() -> None:
    assert parse_phone("021-12345678").region == "上海市"
    assert parse_phone("021-12345678").carrier == ""


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1380013800", "phone too short: 10 digits"),
        ("138001380001", "phone too long: 12 digits"),
        ("1234567", "phone too short: 7 digits"),
        ("110", "phone too short: 3 digits"),
        ("88886666", "fixed-line number without area code: 8 digits"),
        ("1234567890123456789", "phone too long: 14 digits"),
        ("abc", "phone has no digits"),
        ("", "phone is empty"),
    ],
)
def test_rejected_with_reason(raw: str, reason: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_phone(raw)
    assert str(error.value) == reason
    assert phone_problem(raw) == reason


def test_refusals_are_cached_and_still_raise() -> None:
    for _ in range(3):
        assert phone_problem("1380013800") == "phone too short: 10 digits"


def test_props_have_the_natural_key() -> None:
    assert parse_phone("13800138000").props() == {
        "e164": "+8613800138000",
        "type": "mobile",
        "carrier": "中国移动",
        "region": "北京市",
    }


def test_fast_path_agrees_with_full_parse() -> None:
    """The seven-digit-block cache gives what a full phonenumbers parse gives."""
    rng = random.Random(11)
    for block in rng.sample(range(1_300_000, 2_000_000), 400):
        number = f"{block}{rng.randrange(10_000):04d}"
        try:
            slow: object = phone._parse_slow(number)
        except ValueError as error:
            slow = str(error)
        fast = phone._parse_cached(number)
        assert fast == slow, number


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+8613800138000", "13800138000"),
        ("+8695588", "95588"),
        ("+85221234567", "+85221234567"),
        ("+86138****8000", "138****8000"),
        (" +8613800138000 ", "13800138000"),
    ],
)
def test_national_phone(e164: str, shown: str) -> None:
    assert phone.national_phone(e164) == shown


def test_valid_phone_agrees_with_parse_phone() -> None:
    """valid_phone (no carrier or region, for scanning text) gives parse_phone's verdict."""
    rng = random.Random(16)
    numbers = [
        f"{rng.randrange(1_300_000, 2_000_000)}{rng.randrange(10_000):04d}" for _ in range(200)
    ]
    numbers += [f"0{rng.randrange(10, 999)}{rng.randrange(10**7, 10**8)}" for _ in range(100)]
    numbers += ["95588", "12315", "110", "4006007788", "+85221234567", "+14155552671", "abc", ""]
    numbers += ["0086 138 0013 8000", "+86 10 1234 5678", "1380013800", "138001380001"]
    for number in numbers:
        try:
            info = parse_phone(number)
            expected: tuple[str, str] | None = (info.e164, info.type)
        except ValueError:
            expected = None
        assert phone.valid_phone(number) == expected, number
