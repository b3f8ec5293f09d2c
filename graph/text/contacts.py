"""Contacts in free text: phones, WeChat ids, QQ numbers, Telegram handles, domains, URLs, e-mail.

:func:`extract` returns every contact a text gives, each a :class:`Contact` whose ``start``/``end``
index the text as given (``text[start:end] == surface``). Pure: no server, no data files.

How it reads a text
-------------------
1. The text is folded one character for one (so indices stay the text's own): each character
   whose NFKC form is a single character becomes it — full-width, circled, styled and
   mathematical letters and digits become ASCII (``１３８``, ``①③⑧``, ``𝟏𝟑𝟖`` → ``138``), the
   full-width colon, plus and dot become ``:``, ``+``, ``.``.
2. Links first, since everything else may hide inside one: ``t.me/…`` (Telegram), e-mail
   addresses, URLs with a scheme, then bare hosts — labels joined by a dot, or by a dot in
   disguise (``点``, ``。``, ``丶``, ``[.]``, with spaces around) and ending in a known top-level
   domain (:data:`TLDS`, generic and common country ones; ``.py``, ``.md``, ``.js`` are left out
   on purpose, they end file names). A host followed by a path is a ``url``.
3. Handles need a cue before them (:data:`CUES`); an alphanumeric id alone is not a WeChat id.
   The cues are few and general: the names of the apps and their common nicknames. A *weak* cue,
   one that is also an ordinary word or a single letter (``V``, ``薇``, ``扣``, ``飞机``, ``卫星``),
   counts only before a colon or after an add word (``加``, ``+``, ``➕``); a strong one
   (``微信``, ``vx``, ``QQ``, ``扣扣``, ``TG``, ``纸飞机``) also before a space. A lone ``Q`` is
   strong: it is not a word, and the number after it must be 5–11 digits. The value must
   then have the app's own syntax: a WeChat id 6–20 letters, digits, ``_`` or ``-`` with a
   letter first (WeChat's rule); a QQ number 5–11 digits, no leading 0 (digits may be disguised
   as in phones); a Telegram username 5–32 letters, digits or ``_`` with a letter first, with
   or without ``@``.
4. Phones everywhere else. A *run* is digits — ASCII after folding, Chinese numerals (一二三,
   〇/零, 幺 for 1, 壹贰叁), and ``l``/``I``/``O``/``o`` standing for 1 and 0 where they do not
   touch other letters — joined by at most three separator characters (spaces, dashes, ``—``,
   ``一`` read as a dash, dots, ``*``, ``/``, ``∕``, brackets). ``一`` is tried both ways. The
   whole run must be one number; failing that, a stretch of it joined by one kind of separator;
   failing that, one unbroken group of digits. Substrings of a longer number are never taken, so
   order numbers, ID numbers and bank cards (16–19 digits, spaced or not) give nothing.
   A number is kept when it is a mainland mobile (11 digits, ``1[3-9]``), a fixed line written
   with its area code's ``0``, a ``400``/``800`` line, or a number after ``+``/``00`` that
   phonenumbers validates (:func:`graph.values.phone.valid_phone`, loaded only when a run
   looks like a phone). Short service numbers (95588, 12315) are not contacts. A ``+`` or ``➕``
   before an 11-digit ``1[3-9]`` number means "add" (加), not a country code: the number is a
   mainland mobile and the ``+`` is not part of the span. A run glued to letters (``FQ8207614``,
   ``JR20240513088``) is an id unless the letters are a contact cue (``Tel``, ``V``); a run
   followed by ``元``, ``万``, ``%`` … or after ``¥`` is an amount.

Values (the ``value`` of each kind, and the entity key :attr:`Contact.key`)
--------------------------------------------------------------------------
``phone`` E.164 (``+8613800138000``, key ``phone:+86…``); ``wechat`` the id in lower case
(WeChat ids ignore case); ``qq`` the digits; ``telegram`` the username in lower case without
``@`` or ``t.me/`` (Telegram usernames ignore case); ``domain`` and ``url`` the host in lower
case without ``www.``, port or path (key ``domain:<host>``: the host is what ties two adverts;
the surface keeps the whole link); ``email`` the address in lower case.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

KINDS = ("phone", "wechat", "qq", "telegram", "domain", "url", "email")
_KEY_PREFIX = {
    "phone": "phone",
    "wechat": "wechat",
    "qq": "qq",
    "telegram": "telegram",
    "domain": "domain",
    "url": "domain",
    "email": "email",
}


@dataclass(frozen=True)
class Contact:
    """One contact found in a text: ``text[start:end] == surface``."""

    kind: str  # one of KINDS
    value: str  # normalised (see the module docstring)
    surface: str
    start: int
    end: int

    @property
    def key(self) -> str:
        """The entity key: ``wechat:<id>``, ``qq:<number>``, ``domain:<host>``, ``phone:+86…``."""
        return f"{_KEY_PREFIX[self.kind]}:{self.value}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": self.value,
            "surface": self.surface,
            "start": self.start,
            "end": self.end,
        }


class _Taken:
    """The characters already claimed by a contact: overlap checks in the span's length, not in
    the number of contacts (an 80 KB bio of adverts holds thousands)."""

    def __init__(self, size: int) -> None:
        self._marks = bytearray(size)

    def overlaps(self, start: int, end: int) -> bool:
        return any(self._marks[start:end])

    def add(self, start: int, end: int) -> None:
        self._marks[start:end] = b"\x01" * (end - start)

    def masked(self, text: str) -> str:
        """``text`` with every claimed character replaced by NUL (neither digit nor letter)."""
        if not any(self._marks):
            return text
        return "".join(
            "\x00" if mark else char for char, mark in zip(text, self._marks, strict=True)
        )


# -- folding ---------------------------------------------------------------------------------


class _FoldTable(dict[int, str]):
    """``str.translate`` table computed as characters are met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) != 1 or folded == char:
            try:  # dingbat digits (➀, ❶) have a digit value but no NFKC form
                folded = str(unicodedata.digit(char))
            except (TypeError, ValueError):
                folded = char
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """``text`` with each character replaced by its one-character NFKC form (same length)."""
    if text.isascii():
        return text
    return text.translate(_FOLD)


