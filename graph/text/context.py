"""Context model: how agent-like a whole text is, from its character n-grams.

A slang hit says a term is there; it does not say what the text is. The same 上岸 or 停息挂账 is
in an agent's advert, in a borrower's complaint about that agent, in a news item warning against
such agents and in gambling spam. This model reads the whole text instead.

What "agent-like" means
-----------------------
A text is agent-like when it is written *by or for* a grey- or black-industry business: it sells,
advertises or recruits for debt-agent services (代理维权, 反催收, 停息挂账 …), loans, gambling,
fraud, or is written from an agent's template (a complaint that demands 停息挂账 in the agent's
boilerplate). It is not agent-like — *benign* — when it is a borrower's complaint in their own
words, news, a regulator's warning or ordinary chat, even when it names the same terms.
:func:`agent_score` is P(agent-like), 0–1; :func:`trade_scores` the probabilities of the six
trades of the evaluation set (``debt_agent``, ``loan``, ``gambling``, ``fraud``,
``recruitment``, ``benign``), for a reader who wants to know which trade a text belongs to.

The model
---------
Text is folded the way the scanner folds it before matching (NFKC — full-width and styled forms
to plain ones —, lower case, every digit to ``0``, white-space runs to one space), so disguises
and numbers share n-grams. Features are the distinct character 1- to 3-grams of the folded text (but those of
punctuation and spaces only),
each ``1/sqrt(number of distinct n-grams)`` (an L2-normalised presence vector). Two logistic
regressions read them: a binary one for the agent score and a multinomial one for the trades.
Their weights ship in ``context_model.json`` (n-grams with small weights pruned); scoring is plain
Python, with no dependency: loading takes a few milliseconds, on first use.

Training data (all shippable: the project's own work, under the project's licence)
--------------------------------------------------------------------------------------
* the **dev** split of the recognition set (``tests/data/recognition/dev.jsonl``, 448 messages
  written by the project, labelled by trade); its held-out split is never used;
* the ``clean`` group of the slang regression set (``tests/data/slang_labelled.jsonl``), benign;
* synthetic complaints from the world generator (:mod:`app.synth.texts`, fixed seed): organic
  complaints and bios (benign) and ring complaints and agent bios (``debt_agent``);
* ordinary texts written for this model (``tests/data/context/negatives.txt``): complaints
  about lenders without any agent, news and chat (benign).

``bench/context_train.py`` rebuilds the file (deterministic, seeded; it needs scikit-learn, a
development dependency) and ``bench/context.py`` reports what the model adds over rules alone.
:func:`model_version` (the file's hash) is recorded with each submission, as the lexicon version.

Isolated hits
-------------
:func:`suppressed` names the hits that should not count as evidence of disguise: a text whose
only hit is one disguised hit of a weak kind (initials, a same-sound or traditional character,
pinyin, a mixed spelling) and which the model calls benign (score below
:data:`SUPPRESS_BELOW`). The hit is kept and shown; it only does not count as a disguise
(``disguise_count``). Plain hits are never suppressed.
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat, starmap
from pathlib import Path
from typing import Any, Protocol

MODEL_PATH = Path(__file__).with_name("context_model.json")
MAX_N = 3  # character n-grams of 1 to MAX_N characters
# Below this agent score a lone weak disguised hit does not count as a disguise. Chosen on dev by
# cross-validation (bench/context.py): see README, "Context model".
SUPPRESS_BELOW = 0.1
# Disguise kinds that alone are weak evidence: each fires on ordinary text now and then
# (zx in an id, 正信 for 征信, 徵信 for 微信). Look-alike, noise and styled spellings are deliberate.
WEAK_KINDS = frozenset({"initials", "homophone", "traditional", "pinyin", "mixed"})
AGENT_AT = 0.5  # a text scoring at least this is called agent-like (counts, features)

_DIGITS = re.compile(r"\d")
# Sentence punctuation and spaces (after NFKC): an n-gram made of these only says how long and how
# punctuated a text is, not what it is, so it is no feature. Emoji and symbols stay: they are
# disguise noise (代🔥理).
_PUNCTUATION = frozenset(" ,.!?;:'\"()、。…-~")
_PUNCTUATION_CHARS = "".join(sorted(_PUNCTUATION))
_PUNCTUATION_RUN = re.compile("[" + re.escape(_PUNCTUATION_CHARS) + "]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """The text as the model reads it: NFKC, lower case, digits as ``0``, one space for a run.

    >>> fold("ＺＸ 征信  13800138000")
    'zx 征信 00000000000'
    """
    text = unicodedata.normalize("NFKC", text).lower()
    return _SPACES.sub(" ", _DIGITS.sub("0", text)).strip()


def ngrams(text: str, max_n: int = MAX_N) -> set[str]:
    """The distinct character 1- to ``max_n``-grams of the folded ``text``, but those of
    punctuation only.

    >>> sorted(ngrams("上岸"))
    ['上', '上岸', '岸']

    Built from parts that repeat, since complaints are written from templates: the folded text
    is cut after each punctuation run, and each segment (a sentence and its punctuation)
    taken with the ``max_n - 1`` characters after it, so that every n-gram of the text lies
    in one segment; each segment's n-grams are cached. ``tests/text/test_context_ngrams.py``
    checks this against the n-grams of the whole text.
    """
    return set().union(*map(_segment_ngrams, text_segments(text, max_n), repeat(max_n)))


def text_segments(text: str, max_n: int) -> Iterator[str]:
    """The folded ``text``'s segments as :func:`ngrams` cuts them: each sentence and its
    punctuation with the ``max_n - 1`` characters after it."""
    return starmap(operator.add, _segments(max_n).findall(fold(text)))


def whole_text_ngrams(text: str, max_n: int = MAX_N) -> set[str]:
    """What :func:`ngrams` returns, taken from the whole folded text: every 1- to
    ``max_n``-gram, then those lying in a punctuation run dropped. The definition the model was
    trained on, kept to check :func:`ngrams` against and to time it (``bench/parse.py``)."""
    folded = fold(text)
    grams = set(_all_ngrams(folded, max_n))
    for run in _PUNCTUATION_RUN.finditer(folded):
        chars = run.group()
        for n in range(1, min(max_n, len(chars)) + 1):
            grams.difference_update(chars[i : i + n] for i in range(len(chars) - n + 1))
    return grams


@lru_cache(maxsize=8)
def _segments(max_n: int) -> re.Pattern[str]:
    """Each segment as (its text up to the end of its punctuation run, the characters after)."""
    punctuation = re.escape(_PUNCTUATION_CHARS)
    segment = f"([^{punctuation}]*[{punctuation}]+|[^{punctuation}]+$)"
    return re.compile(segment + f"(?=(.{{0,{max_n - 1}}}))", re.DOTALL)


def _grams_of_segment(segment: str, max_n: int) -> frozenset[str]:
    return frozenset(g for g in _all_ngrams(segment, max_n) if g.strip(_PUNCTUATION_CHARS))


# a 10k-row complaint file has some 7,000 distinct segments
_segment_ngrams = lru_cache(maxsize=16_384)(_grams_of_segment)


def _all_ngrams(text: str, max_n: int) -> list[str]:
    """Every 1- to ``max_n``-gram of ``text``, repeats included."""
    # built a length at a time from the one before (str + str in C, not a slice per position)
    grams = list(text)
    level = grams
    for n in range(2, max_n + 1):
        level = list(map(operator.add, level, text[n - 1 :]))
        grams += level
    return grams


SEGMENT_CACHE_SIZE = 32_768  # segments remembered (a 22k-row complaint file has some 15,000)
GRAM_NUMBERS = 1 << 16  # n-grams numbered before starting afresh: a mask stays under 8 KiB


class SegmentFeatures:
    """What the agent score needs of each segment of :func:`ngrams` (a sentence and its
    punctuation, with the ``max_n - 1`` characters after it), remembered per segment: its
    n-grams as the bits of one integer, each n-gram numbered when first met, and the weights of
    those the model knows, by number. A text's distinct n-grams are then its segments' masks
    or-ed together and counted, and its known ones one dict merge: the same sets as
    :func:`ngrams` builds, without a union of a few hundred strings per text.

    Bounded: once either table is full, both start afresh, and only between two texts (a mask
    means something only under the numbering it was built with). A lock keeps one text's
    segments under one numbering when threads share the model (the workbench)."""

    def __init__(self, weights: dict[str, float], max_n: int) -> None:
        self._weights = weights
        self._max_n = max_n
        self._numbers: dict[str, int] = {}
        self._segments: dict[str, tuple[int, dict[int, float]]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._numbers.clear()
            self._segments.clear()

    def of_text(self, segments: Iterable[str]) -> tuple[int, list[float]]:
        """The number of distinct n-grams in ``segments`` and the weights of the known ones,
        each n-gram once."""
        with self._lock:
            if len(self._segments) >= SEGMENT_CACHE_SIZE or len(self._numbers) >= GRAM_NUMBERS:
                self._numbers.clear()
                self._segments.clear()
            mask = 0
            known: dict[int, float] = {}
            for segment in segments:
                features = self._segments.get(segment)
                if features is None:
                    features = self._segments[segment] = self._features(segment)
                mask |= features[0]
                known.update(features[1])
            return mask.bit_count(), list(known.values())

    def _features(self, segment: str) -> tuple[int, dict[int, float]]:
        numbers = self._numbers
        grams = {gram: numbers.setdefault(gram, len(numbers))
                 for gram in _grams_of_segment(segment, self._max_n)}  # fmt: skip
        bits = bytearray(len(numbers) // 8 + 1)
        for number in grams.values():
            bits[number >> 3] |= 1 << (number & 7)
        weights = self._weights
        known = {number: weights[gram] for gram, number in grams.items() if gram in weights}
        return int.from_bytes(bits, "little"), known


@dataclass(frozen=True)
class ContextModel:
    """The learned weights: ``agent`` maps an n-gram to its weight toward agent-like;
    ``trade`` maps it to one weight per class of ``classes``."""

    agent_bias: float
    agent: dict[str, float]
    classes: tuple[str, ...]
    trade_bias: tuple[float, ...]
    trade: dict[str, tuple[float, ...]]
    max_n: int = MAX_N
    version: str = ""
    _features: SegmentFeatures = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_features", SegmentFeatures(self.agent, self.max_n))

    @classmethod
    def from_dict(cls, data: dict[str, Any], version: str = "") -> ContextModel:
        scale = float(data["scale"])  # weights are stored as integers of 1/scale
        return cls(
            agent_bias=float(data["agent"]["bias"]),
            agent={g: w / scale for g, w in data["agent"]["weights"].items()},
            classes=tuple(data["trade"]["classes"]),
            trade_bias=tuple(float(b) for b in data["trade"]["bias"]),
            trade={g: tuple(w / scale for w in ws) for g, ws in data["trade"]["weights"].items()},
            max_n=int(data["max_n"]),
            version=version,
        )

    def contributions(self, text: str) -> dict[str, float]:
        """Each n-gram of ``text`` that the model knows, with its share of the agent logit."""
        grams = ngrams(text, self.max_n)
        if not grams:
            return {}
        norm = 1.0 / math.sqrt(len(grams))
        return {g: self.agent[g] * norm for g in grams if g in self.agent}

    def agent_score(self, text: str) -> float:
        """P(agent-like): the sum of :meth:`contributions`, taken without building them, from
        each segment's features (:class:`SegmentFeatures`): the same n-grams as
        :func:`ngrams`, and ``math.fsum`` is exact, so the same score to the last bit."""
        count, weights = self._features.of_text(text_segments(text, self.max_n))
        if not count:
            return _sigmoid(self.agent_bias)
        return _sigmoid(self.agent_bias + math.fsum(weights) / math.sqrt(count))

    def trade_scores(self, text: str) -> dict[str, float]:
        grams = ngrams(text, self.max_n)
        logits = list(self.trade_bias)
        if grams:
            norm = 1.0 / math.sqrt(len(grams))
            for gram in grams:
                weights = self.trade.get(gram)
                if weights:
                    for i, w in enumerate(weights):
                        logits[i] += w * norm
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    e = math.exp(value)
    return e / (1.0 + e)


@lru_cache(maxsize=1)
def default_model() -> ContextModel:
    """The packaged model, read on first use and kept for the process."""
    data = MODEL_PATH.read_bytes()
    return ContextModel.from_dict(json.loads(data), version=_version(data))


def _version(data: bytes) -> str:
    return "ctx-" + hashlib.sha256(data).hexdigest()[:12]


def model_version() -> str:
    """Version of the packaged model (a hash of its weights file); store it next to scores."""
    return default_model().version


def agent_score(text: str) -> float:
    """P(agent-like) of ``text`` by the packaged model (see the module docstring); 0 for no text."""
    return default_model().agent_score(text) if text and text.strip() else 0.0


def trade_scores(text: str) -> dict[str, float]:
    """P(trade) for each of the six trades, by the packaged model."""
    return default_model().trade_scores(text)


def explain(text: str, top: int = 5) -> list[dict[str, Any]]:
    """The n-grams of ``text`` pushing its agent score up most and down most, ``top`` of each,
    as ``{"ngram", "weight"}`` (its share of the logit), strongest first, ups before downs."""
    parts = default_model().contributions(text)
    ranked = sorted(parts.items(), key=lambda kv: (-kv[1], kv[0]))
    ups = [(g, w) for g, w in ranked if w > 0][:top]
    downs = [(g, w) for g, w in reversed(ranked) if w < 0][:top]
    return [{"ngram": g, "weight": round(w, 3)} for g, w in ups + downs]


class _HitLike(Protocol):
    @property
    def kinds(self) -> tuple[str, ...]: ...


def suppressed(hits: Sequence[_HitLike], score: float) -> list[int]:
    """Indices of the hits that do not count as a disguise: the only hit of a text the model
    calls benign (``score`` below :data:`SUPPRESS_BELOW`), when it is disguised in
    :data:`WEAK_KINDS` only. Plain hits, and hits with company, always count."""
    if len(hits) != 1 or score >= SUPPRESS_BELOW:
        return []
    kinds = set(hits[0].kinds)
    return [0] if kinds and kinds <= WEAK_KINDS else []


def summary(text: str, hits: Sequence[_HitLike], top: int = 5) -> dict[str, Any]:
    """The context of one scanned text, as ``leadgraph scan --json`` prints it."""
    score = agent_score(text)
    return {
        "score": round(score, 3),
        "version": model_version(),
        "top": explain(text, top),
        "suppressed": suppressed(hits, score),
    }


__all__ = [
    "AGENT_AT",
    "SUPPRESS_BELOW",
    "WEAK_KINDS",
    "ContextModel",
    "agent_score",
    "default_model",
    "explain",
    "fold",
    "model_version",
    "ngrams",
    "summary",
    "suppressed",
    "trade_scores",
    "whole_text_ngrams",
]
