"""Resident ID numbers (GB 11643-1999): check digit, validation and masking.

An 18-character number is a 6-digit region code, an 8-digit birth date (``yyyymmdd``), a 3-digit
sequence number (odd for men, even for women) and a check character. The check character is
ISO 7064 MOD 11-2: the first 17 digits are weighted by ``2**(17 - i) mod 11`` and the weighted
sum ``S`` gives ``"10X98765432"[S % 11]``.

Input is folded before checking (surrounding spaces dropped, full-width digits made ASCII, a
lower-case ``x`` made upper-case), so a number copied from a form still validates. The old
15-digit numbers (no century, no check digit) are refused: they cannot be verified.

>>> id_check_digit("11010519491231002")
'X'
>>> id_problem("110105194912310021")
'check digit should be X, found 1'
>>> mask_id("11010519491231002X")
'1101**********002X'
"""

from __future__ import annotations

import unicodedata
from datetime import date

ID_LENGTH = 18
WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
CHECK_CHARS = "10X98765432"
# First two digits: the province-level divisions (71 Taiwan, 81/82 Hong Kong and Macao, 83 the
# residence permits issued to people from Taiwan).
PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
MIN_BIRTH_YEAR = 1900


def normalize_id(raw: str) -> str:
    """``raw`` folded to ASCII, spaces dropped and ``x`` upper-cased (no validation)."""
    return "".join(unicodedata.normalize("NFKC", raw).split()).upper()


def id_check_digit(first17: str) -> str:
    """The check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def id_problem(raw: str) -> str | None:
    """The reason ``raw`` is not a valid 18-character ID number, or None when it is one."""
    text = normalize_id(raw)
    if not text:
        return "ID number is missing"
    if len(text) == 15 and text.isdigit():
        return "15-digit first-generation ID number: it has no check digit"
    if len(text) != ID_LENGTH:
        return f"ID number has {len(text)} characters, expected 18"
    body, check = text[:17], text[17]
    if not (body.isascii() and body.isdigit()):
        return "ID number must be 17 digits followed by a digit or X"
    if not (check.isdigit() or check == "X"):
        return f"last character must be a digit or X, found {check!r}"
    if body[:2] not in PROVINCES:
        return f"region code {body[:6]} names no province"
    year, month, day = int(body[6:10]), int(body[10:12]), int(body[12:14])
    try:
        date(year, month, day)
    except ValueError:
        return f"impossible birth date {body[6:14]}"
    if year < MIN_BIRTH_YEAR:
        return f"birth year {year} is before {MIN_BIRTH_YEAR}"
    expected = id_check_digit(body)
    if check != expected:
        return f"check digit should be {expected}, found {check}"
    return None


def is_valid_id(raw: str) -> bool:
    """True when ``raw`` is a valid 18-character ID number (see :func:`id_problem`)."""
    return id_problem(raw) is None


def mask_id(raw: str) -> str:
    """The ID number with all but the first four and the last four characters hidden.

    Anything eight characters or shorter is hidden whole: it would be shown almost in full.
    """
    text = normalize_id(raw)
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]