# -- links -----------------------------------------------------------------------------------

# Top-level domains a bare host may end in: the generic ones and the country ones seen in
# Chinese adverts. File extensions that are also country codes (py, md, js, sh, rs, pl) are not.
_TLD_NAMES = """
    com net org info biz top vip xyz cc pw me io co tv app shop site online club live fun icu work
    ltd wang red ink pro asia mobi tech store cloud link life world today win bet fit
    cn hk tw mo jp kr sg my ph vn th la kh us uk ru de fr ca au ws to tk ml ga cf gq su
"""
TLDS = frozenset(_TLD_NAMES.split())
_TLD = "(?:" + "|".join(sorted(TLDS, key=len, reverse=True)) + ")"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOT = r"(?:\.|\s{0,2}(?:\.|。|点|丶|\[\.\]|\(\.\)|（\.）)\s{0,2})"
_PATH = r"(?:/[A-Za-z0-9\-._~:/?#\[\]@!$&'*+;=%]*)"
_HOST_BOUND = r"(?<![a-z0-9_@.\-])"
_END = r"(?![a-z0-9\-])"

_TME = re.compile(
    r"(?<![a-z0-9_.\-])(?:https?://)?(?:t|telegram)\.me/([a-z][a-z0-9_]{4,31})\b", re.I
)
_EMAIL = re.compile(
    r"(?<![a-z0-9._%+\-])[a-z0-9._%+\-]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}" + _END,
    re.I,
)
_URL = re.compile(r"https?://([a-z0-9.\-]+)(?::\d+)?" + _PATH + "?", re.I)
_HOST = re.compile(
    _HOST_BOUND + rf"((?:{_LABEL}{_DOT})+{_TLD}){_END}({_PATH})?",
    re.I,
)
_DISGUISED_DOT = re.compile(r"\s*(?:\.|。|点|丶|\[\.\]|\(\.\)|（\.）)\s*")
_TRAILING = ".,;:!?)]'"


def _host_value(host: str) -> str:
    host = _DISGUISED_DOT.sub(".", host.lower()).strip(".")
    return host.removeprefix("www.")


