"""Where disguises come from: same-sound and look-alike characters, and a general word list.

Nothing here is a hand-written table:

* readings: pypinyin (toneless, every reading of a polyphonic character);
* the character inventory: the 6,000 most frequent characters of jieba's word list (by summed word
  frequency), so homophones are characters people actually type;
* ``same_pinyin.txt`` and ``same_stroke.txt`` from ``../shared/data/confusable_chars`` (pycorrector,
  Apache-2.0), when present: more same-sound candidates and the look-alike groups (贷 → 货);
* the general dictionary: jieba's ``dict.txt`` (349k words with frequencies), used to tell an
  ordinary word (正心) from a disguise (正信).

Without the shared tables the detector still works on pypinyin homophones but finds no look-alikes;
:func:`sources` says what was used.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from functools import lru_cache
from pathlib import Path

from pypinyin import Style, pinyin

from graph.text.normalize import is_cjk

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFUSABLE_DIR = REPO_ROOT.parent / "shared" / "data" / "confusable_chars"
INVENTORY_SIZE = 6000


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


@lru_cache(maxsize=65536)
def readings(char: str) -> frozenset[str]:
    """Toneless pinyin readings of one character (ü written v)."""
    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return frozenset(r for group in found for r in group if r.isascii() and r.isalpha())


@lru_cache(maxsize=1)
def _by_reading() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for char in inventory():
        for reading in readings(char):
            groups.setdefault(reading, set()).add(char)
    return {reading: frozenset(chars) for reading, chars in groups.items()}


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


# Initials that many speakers (and evaders) do not tell apart: 起述 for 起诉, 吹收 for 催收.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))


def near_syllables(syllable: str) -> tuple[str, ...]:
    """``syllable`` and its fuzzy-initial twin (su → shu, chui → cui), when that twin exists."""
    found = [syllable]
    for retroflex, flat in _FUZZY_INITIALS:
        if syllable.startswith(retroflex):
            found.append(flat + syllable[len(retroflex) :])
        elif syllable.startswith(flat):
            found.append(retroflex + syllable[len(flat) :])
    return tuple(s for s in found if s in _by_reading())


def homophones(char: str, syllable: str) -> frozenset[str]:
    """Characters that could stand for ``char`` read ``syllable``: the same sound in any tone
    (催 → 崔, 期 → 琪) and near-homophones with a fuzzy initial (诉 su → 述 shu)."""
    candidates: set[str] = set()
    for near in near_syllables(syllable):
        candidates |= _by_reading().get(near, frozenset())
    candidates |= {c for c in _same_pinyin().get(char, ()) if syllable in readings(c)}
    candidates.discard(char)
    return frozenset(candidates)


def lookalikes(char: str) -> frozenset[str]:
    """Characters of a similar shape (免 → 兔), from the shared ``same_stroke.txt`` groups."""
    return _same_stroke().get(char, frozenset())


def source_stamp() -> tuple[object, ...]:
    """Cheap fingerprint of the files the confusion sets come from (for cache keys)."""
    stamp: list[object] = []
    for path in (
        CONFUSABLE_DIR / "same_pinyin.txt",
        CONFUSABLE_DIR / "same_stroke.txt",
        _jieba_dict_path(),
    ):
        stat = path.stat() if path.is_file() else None
        stamp.append(
            (path.name, stat.st_size if stat else None, stat.st_mtime_ns if stat else None)
        )
    import pypinyin

    stamp.append(("pypinyin", pypinyin.__version__))
    return tuple(stamp)


def sources() -> dict[str, object]:
    """What the confusion sets were built from, for reports and ``leadgraph scan --info``."""
    return {
        "inventory": len(inventory()),
        "same_pinyin": len(_same_pinyin()),
        "same_stroke": len(_same_stroke()),
        "confusable_dir": str(CONFUSABLE_DIR) if CONFUSABLE_DIR.is_dir() else None,
        "dictionary_words": len(word_frequencies()),
    }
