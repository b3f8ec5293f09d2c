"""Slang detector: literal cases, spans, the lexicon file, and recall/precision on the labelled set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from graph.core.errors import UserError
from graph.text import confusables
from graph.text.lexicon import load_lexicon, parse_lexicon
from graph.text.slang import DISGUISE_ORDER, Detector, Hit, lexicon_version, scan, summarize

LABELLED = Path(__file__).resolve().parents[1] / "data" / "slang_labelled.jsonl"
needs_tables = pytest.mark.skipif(
    confusables.CONFUSABLE_DIR.is_dir() is False,
    reason=f"shared confusable tables not found at {confusables.CONFUSABLE_DIR}",
)


def found(text: str) -> list[tuple[str, str, str | None]]:
    return [(h.term, h.surface, h.disguise) for h in scan(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的征信花了", [("征信", "征信", None)]),
        ("帮你修复zhengxin", [("征信", "zhengxin", "pinyin")]),
        ("Zheng Xin 有问题", [("征信", "Zheng Xin", "pinyin")]),
        ("zx有问题找我们", [("征信", "zx", "initials")]),
        ("正信有问题", [("征信", "正信", "homophone")]),
        ("崔收天天打电话", [("催收", "崔收", "homophone")]),
        ("分琪还款", [("分期", "分琪", "homophone")]),
        ("z信黑了", [("征信", "z信", "mixed")]),
        ("可以分7", [("分期", "分7", "mixed")]),
        ("徵信報告", [("征信", "徵信", "traditional")]),
        ("ｚｈｅｎｇｘｉｎ", [("征信", "ｚｈｅｎｇｘｉｎ", "pinyin+fullwidth")]),
        ("𝐳𝐱修复", [("征信修复", "𝐳𝐱修复", "mixed+styled")]),
        ("查征.信", [("征信", "征.信", "separator")]),
        ("查征 信", [("征信", "征 信", "separator")]),
        ("徵-信", [("征信", "徵-信", "traditional+separator")]),
        ("律帅函", [("律师函", "律帅函", "lookalike")]),
        ("协伤还款", [("协商还款", "协伤还款", "homophone")]),
        ("被cs了，逾期三个月", [("催收", "cs", "initials"), ("逾期", "逾期", None)]),
        ("被cs了，要qs我", [("催收", "cs", "initials"), ("起诉", "qs", "initials")]),
        ("代理维权", [("代理维权", "代理维权", None)]),
    ],
)
def test_finds_disguises(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    if (
        any(d and "lookalike" in d for _, _, d in expected)
        and not confusables.CONFUSABLE_DIR.is_dir()
    ):
        pytest.skip("look-alikes come from the shared same_stroke.txt")
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "正心诚意",  # same sound as 征信, an ordinary word
        "公司一向正行正道",
        "这份报告提取了用户的特征信息",  # 征信 straddles 特征 | 信息
        "我们坚持公正信用评价",  # 正信 cut out of 公正 | 信用
        "天天被推销电话打扰，真是受不了",
        "财务分析报告",
        "部分期限较长的产品",
        "按照合同分7期付款",  # seven instalments, not 分期
        "预期收益率写的是百分之五",
        "我的键盘zxcv几个键失灵了",
        "She studied CS at university",
        "玩CS的时候电脑蓝屏",
        "WD硬盘三个月就坏了",
        "今天上A股市场整体下跌",
        "崔收到快递后发现商品有破损",
        "buzz xylophone",
    ],
)
def test_ordinary_text_does_not_fire(text: str) -> None:
    assert scan(text) == []


def test_spans_index_the_original_text() -> None:
    text = "您好！ＺＸ花了？专业处理征 . 信、徵信和 fen期，加V"
    hits = scan(text)
    assert [h.term for h in hits] == ["征信", "征信", "征信", "分期"]
    for hit in hits:
        assert text[hit.start : hit.end] == hit.surface
    assert hits[1].surface == "征 . 信"
    assert hits[3].surface == "fen期"


def test_hit_dict_and_summary() -> None:
    hits = scan("崔收上门，征信也花了")
    assert hits[0].as_dict() == {
        "term": "催收",
        "category": "collection",
        "surface": "崔收",
        "start": 0,
        "end": 2,
        "disguise": "homophone",
        "confidence": 1.0,
        "alternative": None,
    }
    assert summarize(hits) == {
        "slang_terms": ["催收", "征信"],
        "slang_categories": ["collection", "credit"],
        "disguise_count": 1,
    }
    assert Hit("征信", "credit", "徵.信", 0, 3, "traditional+separator").kinds == (
        "traditional",
        "separator",
    )
    assert set(DISGUISE_ORDER) >= {"pinyin", "initials", "homophone", "mixed", "separator"}


def test_lexicon_file_is_valid_and_versioned() -> None:
    lexicon = load_lexicon()
    assert lexicon_version() == lexicon.version
    terms = {t.term for t in lexicon.terms}
    assert {"征信", "逾期", "催收", "分期", "网贷", "协商还款", "停息挂账", "上岸"} <= terms
    assert {"银保监", "起诉", "代理", "法务", "维权", "反催收", "律师函", "金融"} <= terms
    assert next(t for t in lexicon.terms if t.term == "协商还款").pinyin[2] == "huan"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"categories": {"x": {"terms": ["征信"]}}}, "version"),
        ({"version": 1, "categories": {"x": {"terms": ["征"]}}}, "two or more"),
        (
            {"version": 1, "categories": {"x": {"terms": [{"term": "征信", "initials": "x"}]}}},
            "initials",
        ),
        ({"version": 1, "categories": {"x": {"terms": ["征信", "征信"]}}}, "twice"),
        (
            {"version": 1, "categories": {"x": {"terms": [{"term": "征信", "colour": 1}]}}},
            "unknown",
        ),
    ],
)
def test_lexicon_errors_are_user_errors(data: dict, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_lexicon(data)


def test_an_analyst_can_add_a_term_without_code(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "version": "test-1",
                "categories": {
                    "loan": {
                        "label": "贷款",
                        "terms": [{"term": "口子", "initials": "off", "variants": ["口孑"]}],
                    }
                },
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    cache = tmp_path / "cache" / "slang.json"
    detector = Detector(load_lexicon(path), cache_file=cache)
    assert [(h.term, h.surface, h.disguise) for h in detector.scan("新kouzi，秒下")] == [
        ("口子", "kouzi", "pinyin")
    ]
    assert [h.disguise for h in detector.scan("找口孑")] == ["listed"]
    assert cache.is_file()
    reloaded = Detector(load_lexicon(path), cache_file=cache)
    assert reloaded.scan("新口子") == detector.scan("新口子")


def _evaluate() -> dict[str, float]:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    counts = dict.fromkeys(("tp_disguised", "fn_disguised", "tp_plain", "fn_plain"), 0)
    correct = wrong = wrong_disguised = correct_disguised = 0
    clean_texts = clean_fired = 0
    misses = []
    for row in rows:
        hits = scan(row["text"])
        used: set[int] = set()
        for expected in row["expected"]:
            match = next(
                (
                    i
                    for i, h in enumerate(hits)
                    if i not in used
                    and h.term == expected["term"]
                    and h.start < expected["end"]
                    and expected["start"] < h.end
                    and (h.disguise is not None) == expected["disguised"]
                ),
                None,
            )
            kind = "disguised" if expected["disguised"] else "plain"
            if match is None:
                counts[f"fn_{kind}"] += 1
                misses.append(row["text"][expected["start"] : expected["end"]])
            else:
                counts[f"tp_{kind}"] += 1
                used.add(match)
        for i, hit in enumerate(hits):
            if i in used:
                correct += 1
                correct_disguised += hit.disguise is not None
            else:
                wrong += 1
                wrong_disguised += hit.disguise is not None
        if row["group"] == "clean":
            clean_texts += 1
            clean_fired += bool(hits)
    figures = {
        "texts": len(rows),
        "recall_disguised": counts["tp_disguised"]
        / (counts["tp_disguised"] + counts["fn_disguised"]),
        "recall_plain": counts["tp_plain"] / (counts["tp_plain"] + counts["fn_plain"]),
        "precision": correct / (correct + wrong),
        "precision_disguised": correct_disguised / (correct_disguised + wrong_disguised),
        "clean_texts": clean_texts,
        "clean_texts_with_a_hit": clean_fired,
        "disguised_terms": counts["tp_disguised"] + counts["fn_disguised"],
    }
    print("\nslang detector on tests/data/slang_labelled.jsonl:")
    for key, value in figures.items():
        print(f"  {key:24} {value:.3f}" if isinstance(value, float) else f"  {key:24} {value}")
    print(f"  missed: {misses}")
    return figures


@needs_tables
def test_recall_and_precision_on_the_labelled_set() -> None:
    figures = _evaluate()
    assert figures["texts"] >= 300
    assert figures["recall_disguised"] >= 0.95
    assert figures["recall_plain"] >= 0.95
    assert figures["precision"] >= 0.95
    assert figures["precision_disguised"] >= 0.95


def test_a_lexicon_file_that_cannot_be_read_or_parsed_is_named(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"missing\.yaml: cannot read the lexicon"):
        load_lexicon(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("terms: [unclosed", encoding="utf-8")
    with pytest.raises(UserError, match=r"broken\.yaml: not valid YAML for a lexicon"):
        load_lexicon(broken)
