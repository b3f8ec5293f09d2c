"""What the parse remembers between rows (texts' slang and contacts by whole text, the context
model's features by segment) never changes what it yields: a complaint file parsed with every
cache, warm, cold and so small that it starts afresh every few rows, yields exactly the items of
a parse that remembers nothing and scores each text from its whole n-grams — every record,
property and quarantine entry. The texts are built from templated parts that repeat, as bulk
complaints do, and hold slang and contacts that straddle punctuation and the parts' edges."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import pytest
from support import whole_text_score

from app.synth import generate
from graph.text import context
from ingest import kinds
from ingest.pipeline import iter_file

KEY = b"parse-cache-test-key"
# Parts a text is made of; neighbours join across their edges (催，+收 is 催收 across a mark,
# 微 + 信：… a WeChat cue, 138-0013- + 8000 a phone, abc。 + com a disguised domain).
PARTS = (
    "我于2023年10月办理了分期业务，金额15000元。", "请帮我更正征信记录。", "上岸，", "催，",
    "收，", "停息挂账。", "代理维权!!加V:fawu_1 ", "ＺＸ 征信  138", "0013 8000", "微", "信：abc_12345，",
    "138-0013-", "8000，", "网址 qinghejr。", "com 提交过工单。", "邮箱 zhang.san@", "qq.com。",
    "qq：12345678。", "t.me/fawu_team ", "分7期", "征.信", "代?理", "协商还款，", "反催收，",
    "dai李", "zx/fq", "请尽快处理。", "一三八一二三四五六七八", "我已经拨打了12378好几次了，",
    "催，收，停息挂账。", "加微信：abc_12345，",
)  # fmt: skip
HEADER = ["投诉编号", "投诉内容", "备注", "本人手机号", "联系电话"]


def templated_texts(count: int, seed: int) -> list[str]:
    chance = random.Random(seed)
    texts = ["".join(chance.choices(PARTS, k=chance.randint(1, 8))) for _ in range(count)]
    return texts + chance.sample(texts, count // 4)  # some texts repeat word for word


def complaints_file(folder: Path, seed: int = 1) -> Path:
    chance = random.Random(seed)
    path = folder / "complaints.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n, text in enumerate(templated_texts(400, seed)):
            note = chance.choice(PARTS) if n % 3 == 0 else ""
            own = f"1391234{n:04d}" if n % 2 else ""
            contact = chance.choice(["13800138000", "", "99"])  # one refused (a warning)
            writer.writerow([f"C{n}", text, note, own, contact])
    return path


def parse(path: Path) -> list[Any]:
    return list(iter_file("complaints", path, source="org-a", hashing_key=KEY))


def clear_caches() -> None:
    kinds.text_summary.cache_clear()
    kinds.text_contacts.cache_clear()
    context.default_model()._features.clear()


def remembering_nothing(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    with monkeypatch.context() as patch:
        patch.setattr(kinds, "text_summary", kinds.text_summary.__wrapped__)
        patch.setattr(kinds, "text_contacts", kinds.text_contacts.__wrapped__)
        patch.setattr(context, "agent_score", whole_text_score)
        return parse(path)


def assert_same(cached: list[Any], reference: list[Any]) -> None:
    assert len(cached) == len(reference)
    for got, expected in zip(cached, reference, strict=True):
        assert got == expected


def test_the_file_holds_what_the_caches_must_get_right(tmp_path: Path) -> None:
    """The file is no empty exercise: its rows hold slang across a mark, disguised slang,
    contacts joined across parts, repeated texts and a quarantined value."""
    items = parse(complaints_file(tmp_path))
    props = [i.nodes[0].props for i in items if hasattr(i, "nodes")]
    terms = {t for p in props for t in p.get("slang_terms", ())}
    assert {"催收", "征信", "停息挂账"} <= terms
    assert any(p.get("disguise_count") for p in props)
    keys = {link.end for i in items if hasattr(i, "links") for link in i.links}
    assert "wechat:abc_12345" in keys and "domain:qinghejr.com" in keys
    assert "phone:+8613800138000" in keys and any(k.startswith("email:") for k in keys)
    assert len({p["text"] for p in props}) < len(props)
    assert any(not hasattr(i, "nodes") for i in items)  # a quarantine entry


def test_cached_parse_yields_what_a_parse_remembering_nothing_yields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = complaints_file(tmp_path)
    reference = remembering_nothing(path, monkeypatch)
    clear_caches()
    assert_same(parse(path), reference)  # cold
    assert_same(parse(path), reference)  # every text and segment remembered
    monkeypatch.setattr(context, "SEGMENT_CACHE_SIZE", 7)
    monkeypatch.setattr(context, "GRAM_NUMBERS", 90)
    try:
        assert_same(parse(path), reference)  # starting afresh every few rows
    finally:
        clear_caches()


@pytest.mark.slow
def test_a_generated_worlds_complaints_parse_the_same_with_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(3000, 23, tmp_path)
    paths = sorted(tmp_path.glob("complaints_*.csv"))
    assert paths
    for path in paths:
        reference = remembering_nothing(path, monkeypatch)
        clear_caches()
        assert_same(parse(path), reference)
        assert_same(parse(path), reference)
