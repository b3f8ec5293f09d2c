"""The slang scanner's index: every term's spellings in *sound space*, built from character data.

Why sound space
---------------
A disguise may replace any character of a term by any character of the same reading — common or
rare (上犴 for 上岸), one or all of them (岱哩 for 代理). Listing those spellings character by
character does not scale (dai × li alone are thousands of pairs). Instead every Chinese character
of a text is mapped, with one table lookup, to its *sound class*: a private-use character standing
for its most common toneless reading, retroflex and flat initials merged (zh ~ z, ch ~ c, sh ~ s).
A term then has a handful of patterns in that space — its classes mixed with its pinyin, initials
and digits — and one Aho–Corasick pass finds every candidate. Each candidate is resolved against
the real characters (:func:`resolve`): the term's own character, a same-sound one, a look-alike, or
none of those (rejected). What may combine is decided there, and the detector's checks decide the
rest (:mod:`graph.text.slang`).

What the index holds (built once, from :mod:`graph.text.confusables`):

* the folding table: width, style, case, traditional forms, plus the scanner's own folds of rare
  variant and look-alike forms onto the term characters they imitate (収 → 收, 朞 → 期, よ → 上);
* the sound table (every character pypinyin reads, about 41,000);
* the patterns and, for each term position, what may stand there (:class:`Rule`);
* word lists from jieba's dictionary: words of frequency ≥ 30 and ≥ 200 (for the word-boundary
  checks) and the ordinary words that a pattern would take for a disguise (正心, 分歧, 见面);
* for the forms that fold onto a term character, the common characters they could also be read
  as (徵 → 微), to flag an ambiguous hit.

Stored as one JSON file (no pickle: loading it runs no code) in a private cache folder, and loaded
in about a tenth of a second; building it takes several seconds.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from graph.core.errors import UserError
from graph.core.private import write_private
from graph.text.lexicon import Lexicon, Term
from graph.text.normalize import FoldTables, fold, fold_tables, is_cjk

INDEX_FORMAT = "slang-index-1"  # bump when the stored structure changes
CLASS_BASE = 0xE000  # sound classes: private-use characters from U+E000 (about 420 of them)
TABLE_SIZE = 0x32000  # code points the sound table covers (through CJK extension H)
CROSSING_WORD_MIN_FREQUENCY = 30
COMMON_WORD_MIN_FREQUENCY = 200

# Token kinds of a pattern: what one term position is written as.
CLASS, PINYIN, INITIAL, DIGIT, LISTED = range(5)
# Unit kinds of a resolved match, per term position.
ORIG, PIN, INI, DIG, HOMO, LOOK, LIST = range(7)
LETTER_UNITS = (PIN, INI)
SUBSTITUTE_UNITS = (HOMO, LOOK)


@dataclass(frozen=True)
class Rule:
    """What may stand at one term position when the text shows one sound class there."""

    char: str  # the term's character (always accepted)
    sound: bool  # any character of the class is a same-sound substitute
    homophones: str  # further same-sound characters (read so by a less common reading)
    lookalikes: str  # look-alike characters
    fuzzy: str = ""  # characters of the class whose reading differs in the initial (书 for 诉)


@dataclass
class Index:
    lexicon: Lexicon
    fold: FoldTables
    sound: dict[int, int]  # code point -> sound class code point
    rules: list[Rule]
    specs: list[tuple[int, tuple[tuple[int, int, Any], ...]]]  # (term, ((kind, length, ref), …))
    patterns: Sequence[tuple[str, tuple[int, ...]]]  # (pattern, spec ids) by pattern id
    words: frozenset[str]  # frequency >= CROSSING_WORD_MIN_FREQUENCY, two to four characters
    common_words: frozenset[str]  # frequency >= COMMON_WORD_MIN_FREQUENCY
    alike_words: frozenset[str]  # dictionary words a pattern would take for a disguise
    ambiguous: dict[str, str]  # a form folded onto a term character -> other common readings
    common_chars: frozenset[str] = frozenset()  # the common-character inventory


# -- resolving a match ---------------------------------------------------------------------------


def resolve(
    index: Index, spec_id: int, text: str, start: int
) -> tuple[int, tuple[tuple[int, int], ...], bool] | None:
    """The units of a sound-space match at ``start`` of the folded canonical ``text``, and whether
    every same-sound character there has exactly the term's reading (not a fuzzy initial, not a
    less common reading); None when a character there is neither the term's, nor a same-sound
    one, nor a look-alike, or when the combination is not allowed (:func:`allowed`)."""
    term_index, tokens = index.specs[spec_id]
    units = []
    exact = True
    position = start
    for kind, length, ref in tokens:
        if kind == CLASS:
            char = text[position]
            rule = index.rules[ref]
            if char == rule.char:
                unit = ORIG
            elif (rule.sound and is_cjk(char)) or char in rule.homophones:
                unit = HOMO
                exact = exact and rule.sound and char not in rule.fuzzy
                exact = exact and char not in rule.homophones
            elif char in rule.lookalikes:
                unit = LOOK
                exact = False
            else:
                return None
        elif kind == LISTED:
            if text[position : position + length] != ref:
                return None
            unit = LIST
        else:
            unit = (PIN, INI, DIG)[kind - PINYIN]
        units.append((unit, length))
        position += length
    resolved = tuple(units)
    size = len(index.lexicon.terms[term_index].term)
    return (term_index, resolved, exact) if allowed(resolved, size) else None


def allowed(units: tuple[tuple[int, int], ...], size: int) -> bool:
    """What may combine (each freedom costs precision, so few are given):

    * the plain term; all pinyin; all initials; a listed spelling;
    * the term's characters mixed with pinyin, initials or digits, spelling all letters one way
      (z信, 征xin, 分7, zx修复);
    * same-sound characters anywhere, with at most one letter or digit, keeping a character of
      the term (崔收, 协伤还款);
    * look-alikes: one (two in terms of four characters or more), keeping a character;
    * no character of the term left: every character same-sound (岱哩 for 代理), or same-sound
      characters with pinyin or digits but no initials (dai李, zheng鑫, 芬7).
    """
    kinds = [kind for kind, _ in units]
    if kinds[0] == LIST:
        return True
    letters = sum(kind in (PIN, INI, DIG) for kind in kinds)
    if PIN in kinds and INI in kinds:
        return False
    if letters == size:
        return DIG not in kinds and len(set(kinds)) == 1
    original = kinds.count(ORIG)
    looks = kinds.count(LOOK)
    substitutes = kinds.count(HOMO) + looks
    if not substitutes:
        return original >= 1
    if looks > (2 if size >= 4 else 1):
        return False
    if original:
        return letters <= 1
    return looks == 0 and INI not in kinds


def kind_of(units: tuple[tuple[int, int], ...]) -> str | None:
    """The pattern-level disguise of resolved units (see :mod:`graph.text.slang`)."""
    kinds = {kind for kind, _ in units}
    if LIST in kinds:
        return "listed"
    if kinds == {ORIG}:
        return None
    if kinds == {PIN}:
        return "pinyin"
    if kinds == {INI}:
        return "initials"
    names = []
    if HOMO in kinds:
        names.append("homophone")
    if LOOK in kinds:
        names.append("lookalike")
    if kinds & {PIN, INI, DIG}:
        names.append("mixed")
    return "+".join(names)


# -- building ------------------------------------------------------------------------------------


def _scanner_folds(lexicon: Lexicon) -> FoldTables:
    """The shared folding table plus the scanner's own: rare variant and look-alike forms of the
    term characters, other scripts' look-alikes (Unicode's confusables) and the lexicon's pairs."""
    from graph.text import confusables
    from graph.text.normalize import FULLWIDTH  # noqa: F401  (kinds live beside the table)

    base = fold_tables()
    table = dict(base.table)
    kind = dict(base.kind)
    targets = {char for term in lexicon.terms for char in term.term}
    extra: dict[str, tuple[str, str]] = {}
    for char, target in confusables.script_lookalikes(targets).items():
        extra[char] = (target, "lookalike")
    extra.update(confusables.rare_forms(targets))
    for char, target in lexicon.lookalikes.items():
        extra[char] = (target, "lookalike")
    for char, (target, name) in extra.items():
        if ord(char) in table and char not in lexicon.lookalikes:
            continue  # width, style and traditional forms are folded already
        table[ord(char)] = table.get(ord(target), target)
        kind[ord(char)] = name
    return FoldTables(table=table, kind=kind)


