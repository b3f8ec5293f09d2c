"""Field checks: a raw cell → its canonical value, or a reason in words.

Each kind (``ingest.kinds``) declares its fields as :class:`Field` rows naming one of the checks
below; :func:`validate` runs them over a row's canonical fields and gathers every problem, so a
row with three bad cells reports three reasons (and still counts as one quarantined row).
The checks delegate to the value types in ``graph.values``; nothing here knows about files.

Empty cells never reach a check: an empty optional field is simply absent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graph.values.accounts import normalize_handle, normalize_platform
from graph.values.amounts import parse_amount
from graph.values.dates import parse_date, parse_datetime
from graph.values.idcard import id_problem, normalize_id
from graph.values.names import clean_display_name
from graph.values.phone import PhoneInfo, parse_phone
from graph.values.uscc import normalize_uscc, uscc_problem

REQUIRED_MISSING = "required field missing"


class RowRejected(Exception):
    """Raised by a kind's builder when a row cannot be resolved: ``problems`` are
    ``(field, value, reason)`` triples."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {r}" for f, _, r in problems))
        self.problems = problems


# --- checks: raw str -> canonical value, ValueError(reason) when bad ----------------------------


def check_text(raw: str) -> str:
    return raw.strip()


def check_name(raw: str) -> str:
    name = clean_display_name(raw)
    if not name:
        raise ValueError("name is empty")
    return name


def check_key_text(raw: str) -> str:
    """Identifiers (complaint ids, sources): width-folded, no outer spaces."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise ValueError("identifier is empty")
    return text


def check_uscc(raw: str) -> str:
    problem = uscc_problem(raw)
    if problem:
        raise ValueError(problem)
    return normalize_uscc(raw)


def check_id_number(raw: str) -> str:
    problem = id_problem(raw)
    if problem:
        raise ValueError(problem)
    return normalize_id(raw)


_SPLIT = re.compile(r"\s*[;,，；、|\n]\s*")


def split_values(raw: str) -> list[str]:
    """A cell holding several values: split on ``; , ， ； 、 |`` and newlines."""
    return [part for part in _SPLIT.split(raw) if part]


class PartlyBad(ValueError):
    """A cell of several values of which some are bad: ``good`` is the cell's value without
    them, ``bad`` the bad ones as written (the problem's value)."""

    def __init__(self, reason: str, good: Any, bad: str) -> None:
        super().__init__(reason)
        self.good = good
        self.bad = bad


def check_phones(raw: str) -> tuple[PhoneInfo, ...]:
    """Several phone numbers in one cell. When some are bad and some good ("0591-87654321；无")
    the bad ones are the cell's problem and the good ones its value (:class:`PartlyBad`)."""
    found: dict[str, PhoneInfo] = {}
    parts = split_values(raw)
    bad: list[tuple[str, str]] = []
    for part in parts:
        try:
            info = parse_phone(part)
        except ValueError as error:
            if len(parts) == 1:
                raise
            bad.append((part, f"{error} ({part!r})"))
            continue
        found.setdefault(info.e164, info)
    if not bad:
        return tuple(found.values())
    reason = "; ".join(reason for _, reason in bad)
    if not found:
        raise ValueError(reason)
    raise PartlyBad(reason, tuple(found.values()), "；".join(part for part, _ in bad))


def check_tags(raw: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in split_values(raw) if part.strip()))


def check_count(raw: str) -> int:
    text = unicodedata.normalize("NFKC", raw).strip().removesuffix("次").strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        raise ValueError(f"not a whole number: {raw!r}")
    return int(text)


_HMS = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")
_CN_DURATION = re.compile(r"^(?:(\d+)\s*(?:小时|时|h))?\s*(?:(\d+)\s*(?:分钟|分|m|min))?\s*"
                          r"(?:(\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|sec))?$")  # fmt: skip


def check_seconds(raw: str) -> int:
    """A duration in whole seconds: ``95``, ``95秒``, ``1分35秒``, ``01:35``, ``0:01:35``."""
    text = unicodedata.normalize("NFKC", raw).strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return round(float(text))
    match = _HMS.match(text)
    if match:
        hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    match = _CN_DURATION.match(text)
    if match and any(match.groups()):
        hours, minutes = (int(g) if g else 0 for g in match.groups()[:2])
        return hours * 3600 + minutes * 60 + round(float(match[3] or 0))
    raise ValueError(f"not a duration: {raw!r}")


def _missing_reasons() -> dict[Callable[[str], Any], str]:
    return {check_id_number: id_problem("") or REQUIRED_MISSING}


CHECKS: dict[str, Callable[[str], Any]] = {
    "text": check_text,
    "name": check_name,
    "key": check_key_text,
    "phone": parse_phone,
    "phones": check_phones,
    "date": parse_date,
    "datetime": parse_datetime,
    "amount": parse_amount,
    "uscc": check_uscc,
    "id_number": check_id_number,
    "platform": normalize_platform,
    "handle": normalize_handle,
    "tags": check_tags,
    "count": check_count,
    "seconds": check_seconds,
}


MISSING_REASONS = _missing_reasons()  # a type's own words for a missing value, where it has them


@dataclass(frozen=True)
class Field:
    """One canonical field of a kind: its check, and whether a cell may hold several values."""

    name: str
    check: str  # a key of CHECKS
    doc: str = ""

    @property
    def multi(self) -> bool:
        return self.check in ("phones", "tags")


def validate(
    values: dict[str, str],
    checks: dict[str, Callable[[str], Any]],
    required: tuple[tuple[str, ...], ...],
) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """Run the checks over ``values``; return the clean values and every ``(field, value,
    reason)`` problem. ``required`` lists groups of fields of which at least one must be given.
    A cell of several values keeps its good ones in the clean values even when some are bad."""
    clean: dict[str, Any] = {}
    problems: list[tuple[str, str, str]] = []
    for name, raw in values.items():
        try:
            clean[name] = checks[name](raw)
        except PartlyBad as error:  # the good values stay; the bad ones are the problem
            clean[name] = error.good
            problems.append((name, error.bad, str(error)))
        except ValueError as error:
            problems.append((name, raw, str(error)))
    for group in required:
        if not any(name in values for name in group):
            reason = MISSING_REASONS.get(checks[group[0]], REQUIRED_MISSING)
            problems.append((" / ".join(group), "", reason))
    return clean, problems
