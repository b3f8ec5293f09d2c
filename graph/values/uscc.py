"""Unified social credit codes (统一社会信用代码, GB 32100-2015): check characters and validation.

An 18-character code is: a registration authority (``9`` market regulation, ``3`` justice
administration for law firms, ...), an entity type, a 6-digit administrative division code, the
9-character organisation code of GB 11714 (8 characters and its own check character) and a final
check character. Letters ``I O S V Z`` never occur.

* The final check character is over the first 17 characters, each valued by its index in
  :data:`CHARSET`, weighted by ``3**i mod 31``: ``CHARSET[(31 - S % 31) % 31]``.
* The organisation-code check (GB 11714) is over the 8 characters before it, digits valued as
  themselves and letters ``A``=10 .. ``Z``=35, weighted 3 7 9 10 5 8 4 2: ``11 - S % 11``,
  written ``X`` for 10 and ``0`` for 11.

Input is folded before checking (spaces dropped, full-width made ASCII, letters upper-cased).

>>> uscc_check_char("91350100M000100Y4")
'3'
>>> uscc_problem("91350100M000100Y44")
'check character should be 3, found 4'
"""

from __future__ import annotations

import unicodedata

USCC_LENGTH = 18
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: index for index, char in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalize_uscc(raw: str) -> str:
    """``raw`` folded to ASCII upper case with spaces dropped (no validation)."""
    return "".join(unicodedata.normalize("NFKC", raw).split()).upper()


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character of an 8-character organisation-code body."""
    if len(first8) != 8 or not first8.isascii() or not first8.isalnum():
        raise ValueError(f"expected 8 digits or letters, got {first8!r}")
    total = sum(
        int(char, 36) * weight for char, weight in zip(first8.upper(), ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a code."""
    text = first17.upper()
    if len(text) != 17 or any(char not in _VALUE for char in text):
        raise ValueError(f"expected 17 characters of {CHARSET}, got {first17!r}")
    total = sum(_VALUE[char] * weight for char, weight in zip(text, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def uscc_problem(raw: str) -> str | None:
    """The reason ``raw`` is not a valid USCC, or None when it is one."""
    text = normalize_uscc(raw)
    if not text:
        return "USCC is missing"
    if len(text) != USCC_LENGTH:
        return f"USCC has {len(text)} characters, expected 18"
    for position, char in enumerate(text, start=1):
        if char not in _VALUE:
            return f"character {char!r} at position {position} is not allowed in a USCC"
    if not text[2:8].isdigit():
        return f"administrative division code {text[2:8]} is not six digits"
    org_check = org_code_check_char(text[8:16])
    if text[16] != org_check:
        return f"organisation code check character should be {org_check}, found {text[16]}"
    check = uscc_check_char(text[:17])
    if text[17] != check:
        return f"check character should be {check}, found {text[17]}"
    return None


def is_valid_uscc(raw: str) -> bool:
    """True when ``raw`` is a valid USCC (see :func:`uscc_problem`)."""
    return uscc_problem(raw) is None
