"""Masking of sensitive values, beside the value types they belong to.

Phone numbers keep their first three and last four digits (``138****8000``), names their first
character (``张*``), ID numbers their first and last four; contacts found in texts are personal
data like phones (:func:`mask_contact`: ``zx******88``, ``j****.com``, ``h***@j****.com``); free texts have ID-, bank-card- and
phone-like digit runs masked, including runs written to dodge filters (spaced, full-width,
Chinese numerals). The graph's views, the outbox and the export's audience rules all call these
functions, so a value is masked the same way wherever it leaves the graph.
"""

from __future__ import annotations

import re
from typing import Any

_ID_RUN = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_CARD_RUN = re.compile(r"(?<!\d)(\d{4})(\d{8,11})(\d{4})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)((?:\+|00)?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)((?:\+|00)?86[- ]?)?(0?\d{2,3})[- ](\d{3,4})(\d{4})(?!\d)")
_E164 = re.compile(r"(?<![\d*])\+(\d{1,3})(\d{2,10})(\d{4})(?!\d)")
# Digits written to dodge filters: spaced or dotted, full-width, or as Chinese numerals
# ("1 8 9 9 9 7 5 7 4 8 3", "１３８…", "幺三八…"). Runs of eleven or more are masked whole.
_DIGIT_CHARS = "0-9０-９〇零一二三四五六七八九幺"
_DISGUISED = re.compile(
    rf"(?<![{_DIGIT_CHARS}])[{_DIGIT_CHARS}](?:[\s.\-_·,，、—]{{0,2}}[{_DIGIT_CHARS}]){{10,}}"
    rf"(?![{_DIGIT_CHARS}])"
)
_DIGIT_VALUE = {
    **{chr(ord("０") + i): str(i) for i in range(10)},
    **dict(zip("〇零一二三四五六七八九幺", "001234567891", strict=True)),
}


def _disguised(match: re.Match[str]) -> str:
    digits = "".join(
        _DIGIT_VALUE.get(c, c) for c in match.group(0) if c in _DIGIT_VALUE or c.isdigit()
    )
    return mask_digits(digits)


def mask_id_numbers(text: str) -> str:
    """``text`` with every ID-number-like run masked (first four and last four kept)."""
    return _ID_RUN.sub(lambda m: m.group(1)[:4] + "*" * 10 + m.group(3)[-4:], text)


def mask_digits(digits: str) -> str:
    """``13800138000`` -> ``138****8000``; short numbers keep their first two digits only."""
    if len(digits) > 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) > 2:
        return digits[:2] + "*" * (len(digits) - 2)
    return "*" * len(digits)


def mask_phone(e164: str) -> str:
    """A phone number as a partner sees it: national digits with the middle hidden."""
    text = str(e164)
    digits = re.sub(r"\D", "", text)
    if text.startswith("+86") or (text.startswith("86") and len(digits) == 13):
        digits = digits[2:]
    return mask_digits(digits)


def mask_handle(value: str) -> str:
    """A WeChat id, QQ number or Telegram username with its middle hidden: ``zx_agent88`` ->
    ``zx******88``. At least half is hidden, as in a phone number: the first two and last two
    characters are kept from eight characters on, the first one below that."""
    text = str(value)
    if len(text) >= 8:
        return text[:2] + "*" * (len(text) - 4) + text[-2:]
    if len(text) <= 1:
        return "*"
    return text[:1] + "*" * (len(text) - 1)


def mask_host(host: str) -> str:
    """A domain with every label but the top-level one hidden: ``jr773.com`` -> ``j****.com``,
    ``pay.jr773.com.cn`` -> ``p**.j****.com.cn`` (a two-letter country code keeps the label
    before it, as in ``.com.cn``)."""
    labels = str(host).split(".")
    kept = 2 if len(labels) > 2 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 1
    kept = min(kept, len(labels) - 1)
    hidden = [label[:1] + "*" * max(1, len(label) - 1) for label in labels[: len(labels) - kept]]
    return ".".join(hidden + labels[len(labels) - kept :])


def mask_email(address: str) -> str:
    """``help@jr773.com`` -> ``h***@j****.com``."""
    local, at, host = str(address).rpartition("@")
    if not at:
        return mask_handle(str(address))
    return f"{mask_handle(local) if len(local) >= 8 else local[:1] + '*' * 3}@{mask_host(host)}"


def mask_contact(kind: str, value: str) -> str:
    """A contact's value (``kind`` the prefix of its key: ``phone``, ``wechat``, ``qq``,
    ``telegram``, ``domain``, ``email``) as one who may not see it raw sees it."""
    if kind == "phone":
        return mask_phone(value)
    if kind == "domain":
        return mask_host(value)
    if kind == "email":
        return mask_email(value)
    return mask_handle(value)


def mask_name(name: str) -> str:
    """``张三`` -> ``张*``; ``Zhang San`` -> ``Z*``. Empty stays empty."""
    text = str(name).strip()
    if not text:
        return text
    return text[0] + "*" * max(1, min(len(text) - 1, 3))


def mask_text(text: str, names: tuple[str, ...] = ()) -> tuple[str, int]:
    """Mask ID-, card- and phone-like runs and the given names inside free text.

    Returns the masked text and how many replacements were made.
    """
    count = 0

    def sub(pattern: re.Pattern[str], repl: Any, value: str) -> str:
        nonlocal count
        value, n = pattern.subn(repl, value)
        count += n
        return value

    value = sub(_ID_RUN, lambda m: m.group(1)[:4] + "*" * 10 + m.group(3)[-4:], text)
    value = sub(_CARD_RUN, lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), value)
    value = sub(_MOBILE, lambda m: (m.group(1) or "") + m.group(2) + "****" + m.group(4), value)
    value = sub(
        _LANDLINE,
        lambda m: (m.group(1) or "") + m.group(2) + "-" + "*" * len(m.group(3)) + m.group(4),
        value,
    )
    value = sub(_E164, lambda m: "+" + m.group(1) + "*" * len(m.group(2)) + m.group(3), value)
    value = sub(_DISGUISED, _disguised, value)
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        if name in value:
            count += value.count(name)
            value = value.replace(name, mask_name(name))
    return value, count