def _sound_table() -> tuple[dict[int, int], dict[str, str]]:
    """Code point -> sound class code point, and syllable -> its class character."""
    from graph.text import confusables

    readings = confusables.default_readings()
    classes = sorted({confusables.fuzzy(r) for r in readings.values()})
    if len(classes) > 0x400:
        raise RuntimeError("more sound classes than the private-use range set aside")
    class_char = {syllable: chr(CLASS_BASE + i) for i, syllable in enumerate(classes)}
    table = {
        ord(char): ord(class_char[confusables.fuzzy(reading)])
        for char, reading in readings.items()
        if ord(char) < TABLE_SIZE
    }
    return table, class_char


def _sound_of(char: str, sound: dict[int, int]) -> str:
    return chr(sound.get(ord(char), ord(char)))


def _options(
    term: Term,
    lexicon: Lexicon,
    sound: dict[int, int],
    class_char: dict[str, str],
    rules: list[Rule],
) -> list[list[tuple[int, str, Any]]]:
    """Per term position, the tokens that may stand there: (kind, pattern text, rule or None)."""
    from graph.text import confusables

    options = []
    for char, syllable in zip(term.term, term.pinyin, strict=True):
        by_class: dict[str, dict[str, Any]] = {}

        def slot(cls: str, by_class: dict[str, dict[str, Any]] = by_class) -> dict[str, Any]:
            return by_class.setdefault(
                cls, {"sound": False, "homo": set(), "look": set(), "fuzzy": ""}
            )

        own = class_char.get(confusables.fuzzy(syllable))
        if own is not None:
            slot(own)["sound"] = term.homophones
            slot(own)["fuzzy"] = confusables.fuzzy_twins(syllable)
        slot(_sound_of(char, sound))  # the character itself, read its usual way (还 hai)
        if term.homophones:
            for other in confusables.homophones(char, syllable):
                cls = _sound_of(other, sound)
                if cls != own:
                    slot(cls)["homo"].add(other)
            for other in confusables.lookalikes(char):
                slot(_sound_of(other, sound))["look"].add(other)
        tokens: list[tuple[int, str, Any]] = []
        for cls, parts in sorted(by_class.items()):
            rules.append(
                Rule(
                    char,
                    parts["sound"],
                    "".join(sorted(parts["homo"])),
                    "".join(sorted(parts["look"] - parts["homo"])),
                    parts["fuzzy"],
                )
            )
            tokens.append((CLASS, cls, len(rules) - 1))
        tokens.append((PINYIN, syllable, None))
        tokens.append((INITIAL, syllable[0], None))
        for digit, syllables in lexicon.digit_readings.items():
            if syllable in syllables:
                tokens.append((DIGIT, digit, None))
        options.append(tokens)
    return options