def _links(folded: str, taken: _Taken) -> Iterator[tuple[str, str, int, int]]:
    """(kind, value, start, end) of Telegram links, e-mail addresses, URLs and hosts; each is
    added to ``taken``."""

    def free(start: int, end: int) -> bool:
        return not taken.overlaps(start, end)

    for match in _TME.finditer(folded) if "me/" in folded else ():
        taken.add(*match.span())
        yield "telegram", match[1].lower(), match.start(), match.end()
    for match in _EMAIL.finditer(folded) if "@" in folded else ():
        if free(*match.span()):
            taken.add(*match.span())
            yield "email", match[0].lower(), match.start(), match.end()
    for match in _URL.finditer(folded) if "://" in folded else ():
        end = match.end()
        while end > match.start() and folded[end - 1] in _TRAILING:
            end -= 1
        if free(match.start(), end) and "." in match[1]:
            taken.add(match.start(), end)
            yield "url", _host_value(match[1]), match.start(), end
    if not ("." in folded or "点" in folded or "。" in folded or "丶" in folded):
        return
    for match in _HOST.finditer(folded):
        end = match.end()
        path = match[2]
        if path:
            while end > match.end(1) and folded[end - 1] in _TRAILING:
                end -= 1
            path = folded[match.end(1) : end]
        if free(match.start(), end):
            taken.add(match.start(), end)
            kind = "url" if path and len(path) > 1 else "domain"
            if kind == "domain":
                end = match.end(1)
            yield kind, _host_value(match[1]), match.start(), end


# -- handles ---------------------------------------------------------------------------------

_ADD = r"(?:加我|添加|加|\+|➕|﹢)"
_HEART = r"(?:[❤♥♡💕💗💖❣]\ufe0f?)"
# (kind, strong cues, weak cues); ASCII cues must not touch other letters or digits.
CUES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "wechat": (
        (
            "微信号",
            "微信",
            "薇信",
            "威信",
            "V信",
            "v信",
            "vx",
            "wx",
            "wechat",
            "weixin",
            "绿泡泡",
            "威" + _HEART,
            "薇" + _HEART,
            "v" + _HEART,
            "🛰\ufe0f?",
        ),
        ("v", "微", "薇", "威", "卫星", "徵信"),
    ),
    "qq": (
        ("QQ号", "QQ群", "Q群", "QQ", "q", "扣扣", "企鹅号", "企鹅", "球球", "抠抠"),
        ("扣",),
    ),
    "telegram": (
        ("telegram", "TG", "电报", "纸飞机", "小飞机", "✈\ufe0f?"),
        ("飞机",),
    ),
}
_WECHAT_ID = re.compile(r"[a-z][a-z0-9_-]{5,19}(?![a-z0-9_-])", re.I)
_TELEGRAM_ID = re.compile(r"@?([a-z][a-z0-9_]{4,31})(?![a-z0-9_\-])", re.I)


def _cue_pattern() -> re.Pattern[str]:
    parts = []
    for kind, (strong, weak) in CUES.items():
        for strength, cues in (("s", strong), ("w", weak)):
            alternatives = "|".join(
                (r"(?<![a-z0-9_@.\-])" if c[:1].isascii() and c[:1].isalpha() else "")
                + c
                + (r"(?![a-z0-9])" if c[-1:].isascii() and c[-1:].isalpha() else "")
                for c in sorted(cues, key=len, reverse=True)
            )
            parts.append(f"(?P<{kind}_{strength}>{alternatives})")
    firsts = {c[0] for strong, weak in CUES.values() for c in strong + weak}
    first = "".join(sorted(firsts | {f.upper() for f in firsts} | {f.lower() for f in firsts}))
    return re.compile(  # the lookahead lets most positions fail at once
        rf"(?=[{re.escape(first)}])(?:{'|'.join(parts)})"
        r"(?P<sep>(?:\s*(?:号|id))?(?:\s*(?:是|为))?(?:\s*:)?\s{0,2})",
        re.I,
    )


_CUE = _cue_pattern()
_ADD_BEFORE = re.compile(_ADD + r"\s?$")


