"""Canonical form of a text for slang matching, with a map back to the original characters.

Canonical form, built with C-speed primitives only (``str.translate`` and one regex pass):

1. one-to-one folding of each character: ASCII upper case to lower case; full-width and styled
   letters and digits (mathematical alphanumerics, circled and parenthesised letters …) to ASCII
   via NFKC; pinyin tone marks stripped (ē → e, ü → v); traditional characters to simplified
   (OpenCC ``t2s``, applied character by character so positions never move);
2. separator runs (spaces, dots, hyphens, asterisks, zero-width characters …) of at most
   :data:`MAX_GAP` characters are removed, except that a run between two ASCII letters or digits
   becomes one space, so ``zheng xin`` stays two syllables and ``buzz xylophone`` does not turn
   into ``buzzxylophone``; a longer run between Chinese characters is kept (a layout gap, not a
   disguise);
3. noise between two Chinese characters is removed too (代?理, 网❤贷): symbols (emoji, hearts,
   stars …) and the ASCII ``?`` always, sentence punctuation (，。！？、；：) only where it repeats
   between single characters (催，收，找 …). Otherwise sentence punctuation is kept: a term never
   spans a real sentence break. Where sentence punctuation was removed, :attr:`Canonical.breaks`
   says so, and the scanner asks more of a hit across it.

:class:`Canonical` maps a span of the canonical text back to the original text, so hits can be
highlighted where the analyst sees them.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

# Kinds of folding that count as a disguise when a hit's surface contains them.
FULLWIDTH = "fullwidth"
STYLED = "styled"
TRADITIONAL = "traditional"

# Separators that evaders put inside a word. Looked up after folding, so their full-width forms
# (．－＊ …) are covered too.
_SEPARATOR_CHARS = (
    " \t\r\n\u000b\u000c\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"  # white space
    "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width characters, soft hyphen
    ".-_*·•‧・/\\|~^`'\"#@+=<>[](){}"  # ASCII and typographic marks used as separators
    "丨丶｜…‐‑‒–—―〰‘’“”「」『』【】〈〉《》（）〔〕"
)
SEPARATORS = frozenset(_SEPARATOR_CHARS)
MAX_GAP = 4  # separator or noise characters between two characters of one term, at most
# Sentence punctuation that is noise only where it repeats between single characters (催，收，找).
_SENTENCE_MARKS = "，。！？、；：,;:!"
_CJK_CLASS = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
    "\ue000-\ue3ff"  # the scanner's sound classes (graph.text.slang_index) stand for characters
)


def is_cjk(char: str) -> bool:
    """A CJK unified or compatibility ideograph (basic block, extensions A to H)."""
    return (
        "\u4e00" <= char <= "\u9fff"
        or "\u3400" <= char <= "\u4dbf"
        or "\U00020000" <= char <= "\U0003134f"
        or "\uf900" <= char <= "\ufaff"
    )


# Unicode blocks of symbols used as junk between characters (❤ ★ ☆ ✿ ♥, arrows, shapes, emoji):
# Arrows to Miscellaneous Symbols and Arrows, and the emoji and pictograph planes' blocks. Letters,
# digits and CJK punctuation are never in them; circled digits are folded before this applies.
_SYMBOL_BLOCKS = ((0x2190, 0x2BFF), (0x1F000, 0x1FAFF))
_LATIN1_SYMBOLS = "¤¦§¨©¬®¯°±´¶¸×÷"


def _symbol_ranges() -> str:
    """A regex class body of the symbol blocks."""
    blocks = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in _SYMBOL_BLOCKS)
    return blocks + re.escape(_LATIN1_SYMBOLS)


def _gap_pattern() -> re.Pattern[str]:
    cjk = f"[{_CJK_CLASS}]"
    marks = re.escape(_SENTENCE_MARKS)
    # the leading look-ahead fails fast wherever no gap character stands (most positions)
    first = f"[{re.escape(_SEPARATOR_CHARS)}{_symbol_ranges()}\\?{marks}]"
    return re.compile(
        f"(?={first})(?:"
        f"(?P<sep>[{re.escape(_SEPARATOR_CHARS)}]+)"
        f"|(?P<noise>(?<={cjk})(?:[{_symbol_ranges()}\\?]{{1,{MAX_GAP}}})(?={cjk}))"
        # a mark repeated between single characters: the run 收，找，(…), marks removed one by one
        f"|(?P<mark>(?<={cjk})(?P<m>[{marks}])(?:{cjk}(?P=m))+(?={cjk})))"
    )


_gap = lru_cache(maxsize=1)(_gap_pattern)  # built on first use (a scan of the symbol blocks)


def is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


@dataclass(frozen=True)
class FoldTables:
    table: dict[int, str]  # code point -> single folded character
    kind: dict[int, str]  # code point -> FULLWIDTH | STYLED | TRADITIONAL (disguise kinds only)


def _nfkc_ascii(char: str) -> str | None:
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) == 1 and folded.isascii() and folded.isalnum():
        return folded.lower()
    return None


_DIGIT_NAMES = ("ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE")
_NAMED = re.compile(
    r"(?:DIGIT|NUMBER) (" + "|".join(_DIGIT_NAMES) + r")(?: FULL STOP)?$"
    r"|LATIN (?:CAPITAL|SMALL) LETTER ([A-Z])$"
)


def _named_ascii(char: str) -> str | None:
    """Digit and letter forms NFKC leaves alone or expands (❼ ➆ 🅰 ⑺ ⒎), read from their Unicode
    names: NEGATIVE CIRCLED DIGIT SEVEN, PARENTHESIZED DIGIT SEVEN, DIGIT SEVEN FULL STOP …"""
    name = unicodedata.name(char, "")
    marks = ("CIRCLED", "SQUARED", "PARENTHESIZED", "FULL STOP", "DINGBAT", "SEGMENTED")
    if not any(word in name for word in marks):
        return None
    match = _NAMED.search(name)
    if match is None:
        return None
    if match.group(1):
        return str(_DIGIT_NAMES.index(match.group(1)))
    return match.group(2).lower()


def _strip_marks(char: str) -> str | None:
    if char in "üÜǖǘǚǜǕǗǙǛ":
        return "v"
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if len(base) == 1 and base.isascii() and base.isalpha():
        return base.lower()
    return None


@lru_cache(maxsize=1)
def fold_tables() -> FoldTables:
    """Build the one-to-one folding table (about 0.3 s, once a process)."""
    import opencc

    table: dict[int, str] = {}
    kind: dict[int, str] = {}
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    ranges = [(0x80, 0x2FFF), (0x3000, 0x33FF), (0xFB00, 0xFFEF), (0x1D400, 0x1D7FF)]
    ranges.append((0x1F100, 0x1F1FF))  # enclosed alphanumerics supplement
    ranges.append((0x1FBF0, 0x1FBF9))  # segmented digits
    for low, high in ranges:
        for code in range(low, high + 1):
            char = chr(code)
            folded = _nfkc_ascii(char) or _named_ascii(char)
            if folded is not None:
                table[code] = folded
                kind[code] = FULLWIDTH if 0xFF00 <= code <= 0xFFEF else STYLED
                continue
            if 0xC0 <= code <= 0x24F or 0x1E00 <= code <= 0x1EFF:
                stripped = _strip_marks(char)
                if stripped is not None:
                    table[code] = stripped  # tone marks on pinyin: not a disguise of their own
    # Full-width punctuation to ASCII, so separators are recognised in either width.
    for code in range(0xFF01, 0xFF5F):
        if code not in table:
            ascii_char = chr(code - 0xFEE0)
            if ascii_char in SEPARATORS:
                table[code] = ascii_char
                kind[code] = FULLWIDTH
    # Traditional to simplified, one character at a time so that positions never move.
    converter = opencc.OpenCC("t2s")
    chars = [chr(c) for c in range(0x3400, 0x4DC0)] + [chr(c) for c in range(0x4E00, 0xA000)]
    chars += [chr(c) for c in range(0xF900, 0xFB00)]
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) == len(chars):
        for char, simple in zip(chars, converted, strict=True):
            if len(simple) == 1 and simple != char:
                table[ord(char)] = simple
                kind[ord(char)] = TRADITIONAL
    # Resolve chains (A -> B -> C becomes A -> C) so one pass of replacements is final.
    for code, folded in list(table.items()):
        while ord(folded) in table and table[ord(folded)] != folded:
            folded = table[ord(folded)]
        table[code] = folded
    return FoldTables(table=table, kind=kind)


@dataclass(frozen=True)
class Canonical:
    """A text in canonical form and the way back to the original positions."""

    original: str
    folded: str  # same length as ``original``
    text: str  # canonical text
    canon_starts: tuple[int, ...]  # start of each kept segment in ``text``
    orig_starts: tuple[int, ...]  # the same segment's start in ``original``
    breaks: frozenset[int] = frozenset()  # canonical positions after removed sentence marks

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the canonical span ``[start, end)`` to a span of the original text."""
        return self._position(start), self._position(end - 1) + 1

    def _position(self, index: int) -> int:
        segment = bisect_right(self.canon_starts, index) - 1
        return self.orig_starts[segment] + index - self.canon_starts[segment]

    def crosses_break(self, start: int, end: int) -> bool:
        return any(start < position < end for position in self.breaks)