def _spellings(
    term: Term, options: list[list[tuple[int, str, Any]]], rules: list[Rule]
) -> Iterator[tuple[str, tuple[tuple[int, int, Any], ...]]]:
    """Every pattern of one term: products of its position options, pruned to what
    :func:`allowed` could accept."""
    size = len(term.term)
    looks_max = 2 if size >= 4 else 1

    def extra(token: tuple[int, str, Any]) -> bool:
        """A class reached only through a listed homophone or look-alike (not the term's own
        sound, not its character read its usual way)."""
        if token[0] != CLASS:
            return False
        rule = rules[token[2]]
        return not rule.sound and bool(rule.homophones or rule.lookalikes)

    for combo in itertools.product(*options):
        kinds = [token[0] for token in combo]
        letters = size - kinds.count(CLASS)
        if PINYIN in kinds and INITIAL in kinds:
            continue
        if letters == size:
            if set(kinds) == {PINYIN} or (set(kinds) == {INITIAL} and term.initials != "off"):
                yield "".join(t[1] for t in combo), tuple((t[0], len(t[1]), None) for t in combo)
            continue
        if sum(extra(t) for t in combo) > looks_max:
            continue
        if extra(combo[0]) and not rules[combo[0][2]].lookalikes:
            # a less common reading at the start: each would add a child to the automaton's
            # root, which every character of every text searches (the scan's hot loop)
            continue
        yield (
            "".join(t[1] for t in combo),
            tuple((t[0], len(t[1]), t[2]) for t in combo),
        )
    spaced = " ".join(term.pinyin)
    yield (
        spaced,
        tuple((PINYIN, len(s) + (i < size - 1), None) for i, s in enumerate(term.pinyin)),
    )


