"""Slang and evasion detector: black-industry terms, however they are disguised.

How it works
------------
1. The text is put in canonical form (:mod:`graph.text.normalize`): width, style and case folded,
   traditional, variant and look-alike forms folded onto the characters they stand for (收 for
   収, 期 for 朞, 上 for よ), in-word separators and noise removed (征.信, 代?理, 网❤贷), with a
   map back to the original.
2. The canonical text is mapped to *sound space*, each Chinese character to its reading class, and
   one Aho–Corasick pass finds every spelling of every term: its characters or any same-sound
   ones, its pinyin, initials and digits, listed spellings (:mod:`graph.text.slang_index`, which
   also says how the index is built from character data and stored).
3. Each match is resolved against the real characters — the term's own, a same-sound one, a
   look-alike, or none (dropped) — and what may combine is decided
   (:func:`graph.text.slang_index.allowed`). Then it is checked against its neighbours before it
   counts — this is where precision comes from:

   * letters must not continue a longer run of letters or digits (``zx`` in ``zxcv``) nor sit
     inside a URL, an e-mail address, a domain, a handle or an id (jr773.com, zx020188, abc_zx1);
     digits not a number (``分7期`` is "seven instalments", not 分期);
   * a same-sound or look-alike spelling must not be an ordinary word (正心, from jieba's word list
     and the lexicon's ``ordinary_words`` / ``exclude``) nor be cut out of one (公正信用 holds 正信);
   * with no character of the term left (岱哩, dai李) every same-sound character must have the
     term's exact reading and no word may reach into the match; two common characters alone (尚安)
     need another hit or a contact in the text;
   * a plain term is dropped when it straddles two ordinary words (特征信息 holds 征信), and any
     match across removed sentence punctuation (催，收，) when a word crosses either edge;
   * bare initials fire only as the lexicon allows: ``standalone``; ``cjk`` — touching Chinese text
     or near another hit (an all-capital acronym such as ``WD`` needs another hit); ``context`` —
     only within :data:`CONTEXT_WINDOW` characters of another hit.

4. Overlapping matches are resolved longest first, then least disguised. A hit whose folded form
   may as well be another word (徵信 looks like 微信) gets :data:`AMBIGUOUS` confidence and names
   that word; next to an id or after 加 it is that contact channel, and no hit.

Disguise kinds
--------------
``disguise`` is ``None`` for the plain term, else the kinds found, joined by ``+`` in this fixed
order (see :data:`DISGUISE_ORDER`): ``pinyin`` (every character spelt in pinyin), ``initials``
(every character as its pinyin initial), ``homophone`` (same or near sound, e.g. 崔收, 分琪, 上犴),
``lookalike`` (similar shape: 减兔, よ岸, Cyrillic х), ``mixed`` (some characters replaced by
letters or digits: z信, 征xin, 分7, zheng鑫), ``listed`` (a spelling listed in the lexicon),
``traditional`` (徵信), ``variant`` (other variant forms: 催収, 分朞), ``fullwidth`` (ｚｘ),
``styled`` (mathematical, circled … letters and digits: 𝐳𝐱, 分❼), ``separator`` (征.信, 征 信)
and ``noise`` (代?理, 网❤贷). A string keeps the value usable as a single graph property;
:attr:`Hit.kinds` gives the tuple.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from graph.text import slang_index
from graph.text.lexicon import DEFAULT_PATH, Lexicon, load_lexicon
from graph.text.normalize import SEPARATORS, Canonical, canonicalize, is_cjk
from graph.text.slang_index import (
    DIG,
    INI,
    LETTER_UNITS,
    ORIG,
    PIN,
    SUBSTITUTE_UNITS,
)

DISGUISE_ORDER = (
    "pinyin",
    "initials",
    "homophone",
    "lookalike",
    "mixed",
    "listed",
    "traditional",
    "variant",
    "fullwidth",
    "styled",
    "separator",
    "noise",
)
CONTEXT_WINDOW = 16  # canonical characters between a context-only hit and its supporting hit
# Frequency (in jieba's word list) above which a word crossing a match edge means the match is
# really part of that word. Rare dictionary entries are noise; common words are not.
CROSSING_WORD_MIN_FREQUENCY = slang_index.CROSSING_WORD_MIN_FREQUENCY
# A same-sound spelling keeps some characters of the term; a word that a kept character forms with
# its neighbour only vetoes the match when it is very common (崔收到: 收到), not merely listed
# (正信报告: 信报 is a rare dictionary word). Tuned on the labelled set (于期满: 期满 276).
KEPT_EDGE_WORD_MIN_FREQUENCY = slang_index.COMMON_WORD_MIN_FREQUENCY
# Characters that may surround letters without making them part of a longer token (a URL, an
# e-mail address, a handle, an id): 查zx，zx？ and "zx/fq" stand alone; jr773.com, zx@qq.com,
# abc_zx1 and @zx do not.
_TOKEN_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@#/:%+~=&"
)
_LINK_MARKS = ("@", "://", "www.", "_")
_INITIALISM_LIST = re.compile(r"[a-z]{1,5}(?:/[a-z]{1,5})+")
# Signs that a text is an advert with a contact (a run of five digits or more, a handle with
# digits, a link): enough support for a two-character term whose every character is replaced by
# a common same-sound one (尚安, 仅容), which alone reads like a term by chance too often.
_CONTACT_CUE = re.compile(r"\d{5,}|[a-z][a-z_]*\d{2,}")  # in the canonical text
_LINK_CUE = re.compile(r"@|www|://|t\.me")  # in the original text
CONFIDENT, AMBIGUOUS = 1.0, 0.5
GATHER_FROM = 64  # characters from which the sound lookup is a numpy gather (Detector._sounds)
RESOLVED_CACHE_SIZE = 200_000  # remembered resolutions (spec, spelling) before starting afresh


@dataclass(frozen=True)
class Hit:
    """One term found in a text. ``start``/``end`` index the original text (``text[start:end]``
    is ``surface``). ``confidence`` is 1.0, or 0.5 when the surface may as well be another word
    (徵信 folded to 征信 looks like 微信): ``alternative`` names that word."""

    term: str
    category: str
    surface: str
    start: int
    end: int
    disguise: str | None
    confidence: float = CONFIDENT
    alternative: str | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.disguise.split("+")) if self.disguise else ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "category": self.category,
            "surface": self.surface,
            "start": self.start,
            "end": self.end,
            "disguise": self.disguise,
            "confidence": self.confidence,
            "alternative": self.alternative,
        }


class _Variant(NamedTuple):
    """One resolved match: the term, what stands at each of its positions, the disguise."""

    term_index: int
    units: tuple[tuple[int, int], ...]  # (unit kind, length in the canonical text) per position
    kind: str | None
    substitutions: int
    exact: bool  # every same-sound character has exactly the term's reading

    @classmethod
    def of(cls, term_index: int, units: tuple[tuple[int, int], ...], exact: bool) -> _Variant:
        substitutions = sum(kind != ORIG for kind, _ in units)
        return cls(term_index, units, slang_index.kind_of(units), substitutions, exact)


def _index_key(lexicon_file: Path = DEFAULT_PATH) -> str:
    """Changes whenever the lexicon, this code or the character data change."""
    from graph.text import confusables

    digest = hashlib.sha256(slang_index.INDEX_FORMAT.encode())
    here = Path(__file__).parent
    for name in ("lexicon.py", "slang.py", "slang_index.py", "confusables.py", "normalize.py"):
        digest.update((here / name).read_bytes())
    digest.update(lexicon_file.read_bytes())
    digest.update(repr(confusables.source_stamp()).encode())
    return digest.hexdigest()[:16]


def default_cache_file() -> Path:
    from graph.core.settings import load

    return load().state_folder("cache") / f"slang-{_index_key()}.json"


@dataclass
class _Candidate:
    variant: _Variant
    start: int  # canonical span
    end: int
    needs_context: bool
    weak: bool = False  # lower-case initials touching Chinese text: may support one another

    @property
    def rank(self) -> tuple[int, int, int]:
        return (-(self.end - self.start), self.variant.substitutions, self.start)


class Detector:
    """A lexicon's index and the checks on each match. Building the index takes several seconds
    (:mod:`graph.text.slang_index`); :func:`default_detector` keeps it in a private cache file,
    so later processes load it in a fraction of a second. Then call :meth:`scan` freely."""

    def __init__(self, lexicon: Lexicon | None = None, cache_file: Path | None = None) -> None:
        index = None
        key = _index_key() if lexicon is None else ""
        if cache_file is not None:
            index = slang_index.load(cache_file, key or "custom")
            if index is not None and lexicon is not None:
                same = slang_index.lexicon_digest(index.lexicon) == slang_index.lexicon_digest(
                    lexicon
                )
                index = index if same else None
        if index is None:
            index = slang_index.build(lexicon or load_lexicon())
            if cache_file is not None:
                slang_index.save(index, cache_file, key or "custom")
        self.index = index
        self.lexicon = index.lexicon
        self.terms = self.lexicon.terms
        self._fold = index.fold
        self._foldable = frozenset(chr(code) for code in index.fold.table)
        self._automaton = slang_index.automaton_of(index)
        self._sound = index.sound  # str.translate table: code point -> sound class
        self._pattern_texts = [text for text, _ in index.patterns]
        self._pattern_ids: dict[int, tuple[int, ...]] = {}
        self._gather: Any = None
        self._term_set = frozenset(t.term for t in self.terms)
        self._words = index.words
        self._common_words = index.common_words
        self.pattern_count = len(index.patterns)
        self._resolved: dict[tuple[int, str], _Variant | None] = {}

    # -- checks on one raw match -------------------------------------------------------------

    def _crossing_word(
        self,
        text: str,
        start: int,
        end: int,
        left: bool,
        min_frequency: int = CROSSING_WORD_MIN_FREQUENCY,
    ) -> bool:
        """Is there a word (of at least ``min_frequency``) that starts outside ``[start, end)``
        and ends inside it (``left``), or starts inside and ends outside (right)?"""
        words = self._common_words if min_frequency >= KEPT_EDGE_WORD_MIN_FREQUENCY else self._words
        if left:
            for a in range(max(0, start - 3), start):
                for b in range(start + 1, min(end, a + 4) + 1):
                    if text[a:b] in words:
                        return True
        else:
            for a in range(max(start, end - 3), end):
                for b in range(end + 1, min(len(text), a + 4) + 1):
                    if text[a:b] in words:
                        return True
        return False

    def _check(
        self, canon: Canonical, variant: _Variant, start: int, end: int
    ) -> _Candidate | None:
        text = canon.text
        if variant.kind is None:  # the plain term: the common case, checked first
            if canon.breaks and canon.crosses_break(start, end):
                if self._crossing_word(text, start, end, True) or self._crossing_word(
                    text, start, end, False
                ):
                    return None
            elif self._crossing_word(text, start, end, True) and self._crossing_word(
                text, start, end, False
            ):
                return None  # 特征信息 holds 征信
            return _Candidate(variant, start, end, False)
        term = self.terms[variant.term_index]
        units = variant.units
        first, last = units[0][0], units[-1][0]
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        # letters and digits must stand on their own
        if first in LETTER_UNITS and before.isascii() and before.isalnum():
            return None
        if last in LETTER_UNITS and after.isascii() and after.isalnum():
            return None
        if first == DIG and before.isdigit():
            return None
        if last == DIG and (after.isdigit() or after in self.lexicon.numeral_followers):
            return None
        if (first in (PIN, INI, DIG) or last in (PIN, INI, DIG)) and _inside_token(
            canon.original, *canon.to_original(start, end)
        ):
            return None  # part of a URL, an e-mail address, a handle or an id: jr773.com
        kind = variant.kind
        kinds = {k for k, _ in units}
        needs_context = False
        substituted = bool(kinds & set(SUBSTITUTE_UNITS))
        if substituted:
            surface = text[start:end]
            if surface in self.index.alike_words or surface in term.exclude:
                return None  # a same-sound or look-alike spelling that is an ordinary word: 正心
        if kind == "initials":
            mode = term.initials
            if mode == "context":
                needs_context = True
            elif mode == "cjk":
                upper = canon.original[slice(*canon.to_original(start, end))].isupper()
                needs_context = upper or not _touches_cjk(text, start, end)
        elif substituted and ORIG not in kinds:
            # No character of the term left (岱哩, dai李). Every same-sound character must have
            # exactly the term's reading, and no word may reach into the match from either side.
            # Two common characters alone read like a two-character term by chance too often
            # (呆立, 于其 in product reviews): they need another hit nearby, unless one of them
            # is rare (上犴) or letters or digits are part of the spelling (dai李).
            if not variant.exact:
                return None
            for left in (True, False):
                if self._crossing_word(text, start, end, left):
                    return None
            if len(units) == 2 and not kinds & {PIN, DIG}:
                common = self.index.common_chars
                needs_context = all(text[p] in common for p in range(start, end))
                needs_context = needs_context and not (
                    _CONTACT_CUE.search(text) or _LINK_CUE.search(canon.original)
                )
        elif substituted:
            for left, (edge_kind, _) in ((True, units[0]), (False, units[-1])):
                if edge_kind in SUBSTITUTE_UNITS:
                    threshold = CROSSING_WORD_MIN_FREQUENCY
                elif len(units) == 2:
                    threshold = KEPT_EDGE_WORD_MIN_FREQUENCY
                else:
                    continue  # three kept characters or more are evidence enough (另外债雾优化)
                if self._crossing_word(text, start, end, left, threshold):
                    return None
        elif kind is not None and kinds & set(LETTER_UNITS) and not kinds - {ORIG, INI}:
            # single initials next to characters (z信, 上a): an upper-case letter is more
            # likely an acronym or a model name (上A股), so it needs support from another hit
            letters = "".join(
                canon.original[slice(*canon.to_original(pos, pos + 1))]
                for pos in range(start, end)
                if text[pos].isascii()
            )
            needs_context = letters.isupper()
        if canon.breaks and canon.crosses_break(start, end):
            # across removed sentence punctuation (催，收，): no word may cross either edge
            if self._crossing_word(text, start, end, True) or self._crossing_word(
                text, start, end, False
            ):
                return None
        elif (
            kind is None
            and self._crossing_word(text, start, end, True)
            and self._crossing_word(text, start, end, False)
        ):
            return None
        weak = (
            needs_context
            and kind == "initials"
            and _touches_cjk(text, start, end)
            and canon.original[slice(*canon.to_original(start, end))].islower()
        )
        return _Candidate(variant, start, end, needs_context, weak)

    # -- scanning ----------------------------------------------------------------------------

    def canonical(self, text: str) -> Canonical:
        return canonicalize(text, self._fold, self._foldable)

    def candidates(self, canon: Canonical) -> list[_Candidate]:
        found = []
        text = canon.text
        texts = self._pattern_texts
        ids = self._pattern_ids
        seen: set[tuple[int, int, int]] = set()
        for last_index, pattern_id in self._automaton.iter(self._sounds(text)):
            spec_ids = ids.get(pattern_id)
            if spec_ids is None:
                spec_ids = ids[pattern_id] = self.index.patterns[pattern_id][1]
            start = last_index - len(texts[pattern_id]) + 1
            surface = text[start : last_index + 1]
            for spec_id in spec_ids:
                variant = self._resolve(spec_id, surface)
                if variant is None:
                    continue
                key = (variant.term_index, start, last_index)
                if key in seen:
                    continue
                candidate = self._check(canon, variant, start, last_index + 1)
                if candidate is not None:
                    seen.add(key)
                    found.append(candidate)
        return found

    def _sounds(self, text: str) -> str:
        """The sound-space twin of a canonical text (same length). ``str.translate`` costs about
        0.1 µs a character; from :data:`GATHER_FROM` characters on, one numpy gather over the
        UTF-32 code points is about twice as fast (numpy is imported on first need, so that
        ``leadgraph scan TEXT`` does not pay a tenth of a second for it)."""
        if len(text) < GATHER_FROM:
            return text.translate(self._sound)
        if self._gather is None:
            self._gather = _gather(self._sound)
        return str(self._gather(text))

    def _resolve(self, spec_id: int, surface: str) -> _Variant | None:
        """:func:`slang_index.resolve`, remembered: the same spellings recur across texts."""
        key = (spec_id, surface)
        try:
            return self._resolved[key]
        except KeyError:
            pass
        found = slang_index.resolve(self.index, spec_id, surface, 0)
        variant = _Variant.of(*found) if found else None
        if len(self._resolved) > RESOLVED_CACHE_SIZE:
            self._resolved.clear()
        self._resolved[key] = variant
        return variant

    def scan(self, text: str) -> list[Hit]:
        """Every lexicon term in ``text``, in text order, with spans in ``text``."""
        if not text:
            return []
        canon = self.canonical(text)
        found = self.candidates(canon)
        if not found:
            return []
        accepted: list[_Candidate] = []
        taken: set[int] = set()

        def place(candidate: _Candidate) -> bool:
            span = range(candidate.start, candidate.end)
            if any(p in taken for p in span):
                return False
            taken.update(span)
            accepted.append(candidate)
            return True

        for candidate in sorted((c for c in found if not c.needs_context), key=lambda c: c.rank):
            place(candidate)
        pending = sorted((c for c in found if c.needs_context), key=lambda c: c.rank)
        if pending and not accepted:
            # Two lower-case initialisms touching Chinese text support each other (被cs了…要qs我);
            # the first one is let in so that the loop below can accept the rest near it.
            weak = [c for c in pending if c.weak]
            for i, candidate in enumerate(weak):
                if any(_near(candidate, other) for other in weak[:i] + weak[i + 1 :]):
                    pending.remove(candidate)
                    place(candidate)
                    break
        progress = True
        while pending and progress and accepted:
            progress = False
            for candidate in list(pending):
                if any(_near(candidate, other) for other in accepted):
                    pending.remove(candidate)
                    progress = place(candidate) or progress
        accepted.sort(key=lambda c: c.start)
        return [hit for c in accepted if (hit := self._hit(canon, c)) is not None]

    def _hit(self, canon: Canonical, candidate: _Candidate) -> Hit | None:
        term = self.terms[candidate.variant.term_index]
        start, end = canon.to_original(candidate.start, candidate.end)
        surface = canon.original[start:end]
        canonical = canon.text[candidate.start : candidate.end]
        if candidate.variant.kind is None and surface == canonical:  # the common, plain case
            return Hit(term.term, term.category, surface, start, end, None)
        kinds = set(candidate.variant.kind.split("+")) if candidate.variant.kind else set()
        confidence, alternative = CONFIDENT, None
        if surface != canonical:  # something was folded or removed
            fold_kind = self._fold.kind
            for char in surface:
                folded_kind = fold_kind.get(ord(char))
                if folded_kind is not None:
                    kinds.add(folded_kind)
            if _has_separator(surface, self._fold.table):
                kinds.add("separator")
            if _has_noise(surface, canonical, self._fold.table):
                kinds.add("noise")
            alternative = self._ambiguous(surface, canonical)
            if alternative is not None:
                confidence = AMBIGUOUS
                if _names_a_contact(canon.original, start, end):
                    return None  # 加徵信：zx_laoshi01 is 微信 and a WeChat id
        elif " " in canonical and _has_separator(surface, self._fold.table):
            kinds.add("separator")
        disguise = "+".join(k for k in DISGUISE_ORDER if k in kinds) or None
        return Hit(term.term, term.category, surface, start, end, disguise, confidence, alternative)

    def _ambiguous(self, surface: str, canonical: str) -> str | None:
        """A common word (or another term) that the surface reads as when a folded form is taken
        for its look-alike instead (徵信 → 微信), else None."""
        ambiguous = self.index.ambiguous
        kept = [c for c in surface if c not in SEPARATORS]
        if len(kept) != len(canonical):
            return None
        terms = self._term_set
        for i, char in enumerate(kept):
            for other in ambiguous.get(char, ""):
                word = canonical[:i] + other + canonical[i + 1 :]
                if word in self._words or word in self.lexicon.ordinary_words or word in terms:
                    return word
        return None


def _gather(table: dict[int, int]) -> Any:
    """A numpy lookup array over the code points below the sound table's size."""
    import numpy as np

    size = slang_index.TABLE_SIZE
    lut = np.arange(size, dtype=np.uint32)
    lut[np.fromiter(table, np.uint32, len(table))] = np.fromiter(
        table.values(), np.uint32, len(table)
    )

    def sounds(text: str) -> str:
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if int(codes.max()) >= size:
            codes = np.where(codes < size, lut[np.minimum(codes, size - 1)], codes)
        else:
            codes = lut[codes]
        return str(codes.tobytes().decode("utf-32-le", "surrogatepass"))

    return sounds


