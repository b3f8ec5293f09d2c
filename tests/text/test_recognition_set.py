"""The recognition evaluation set (tests/data/recognition/) is sound, and its yardstick measures
what it says — not how well the scanner does (that floor is tests/data/slang_labelled.jsonl and
test_recognition_floor.py).

Checked here: every span is the surface it names, every disguise is of the class it claims
(readings from pypinyin, traditional forms from OpenCC, rare = outside the 6,000 common
characters), every plain lexicon term in a text is labelled or marked as a trap, contacts carry
their normalised values, dev and heldout share no message, and each side holds every class, kind,
trade and trap.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SET_DIR = ROOT / "tests" / "data" / "recognition"


def _module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build() -> ModuleType:
    return _module("recognition_build", SET_DIR / "build.py")


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _module("bench_recognition", ROOT / "bench" / "recognition.py")


@pytest.fixture(scope="module")
def splits() -> dict[str, list[dict[str, Any]]]:
    found = {}
    for name in ("dev", "heldout"):
        with (SET_DIR / f"{name}.jsonl").open(encoding="utf-8") as handle:
            found[name] = [json.loads(line) for line in handle]
    return found


def test_every_label_is_sound(build: ModuleType, splits: dict[str, list[dict[str, Any]]]) -> None:
    problems = [
        f"{row['id']}: {problem}"
        for rows in splits.values()
        for row in rows
        for problem in build.check_row(row)
    ]
    assert problems == []


def test_dev_and_heldout_are_split_by_message_and_each_holds_everything(
    build: ModuleType, splits: dict[str, list[dict[str, Any]]]
) -> None:
    assert build.check_split(splits["dev"], splits["heldout"]) == []
    for name, rows in splits.items():
        assert {row["split"] for row in rows} == {name}
    ids = [row["id"] for rows in splits.values() for row in rows]
    texts = [row["text"] for rows in splits.values() for row in rows]
    assert len(set(ids)) == len(ids) and len(set(texts)) == len(texts)
    held = len(splits["heldout"]) / len(ids)
    assert 0.3 <= held <= 0.5


def test_size_and_coverage(build: ModuleType, splits: dict[str, list[dict[str, Any]]]) -> None:
    rows = splits["dev"] + splits["heldout"]
    assert len(rows) >= 600
    classes = Counter(t["class"] for row in rows for t in row["terms"])
    assert set(classes) == set(build.CLASSES)
    assert min(classes.values()) >= 25, classes
    kinds = Counter(c["kind"] for row in rows for c in row["contacts"])
    assert all(kinds[k] >= 30 for k in ("phone", "wechat", "qq", "telegram", "domain")), kinds
    forms = Counter(
        f for row in rows for c in row["contacts"] if c["kind"] == "phone" for f in c["form"]
    )
    for form in ("spaces", "dashes", "yi_dash", "letters", "star", "slash", "chinese_numerals"):
        assert forms[form] >= 5, (form, forms)
    assert forms["circled"] >= 5 and forms["plus_add"] >= 5 and forms["fullwidth"] >= 5
    # the hand-written core is a solid share, and rare substitutes are really rare
    assert sum(row["source"] == "core" for row in rows) >= 200
    rare = [t for row in rows for t in row["terms"] if t["rare"]]
    assert len(rare) >= 40
    assert all(t["class"] != "plain" for t in rare)
    trades = Counter(row["trade"] for row in rows)
    assert set(trades) == set(build.TRADES) and trades["benign"] >= 100


def test_the_checks_refuse_bad_labels(build: ModuleType) -> None:
    """The class checks are not vacuous: wrong claims are named."""
    assert build.check_term("崔收", "催收", "homophone") is None
    assert build.check_term("崔收", "催收", "lookalike")  # 崔 is not in the look-alike table
    assert build.check_term("正信", "征信", "homophone_rare")  # 正 is a common character
    assert build.check_term("征伩", "征信", "homophone_rare") is None
    assert build.check_term("徵信", "征信", "homophone")  # a traditional form, not a homophone
    assert build.check_term("征?信", "征信", "noise") is None
    assert build.check_term("zx", "征信", "pinyin")
    assert build.check_term("zх", "征信", "foreign_lookalike") is None  # Cyrillic х
    row = {
        "trade": "benign",
        "text": "我的征信花了",
        "terms": [],
        "contacts": [],
        "traps": [],
    }
    assert build.check_row(row) == ["unlabelled '征信' at 2"]
    assert build.phone_value("l38 OO26 7719") == "+8613800267719"
    assert build.phone_value("400一826一3317") == "+864008263317"  # 一 as a dash
    assert build.phone_form("13800138000", "➕") == ["plus_add"]


def test_the_yardstick_gives_a_perfect_reader_full_marks(
    bench: ModuleType, splits: dict[str, list[dict[str, Any]]]
) -> None:
    """A scanner that returns exactly the labels, and an extractor that returns exactly the
    contacts, score 1.0 everywhere and hit nothing inside a handle."""
    rows = splits["dev"]
    by_text = {row["text"]: row for row in rows}

    class FakeHit:
        def __init__(self, label: dict[str, Any]) -> None:
            self.start, self.end = label["start"], label["end"]
            self.term, self.surface = label["term"], label["surface"]
            self.kinds = () if label["class"] == "plain" else (label["class"],)

    def scan(text: str) -> list[FakeHit]:
        return [FakeHit(t) for t in by_text[text]["terms"]]

    def extract(text: str) -> list[dict[str, Any]]:
        return by_text[text]["contacts"]

    figures = bench.evaluate(rows, scan, extract)
    terms = figures["terms"]
    assert terms["recall_disguised"] == 1.0 and terms["precision_disguised"] == 1.0
    assert all(c["recall"] == 1.0 for c in terms["recall_by_class"].values())
    assert terms["hits_in_contacts"] == 0 and terms["hits_on_traps"] == {}
    contacts = figures["contacts"]
    assert contacts["handles"] == {
        "labels": contacts["handles"]["labels"],
        "recall": 1.0,
        "precision": 1.0,
    }
    assert contacts["phones_in_disguise"]["recall"] == 1.0


def test_the_yardstick_counts_what_is_wrong(bench: ModuleType) -> None:
    """A foreign number for a ➕ that means "add", a hit inside a handle, the wrong term over the
    right span: each is counted as the bench's docstring says."""
    row = {
        "text": "代理维权加V：dlwq01 ➕13800138000",
        "terms": [
            {
                "start": 0,
                "end": 4,
                "surface": "代理维权",
                "term": "代理维权",
                "class": "plain",
                "rare": False,
            }
        ],
        "contacts": [
            {"start": 7, "end": 13, "surface": "dlwq01", "kind": "wechat", "value": "dlwq01"},
            {
                "start": 15,
                "end": 26,
                "surface": "13800138000",
                "kind": "phone",
                "value": "+8613800138000",
                "form": ["plus_add"],
                "disguised": True,
            },
        ],
        "traps": [],
    }

    class Hit:
        def __init__(self, term: str, start: int, end: int, kinds: tuple[str, ...]) -> None:
            self.term, self.start, self.end, self.kinds = term, start, end, kinds
            self.surface = row["text"][start:end]

    def scan(text: str) -> list[Hit]:
        return [Hit("代理", 0, 2, ()), Hit("代理维权", 7, 11, ("initials",))]

    def extract(text: str) -> list[dict[str, Any]]:
        return [
            {"kind": "wechat", "value": "DLWQ01", "start": 7, "end": 13},
            {"kind": "phone", "value": "+13800138000", "start": 14, "end": 26},
        ]

    figures = bench.evaluate([row], scan, extract)
    terms = figures["terms"]
    assert terms["recall_by_class"]["plain"]["found"] == 0  # 代理 is not 代理维权
    assert terms["precision_disguised"] == 0.0 and terms["hits_in_contacts"] == 1
    contacts = figures["contacts"]
    assert contacts["by_kind"]["wechat"]["recall"] == 1.0  # ids compare case-insensitively
    assert contacts["by_kind"]["phone"]["recall"] == 0.0
    assert contacts["value_wrong"] == 1
    assert bench.normalise("domain", "https://WWW.Jr668.com/a?b=1") == "jr668.com"
    assert bench.normalise("telegram", "t.me/Fcs_Guide") == "fcs_guide"
    assert bench.normalise("phone", "13800138000") == "+8613800138000"