def build(lexicon: Lexicon) -> Index:
    """Build the index of ``lexicon`` (several seconds: character data, word list, patterns)."""

    from graph.text import confusables

    folds = _scanner_folds(lexicon)
    foldable = frozenset(chr(code) for code in folds.table)
    sound, class_char = _sound_table()
    rules: list[Rule] = []
    specs: list[tuple[int, tuple[tuple[int, int, Any], ...]]] = []
    by_pattern: dict[str, list[int]] = {}
    for term_index, term in enumerate(lexicon.terms):
        options = _options(term, lexicon, sound, class_char, rules)
        for text, tokens in _spellings(term, options, rules):
            if len(text) < 2:
                continue
            specs.append((term_index, tokens))
            by_pattern.setdefault(text, []).append(len(specs) - 1)
        for listed in term.variants:
            folded = fold(listed, folds, foldable).lower()
            pattern = "".join(_sound_of(c, sound) for c in folded)
            specs.append((term_index, ((LISTED, len(folded), folded),)))
            by_pattern.setdefault(pattern, []).append(len(specs) - 1)
    patterns = [(text, tuple(ids)) for text, ids in by_pattern.items()]
    all_words = confusables.word_frequencies()
    index = Index(
        lexicon=lexicon,
        fold=folds,
        sound=sound,
        rules=rules,
        specs=specs,
        patterns=patterns,
        words=frozenset(
            w for w, f in all_words.items() if len(w) <= 4 and f >= CROSSING_WORD_MIN_FREQUENCY
        ),
        common_words=frozenset(
            w for w, f in all_words.items() if len(w) <= 4 and f >= COMMON_WORD_MIN_FREQUENCY
        ),
        alike_words=frozenset(),
        ambiguous={},
    )
    automaton = automaton_of(index)
    lengths = {len(t.term) for t in lexicon.terms}
    alike = set(lexicon.ordinary_words)
    for word in all_words:
        if len(word) not in lengths or not all(is_cjk(c) for c in word):
            continue
        folded = fold(word, folds, foldable)
        spoken = "".join(_sound_of(c, sound) for c in folded)
        for end, pattern_id in automaton.iter(spoken):
            if end != len(word) - 1 or len(patterns[pattern_id][0]) != len(word):
                continue
            for spec_id in patterns[pattern_id][1]:
                found = resolve(index, spec_id, folded, 0)
                if found and any(kind in SUBSTITUTE_UNITS for kind, _ in found[1]):
                    alike.add(folded)
    index.alike_words = frozenset(alike)
    index.common_chars = frozenset(confusables.inventory())
    targets = {char for term in lexicon.terms for char in term.term}
    common = set(confusables.inventory())
    for code, target in folds.table.items():
        if target in targets and folds.kind.get(code) in ("traditional", "variant", "lookalike"):
            char = chr(code)
            others = (confusables.ambiguous_lookalikes(char) & common) - {target, char}
            if others:
                index.ambiguous[char] = "".join(sorted(others))
    return index


