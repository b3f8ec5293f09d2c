"""The context model's n-grams, built from cached pieces (``graph.text.context.ngrams``), are
exactly those of the whole folded text, less those of punctuation only, as the model was trained
on them: on generated complaints, the fixture world, public data and random strings heavy in
punctuation, digits and full-width forms. So every agent score is the same."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import ROOT, whole_text_score

from app.synth import generate
from graph.text import context
from ingest.read import detect_encoding

SHARED = ROOT.parent / "shared" / "data"
RECOGNITION = ROOT / "tests" / "data" / "recognition" / "dev.jsonl"


def assert_same(texts: list[str]) -> None:
    assert texts
    for text in texts:
        for max_n in (1, 2, 3, 4):
            assert context.ngrams(text, max_n) == context.whole_text_ngrams(text, max_n), (
                text,
                max_n,
            )
        assert context.agent_score(text) == whole_text_score(text), text


def csv_column(path: Path, header: str, encoding: str = "utf-8-sig") -> Iterator[str]:
    with path.open(encoding=encoding, newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get(header):
                yield row[header]


def long_cells(path: Path) -> list[str]:
    """The cells of a clue file long enough to be texts, in the file's own encoding."""
    with path.open(encoding=detect_encoding(path), newline="") as handle:
        rows = list(csv.reader(handle))
    return [cell for row in rows[1:] for cell in row if len(cell) > 20]


def test_short_and_edge_texts() -> None:
    assert_same(["上岸", "", " ", "。", "，，", "a", "代🔥理", "...上岸...", "上 岸", "ＺＸ 征信  138",
                 "、。…-~上", "上、。…-~", "停息挂账。。代理维权!!加V:fawu_1", "x.y", "..x..y.."])  # fmt: skip


def test_random_texts() -> None:
    alphabet = list(" ,.!?;:'\"()、。…-~") + list("上岸代理维权停息挂账加微信ＺＸzx0123456789١٢")
    alphabet += ["，", "！", "　", "\n", "\t", "Ａ", "🔥", "e\u0301"]
    chance = random.Random(20)
    texts = ["".join(chance.choices(alphabet, k=chance.randint(1, 40))) for _ in range(3000)]
    assert_same(texts)


def test_fixture_world_and_recognition_texts() -> None:
    texts = []
    for path in sorted((ROOT / "fixtures" / "world").glob("complaints_*.csv")):
        texts += long_cells(path)
    for line in RECOGNITION.read_text(encoding="utf-8").splitlines():
        texts.append(json.loads(line)["text"])
    assert_same(texts)


@pytest.mark.slow
def test_generated_world_texts(tmp_path: Path) -> None:
    generate(3000, 23, tmp_path)
    texts = []
    for path in sorted(tmp_path.glob("complaints_*.csv")):
        texts += long_cells(path)
    assert len(texts) > 2000
    assert_same(texts)


@pytest.mark.slow
def test_public_complaint_texts() -> None:
    """CFPB complaint narratives (public domain; ../shared/data/*/SOURCE.txt)."""
    folder = SHARED / "cfpb_complaints_sample"
    if not folder.is_dir():
        pytest.skip(f"shared data folder {folder} is absent")
    texts = []
    for path in sorted(folder.glob("*.csv")):
        texts += list(csv_column(path, "Consumer complaint narrative"))
    assert len(texts) > 300
    assert_same(texts)


def test_scores_stay_the_same_when_the_segment_tables_start_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Tables so small that they start afresh every few texts, in the middle of a run of texts
    sharing segments: a mask kept from an old numbering would count the wrong n-grams."""
    monkeypatch.setattr(context, "SEGMENT_CACHE_SIZE", 5)
    monkeypatch.setattr(context, "GRAM_NUMBERS", 60)
    context.default_model()._features.clear()
    parts = ["我于2023年10月办理了分期业务，", "停息挂账。", "代理维权!!加V:fawu_1", "上岸，",
             "请帮我更正征信记录。", "ＺＸ 征信  138"]  # fmt: skip
    chance = random.Random(7)
    texts = ["".join(chance.choices(parts, k=chance.randint(1, 6))) for _ in range(400)]
    try:
        for text in texts * 2:  # the second pass meets remembered segments
            assert context.agent_score(text) == whole_text_score(text), text
    finally:
        context.default_model()._features.clear()