def _handles(folded: str, taken: _Taken) -> Iterator[tuple[str, str, int, int]]:
    """(kind, value, start, end) of handles after a cue; QQ numbers come as kind ``qq``."""
    for cue in _CUE.finditer(folded):
        group = next(name for name, value in cue.groupdict().items() if value and name != "sep")
        kind, strength = group.rsplit("_", 1)
        colon = ":" in (cue["sep"] or "")
        at = cue.end()
        added = _ADD_BEFORE.search(folded, max(0, cue.start() - 3), cue.start()) is not None
        explicit = colon or added or (kind == "telegram" and folded.startswith("@", at))
        if strength == "w" and not explicit:
            continue
        if taken.overlaps(cue.start(), cue.start() + 1) or taken.overlaps(at, at + 1):
            continue
        if kind == "wechat":
            match = _WECHAT_ID.match(folded, at)
            if match and not _glued_link(folded, match.end()):
                yield "wechat", match[0].lower(), at, match.end()
        elif kind == "telegram":
            match = _TELEGRAM_ID.match(folded, at)
            bare_ok = strength == "s" or colon or (match is not None and match[0].startswith("@"))
            if match and bare_ok and not _glued_link(folded, match.end()):
                yield "telegram", match[1].lower(), at, match.end()
        else:
            number = _qq_number(folded, at)
            if number:
                yield "qq", *number


def _glued_link(folded: str, end: int) -> bool:
    """True when an id runs on into a host or address (``abc123.com``, ``abc@…``)."""
    return folded.startswith("@", end) or bool(re.match(r"\.[a-z0-9]", folded[end : end + 2], re.I))


def _qq_number(folded: str, at: int) -> tuple[str, int, int] | None:
    """The QQ number at ``at`` (digits disguised as in phones, 一 read as 1): the whole run when
    it has 5–11 digits, else its first group."""
    run = _RUN.match(folded, at)
    if run is None:
        return None
    groups = _groups([(i, d[-1] if d else "") for i, d in _items(folded, run.start(), run.end())])
    for chosen in ([x for g in groups for x in g], groups[0]):
        number = "".join(d for _, d in chosen)
        if 5 <= len(number) <= 11 and number[0] != "0":
            end = chosen[-1][0] + 1
            if _glued_after(folded, end):
                return None
            return number, chosen[0][0], end
    return None


# -- phones ----------------------------------------------------------------------------------

_CHINESE_DIGITS = {
    **dict(zip("〇零一二三四五六七八九", "00123456789", strict=True)),
    **dict(zip("壹贰叁肆伍陆柒捌玖貳叄參陸", "1234567892336", strict=True)),
    "幺": "1",
}
_LETTER_DIGITS = {"l": "1", "I": "1", "O": "0", "o": "0"}
_SEPARATOR_CLASS = {
    **dict.fromkeys(" \t\xa0", "space"),
    **dict.fromkeys("-‐‑‒–—―−", "dash"),
    **dict.fromkeys(".·•", "dot"),
    **dict.fromkeys("*×", "star"),
    **dict.fromkeys("/∕\\", "slash"),
    **dict.fromkeys("()（）", "bracket"),
}
_DIGIT = "0-9" + "".join(_CHINESE_DIGITS)
_TOKEN = rf"(?:[{_DIGIT}]|(?<![A-Za-z])[lIOo]{{1,3}}(?![A-Za-z]))"
_SEP = "[" + re.escape("".join(_SEPARATOR_CLASS)) + "一]"
_RUN = re.compile(rf"(?=[{_DIGIT}lIOo]){_TOKEN}(?:{_SEP}{{0,3}}{_TOKEN})*")
_AMOUNT_BEFORE = "¥$€£"
_AMOUNT_AFTER = ("元", "块", "万", "亿", "%", "‰", "k", "K", "w", "W", "米", "天", "期", "个")
_PLUS = "+➕﹢"
# Letters right before a number that still let it be a phone: contact cues glued to it.
_LETTER_CUES = {"tel", "phone", "mobile", "call", "v", "vx", "wx", "dh", "sj"}
MIN_PHONE_DIGITS = 10  # mobiles 11, fixed lines 10–12 with the 0, 400/800 lines 10
MAX_LETTER_DIGITS = 4