def automaton_of(index: Index) -> Any:
    import ahocorasick

    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    texts = index.patterns.texts if isinstance(index.patterns, _Patterns) else None
    for pattern_id, text in enumerate(texts or [text for text, _ in index.patterns]):
        automaton.add_word(text, pattern_id)
    automaton.make_automaton()
    return automaton


# -- storing -------------------------------------------------------------------------------------


def lexicon_digest(lexicon: Lexicon) -> str:
    return hashlib.sha256(_lexicon_json(lexicon).encode()).hexdigest()[:16]


def _lexicon_json(lexicon: Lexicon) -> str:
    data = asdict(lexicon)
    for term in data["terms"]:
        term["exclude"] = sorted(term["exclude"])
    data["ordinary_words"] = sorted(data["ordinary_words"])
    data["numeral_followers"] = "".join(sorted(data["numeral_followers"]))
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _lexicon_from(data: dict[str, Any]) -> Lexicon:
    terms = tuple(
        Term(
            term=t["term"],
            category=t["category"],
            pinyin=tuple(t["pinyin"]),
            initials=t["initials"],
            homophones=t["homophones"],
            exclude=frozenset(t["exclude"]),
            variants=tuple(t["variants"]),
        )
        for t in data["terms"]
    )
    return Lexicon(
        version=data["version"],
        categories=data["categories"],
        terms=terms,
        ordinary_words=frozenset(data["ordinary_words"]),
        numeral_followers=frozenset(data["numeral_followers"]),
        digit_readings={k: tuple(v) for k, v in data["digit_readings"].items()},
        lookalikes=data["lookalikes"],
    )


def _spec_text(spec: tuple[int, tuple[tuple[int, int, Any], ...]]) -> str:
    """A spec as one line: ``term|kind,length,ref|…`` (a listed spelling's ref is its text)."""
    term, tokens = spec
    return "\t".join([str(term)] + [f"{k},{n},{'' if r is None else r}" for k, n, r in tokens])


def _spec_of(line: str) -> tuple[int, tuple[tuple[int, int, Any], ...]]:
    term, *tokens = line.split("\t")
    parsed = []
    for token in tokens:
        kind, length, ref = token.split(",", 2)
        k = int(kind)
        parsed.append((k, int(length), int(ref) if k == CLASS else (ref or None)))
    return int(term), tuple(parsed)


