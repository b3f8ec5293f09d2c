"""Spreadsheet cells that stay text: every CSV LeadGraph writes (court packages, quarantine
reports) goes through :func:`safe_cell`, so a value from a clue file that starts like a formula
(``=HYPERLINK(…)``, ``@SUM(…)``, ``+cmd|…``) is not run when an analyst opens the file in Excel."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"^[+-]?[\d\s().,]*\d[\d\s().,]*$")
_FORMULA_START = ("=", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would read it as a formula; signed
    numbers (``+86 138…``, ``-12.5``) stay as they are."""
    if text[:1] in _FORMULA_START or (text[:1] in ("+", "-") and not _NUMBER.match(text)):
        return "'" + text
    return text