def _names_a_contact(original: str, start: int, end: int) -> bool:
    """Is ``original[start:end]`` followed by an id (徵信：abc123, 徵信 lily0823), or is 加 (add)
    just before it (加我徵信)? Then an ambiguous surface is the contact channel it looks like."""
    rest = original[end : end + 16].lstrip(" :：")
    if re.match(r"[A-Za-z0-9_\-]{4,}", rest):
        return True
    return any(mark in original[max(0, start - 2) : start] for mark in ("加", "+", "➕"))


def _inside_token(original: str, start: int, end: int) -> bool:
    """Are the letters at ``original[start:end]`` part of a longer token — a URL, an e-mail
    address, a domain, a handle, an alphanumeric id? (jr773.com, zx020188, abc_zx1, @zx_fq)"""
    left = start
    if original[start].isascii() and original[start].isalnum():  # letters or digits at the left
        while left > 0 and original[left - 1] in _TOKEN_CHARS:
            left -= 1
    right = end
    if original[end - 1].isascii() and original[end - 1].isalnum():  # … and at the right edge
        while right < len(original) and original[right] in _TOKEN_CHARS:
            right += 1
    token = original[left:right]
    if token == original[start:end]:
        return False
    outer_before = original[left:start]
    outer_after = original[end:right]
    if (outer_before and outer_before[-1].isalnum()) or (outer_after and outer_after[0].isalnum()):
        return True  # letters or digits run on: zx020188, abc.zx
    if _INITIALISM_LIST.fullmatch(token.strip(".-~:").lower()):
        return False  # a list of initialisms: zx/fq
    if any(c.isalnum() for c in outer_before + outer_after):
        return True  # joined to more letters or digits: fq-8360, sa_8760
    if any(mark in token for mark in _LINK_MARKS):
        return True
    # a dot followed by letters is a domain (wq9.pw, jr.vip); a trailing full stop is not
    stripped = token.rstrip(".-_~:/")
    return any(
        stripped[i] == "." and i + 1 < len(stripped) and stripped[i + 1].isalpha()
        for i in range(len(stripped))
    )


