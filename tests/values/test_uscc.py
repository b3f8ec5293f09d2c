"""GB 32100 USCC and GB 11714 organisation-code checks: literal input, literal output."""

import pytest

from graph.values.uscc import (
    is_valid_uscc,
    normalize_uscc,
    org_code_check_char,
    uscc_check_char,
    uscc_problem,
)


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("91350100M000100Y4", "3"),
        ("9144030071526726X", "G"),
        ("91440300MA5G0P3K1", "P"),
        ("91440300083712133", "U"),
    ],
)
def test_uscc_check_char(first17: str, check: str) -> None:
    assert uscc_check_char(first17) == check


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("M000100Y", "4"),
        ("71526726", "X"),
        ("10000004", "0"),
        ("10000018", "X"),
        ("MA5G0P3K", "1"),
        ("08371213", "3"),
    ],
)
def test_org_code_check_char(body: str, check: str) -> None:
    assert org_code_check_char(body) == check


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",
        "9144030071526726XG",
        "91440300MA5G0P3K1P",
        "91440300083712133U",
        " 91350100m000100y43 ",  # lower case and spaces are folded
        "９１３５０１００Ｍ０００１００Ｙ４３",  # full width
    ],
)
def test_valid_codes(code: str) -> None:
    assert uscc_problem(code) is None
    assert is_valid_uscc(code)


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("", "USCC is missing"),
        ("91350100M000100Y4", "USCC has 17 characters, expected 18"),
        ("91350100M000100Y44", "check character should be 3, found 4"),
        ("91350100M000100Y53", "organisation code check character should be 4, found 5"),
        ("91350100M00010OY43", "character 'O' at position 15 is not allowed in a USCC"),
        ("9135A100M000100Y43", "administrative division code 35A100 is not six digits"),
    ],
)
def test_invalid_codes(code: str, problem: str) -> None:
    assert uscc_problem(code) == problem
    assert not is_valid_uscc(code)


def test_normalize() -> None:
    assert normalize_uscc(" 9135 0100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize("bad", ["9135010", "91350100M000100YI", "91350100M000100Y4!"])
def test_check_char_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        uscc_check_char(bad)
