"""Slang and evasion detector: black-industry terms, however they are disguised.

How it works
------------
1. The text is put in canonical form (:mod:`graph.text.normalize`): width, style and case folded,
   traditional characters simplified, in-word separators removed, with a map back to the original.
2. For every lexicon term a set of variant spellings is generated once, each position of the term
   being the character itself, its pinyin syllable, its pinyin initial, a digit read as that
   syllable, a same-sound character or a look-alike character (see :func:`_variants` for what may
   combine). All variants go into Aho–Corasick automata (pyahocorasick, see :func:`_compile`), so
   a text is scanned in one pass forward and one backward whatever the number of variants.
3. Each raw match is checked against its neighbours before it counts — this is where precision
   comes from:

   * letters must not continue a longer run of letters (``zx`` in ``zxcv``), digits not a number
     (``分7期`` is "seven instalments", not 分期);
   * a same-sound or look-alike spelling must not be an ordinary word (正心, from jieba's word list
     and the lexicon's ``ordinary_words`` / ``exclude``) nor be cut out of one (公正信用 holds 正信);
   * a plain term is dropped when it straddles two ordinary words (特征信息 holds 征信);
   * bare initials fire only as the lexicon allows: ``standalone``; ``cjk`` — touching Chinese text
     or near another hit (an all-capital acronym such as ``WD`` needs another hit); ``context`` —
     only within :data:`CONTEXT_WINDOW` characters of another hit.

4. Overlapping matches are resolved longest first, then least disguised.

Disguise kinds
--------------
``disguise`` is ``None`` for the plain term, else the kinds found, joined by ``+`` in this fixed
order (see :data:`DISGUISE_ORDER`): ``pinyin`` (every character spelt in pinyin), ``initials``
(every character as its pinyin initial), ``homophone`` (same or near sound, e.g. 崔收, 分琪),
``lookalike`` (similar shape, 减兔), ``mixed`` (some characters replaced by letters or digits:
z信, 征xin, 分7), ``listed`` (a spelling listed in the lexicon), ``traditional`` (徵信),
``fullwidth`` (ｚｘ), ``styled`` (mathematical, circled … letters: 𝐳𝐱) and ``separator``
(征.信, 征 信). A string keeps the value usable as a single graph property; :attr:`Hit.kinds`
gives the tuple.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick

from graph.core.errors import UserError
from graph.core.private import write_private
from graph.text import confusables
from graph.text.lexicon import Lexicon, Term, load_lexicon
from graph.text.normalize import (
    SEPARATORS,
    Canonical,
    canonicalize,
    fold_tables,
    is_cjk,
)

DISGUISE_ORDER = (
    "pinyin",
    "initials",
    "homophone",
    "lookalike",
    "mixed",
    "listed",
    "traditional",
    "fullwidth",
    "styled",
    "separator",
)
CACHE_FORMAT = "slang-cache-3"  # bump when the pickled structure changes
CONTEXT_WINDOW = 16  # canonical characters between a context-only hit and its supporting hit
# Frequency (in jieba's word list) above which a word crossing a match edge means the match is
# really part of that word. Rare dictionary entries are noise; common words are not.
CROSSING_WORD_MIN_FREQUENCY = 30
# A same-sound spelling keeps some characters of the term; a word that a kept character forms with
# its neighbour only vetoes the match when it is very common (崔收到: 收到), not merely listed
# (正信报告: 信报 is a rare dictionary word). Tuned on the labelled set (于期满: 期满 276).
KEPT_EDGE_WORD_MIN_FREQUENCY = 200

# Unit kinds: what stands at one position of a term in a variant.
ORIG, PINYIN, INITIAL, DIGIT, HOMO, LOOK = range(6)
_LETTERS = (PINYIN, INITIAL)
_SUBSTITUTES = (HOMO, LOOK)


@dataclass(frozen=True)
class Hit:
    """One term found in a text. ``start``/``end`` index the original text (``text[start:end]``
    is ``surface``)."""

    term: str
    category: str
    surface: str
    start: int
    end: int
    disguise: str | None

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
        }


def _kind_of(units: tuple[tuple[int, int], ...], listed: bool) -> str | None:
    kinds = {kind for kind, _ in units}
    if listed:
        return "listed"
    if kinds == {ORIG}:
        return None
    if kinds == {PINYIN}:
        return "pinyin"
    if kinds == {INITIAL}:
        return "initials"
    names = []
    if HOMO in kinds:
        names.append("homophone")
    if LOOK in kinds:
        names.append("lookalike")
    if kinds & {PINYIN, INITIAL, DIGIT}:
        names.append("mixed")
    return "+".join(names)


class _Variant(NamedTuple):
    """One spelling of a term: its canonical pattern and what stands at each term position.

    A named tuple, not a dataclass: the compiled cache holds ~150,000 of them, and un-pickling
    tuples takes half the time (a second of every process that scans)."""

    term_index: int
    pattern: str
    units: tuple[tuple[int, int], ...]  # (unit kind, length in the pattern) per term position
    kind: str | None  # pattern-level disguise (see _kind_of)
    substitutions: int

    @classmethod
    def of(
        cls, index: int, pattern: str, units: tuple[tuple[int, int], ...], listed: bool = False
    ) -> _Variant:
        substitutions = sum(kind != ORIG for kind, _ in units) + listed
        return cls(index, pattern, units, _kind_of(units, listed), substitutions)

    @property
    def has_substitute(self) -> bool:
        return any(kind in _SUBSTITUTES for kind, _ in self.units)


def _variants(term: Term, index: int, lexicon: Lexicon) -> Iterator[_Variant]:
    """Every spelling of ``term`` to look for.

    What may combine (kept small on purpose — each extra freedom costs precision):

    * all pinyin (``zhengxin``, ``zheng xin``) or all initials (``zx``);
    * any mix of the characters themselves with pinyin, initials or digits, keeping at least one
      character and spelling all letters one way (``z信``, ``征xin``, ``分7``, ``zx修复``);
    * one same-sound or look-alike character plus at most one letter or digit elsewhere, keeping
      at least one character (崔收, 崔shou is not kept: no character left);
    * for terms of four or more characters, two same-sound or look-alike characters.
    """
    syllables = term.pinyin
    digits_for = {
        s: [d for d, readings in lexicon.digit_readings.items() if s in readings] for s in syllables
    }
    size = len(term.term)

    def make(units: list[tuple[int, str]]) -> _Variant:
        return _Variant.of(
            index,
            "".join(text for _, text in units),
            tuple((kind, len(text)) for kind, text in units),
        )

    yield make([(ORIG, c) for c in term.term])
    yield make([(PINYIN, s) for s in syllables])
    spaced = " ".join(syllables)
    yield _Variant.of(
        index, spaced, tuple((PINYIN, len(s) + (i < size - 1)) for i, s in enumerate(syllables))
    )
    if term.initials != "off":
        yield make([(INITIAL, s[0]) for s in syllables])
    # characters mixed with letters or digits
    plain_options: list[list[tuple[int, str]]] = []
    for char, syllable in zip(term.term, syllables, strict=True):
        options = [(ORIG, char), (PINYIN, syllable), (INITIAL, syllable[0])]
        options += [(DIGIT, d) for d in digits_for[syllable]]
        plain_options.append(options)
    for combo in itertools.product(*plain_options):
        kinds = {kind for kind, _ in combo}
        if ORIG in kinds and len(kinds) > 1 and not (PINYIN in kinds and INITIAL in kinds):
            yield make(list(combo))
    for listed in term.variants:
        pattern = listed.translate(fold_tables().table).lower()
        yield _Variant.of(index, pattern, ((ORIG, len(pattern)),), listed=True)
    if not term.homophones:
        return
    substitutes: list[list[tuple[int, str]]] = []
    for char, syllable in zip(term.term, syllables, strict=True):
        same_sound = confusables.homophones(char, syllable)
        look = confusables.lookalikes(char) - same_sound
        substitutes.append(
            [(HOMO, c) for c in sorted(same_sound)] + [(LOOK, c) for c in sorted(look)]
        )
    for position in range(size):
        for substitute in substitutes[position]:
            base = [(ORIG, c) for c in term.term]
            base[position] = substitute
            yield make(base)
            for other in range(size):
                if other == position:
                    continue
                for option in plain_options[other][1:]:
                    mixed = list(base)
                    mixed[other] = option
                    if any(kind == ORIG for kind, _ in mixed):
                        yield make(mixed)
    if size >= 4:
        for first, second in itertools.combinations(range(size), 2):
            for a, b in itertools.product(substitutes[first], substitutes[second]):
                units = [(ORIG, c) for c in term.term]
                units[first], units[second] = a, b
                yield make(units)


_Compiled = tuple[Any, Any, dict[str, int], int]


def _compile(lexicon: Lexicon) -> _Compiled:
    """Generate every variant, drop those that are ordinary words, build the automata.

    pyahocorasick finds a node's child by a linear search, so a root with a thousand children
    (every same-sound character that can start a variant) costs about a microsecond a character.
    Patterns are therefore split: those that start with an *anchor* — a character of some term,
    an ASCII letter or digit — go forward into one automaton; those that start with a substitute
    but end with an anchor go, reversed, into a second automaton run over the reversed text.
    Both roots then have about a hundred children. Every generated variant keeps at least one
    character of its term, so only two-substitute spellings of long terms that are substituted
    at both ends (债雾优花) are dropped; they are counted in ``pattern_count`` as not kept.
    """
    all_words = confusables.word_frequencies()
    table: dict[str, dict[tuple[int, str | None], _Variant]] = {}
    for index, term in enumerate(lexicon.terms):
        for variant in _variants(term, index, lexicon):
            pattern = variant.pattern
            if len(pattern) < 2:
                continue
            if variant.has_substitute and (
                pattern in all_words or pattern in lexicon.ordinary_words or pattern in term.exclude
            ):
                continue  # a same-sound spelling that is an ordinary word: 正心, 预期
            slot = table.setdefault(pattern, {})
            key = (index, variant.kind)
            if key not in slot or variant.substitutions < slot[key].substitutions:
                slot[key] = variant
    anchors = {char for term in lexicon.terms for char in term.term}
    anchors |= set("abcdefghijklmnopqrstuvwxyz0123456789")
    anchors |= {
        v.pattern[0] for slot in table.values() for v in slot.values() if v.kind == "listed"
    }
    forward = ahocorasick.Automaton()
    backward = ahocorasick.Automaton()
    kept = 0
    for pattern, variants in table.items():
        value = (len(pattern), tuple(variants.values()))
        if pattern[0] in anchors:
            forward.add_word(pattern, value)
        elif pattern[-1] in anchors:
            backward.add_word(pattern[::-1], value)
        else:
            continue
        kept += 1
    forward.make_automaton()
    backward.make_automaton()
    crossing_words = {
        word: frequency
        for word, frequency in all_words.items()
        if len(word) <= 4 and frequency >= CROSSING_WORD_MIN_FREQUENCY
    }
    return forward, backward, crossing_words, kept


def _cache_key() -> str:
    """Changes whenever the lexicon, this code or the sources of the confusion sets change."""
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    here = Path(__file__).parent
    for name in ("lexicon.yaml", "lexicon.py", "slang.py", "confusables.py", "normalize.py"):
        digest.update((here / name).read_bytes())
    digest.update(repr(confusables.source_stamp()).encode())
    return digest.hexdigest()[:16]


def default_cache_file() -> Path:
    from graph.core.settings import load

    return load().state_folder("cache") / f"slang-{_cache_key()}.pickle"


def _private(path: Path) -> bool:
    """The cache file and its folders up to the state folder's parent are this user's and
    writable by no one else. A pickle runs code when loaded: one another local user could have
    written is never read."""
    uid = os.getuid()
    for place in (path, path.parent, path.parent.parent):
        try:
            info = place.stat()
        except OSError:
            return False
        if info.st_uid != uid or info.st_mode & 0o022:
            return False
    return True


def _load_cache(path: Path) -> _Compiled | None:
    if not _private(path):
        return None  # rebuilt (a slower start), and written again privately
    try:
        with path.open("rb") as handle:
            compiled = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None
    return compiled if isinstance(compiled, tuple) and len(compiled) == 4 else None


def _save_cache(path: Path, compiled: _Compiled) -> None:
    """Write atomically; a cache that cannot be written is only a slower start."""
    try:
        write_private(path, pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL))
        for stale in path.parent.glob("slang-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except (OSError, UserError):
        pass


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
    """A compiled lexicon. Compiling takes several seconds (variants of every term, the word list,
    the automaton); :func:`default_detector` keeps the compiled form in a cache file, so later
    processes load it in about a second. Then call :meth:`scan` freely."""

    def __init__(self, lexicon: Lexicon | None = None, cache_file: Path | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        self.terms = self.lexicon.terms
        compiled = _load_cache(cache_file) if cache_file else None
        if compiled is None:
            compiled = _compile(self.lexicon)
            if cache_file:
                _save_cache(cache_file, compiled)
        self._forward, self._backward, self._words, self.pattern_count = compiled

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
        words = self._words
        if left:
            for a in range(max(0, start - 3), start):
                for b in range(start + 1, min(end, a + 4) + 1):
                    if words.get(text[a:b], 0) >= min_frequency:
                        return True
        else:
            for a in range(max(start, end - 3), end):
                for b in range(end + 1, min(len(text), a + 4) + 1):
                    if words.get(text[a:b], 0) >= min_frequency:
                        return True
        return False

    def _check(
        self, canon: Canonical, variant: _Variant, start: int, end: int
    ) -> _Candidate | None:
        text = canon.text
        term = self.terms[variant.term_index]
        units = variant.units
        first, last = units[0][0], units[-1][0]
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        # letters and digits must stand on their own
        if first in _LETTERS and before.isascii() and before.isalpha():
            return None
        if last in _LETTERS and after.isascii() and after.isalpha():
            return None
        if first == DIGIT and before.isdigit():
            return None
        if last == DIGIT and (after.isdigit() or after in self.lexicon.numeral_followers):
            return None
        kind = variant.kind
        needs_context = False
        if kind == "initials":
            mode = term.initials
            if mode == "context":
                needs_context = True
            elif mode == "cjk":
                upper = canon.original[slice(*canon.to_original(start, end))].isupper()
                needs_context = upper or not _touches_cjk(text, start, end)
        elif kind is not None and kind != "listed":
            kinds = {k for k, _ in units}
            if kinds & set(_SUBSTITUTES):
                for left, (edge_kind, _) in ((True, units[0]), (False, units[-1])):
                    if edge_kind in _SUBSTITUTES:
                        threshold = CROSSING_WORD_MIN_FREQUENCY
                    elif len(units) == 2:
                        threshold = KEPT_EDGE_WORD_MIN_FREQUENCY
                    else:
                        continue  # three kept characters or more are evidence enough (另外债雾优化)
                    if self._crossing_word(text, start, end, left, threshold):
                        return None
            elif kinds & set(_LETTERS) and not kinds - {ORIG, INITIAL}:
                # single initials next to characters (z信, 上a): an upper-case letter is more
                # likely an acronym or a model name (上A股), so it needs support from another hit
                letters = "".join(
                    canon.original[slice(*canon.to_original(pos, pos + 1))]
                    for pos in range(start, end)
                    if text[pos].isascii()
                )
                needs_context = letters.isupper()
        if (
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

    def candidates(self, canon: Canonical) -> list[_Candidate]:
        found = []
        text = canon.text
        for last_index, (length, variants) in self._forward.iter(text):
            start = last_index - length + 1
            for variant in variants:
                candidate = self._check(canon, variant, start, last_index + 1)
                if candidate is not None:
                    found.append(candidate)
        if len(self._backward):
            size = len(text)
            for last_index, (length, variants) in self._backward.iter(text[::-1]):
                start = size - 1 - last_index
                for variant in variants:
                    candidate = self._check(canon, variant, start, start + length)
                    if candidate is not None:
                        found.append(candidate)
        return found

    def scan(self, text: str) -> list[Hit]:
        """Every lexicon term in ``text``, in text order, with spans in ``text``."""
        if not text:
            return []
        canon = canonicalize(text)
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
        return [self._hit(canon, c) for c in accepted]

    def _hit(self, canon: Canonical, candidate: _Candidate) -> Hit:
        term = self.terms[candidate.variant.term_index]
        start, end = canon.to_original(candidate.start, candidate.end)
        surface = canon.original[start:end]
        canonical = canon.text[candidate.start : candidate.end]
        if candidate.variant.kind is None and surface == canonical:  # the common, plain case
            return Hit(term.term, term.category, surface, start, end, None)
        kinds = set(candidate.variant.kind.split("+")) if candidate.variant.kind else set()
        if surface != canonical:  # something was folded or removed
            fold_kind = fold_tables().kind
            for char in surface:
                folded_kind = fold_kind.get(ord(char))
                if folded_kind is not None:
                    kinds.add(folded_kind)
            if _has_separator(surface):
                kinds.add("separator")
        elif " " in canonical and _has_separator(surface):
            kinds.add("separator")
        disguise = "+".join(k for k in DISGUISE_ORDER if k in kinds) or None
        return Hit(term.term, term.category, surface, start, end, disguise)


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


def _has_separator(surface: str) -> bool:
    """Separators inside the surface, not counting single spaces between pinyin syllables."""
    folded = surface.translate(fold_tables().table)
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


def summarize(hits: Iterable[Hit]) -> dict[str, Any]:
    """Compact per-text summary for ingest: distinct canonical terms and categories in order of
    first appearance, and how many hits were disguised."""
    terms: dict[str, None] = {}
    categories: dict[str, None] = {}
    disguised = 0
    for hit in hits:
        terms.setdefault(hit.term)
        categories.setdefault(hit.category)
        disguised += hit.disguise is not None
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