def _near(a: _Candidate, b: _Candidate) -> bool:
    return a.start - CONTEXT_WINDOW <= b.end and b.start <= a.end + CONTEXT_WINDOW


def _touches_cjk(text: str, start: int, end: int) -> bool:
    """Is the nearest character on either side, skipping at most one punctuation mark, Chinese?
    (查zx记录, zx？找我们)"""
    for step, position in ((-1, start - 1), (1, end)):
        for offset in range(2):
            index = position + step * offset
            if not 0 <= index < len(text):
                break
            char = text[index]
            if is_cjk(char):
                return True
            if char.isalnum() or char == " ":
                break
    return False


def _has_separator(surface: str, table: dict[int, str]) -> bool:
    """Separators inside the surface, not counting single spaces between pinyin syllables."""
    folded = surface.translate(table)
    for i, char in enumerate(folded):
        if char in SEPARATORS:
            natural_space = (
                char == " "
                and 0 < i < len(folded) - 1
                and folded[i - 1].isascii()
                and folded[i - 1].isalpha()
                and folded[i + 1].isascii()
                and folded[i + 1].isalpha()
                and folded[i - 1 : i + 2].count(" ") == 1
            )
            if not natural_space:
                return True
    return False


def _has_noise(surface: str, canonical: str, table: dict[int, str]) -> bool:
    """Characters other than separators removed from inside the surface (代?理, 网❤贷)."""
    folded = surface.translate(table)
    kept = [c for c in folded if c not in SEPARATORS]
    return len(kept) > len(canonical.replace(" ", ""))