def _items(folded: str, start: int, end: int) -> list[tuple[int, str]]:
    """The run's characters as (index, digit): "" for a separator, "?1" for 一 (digit or dash),
    "L1"/"L0" for a letter read as a digit."""
    items = []
    for index in range(start, end):
        char = folded[index]
        if char == "一":
            items.append((index, "?1"))
        elif char in _CHINESE_DIGITS:
            items.append((index, _CHINESE_DIGITS[char]))
        elif char in _LETTER_DIGITS:
            items.append((index, "L" + _LETTER_DIGITS[char]))
        elif "0" <= char <= "9":
            items.append((index, char))
        else:
            items.append((index, ""))
    return items


Group = list[tuple[int, str]]


def _groups(items: list[tuple[int, str]]) -> list[Group]:
    groups: list[Group] = []
    current: Group = []
    for index, digit in items:
        if digit:
            current.append((index, digit))
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _gap_classes(folded: str, left: Group, right: Group) -> frozenset[str]:
    return frozenset(
        _SEPARATOR_CLASS.get(folded[i], "dash") for i in range(left[-1][0] + 1, right[0][0])
    )


def _amount_after(folded: str, end: int) -> bool:
    rest = folded[end : end + 2].lstrip()
    return rest[:1] in _AMOUNT_AFTER


@lru_cache(maxsize=65_536)
def _phone_value(digits: str, plus: bool) -> tuple[str, bool] | None:
    """(E.164, plus_is_part) for a run's digits, or None when they are not a contact phone."""
    from graph.values.phone import valid_phone  # phonenumbers: loaded when a number is seen

    mobile = re.fullmatch(r"1[3-9]\d{9}", digits) is not None
    if plus and mobile:
        # "+" / "➕" before a mainland mobile means "add"; +1 415 555 2671 is still American
        mainland = _phone_value(digits, False)
        if mainland:
            return mainland
    if plus:
        raw, plus_part = "+" + digits, True
    elif digits.startswith("00"):
        raw, plus_part = "+" + digits[2:], False  # 0086…, 00852…: the international prefix
    elif digits.startswith("86") and re.fullmatch(r"1[3-9]\d{9}", digits[2:]):
        raw, plus_part = "+" + digits, False
    elif (
        mobile
        or (digits[0] == "0" and 10 <= len(digits) <= 12)  # a fixed line with its area code
        or (digits[:3] in ("400", "800") and len(digits) == 10)
    ):
        raw, plus_part = digits, False
    else:
        return None
    found = valid_phone(raw)
    if found is None or found[1] == "service":
        return None
    return found[0], plus_part


def _glued_before(folded: str, start: int) -> bool:
    """True when the number continues letters that are not a contact cue (``FQ8207614``)."""
    if start == 0:
        return False
    before = folded[start - 1]
    if before in "_@#" or before in _AMOUNT_BEFORE:
        return True
    if not (before.isascii() and before.isalpha()):
        return False
    word = re.search(r"[A-Za-z]+$", folded[max(0, start - 12) : start])
    return word is None or word[0].lower() not in _LETTER_CUES


def _glued_after(folded: str, end: int) -> bool:
    if end >= len(folded):
        return False
    after = folded[end]
    return (after.isascii() and (after.isalpha() or after in "_@")) or _amount_after(folded, end)


def _phone_in(folded: str, chosen: Group) -> tuple[str, int, int] | None:
    letters = sum(d.startswith("L") for _, d in chosen)
    digits = "".join(d[-1] for _, d in chosen)
    if len(digits) < MIN_PHONE_DIGITS - 2 or letters > MAX_LETTER_DIGITS:
        return None
    if len(digits) - letters < 7:
        return None
    start, end = chosen[0][0], chosen[-1][0] + 1
    plus_at = start - 1
    while plus_at >= 0 and folded[plus_at] == " " and start - plus_at < 3:
        plus_at -= 1
    plus = plus_at >= 0 and folded[plus_at] in _PLUS
    found = _phone_value(digits, plus)
    if found is None:
        return None
    e164, plus_part = found
    if plus_part:
        start = plus_at
    elif (
        start > 0
        and folded[start - 1] in "(（"
        and folded[start:end].count(")") + folded[start:end].count("）")
    ):
        start -= 1  # (021)5577-3281: the bracket opened before the run closes inside it
    if _glued_before(folded, start) or _glued_after(folded, end):
        return None
    return e164, start, end


