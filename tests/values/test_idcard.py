"""GB 11643 ID numbers: check digit, validation, masking — literal input, literal output."""

import pytest

from graph.values.idcard import id_check_digit, id_problem, is_valid_id, mask_id, normalize_id


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("11010519491231002", "X"),
        ("50010119900101123", "X"),
        ("44030519851107231", "0"),
        ("51010720000229048", "3"),
    ],
)
def test_check_digit(first17: str, check: str) -> None:
    assert id_check_digit(first17) == check


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        "11010519491231002x",  # lower-case x is folded
        "440305198511072310",
        "510107200002290483",  # born on a leap day
        " 5001 0119 9001 0112 3X ",
        "１１０１０５１９４９１２３１００２Ｘ",
    ],
)
def test_valid(number: str) -> None:
    assert id_problem(number) is None
    assert is_valid_id(number)


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("", "ID number is missing"),
        ("110105491231002", "15-digit first-generation ID number: it has no check digit"),
        ("11010519491231002", "ID number has 17 characters, expected 18"),
        ("110105194912310021", "check digit should be X, found 1"),
        ("440305198511072311", "check digit should be 0, found 1"),
        ("11010519490231002X", "impossible birth date 19490231"),
        ("99010519491231002X", "region code 990105 names no province"),
        ("1101051949123100AX", "ID number must be 17 digits followed by a digit or X"),
        ("11010519491231002Y", "last character must be a digit or X, found 'Y'"),
        ("11010518491231002X", "birth year 1849 is before 1900"),
    ],
)
def test_invalid(number: str, problem: str) -> None:
    assert id_problem(number) == problem
    assert not is_valid_id(number)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("50010119900101123X", "5001**********123X"),
        ("11010519491231002x", "1101**********002X"),
        ("12345678", "********"),
        ("", ""),
    ],
)
def test_mask(number: str, masked: str) -> None:
    assert mask_id(number) == masked


def test_normalize() -> None:
    assert normalize_id(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    "bad", ["1101051949123100", "1101051949123100A", "１１０１０５１９４９１２３１００２"]
)
def test_check_digit_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        id_check_digit(bad)