@lru_cache(maxsize=1)
def default_detector() -> Detector:
    """The detector for the packaged lexicon, built on first use and kept for the process."""
    return Detector(cache_file=default_cache_file())


def scan(text: str) -> list[Hit]:
    """Scan one text with the default detector."""
    return default_detector().scan(text)


def scan_many(texts: Iterable[str]) -> Iterator[list[Hit]]:
    detector = default_detector()
    for text in texts:
        yield detector.scan(text)


def lexicon_version() -> str:
    """Version of the packaged lexicon; store it next to scan results."""
    return load_lexicon().version


def summarize(hits: Iterable[Hit], suppressed: Collection[int] = ()) -> dict[str, Any]:
    """Compact per-text summary for ingest: distinct canonical terms and categories in order of
    first appearance, and how many hits were disguised — not counting the ``suppressed`` ones
    (indices into ``hits``: see :func:`graph.text.context.suppressed`), which keep their terms."""
    terms: dict[str, None] = {}
    categories: dict[str, None] = {}
    disguised = 0
    for index, hit in enumerate(hits):
        terms.setdefault(hit.term)
        categories.setdefault(hit.category)
        disguised += hit.disguise is not None and index not in suppressed
    return {
        "slang_terms": list(terms),
        "slang_categories": list(categories),
        "disguise_count": disguised,
    }


__all__ = [
    "DISGUISE_ORDER",
    "Detector",
    "Hit",
    "default_detector",
    "lexicon_version",
    "scan",
    "scan_many",
    "summarize",
]