def _interpretations(items: list[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """The run with each 一 read as a digit or as a dash; all digits first, at most 64 ways."""
    ambiguous = [n for n, (_, d) in enumerate(items) if d == "?1"]
    if len(ambiguous) > 6:
        yield [(i, d.lstrip("?")) for i, d in items]
        return
    for choice in itertools.product((True, False), repeat=len(ambiguous)):
        read = dict(zip(ambiguous, choice, strict=True))
        yield [(i, ("1" if read[n] else "") if d == "?1" else d) for n, (i, d) in enumerate(items)]


def _phones_in_run(folded: str, start: int, end: int) -> list[tuple[str, int, int]]:
    items = _items(folded, start, end)
    if sum(1 for _, d in items if d) < MIN_PHONE_DIGITS - 2:
        return []
    best: list[tuple[str, int, int]] = []
    for reading in _interpretations(items):
        found = _phones_of(folded, _groups(reading))
        if sum(e - s for _, s, e in found) > sum(e - s for _, s, e in best):
            best = found
    return best


def _phones_of(folded: str, groups: list[Group]) -> list[tuple[str, int, int]]:
    """The whole run as one number; else each stretch joined by one kind of separator; else
    each unbroken group."""
    if not groups:
        return []
    whole = _phone_in(folded, [x for g in groups for x in g])
    if whole:
        return [whole]
    found: list[tuple[str, int, int]] = []

    def add(phone: tuple[str, int, int] | None) -> None:
        if phone and not any(phone[1] < e and s < phone[2] for _, s, e in found):
            found.append(phone)

    gaps = [_gap_classes(folded, a, b) for a, b in itertools.pairwise(groups)]
    first = 0
    while first < len(gaps):
        last = first
        while last < len(gaps) and len(gaps[first]) == 1 and gaps[last] == gaps[first]:
            last += 1  # groups[first..last] are joined by one kind of separator
        if last > first and not (first == 0 and last == len(gaps)):
            add(_phone_in(folded, [x for g in groups[first : last + 1] for x in g]))
        first = max(last, first + 1)
    for group in groups:
        add(_phone_in(folded, group))
    return sorted(found, key=lambda p: p[1])


def _phones(folded: str, taken: _Taken) -> Iterator[tuple[str, int, int]]:
    """Phones outside the links and handles already found (their characters are masked)."""
    text = taken.masked(folded)
    for run in _RUN.finditer(text):
        yield from _phones_in_run(text, run.start(), run.end())


# -- all -------------------------------------------------------------------------------------


def extract(text: str) -> list[Contact]:
    """Every contact in ``text``, in order of position.

    >>> [(c.kind, c.value) for c in extract("加微：Abc_123 电话 138-0013-8000")]
    [('wechat', 'abc_123'), ('phone', '+8613800138000')]
    """
    folded = fold(text)
    taken = _Taken(len(folded))
    found: list[tuple[str, str, int, int]] = list(_links(folded, taken))
    for kind, value, start, end in _handles(folded, taken):
        if not taken.overlaps(start, end):
            found.append((kind, value, start, end))
            taken.add(start, end)
    for value, start, end in _phones(folded, taken):
        found.append(("phone", value, start, end))
    found.sort(key=lambda f: f[2])
    return [Contact(kind, value, text[start:end], start, end) for kind, value, start, end in found]


@cache
def version() -> str:
    """The extractor that read a text: a digest of this module's source (its rules, cues and
    domain list live here, so any change to them is a new version, with no constant to forget)
    and the phonenumbers release that validates foreign numbers. Ingest records it on each
    Submission as ``contacts_version``, beside the slang lexicon's version."""
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    try:
        numbers = metadata.version("phonenumbers")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency of the project
        numbers = "none"
    return f"{digest}+phonenumbers{numbers}"
