"""Firm names → the weaker firm key, and the test "does this text name a firm?".

When a firm comes without its USCC, LeadGraph keys it ``firm:name:<name key>`` and flags it
``key_strength: "name"``. The name key must merge spellings of the *same* name and nothing more,
so the folding is deliberately conservative:

1. Unicode width folding (NFKC): full-width letters, digits and brackets become ASCII.
2. Traditional → simplified Chinese (OpenCC ``t2s``): ``諮詢`` and ``咨询`` are one spelling.
3. Case folding; ``&`` reads ``and``; dots and apostrophes vanish (``S.A.`` → ``sa``,
   ``Ltd.`` → ``ltd``); any other punctuation (brackets included, their content kept) is a space.
4. Latin legal forms at the *end* of the name are written one way: ``Limited``/``Ltd`` → ``ltd``,
   ``Company``/``Co`` → ``co``, ``Incorporated``/``Inc`` → ``inc``, ``Corporation``/``Corp`` →
   ``corp``, ``Limited Liability Company`` → ``llc``, ``Société Anonyme``/``S.A.`` → ``sa`` …
   Different legal forms stay different: ``ABC Ltd`` and ``ABC Inc`` do not merge.
5. The Chinese legal form ``有限责任公司`` is written ``有限公司`` (the Company Law uses both for the
   same form). ``股份有限公司`` (a joint-stock company) is a different form and is kept; a bare
   ``公司`` is kept too, so ``某某咨询公司`` and ``某某咨询有限公司`` stay apart — merging them is a
   judgement for an analyst, not for the loader.
6. Spaces between Chinese characters are dropped; other runs of spaces become one.

Nothing else is removed: no place names (``深圳市``), no bracketed regions (``（北京）``), no
industry words. Two firms whose names differ only in those stay two nodes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")

# Trailing Latin legal-form words (after dots are removed) and how they are written in the key.
LEGAL_FORMS: dict[tuple[str, ...], str] = {
    ("limited", "liability", "company"): "llc",
    ("limited", "liability", "partnership"): "llp",
    ("societe", "anonyme"): "sa",
    ("sociedad", "anonima"): "sa",
    ("limited",): "ltd",
    ("ltd",): "ltd",
    ("company",): "co",
    ("co",): "co",
    ("incorporated",): "inc",
    ("inc",): "inc",
    ("corporation",): "corp",
    ("corp",): "corp",
    ("llc",): "llc",
    ("llp",): "llp",
    ("lp",): "lp",
    ("plc",): "plc",
    ("sa",): "sa",
    ("ag",): "ag",
    ("gmbh",): "gmbh",
    ("bv",): "bv",
    ("nv",): "nv",
    ("sarl",): "sarl",
    ("srl",): "srl",
    ("spa",): "spa",
    ("pte",): "pte",
    ("pty",): "pty",
}
_LONGEST_FORM = max(len(words) for words in LEGAL_FORMS)
_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_CN_FORMS = (("有限责任公司", "有限公司"),)

_FIRM_WORDS = re.compile(
    r"(公司|事务所|工作室|集团|律所|商行|合伙|企业|经营部|服务部|服务中心|咨询中心|法务|咨询"
    r"|\bs\.a\.|\b(?:ltd|limited|inc|llc|llp|corp|corporation|company|co|gmbh|plc|sa|ag|bv|pte|pty)\b)",
    re.IGNORECASE,
)


def _fold_accents(text: str) -> str:
    # é → e for the Latin legal forms (Société); Chinese is untouched by this.
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65_536)
def firm_name_key(name: str) -> str:
    """The name key of a firm name; raise ``ValueError`` when nothing is left to key on.

    >>> firm_name_key("ABC LIMITED") == firm_name_key("ABC Ltd.") == "abc ltd"
    True
    """
    text = _T2S.convert(unicodedata.normalize("NFKC", name))
    text = _fold_accents(text).casefold().replace("&", " and ")
    text = text.replace(".", "").replace("'", "").replace("’", "")
    text = _PUNCT.sub(" ", text)
    words = text.split()
    # canonical legal forms, working back from the end of the name
    tail: list[str] = []
    while words:
        for size in range(min(_LONGEST_FORM, len(words)), 0, -1):
            form = LEGAL_FORMS.get(tuple(words[-size:]))
            if form and len(words) > size:  # never reduce a name to its legal form alone
                tail.insert(0, form)
                del words[-size:]
                break
        else:
            break
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    key = _SPACE_NEAR_CJK.sub("", " ".join(words + tail))
    for long_form, short_form in _CN_FORMS:
        if key.endswith(long_form) and len(key) > len(long_form):
            key = key[: -len(long_form)] + short_form
    if not key:
        raise ValueError(f"firm name has nothing to key on: {name!r}")
    return key


def clean_display_name(name: str) -> str:
    """The name as given, with outer whitespace trimmed and inner runs of spaces made one."""
    return " ".join(name.split())


def looks_like_firm(text: str) -> bool:
    """True when ``text`` reads as a firm's name (公司, 事务所, 工作室, Ltd, Inc …)."""
    return bool(_FIRM_WORDS.search(unicodedata.normalize("NFKC", text)))
