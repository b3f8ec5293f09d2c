"""Dates and times in the forms found in the wild → ISO strings.

Accepted date forms (after width folding, so full-width digits and ``／`` work too):

* ``2025-09-01``, ``2025/9/1``, ``2025.9.1``, ``2025年9月1日`` (``号`` for ``日`` too);
* ``20250901`` (eight digits, year first);
* an Excel serial day number such as ``45901`` (Excel's 1900 system, days since 1899-12-30,
  which absorbs Excel's fictitious 1900-02-29), with or without a fraction of a day;
* any of the above followed by a time (``2025-09-01 14:05``, ``2025-09-01T14:05:09``, an ISO
  timestamp from an XLSX cell).

Refused, with a reason: impossible calendar dates (``2025-02-30``), day/month/year orders
(``9/1/2025`` is ambiguous between the US and European readings), two-digit years, and years
outside :data:`MIN_YEAR` .. :data:`MAX_YEAR`.

:func:`parse_date` returns ``yyyy-mm-dd``; :func:`parse_datetime` returns ``yyyy-mm-ddThh:mm:ss``
(midnight when the value has no time; a UTC offset is dropped, the wall-clock time is kept as
written). Both are cached by the raw string.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache

MIN_YEAR = 1900
MAX_YEAR = 2100
EXCEL_EPOCH = datetime(1899, 12, 30)
# Excel serials for 1900-01-01 .. 2100-12-31; outside this a bare number is not a date.
_SERIAL_MIN, _SERIAL_MAX = 2, 73_415

_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:[\sT]*(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?(?:\s*:?\s*(\d{1,2})(?:[.,]\d+)?\s*秒?)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[\sT]*(\d{2}):?(\d{2}):?(\d{2})?)?$")
_SERIAL = re.compile(r"^\d{1,5}(?:\.\d+)?$")
_DMY = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_SHORT_YEAR = re.compile(r"^\d{2}[-/.]\d{1,2}[-/.]\d{1,2}$")


def _fold(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip()


def _build(raw: str, parts: tuple[str | None, ...]) -> datetime:
    year, month, day = (int(p) for p in parts[:3])  # type: ignore[arg-type]
    hour, minute, second = (int(p) if p else 0 for p in parts[3:6])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"date out of range: year {year}")
    try:
        date(year, month, day)
    except ValueError:
        raise ValueError(f"impossible date {year:04d}-{month:02d}-{day:02d}") from None
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise ValueError(
            f"impossible time {hour:02d}:{minute:02d}:{second:02d} in {raw!r}"
        ) from None


def parse_datetime(raw: str) -> str:
    """``raw`` as ``yyyy-mm-ddThh:mm:ss``; raise ``ValueError`` with the reason in words."""
    ok, value = _parse_cached(raw)
    if not ok:
        raise ValueError(value)
    return value


@lru_cache(maxsize=65_536)
def _parse_cached(raw: str) -> tuple[bool, str]:
    """(True, ISO value) or (False, reason), cached by the raw string, refusals included."""
    try:
        return True, _parse(raw)
    except ValueError as error:
        return False, str(error)


def _parse(raw: str) -> str:
    text = _fold(raw)
    if not text:
        raise ValueError("date is empty")
    match = _YMD.match(text) or _COMPACT.match(text)
    if match:
        return _build(text, match.groups()).isoformat()
    if _SERIAL.match(text):
        serial = float(text)
        if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
            raise ValueError(f"not a date: {raw!r} (as an Excel serial it is out of range)")
        moment = EXCEL_EPOCH + timedelta(days=serial)
        # Excel fractions carry float noise: round to the second
        moment = (moment + timedelta(microseconds=500_000)).replace(microsecond=0)
        return moment.isoformat()
    if _DMY.match(text):
        raise ValueError(f"ambiguous date {raw!r}: write the year first (2025-09-01)")
    if _SHORT_YEAR.match(text):
        raise ValueError(f"two-digit year in {raw!r}: write the full year")
    raise ValueError(f"not a date: {raw!r}")


@lru_cache(maxsize=65_536)
def parse_date(raw: str) -> str:
    """``raw`` as ``yyyy-mm-dd`` (any time of day is dropped); raise ``ValueError`` if not a date.

    >>> parse_date("2025年9月1日"), parse_date("45901")
    ('2025-09-01', '2025-09-01')
    """
    return parse_datetime(raw)[:10]


def date_problem(raw: str) -> str | None:
    """The reason ``raw`` is not a usable date, or None when it is one."""
    try:
        parse_date(raw)
    except ValueError as error:
        return str(error)
    return None
