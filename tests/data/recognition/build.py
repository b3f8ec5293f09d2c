"""Builds the recognition evaluation set: ``dev.jsonl`` and ``heldout.jsonl`` beside this file.

Run ``.venv/bin/python tests/data/recognition/build.py`` after editing ``core.txt`` or
``templates.txt``; the JSONL files are committed. The build is deterministic (fixed seeds, sorted
inputs) and refuses to write a set that fails :func:`check_row` or :func:`check_split`.

Two sources, both written for this set (see README.md):

* ``core.txt`` — whole messages written by hand, labelled inline;
* ``templates.txt`` — hand-written message skeletons with *slots*. Each skeleton is rendered once
  plainly and several times with every term slot written in another disguise class, drawn from
  character data (pypinyin readings, OpenCC traditional forms, jieba's word frequencies for what
  counts as a common character) and the small look-alike table below; contact slots are filled
  with made-up phones, WeChat ids, QQ numbers, Telegram handles and web addresses in the forms
  agents use to slip past filters.

Markup (both files; one message a line, ``ID TRADE :: text``; ``\\n`` is a line break):

* ``[surface|term]`` a lexicon term written plainly; ``[surface|term|class]`` a disguised one;
* ``{surface|kind}`` or ``{surface|kind|value}`` a contact (the value is derived when omitted);
* ``<surface|trap>`` a span where no term should be found (``TRAP_CLASSES``);
* templates only: ``[[term]]`` a term slot, ``{{kind}}`` a contact slot (``CONTACT_SLOTS``),
  ``{{id}}`` an alphanumeric order/model id with letters that look like initials (a trap).

Spans are Python string indices (code points) into ``text``, end exclusive, as the scanner's.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import string
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from graph.text import confusables  # noqa: E402  (after the repository is on the path)
from graph.text.lexicon import Term, load_lexicon  # noqa: E402

SEED = 16
HELDOUT_SHARE = 0.4
VARIANTS_PER_TEMPLATE = 5  # disguised renderings of each agent template (plus one plain)
BENIGN_VARIANTS = 2  # renderings of each benign template (contacts and ids vary)

TRADES = ("debt_agent", "loan", "gambling", "fraud", "recruitment", "benign")

# Disguise classes, in the order the bench prints them. ``plain`` is the term as the lexicon
# writes it; every other class is a disguise (see README.md for a definition and an example each).
CLASSES = (
    "plain",
    "homophone",  # one or more characters replaced by common same-sound characters (崔收)
    "homophone_rare",  # a same-sound character outside the 6,000 most common (上侒)
    "all_homophone",  # every character replaced by a same-sound character (黛里 for 代理)
    "lookalike",  # a character replaced by one of similar shape or an archaic form (货, 丄)
    "noise",  # junk between the characters: ? * spaces emoji (征?信, 上❤岸)
    "foreign_lookalike",  # kana, Cyrillic or Greek look-alikes (よ岸, Cyrillic х in zх)
    "traditional",  # traditional forms (徵信, 債務優化)
    "styled",  # full-width, circled, mathematical letters and digits (ｚｘ, 逾⑦, 𝐳𝐱)
    "initials",  # pinyin initials standing alone (zx, txgz)
    "pinyin",  # the whole term in pinyin (zhengxin, Zheng Xin)
    "mixed",  # characters mixed with pinyin, initials or digits (z信, 网dai, 分7)
    "pinyin_homophone",  # pinyin or initials plus same-sound characters, no original left (zheng芯)
)
DISGUISE_CLASSES = CLASSES[1:]
TRAP_CLASSES = (
    "sound_alike",  # an ordinary word that sounds or looks like a term (正心, 预期)
    "straddle",  # a term's characters across two ordinary words (特征信息)
    "wechat_disguise",  # 徵信 / 威信 / 卫星 meaning 微信, not 征信
    "acronym",  # capitals that are an ordinary acronym (CS game, JR railway, WD disk)
    "in_id",  # initials inside an order, model or plate id (JR20240513)
)
CONTACT_KINDS = ("phone", "wechat", "qq", "telegram", "domain", "url", "email")
CONTACT_SLOTS = ("phone", "wechat", "qq", "telegram", "site", "any")

# Look-alike characters chosen by shape, written for this set. Archaic and variant forms (丄 for
# 上, 朞 for 期) count as look-alikes even when they share the reading.
LOOKALIKES: dict[str, str] = {
    "上": "丄止",
    "岸": "崖",
    "征": "往",
    "信": "佶",
    "逾": "偷输",
    "期": "斯朞",
    "催": "推",
    "收": "攸",
    "网": "冈",
    "贷": "货",
    "协": "办",
    "商": "啇",
    "还": "坏",
    "款": "欵",
    "停": "仃",
    "挂": "佳桂",
    "账": "贴",
    "债": "倩",
    "务": "劣",
    "优": "仇",
    "减": "咸",
    "免": "兔",
    "代": "伐",
    "理": "埋",
    "维": "推堆",
    "权": "杈",
    "金": "全",
    "融": "隔",
    "诉": "拆",
    "银": "很",
    "监": "盐蓝",
    "管": "菅",
    "律": "津",
    "师": "帅",
    "函": "凾",
    "砍": "欣",
    "头": "买",
    "力": "刀",
    "分": "兮",
    "延": "廷",
    "反": "友",
    "复": "夏",
    "白": "臼",
    "用": "甩",
    "修": "俢",
}
# Kana that look like a character of a term.
KANA: dict[str, str] = {"上": "よト", "力": "カ"}
# Cyrillic and Greek letters that look like Latin ones (for pinyin and initials).
HOMOGLYPHS: dict[str, str] = {
    "a": "а",
    "c": "с",
    "e": "е",
    "i": "і",
    "j": "ј",
    "o": "оο",
    "p": "р",
    "s": "ѕ",
    "x": "х",
    "y": "у",
    "h": "һ",
    "q": "ԛ",
    "w": "ԝ",
}
JUNK = ("?", "？", "*", " ", "❤", "🔥", "💰", "✨", "~", "丶", "〰", "/", "·", "👉", "◆", "、")
DIGIT_WORDS = {
    **{c: str(i) for i, c in enumerate("零一二三四五六七八九")},
    "〇": "0",
    "幺": "1",
    "两": "2",
    **{c: str(i + 1) for i, c in enumerate("壹贰叁肆伍陆柒捌玖")},
}
CIRCLED_DIGITS = "⓪①②③④⑤⑥⑦⑧⑨"
DIGIT_SYLLABLES = {"ling": "0", "yi": "1", "er": "2", "san": "3", "si": "4", "wu": "5"}
DIGIT_SYLLABLES |= {"liu": "6", "qi": "7", "ba": "8", "jiu": "9"}
# Radical shapes and components nobody writes as a stand-in for a character.
RADICALS = frozenset("乀乚亠冂冖凵勹匚匸卩厃囗宀尢尣巜廾彐彡扌忄氵灬爫犭罒礻衤丨丶丿乛丷亻")
MATH_STYLES = (
    0x1D41A,
    0x1D482,
    0x1D5BA,
    0x1D5EE,
    0x1D68A,
    0x1D552,
)  # bold … monospace (not italic: its h is a hole)
_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"))


# -- character data -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def lexicon_terms() -> dict[str, Term]:
    return {term.term: term for term in load_lexicon().terms}


@lru_cache(maxsize=1)
def common_chars() -> frozenset[str]:
    """The 6,000 most frequent characters (the scanner's inventory, from jieba's word list)."""
    return frozenset(confusables.inventory())


@lru_cache(maxsize=1)
def _opencc() -> tuple[Any, Any]:
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


def simplified(text: str) -> str:
    return str(_opencc()[0].convert(text))


def traditional(text: str) -> str:
    return str(_opencc()[1].convert(text))


def near(syllable: str) -> set[str]:
    found = {syllable}
    for retroflex, flat in _FUZZY:
        if syllable.startswith(retroflex):
            found.add(flat + syllable[len(retroflex) :])
        elif syllable.startswith(flat):
            found.add(retroflex + syllable[len(flat) :])
    return found


def sounds_like(char: str, syllable: str) -> bool:
    """Can ``char`` be read ``syllable`` (toneless, z/zh c/ch s/sh not told apart)?"""
    return bool(confusables.readings(char) & near(syllable))


@cache
def same_sound(syllable: str, original: str, rare: bool) -> tuple[str, ...]:
    """Simplified characters whose main reading is ``syllable``, common (most frequent first)
    or rare. The main reading, not any reading: 有 has a rare reading *wei* but stands for no 维."""
    from pypinyin import lazy_pinyin

    if rare:
        pool = [chr(c) for c in range(0x4E00, 0x9FA6) if chr(c) not in common_chars()]
    else:
        pool = list(confusables.inventory())
    found = []
    for char in pool:
        if char == original or char in RADICALS or simplified(char) != char:
            continue
        if traditional(original) == char:
            continue
        if lazy_pinyin(char)[0] == syllable:
            found.append(char)
    return tuple(found)


def is_kana_or_foreign(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("HIRAGANA", "KATAKANA", "CYRILLIC", "GREEK"))


def styled_char(char: str) -> bool:
    folded = unicodedata.normalize("NFKC", char)
    return not char.isascii() and len(folded) == 1 and folded.isascii() and folded.isalnum()


def is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


# -- checking a label ---------------------------------------------------------------------------


def _letters(surface: str) -> str:
    return "".join(c for c in surface if c.isascii() and c.isalpha()).lower()


def check_term(surface: str, term: str, cls: str) -> str | None:
    """Why ``surface`` is not a ``cls`` disguise of ``term``, or None when it is."""
    lexicon = lexicon_terms()
    if term not in lexicon:
        return f"{term!r} is not a lexicon term"
    if cls not in CLASSES:
        return f"unknown class {cls!r}"
    if (cls == "plain") != (surface == term):
        return "plain exactly when the surface is the term"
    syllables = lexicon[term].pinyin
    if cls in ("homophone", "homophone_rare", "all_homophone", "lookalike", "traditional"):
        if len(surface) != len(term):
            return "a substitution keeps the length"
        changed = [(s, t, y) for s, t, y in zip(surface, term, syllables, strict=True) if s != t]
        if cls == "traditional":
            return None if simplified(surface) == term else "not a traditional form"
        if cls == "lookalike":
            bad = [s for s, t, _ in changed if s not in LOOKALIKES.get(t, "")]
            return f"not in LOOKALIKES: {bad}" if bad else None
        if any(not is_cjk(s) or not sounds_like(s, y) for s, _, y in changed):
            return "a substitute does not share the reading"
        if any(simplified(s) == t for s, t, _ in changed):
            return "a substitute is a traditional form (class traditional)"
        rare = any(s not in common_chars() for s, _, _ in changed)
        if cls == "all_homophone":
            return None if len(changed) == len(term) else "not every character replaced"
        if len(changed) == len(term):
            return "every character replaced: all_homophone"
        if rare != (cls == "homophone_rare"):
            return "homophone_rare exactly when a substitute is outside the 6,000 common"
        return None
    if cls == "noise":
        kept = "".join(c for c in surface if c in term)
        junk = [c for c in surface if c not in term]
        ok = kept == term and junk and surface[0] == term[0] and surface[-1] == term[-1]
        return None if ok else "removing the junk must give the term"
    if cls == "foreign_lookalike":
        return None if any(is_kana_or_foreign(c) for c in surface) else "no kana/Cyrillic/Greek"
    if cls == "styled":
        return None if any(styled_char(c) for c in surface) else "no styled letter or digit"
    if cls == "initials":
        ok = surface.replace(" ", "").isascii() and _letters(surface) == "".join(
            s[0] for s in syllables
        )
        return None if ok and surface.replace(" ", "").isalpha() else "not the initials"
    if cls == "pinyin":
        ok = all(c.isascii() and (c.isalpha() or c in " -'") for c in surface)
        return None if ok and _letters(surface) == "".join(syllables) else "not the pinyin"
    if cls == "mixed":
        kept = [c for c in surface if c in term]
        ascii_ = [c for c in surface if c.isascii() and c.isalnum()]
        others = [c for c in surface if not (c in term or (c.isascii() and c.isalnum()))]
        return None if kept and ascii_ and not others else "characters with letters or digits"
    if cls == "pinyin_homophone":
        kept = [c for c in surface if c in term]
        letters = _letters(surface)
        cjk = [c for c in surface if is_cjk(c)]
        return None if letters and cjk and not kept else "letters and substitutes, no original"
    return None


def decode_digits(surface: str, dash_yi: bool) -> str:
    """The digits a disguised number spells (一 is a dash when ``dash_yi``)."""
    digits = []
    for char in surface:
        folded = unicodedata.normalize("NFKC", char)
        if char in CIRCLED_DIGITS:
            digits.append(str(CIRCLED_DIGITS.index(char)))
        elif char == "一" and dash_yi:
            continue
        elif char in DIGIT_WORDS:
            digits.append(DIGIT_WORDS[char])
        elif folded.isascii() and folded.isdigit():
            digits.append(folded)
        elif folded in ("l", "I", "|"):
            digits.append("1")
        elif folded in ("O", "o"):
            digits.append("0")
    return "".join(digits)


def phone_value(surface: str) -> str:
    """E.164 of a Chinese number however it is written (the labeller's decoder, not a model)."""
    import phonenumbers

    for dash_yi in (False, True):
        digits = decode_digits(surface, dash_yi)
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        try:
            number = phonenumbers.parse(digits, "CN")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError(f"not a valid Chinese number: {surface!r}")


def contact_value(surface: str, kind: str) -> str:
    """The normalised value of a contact: phone E.164, lower-case ids and hosts, QQ digits."""
    if kind == "phone":
        return phone_value(surface)
    folded = unicodedata.normalize("NFKC", surface).replace("点", ".").replace("。", ".")
    folded = "".join(folded.split())
    if kind == "qq":
        return decode_digits(surface, dash_yi=False)
    if kind == "telegram":
        return re.sub(r"^(https?://)?t\.me/|^@", "", folded).lower()
    if kind == "wechat":
        return folded.lower()
    if kind == "email":
        return folded.lower()
    host = re.sub(r"^[a-z]+://", "", folded.lower()).split("/")[0].split("?")[0]
    return host.removeprefix("www.")


def phone_form(surface: str, before: str) -> list[str]:
    """What disguises a written number: the bench reports recall for each."""
    forms = set()
    rest = re.sub(r"^(\+86|0086)\s?", "", surface)
    for char in rest:
        if char in " \u3000":
            forms.add("spaces")
        elif char in "-—–":
            forms.add("dashes")
        elif char in "*＊×":
            forms.add("star")
        elif char in "/∕／":
            forms.add("slash")
        elif char in ".。·":
            forms.add("dots")
        elif char in "lIoO|":
            forms.add("letters")
        elif char in CIRCLED_DIGITS:
            forms.add("circled")
        elif char in DIGIT_WORDS:
            forms.add("chinese_numerals")
        elif styled_char(char):
            forms.add("fullwidth")
    if "一" in rest and len(decode_digits(rest, dash_yi=False)) > 11:
        forms.discard("chinese_numerals")
        forms.add("yi_dash")
        if any(c in DIGIT_WORDS and c != "一" for c in rest):
            forms.add("chinese_numerals")
    if before and before[-1] in "+➕＋":
        forms.add("plus_add")
    return sorted(forms) or ["plain"]


def handle_disguised(surface: str, kind: str) -> bool:
    core = re.sub(r"^(https?://)?(t\.me/|@)", "", surface)
    if kind in ("domain", "url"):
        return any(c in "点。 " or not c.isascii() for c in surface)
    return any(not c.isascii() or c.isspace() for c in core)


# -- markup -------------------------------------------------------------------------------------

_MARKUP = re.compile(
    r"\[\[(?P<slot_term>[^\[\]]+)\]\]"
    r"|\{\{(?P<slot_contact>[^{}]+)\}\}"
    r"|\[(?P<t_surface>[^\[\]|]+)\|(?P<t_term>[^\[\]|]+)(?:\|(?P<t_class>[^\[\]|]+))?\]"
    r"|\{(?P<c_surface>[^{}|]+)\|(?P<c_kind>[^{}|]+)(?:\|(?P<c_value>[^{}|]+))?\}"
    r"|<(?P<x_surface>[^<>|]+)\|(?P<x_class>[^<>|]+)>"
)

Segment = tuple[str, ...]


def parse(marked: str) -> list[Segment]:
    """Split one marked-up message into segments: ("text", s), ("term", surface, term, class),
    ("contact", surface, kind, value), ("trap", surface, class), ("slot_term", term),
    ("slot_contact", kind)."""
    segments: list[Segment] = []
    position = 0
    for match in _MARKUP.finditer(marked):
        if match.start() > position:
            segments.append(("text", marked[position : match.start()]))
        groups = match.groupdict()
        if groups["slot_term"]:
            segments.append(("slot_term", groups["slot_term"]))
        elif groups["slot_contact"]:
            segments.append(("slot_contact", groups["slot_contact"]))
        elif groups["t_surface"]:
            surface, term = groups["t_surface"], groups["t_term"]
            cls = groups["t_class"] or ("plain" if surface == term else "?")
            segments.append(("term", surface, term, cls))
        elif groups["c_surface"]:
            surface, kind = groups["c_surface"], groups["c_kind"]
            segments.append(("contact", surface, kind, groups["c_value"] or ""))
        else:
            segments.append(("trap", groups["x_surface"], groups["x_class"]))
        position = match.end()
    if position < len(marked):
        segments.append(("text", marked[position:]))
    for segment in segments:
        if segment[0] == "text" and re.search(r"[\[\]{}<>|]", segment[1]):
            raise ValueError(f"stray markup in {marked!r}: {segment[1]!r}")
    return [tuple(s.replace("\\n", "\n") for s in segment) for segment in segments]


def render(segments: list[Segment]) -> dict[str, Any]:
    """Text and labels of fully filled segments (no slots left)."""
    text = ""
    terms: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    traps: list[dict[str, Any]] = []
    for segment in segments:
        kind, surface = segment[0], segment[1]
        start, end = len(text), len(text) + len(surface)
        if kind == "term":
            cls = segment[3]
            rare = any(
                is_cjk(c) and c not in segment[2] and c not in common_chars() for c in surface
            )
            terms.append(
                {
                    "start": start,
                    "end": end,
                    "surface": surface,
                    "term": segment[2],
                    "class": cls,
                    "disguised": cls != "plain",
                    "rare": rare,
                }
            )
        elif kind == "contact":
            contact_kind = segment[2]
            value = segment[3] or contact_value(surface, contact_kind)
            entry: dict[str, Any] = {
                "start": start,
                "end": end,
                "surface": surface,
                "kind": contact_kind,
                "value": value,
            }
            if contact_kind == "phone":
                entry["form"] = phone_form(surface, text)
                entry["disguised"] = entry["form"] != ["plain"]
            else:
                entry["disguised"] = handle_disguised(surface, contact_kind)
            contacts.append(entry)
        elif kind == "trap":
            traps.append({"start": start, "end": end, "surface": surface, "class": segment[2]})
        elif kind != "text":
            raise ValueError(f"unfilled slot {segment}")
        text += surface
    return {"text": text, "terms": terms, "contacts": contacts, "traps": traps}


# -- generating disguises -----------------------------------------------------------------------


def _pick(rng: random.Random, options: list[str] | tuple[str, ...], top: int = 0) -> str | None:
    if not options:
        return None
    pool = list(options[:top]) if top else list(options)
    return rng.choice(pool)


def _homoglyph(rng: random.Random, letters: str) -> str | None:
    spots = [i for i, c in enumerate(letters) if c in HOMOGLYPHS]
    if not spots:
        return None
    chosen = rng.sample(spots, k=min(len(spots), rng.choice((1, 1, 2))))
    out = list(letters)
    for i in chosen:
        out[i] = rng.choice(HOMOGLYPHS[out[i]])
    return "".join(out)


def _styled(rng: random.Random, letters: str) -> str:
    """Letters and digits in one of the styled alphabets."""
    style = rng.choice(("fullwidth", "circled", "math", "math"))
    base = rng.choice(MATH_STYLES)
    out = []
    for char in letters:
        if char.isdigit():
            if style == "circled" or rng.random() < 0.5:
                out.append(CIRCLED_DIGITS[int(char)])
            else:
                out.append(chr(0xFF10 + int(char)))
        elif not char.isalpha():
            out.append(char)
        elif style == "fullwidth":
            out.append(chr(0xFF41 + ord(char.lower()) - 97))
        elif style == "circled":
            out.append(chr(0x24D0 + ord(char.lower()) - 97))
        else:
            out.append(chr(base + ord(char.lower()) - 97))
    return "".join(out)


def _ordinary(word: str) -> bool:
    return word in confusables.word_frequencies()


def disguise(term: Term, cls: str, rng: random.Random) -> str | None:
    """A ``cls`` spelling of ``term``, or None when the class does not apply to it."""
    word, syllables = term.term, term.pinyin
    size = len(word)
    if cls == "plain":
        return word
    if cls in ("homophone", "homophone_rare"):
        rare = cls == "homophone_rare"
        positions = list(range(size))
        rng.shuffle(positions)
        for position in positions:
            candidates = same_sound(syllables[position], word[position], rare)
            choice = _pick(rng, candidates, 0 if rare else 8)
            if choice is None:
                continue
            surface = word[:position] + choice + word[position + 1 :]
            if size == 2 and _ordinary(surface):
                continue
            return surface
        return None
    if cls == "all_homophone":
        for _ in range(20):
            picks = [
                _pick(rng, same_sound(s, c, False), 6) for c, s in zip(word, syllables, strict=True)
            ]
            if None in picks:
                return None
            surface = "".join(p for p in picks if p)
            if not _ordinary(surface) and surface not in load_lexicon().ordinary_words:
                return surface
        return None
    if cls == "lookalike":
        positions = [i for i, c in enumerate(word) if c in LOOKALIKES]
        if not positions:
            return None
        position = rng.choice(positions)
        return word[:position] + rng.choice(LOOKALIKES[word[position]]) + word[position + 1 :]
    if cls == "noise":
        gaps = [rng.choice(JUNK) * rng.choice((1, 1, 1, 2)) for _ in range(size - 1)]
        if rng.random() < 0.5:
            gaps = [gaps[0]] * (size - 1)  # one kind of junk throughout, as most adverts do
        return "".join(c + g for c, g in zip(word, [*gaps, ""], strict=True))
    if cls == "foreign_lookalike":
        kana = [i for i, c in enumerate(word) if c in KANA]
        if kana and rng.random() < 0.6:
            position = rng.choice(kana)
            return word[:position] + rng.choice(KANA[word[position]]) + word[position + 1 :]
        if size >= 3 or rng.random() < 0.5:
            letters = "".join(syllables) if rng.random() < 0.4 else "".join(s[0] for s in syllables)
        else:
            position = rng.randrange(size)
            letters = syllables[position]
            glyphs = _homoglyph(rng, letters)
            if glyphs is None:
                return None
            return word[:position] + glyphs + word[position + 1 :]
        return _homoglyph(rng, letters)
    if cls == "traditional":
        surface = traditional(word)
        return surface if surface != word and simplified(surface) == word else None
    if cls == "styled":
        digit_positions = [i for i, s in enumerate(syllables) if s in DIGIT_SYLLABLES]
        if digit_positions and rng.random() < 0.5:
            position = rng.choice(digit_positions)
            digit = DIGIT_SYLLABLES[syllables[position]]
            mark = rng.choice((CIRCLED_DIGITS[int(digit)], chr(0xFF10 + int(digit))))
            out = list(word)
            out[position] = mark
            if size == 2 and rng.random() < 0.5:  # 芬⑦: a homophone beside the styled digit
                other = 1 - position
                sub = _pick(rng, same_sound(syllables[other], word[other], False), 8)
                if sub:
                    out[other] = sub
            return "".join(out)
        if rng.random() < 0.6:
            return _styled(rng, "".join(s[0] for s in syllables))
        return _styled(rng, "".join(syllables))
    if cls == "initials":
        letters = "".join(s[0] for s in syllables)
        return letters.upper() if rng.random() < 0.25 else letters
    if cls == "pinyin":
        style = rng.random()
        if style < 0.5:
            return "".join(syllables)
        if style < 0.8:
            return " ".join(s.capitalize() for s in syllables)
        return "".join(syllables).upper()
    if cls == "mixed":
        # letters one way in a surface (all syllables or all initials), as people write them
        spell = (lambda s: s) if rng.random() < 0.6 else (lambda s: s[0])
        for _ in range(20):
            out = []
            for char, syllable in zip(word, syllables, strict=True):
                roll = rng.random()
                if roll < 0.5:
                    out.append(char)
                elif roll < 0.85 or syllable not in DIGIT_SYLLABLES:
                    out.append(spell(syllable))
                else:
                    out.append(DIGIT_SYLLABLES[syllable])
            surface = "".join(out)
            if any(c in word for c in surface) and any(c.isascii() for c in surface):
                return surface
        return None
    if cls == "pinyin_homophone":
        # whole syllables (an initial beside a homophone is unreadable: 未q) and common substitutes
        for _ in range(20):
            out = []
            for char, syllable in zip(word, syllables, strict=True):
                if rng.random() < 0.5:
                    out.append(syllable)
                else:
                    sub = _pick(rng, same_sound(syllable, char, False), 6)
                    if sub is None:
                        return None
                    out.append(sub)
            surface = "".join(out)
            if any(is_cjk(c) for c in surface) and any(c.isascii() for c in surface):
                return surface
        return None
    raise ValueError(cls)


# -- generating contacts ------------------------------------------------------------------------

_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 173 "
    "175 176 177 178 180 181 182 183 185 186 187 188 189 191 198 199"
)
MOBILE_PREFIXES = tuple(_PREFIXES.split())
PHONE_CUES = ("电话：", "☎️", "联系", "手机同V：", "咨询热线 ", "call ", "TEL:", "热线 ", "手机", "")
WECHAT_CUES = (
    "加微：",
    "微信：",
    "V信：",
    "VX：",
    "vx ",
    "wx：",
    "威❤：",
    "薇：",
    "➕V：",
    "+v ",
    "卫星：",
    "绿泡泡：",
    "v❤ ",
    "🛰️：",
)
QQ_CUES = ("扣扣：", "Q：", "QQ：", "q ", "企鹅：", "扣：", "Q群：", "球球：")
TELEGRAM_CUES = ("TG：", "飞机：", "纸飞机 ", "电报：", "tg ", "✈️ ")
_NAMES = (
    "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin luo gao "
    "lucky happy sunny kevin amy lisa tony jack anna coco mia leo max fin law help"
)
NAME_PARTS = tuple(_NAMES.split())
TLDS = (".com", ".cn", ".net", ".top", ".vip", ".pw", ".cc", ".xyz", ".com.cn", ".info")
INITIALISMS = sorted({t.initialism for t in load_lexicon().terms if len(t.initialism) == 2})