def save(index: Index, path: Path, key: str) -> None:
    """Write atomically into a private folder; an index that cannot be written is only a slower
    start next time. Tables are stored as parallel strings (a character a code point), so loading
    is a few string splits rather than a million small JSON values."""
    kinds = sorted(set(index.fold.kind.values()))
    codes = list(index.fold.table)
    document = {
        "format": INDEX_FORMAT,
        "key": key,
        "lexicon": json.loads(_lexicon_json(index.lexicon)),
        "fold_from": "".join(chr(c) for c in codes),
        "fold_to": "".join(index.fold.table[c] for c in codes),
        "fold_kinds": kinds,
        "fold_kind": "".join(
            str(kinds.index(index.fold.kind[c]) + 1) if c in index.fold.kind else "0" for c in codes
        ),
        "sound_from": "".join(chr(c) for c in index.sound),
        "sound_to": "".join(chr(c) for c in index.sound.values()),
        "rules": [[r.char, r.sound, r.homophones, r.lookalikes, r.fuzzy] for r in index.rules],
        "specs": "\n".join(_spec_text(spec) for spec in index.specs),
        "patterns": "\n".join(text for text, _ in index.patterns),
        "pattern_specs": "\n".join(" ".join(map(str, ids)) for _, ids in index.patterns),
        "words": "\n".join(sorted(index.words)),
        "common_words": "\n".join(sorted(index.common_words)),
        "alike_words": "\n".join(sorted(index.alike_words)),
        "ambiguous": index.ambiguous,
        "common_chars": "".join(sorted(index.common_chars)),
    }
    try:
        write_private(path, json.dumps(document, ensure_ascii=False, separators=(",", ":")))
        for stale in path.parent.glob("slang-*"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except (OSError, UserError):
        pass


class _LazyIds(list):  # type: ignore[type-arg]
    """A pattern's spec ids ("3 17 18"), parsed on first use."""

    def __getitem__(self, i):  # type: ignore[no-untyped-def, override]
        value = list.__getitem__(self, i)
        if isinstance(value, str):
            value = tuple(map(int, value.split()))
            list.__setitem__(self, i, value)
        return value


class _Patterns(Sequence[tuple[str, tuple[int, ...]]]):
    """(pattern, spec ids) by pattern id, as :attr:`Index.patterns`, without building 60,000
    tuples at load time."""

    def __init__(self, texts: list[str], ids: _LazyIds) -> None:
        self.texts = texts
        self.ids = ids

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i):  # type: ignore[no-untyped-def, override]
        return self.texts[i], self.ids[i]

    def __iter__(self) -> Iterator[tuple[str, tuple[int, ...]]]:
        return (self[i] for i in range(len(self.texts)))


class _LazySpecs(list):  # type: ignore[type-arg]
    """Spec lines parsed on first use: a scan touches a few hundred of the tens of thousands."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines)

    def __getitem__(self, i):  # type: ignore[no-untyped-def, override]
        value = list.__getitem__(self, i)
        if isinstance(value, str):
            value = _spec_of(value)
            list.__setitem__(self, i, value)
        return value


def private(path: Path) -> bool:
    """The index file and its folders up to the state folder's parent are this user's and
    writable by no one else: an index another local user could have written could hide slang (or,
    were it ever a pickle, run code), so it is never read."""
    uid = os.getuid()
    for place in (path, path.parent, path.parent.parent):
        try:
            info = place.stat()
        except OSError:
            return False
        if info.st_uid != uid or info.st_mode & 0o022:
            return False
    return True


def load(path: Path, key: str) -> Index | None:
    """The stored index, or None when it is missing, not private, of another key or damaged."""
    if not private(path):
        return None
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("format") != INDEX_FORMAT or data.get("key") != key:
            return None
        kinds = data["fold_kinds"]
        fold_from, fold_to, fold_kind = data["fold_from"], data["fold_to"], data["fold_kind"]
        fold_table = dict(zip(map(ord, fold_from), fold_to, strict=True))
        fold_kinds = {
            ord(c): kinds[int(k) - 1] for c, k in zip(fold_from, fold_kind, strict=True) if k != "0"
        }
        patterns = data["patterns"].split("\n")
        pattern_specs = _LazyIds(data["pattern_specs"].split("\n"))
        return Index(
            lexicon=_lexicon_from(data["lexicon"]),
            fold=FoldTables(table=fold_table, kind=fold_kinds),
            sound=dict(zip(map(ord, data["sound_from"]), map(ord, data["sound_to"]), strict=True)),
            rules=[Rule(*row) for row in data["rules"]],
            specs=_LazySpecs(data["specs"].split("\n")),
            patterns=_Patterns(patterns, pattern_specs),
            words=frozenset(data["words"].split("\n")),
            common_words=frozenset(data["common_words"].split("\n")),
            alike_words=frozenset(data["alike_words"].split("\n")),
            ambiguous=data["ambiguous"],
            common_chars=frozenset(data["common_chars"]),
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