@lru_cache(maxsize=1)
def _foldable() -> frozenset[str]:
    return frozenset(chr(code) for code in fold_tables().table)


def fold(
    text: str, tables: FoldTables | None = None, foldable: frozenset[str] | None = None
) -> str:
    """Apply the folding table, one-to-one.

    ``str.translate`` costs about 200 ns a Chinese character and a regex character class of the
    table's 5,000 code points about as much, so the distinct characters of the text are
    intersected with the table's keys (a C-level set operation) and only those few are replaced.
    """
    if tables is None:
        tables, foldable = fold_tables(), _foldable()
    elif foldable is None:
        foldable = frozenset(chr(code) for code in tables.table)
    found = foldable.intersection(text)
    if not found:
        return text
    table = tables.table
    if len(found) > 16:
        return text.translate(table)
    for char in found:
        text = text.replace(char, table[ord(char)])
    return text


def canonicalize(
    text: str, tables: FoldTables | None = None, foldable: frozenset[str] | None = None
) -> Canonical:
    """Fold ``text`` and drop in-word separators and noise, keeping a map to the original
    positions (``tables``: a scanner's own folding table, :func:`fold_tables` by default)."""
    folded = fold(text, tables, foldable)
    pieces: list[str] = []
    canon_starts = [0]
    orig_starts = [0]
    breaks: list[int] = []
    canon_length = 0
    previous_end = 0
    for match in _gap().finditer(folded):
        if match.lastgroup == "mark":
            # the run holds characters too: each mark is a gap of its own
            for offset in range(match.start(), match.end(), 2):
                pieces.append(folded[previous_end:offset])
                canon_length += offset - previous_end
                breaks.append(canon_length)
                canon_starts.append(canon_length)
                orig_starts.append(offset + 1)
                previous_end = offset + 1
            continue
        start, end = match.span()
        before = folded[start - 1] if start else ""
        after = folded[end] if end < len(folded) else ""
        letters = before and after and is_ascii_alnum(before) and is_ascii_alnum(after)
        if match.lastgroup == "sep" and end - start > MAX_GAP and not letters:
            continue  # a layout gap between characters, not a disguise
        pieces.append(folded[previous_end:start])
        canon_length += start - previous_end
        if letters:
            pieces.append(" ")
            # the space is its own one-character segment pointing at the separator run
            canon_starts.append(canon_length)
            orig_starts.append(start)
            canon_length += 1
        canon_starts.append(canon_length)
        orig_starts.append(end)
        previous_end = end
    if previous_end == 0:
        return Canonical(text, folded, folded, (0,), (0,))
    pieces.append(folded[previous_end:])
    return Canonical(
        text,
        folded,
        "".join(pieces),
        tuple(canon_starts),
        tuple(orig_starts),
        frozenset(breaks),
    )
