"""The slang lexicon: loading and checking ``lexicon.yaml``.

The YAML file is data that analysts extend; this module turns it into typed, validated records and
refuses a malformed file with a :class:`graph.core.errors.UserError` that names the offending entry.
Pinyin readings are computed here once (pypinyin, phrase-aware, toneless) unless a term overrides
them, so the detector never guesses a polyphonic reading on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.core.errors import UserError
from graph.core.yaml_file import read_yaml

DEFAULT_PATH = Path(__file__).with_name("lexicon.yaml")

INITIALS_MODES = ("standalone", "cjk", "context", "off")


@dataclass(frozen=True)
class Term:
    """One canonical term and how its disguises may be recognised."""

    term: str
    category: str
    pinyin: tuple[str, ...]
    initials: str
    homophones: bool
    exclude: frozenset[str]
    variants: tuple[str, ...]

    @property
    def initialism(self) -> str:
        return "".join(syllable[0] for syllable in self.pinyin)


@dataclass(frozen=True)
class Lexicon:
    version: str
    categories: dict[str, str]  # category id -> label
    terms: tuple[Term, ...]
    ordinary_words: frozenset[str]
    numeral_followers: frozenset[str]
    digit_readings: dict[str, tuple[str, ...]]  # digit -> syllables it can stand for
    # shapes no maintained table lists: a character -> the term character it imitates (よ -> 上)
    lookalikes: dict[str, str] = field(default_factory=dict)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _term_from(entry: Any, category: str, where: str) -> Term:
    if isinstance(entry, str):
        entry = {"term": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("term"), str):
        raise UserError(f"{where}: a term must be a string or a mapping with 'term'")
    unknown = set(entry) - {"term", "pinyin", "initials", "homophones", "exclude", "variants"}
    if unknown:
        raise UserError(f"{where}: unknown keys {sorted(unknown)} for term {entry['term']!r}")
    term = entry["term"].strip()
    if len(term) < 2 or not all(_is_cjk(c) for c in term):
        raise UserError(f"{where}: term {term!r} must be two or more Chinese characters")
    if "pinyin" in entry:
        pinyin = tuple(str(entry["pinyin"]).lower().split())
    else:
        from pypinyin import lazy_pinyin  # heavy (half a second): only when a lexicon is parsed

        pinyin = tuple(lazy_pinyin(term))
    if len(pinyin) != len(term) or not all(s.isascii() and s.isalpha() for s in pinyin):
        raise UserError(f"{where}: pinyin {pinyin} does not give one syllable per character")
    initials = entry.get("initials", "standalone" if len(term) >= 3 else "cjk")
    if initials not in INITIALS_MODES:
        raise UserError(f"{where}: initials of {term!r} must be one of {INITIALS_MODES}")
    homophones = entry.get("homophones", True)
    if not isinstance(homophones, bool):
        raise UserError(f"{where}: homophones of {term!r} must be true or false")
    exclude = entry.get("exclude", [])
    variants = entry.get("variants", [])
    for name, value in (("exclude", exclude), ("variants", variants)):
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise UserError(f"{where}: {name} of {term!r} must be a list of strings")
    return Term(
        term=term,
        category=category,
        pinyin=pinyin,
        initials=initials,
        homophones=homophones,
        exclude=frozenset(exclude),
        variants=tuple(variants),
    )


def parse_lexicon(data: Any, source: str = "lexicon") -> Lexicon:
    """Validate the parsed YAML document ``data`` and build a :class:`Lexicon`."""
    if not isinstance(data, dict):
        raise UserError(f"{source}: expected a mapping at the top level")
    version = data.get("version")
    if not isinstance(version, str | int | float) or not str(version).strip():
        raise UserError(f"{source}: a 'version' field is required")
    categories_data = data.get("categories")
    if not isinstance(categories_data, dict) or not categories_data:
        raise UserError(f"{source}: 'categories' must be a non-empty mapping")
    categories: dict[str, str] = {}
    terms: list[Term] = []
    seen: set[str] = set()
    for category, body in categories_data.items():
        where = f"{source}: category {category!r}"
        if not isinstance(body, dict) or not isinstance(body.get("terms"), list):
            raise UserError(f"{where}: needs a 'terms' list")
        categories[str(category)] = str(body.get("label", category))
        for entry in body["terms"]:
            term = _term_from(entry, str(category), where)
            if term.term in seen:
                raise UserError(f"{where}: term {term.term!r} is listed twice")
            seen.add(term.term)
            terms.append(term)
    digit_readings = {
        str(digit): tuple(str(s) for s in syllables)
        for digit, syllables in (data.get("digit_readings") or {}).items()
    }
    if not all(len(d) == 1 and d.isdigit() for d in digit_readings):
        raise UserError(f"{source}: digit_readings keys must be single digits")
    lookalikes = data.get("lookalikes") or {}
    if not isinstance(lookalikes, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and len(k) == 1 and len(v) == 1 and k != v
        for k, v in lookalikes.items()
    ):
        raise UserError(f"{source}: lookalikes must map single characters to single characters")
    return Lexicon(
        version=str(version),
        categories=categories,
        terms=tuple(terms),
        ordinary_words=frozenset(data.get("ordinary_words") or ()),
        numeral_followers=frozenset(str(data.get("numeral_followers") or "")),
        digit_readings=digit_readings,
        lookalikes=dict(lookalikes),
    )


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read and validate a lexicon file (the packaged ``lexicon.yaml`` by default)."""
    if path is None:
        return _default_lexicon()
    return _read(Path(path))


def _read(path: Path) -> Lexicon:
    return parse_lexicon(read_yaml(path, "lexicon"), source=str(path))


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    return _read(DEFAULT_PATH)