def _mobile(rng: random.Random) -> str:
    while True:
        number = rng.choice(MOBILE_PREFIXES) + "".join(rng.choice(string.digits) for _ in range(8))
        try:
            phone_value(number)
        except ValueError:
            continue
        return number


def phone_surface(rng: random.Random, national: str, form: str) -> str:
    a, b, c = national[:3], national[3:7], national[7:]
    if form == "plain":
        return national
    if form == "spaces":
        return rng.choice((f"{a} {b} {c}", " ".join(national), f"{a}  {b}  {c}"))
    if form == "dashes":
        return rng.choice((f"{a}-{b}-{c}", f"{a}—{b}—{c}"))
    if form == "yi_dash":
        return f"{a}一{b}一{c}"
    if form == "letters":
        out = list(national)
        spots = [i for i, d in enumerate(out) if d in "10"]
        for i in rng.sample(spots, k=max(1, len(spots) * 2 // 3)):
            out[i] = rng.choice("lI") if out[i] == "1" else rng.choice("Oo")
        return "".join(out)
    if form == "star":
        return f"{a}*{b}*{c}"
    if form == "slash":
        mark = rng.choice("∕/")
        return f"{a}{mark}{b}{mark}{c}"
    if form == "dots":
        return f"{a}.{b}.{c}"
    if form == "chinese_numerals":
        digits = rng.choice(
            ("零一二三四五六七八九", "〇幺二三四五六七八九", "零壹贰叁肆伍陆柒捌玖")
        )
        return "".join(digits[int(d)] for d in national)
    if form == "circled":
        return "".join(CIRCLED_DIGITS[int(d)] for d in national)
    if form == "fullwidth":
        return "".join(chr(0xFF10 + int(d)) for d in national)
    if form == "plus86":
        return f"+86 {national}"
    if form == "circled_mixed":
        return "".join(
            CIRCLED_DIGITS[int(d)] if rng.random() < 0.5 else "零一二三四五六七八九"[int(d)]
            for d in national
        )
    raise ValueError(form)


PHONE_FORMS = (
    "plain",
    "spaces",
    "dashes",
    "yi_dash",
    "letters",
    "star",
    "slash",
    "dots",
    "chinese_numerals",
    "circled",
    "fullwidth",
    "plus86",
    "circled_mixed",
    "plus_add",
)


def _handle(rng: random.Random, trap_share: float = 0.35) -> str:
    """A made-up id: pinyin or English name parts and digits; a share start with an initialism
    of a lexicon term (zx020188), the trap the issue names."""
    head = rng.choice(INITIALISMS) if rng.random() < trap_share else rng.choice(NAME_PARTS)
    tail = rng.choice(
        (
            "".join(rng.choice(string.digits) for _ in range(rng.randint(3, 6))),
            "_" + rng.choice(NAME_PARTS) + str(rng.randint(1, 99)),
            rng.choice(NAME_PARTS) + str(rng.randint(10, 9999)),
            "-" + "".join(rng.choice(string.digits) for _ in range(4)),
        )
    )
    return head + tail


@dataclass
class ContactMaker:
    """Fills contact slots, cycling through forms so that every form appears."""

    rng: random.Random
    cycle: Counter[str] = field(default_factory=Counter)

    def _next(self, name: str, options: tuple[str, ...]) -> str:
        index = self.cycle[name]
        self.cycle[name] += 1
        if index % len(options) == 0 and index:
            options = tuple(self.rng.sample(options, len(options)))
        return options[index % len(options)]

    def make(self, slot: str) -> list[Segment]:
        rng = self.rng
        if slot == "any":
            slot = self._next("any", ("phone", "wechat", "qq", "telegram", "site", "wechat"))
        if slot == "phone":
            form = self._next("phone", PHONE_FORMS)
            national = _mobile(rng)
            if form == "plus_add":
                cue = rng.choice(("➕", "+", "➕V ", "＋"))
                surface = phone_surface(rng, national, rng.choice(("plain", "spaces", "plain")))
                return [("text", cue), ("contact", surface, "phone", "")]
            cue = rng.choice(PHONE_CUES)
            return [("text", cue), ("contact", phone_surface(rng, national, form), "phone", "")]
        if slot == "wechat":
            cue = self._next("wechat_cue", (*WECHAT_CUES, "徵信："))
            handle = _handle(rng)
            surface = handle
            if rng.random() < 0.08:
                surface = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in handle)
            if cue == "徵信：":
                return [
                    ("text", rng.choice(("加", "", "➕"))),
                    ("trap", "徵信", "wechat_disguise"),
                    ("text", "："),
                    ("contact", surface, "wechat", handle.lower()),
                ]
            return [("text", cue), ("contact", surface, "wechat", handle.lower())]
        if slot == "qq":
            cue = self._next("qq_cue", QQ_CUES)
            number = str(rng.randint(10_000_000, 3_999_999_999))
            surface = number
            if rng.random() < 0.2:
                surface = "".join(CIRCLED_DIGITS[int(d)] for d in number)
            elif rng.random() < 0.15:
                surface = " ".join(number[i : i + 3] for i in range(0, len(number), 3))
            return [("text", cue), ("contact", surface, "qq", number)]
        if slot == "telegram":
            cue = self._next("tg_cue", (*TELEGRAM_CUES, "t.me/"))
            handle = _handle(rng).replace("-", "_")
            if len(handle) < 5:
                handle += "_vip"
            if cue == "t.me/":
                return [
                    ("text", rng.choice(("", "飞机 ", "👉"))),
                    ("contact", "t.me/" + handle, "telegram", handle.lower()),
                ]
            return [("text", cue), ("contact", "@" + handle, "telegram", handle.lower())]
        if slot == "site":
            name = _handle(rng, trap_share=0.5).replace("_", "").lower()[:10]
            host = name + rng.choice(TLDS)
            form = self._next("site", ("bare", "www", "url", "url", "dian", "spaced"))
            if form == "bare":
                return [
                    ("text", rng.choice(("官网 ", "网址：", "", "戳 "))),
                    ("contact", host, "domain", host),
                ]
            if form == "www":
                return [
                    ("text", rng.choice(("官网：", "网站 "))),
                    ("contact", "www." + host, "domain", host),
                ]
            if form == "url":
                path = rng.choice(
                    (
                        "/app",
                        "/reg?c=" + str(rng.randint(10, 999)),
                        "/h5/index.html",
                        "/d/" + name[:4],
                    )
                )
                scheme = rng.choice(("https://", "http://", "https://www."))
                return [
                    ("text", rng.choice(("下载：", "链接 ", "👉 ", "注册地址："))),
                    ("contact", scheme + host + path, "url", host),
                ]
            label, tld = host.split(".", 1)
            if form == "dian":
                surface = label + "点" + tld.replace(".", "点")
            else:
                surface = label + " . " + tld.replace(".", " . ")
            return [
                ("text", rng.choice(("网址：", "浏览器打开 ", "复制 "))),
                ("contact", surface, "domain", host),
            ]
        if slot == "id":
            head = rng.choice(INITIALISMS).upper()
            number = "".join(rng.choice(string.digits) for _ in range(rng.randint(6, 12)))
            surface = rng.choice((head + number, head + "-" + number[:4], head + number[:8]))
            return [("trap", surface, "in_id")]
        raise ValueError(f"unknown contact slot {slot!r}")


# -- reading the sources ------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    group: str  # "core:c001" or "tpl:t001"; variants of one group stay on one side of the split
    trade: str
    marked: str
    line: int


def read_sources(name: str) -> list[Source]:
    prefix = "core" if name == "core.txt" else "tpl"
    sources = []
    for number, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        head, sep, marked = line.partition(" :: ")
        parts = head.split()
        if not sep or len(parts) != 2 or parts[1] not in TRADES:
            raise ValueError(f"{name}:{number}: expected 'ID TRADE :: text'")
        sources.append(Source(f"{prefix}:{parts[0]}", parts[1], marked.strip(), number))
    return sources


# -- checks -------------------------------------------------------------------------------------


def check_row(row: dict[str, Any]) -> list[str]:
    """Everything wrong with one row of the set (an empty list when it is sound)."""
    problems = []
    text = row["text"]
    if row.get("trade") not in TRADES:
        problems.append(f"trade {row.get('trade')!r}")
    for label in row["terms"]:
        if text[label["start"] : label["end"]] != label["surface"]:
            problems.append(f"term span {label}")
        why = check_term(label["surface"], label["term"], label["class"])
        if why:
            problems.append(f"term {label['surface']!r} as {label['term']} {label['class']}: {why}")
        if label["disguised"] != (label["class"] != "plain"):
            problems.append(f"disguised flag {label}")
    for contact in row["contacts"]:
        if text[contact["start"] : contact["end"]] != contact["surface"]:
            problems.append(f"contact span {contact}")
        if contact["kind"] not in CONTACT_KINDS:
            problems.append(f"contact kind {contact['kind']!r}")
        elif contact["kind"] == "phone":
            try:
                if phone_value(contact["surface"]) != contact["value"]:
                    problems.append(f"phone value {contact}")
            except ValueError as error:
                problems.append(str(error))
        elif contact["kind"] == "qq" and not re.fullmatch(r"[1-9]\d{4,10}", contact["value"]):
            problems.append(f"qq value {contact}")
        elif contact["value"] != contact["value"].lower() or not contact["value"]:
            problems.append(f"value not lower case {contact}")
    for trap in row["traps"]:
        if text[trap["start"] : trap["end"]] != trap["surface"]:
            problems.append(f"trap span {trap}")
        if trap["class"] not in TRAP_CLASSES:
            problems.append(f"trap class {trap['class']!r}")
    spans = [(x["start"], x["end"]) for x in row["terms"]]
    spans.sort()
    if any(a[1] > b[0] for a, b in itertools.pairwise(spans)):
        problems.append("overlapping term labels")
    # every plain occurrence of a lexicon term is labelled (as itself or a longer term) or a trap
    covered = [(x["start"], x["end"]) for x in row["terms"] + row["traps"]]
    for term in lexicon_terms():
        for match in re.finditer(re.escape(term), text):
            if not any(a <= match.start() and match.end() <= b for a, b in covered):
                problems.append(f"unlabelled {term!r} at {match.start()}")
    for term_label in row["terms"]:
        for trap in row["traps"]:
            if term_label["start"] < trap["end"] and trap["start"] < term_label["end"]:
                problems.append(f"a term inside a trap: {term_label['surface']!r}")
        for contact in row["contacts"]:
            if term_label["start"] < contact["end"] and contact["start"] < term_label["end"]:
                problems.append(f"a term inside a contact: {term_label['surface']!r}")
    return problems


def check_split(dev: list[dict[str, Any]], heldout: list[dict[str, Any]]) -> list[str]:
    """The two sides share no group, and each holds every class, contact kind and trade."""
    problems = []
    shared = {r["group"] for r in dev} & {r["group"] for r in heldout}
    if shared:
        problems.append(f"groups on both sides: {sorted(shared)[:5]}")
    for name, rows in (("dev", dev), ("heldout", heldout)):
        classes = {t["class"] for r in rows for t in r["terms"]}
        kinds = {c["kind"] for r in rows for c in r["contacts"]}
        trades = {r["trade"] for r in rows}
        traps = {t["class"] for r in rows for t in r["traps"]}
        for missing in (
            set(CLASSES) - classes,
            {"phone", "wechat", "qq", "telegram", "domain", "url"} - kinds,
            set(TRADES) - trades,
            set(TRAP_CLASSES) - traps,
        ):
            if missing:
                problems.append(f"{name} lacks {sorted(missing)}")
    return problems


# -- building -----------------------------------------------------------------------------------


def _fill(
    segments: list[Segment], classes: Iterator[str], contacts: ContactMaker, rng: random.Random
) -> list[Segment]:
    filled: list[Segment] = []
    for segment in segments:
        if segment[0] == "slot_term":
            term = lexicon_terms()[segment[1]]
            for _ in range(len(CLASSES)):
                cls = next(classes)
                surface = disguise(term, cls, rng)
                if surface is not None and check_term(surface, term.term, cls) is None:
                    break
            else:
                raise ValueError(f"no class applies to {term.term}")
            filled.append(("term", surface, term.term, cls))
        elif segment[0] == "slot_contact":
            filled.extend(contacts.make(segment[1]))
        else:
            filled.append(segment)
    return filled


def _cycle(start: int) -> Iterator[str]:
    index = start
    while True:
        yield DISGUISE_CLASSES[index % len(DISGUISE_CLASSES)]
        index += 1


def build() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    contacts = ContactMaker(random.Random(SEED + 1))
    rows: list[dict[str, Any]] = []

    def add(source: Source, segments: list[Segment], variant: str) -> None:
        row = render(segments)
        rows.append(
            {
                "id": "",
                "group": source.group,
                "source": source.group.split(":")[0],
                "variant": variant,
                "trade": source.trade,
                **row,
            }
        )

    for source in read_sources("core.txt"):
        segments = parse(source.marked)
        if any(s[0].startswith("slot") for s in segments):
            raise ValueError(f"core.txt:{source.line}: slots belong in templates.txt")
        if any(s[0] == "term" and s[3] == "?" for s in segments):
            raise ValueError(f"core.txt:{source.line}: a disguised term needs its class")
        add(source, segments, "hand")
    rotation = 0
    for source in read_sources("templates.txt"):
        segments = parse(source.marked)
        slots = [s for s in segments if s[0] == "slot_term"]
        if source.trade == "benign" or not slots:
            plain = iter(lambda: "plain", None)
            varies = any(s[0] == "slot_contact" for s in segments)
            for n in range(BENIGN_VARIANTS if varies else 1):
                add(source, _fill(segments, plain, contacts, rng), f"v{n}")
            continue
        add(source, _fill(segments, iter(lambda: "plain", None), contacts, rng), "plain")
        for n in range(VARIANTS_PER_TEMPLATE):
            add(source, _fill(segments, _cycle(rotation), contacts, rng), f"v{n}")
            rotation += len(slots) + 1
    seen: dict[str, int] = {}
    for row in rows:
        seen[row["text"]] = seen.get(row["text"], 0) + 1
    duplicates = [text for text, count in seen.items() if count > 1]
    if duplicates:
        raise ValueError(f"duplicate texts: {duplicates[:3]}")
    for index, row in enumerate(rows, 1):
        row["id"] = f"rec-{index:04d}"
    return rows


def split(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """By group, within strata of (source, trade, contact kinds): variants of one message stay
    together, and both sides get their share of each trade and contact kind."""
    rng = random.Random(SEED)
    strata: dict[tuple[str, ...], list[str]] = {}
    for row in rows:
        kinds = sorted({c["kind"] for c in row["contacts"]}) if row["source"] == "tpl" else []
        groups = strata.setdefault((row["source"], row["trade"], *kinds), [])
        if row["group"] not in groups:
            groups.append(row["group"])
    heldout: set[str] = set()
    carry = 0.0  # rounding carried across strata so the share holds overall
    for key in sorted(strata):
        groups = sorted(set(strata[key]) - heldout - _assigned(strata, key))
        rng.shuffle(groups)
        carry += len(groups) * HELDOUT_SHARE
        take = int(carry + 0.5)
        carry -= take
        heldout.update(groups[:take])
    dev = [dict(r, split="dev") for r in rows if r["group"] not in heldout]
    held = [dict(r, split="heldout") for r in rows if r["group"] in heldout]
    return dev, held


def _assigned(strata: dict[tuple[str, ...], list[str]], key: tuple[str, ...]) -> set[str]:
    """Groups already decided in an earlier stratum (a template whose variants differ in kinds)."""
    earlier: set[str] = set()
    for other in sorted(strata):
        if other == key:
            break
        earlier.update(strata[other])
    return earlier


def main() -> None:
    rows = build()
    problems = [f"{r['id']} {r['text'][:30]!r}: {p}" for r in rows for p in check_row(r)]
    dev, heldout = split(rows)
    problems += check_split(dev, heldout)
    if problems:
        print("\n".join(problems[:60]))
        raise SystemExit(f"{len(problems)} problems; nothing written")
    for name, part in (("dev", dev), ("heldout", heldout)):
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as handle:
            for row in part:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    for name, part in (("dev", dev), ("heldout", heldout)):
        classes = Counter(t["class"] for r in part for t in r["terms"])
        kinds = Counter(c["kind"] for r in part for c in r["contacts"])
        print(f"{name}: {len(part)} messages, {len({r['group'] for r in part})} groups")
        print("  terms:", dict(sorted(classes.items())))
        print("  contacts:", dict(sorted(kinds.items())))


if __name__ == "__main__":
    main()
