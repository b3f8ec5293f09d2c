"""The context model (graph/text/context.py): its shipped weights, what a user relies on from its
score and explanation, and which lone hits it keeps from counting as a disguise."""

from __future__ import annotations

import hashlib
import json

import pytest

from app.cli import main
from graph.text import context
from graph.text.slang import Hit, scan, summarize

# Written for this test, in neither the training data nor the evaluation set.
AGENT_ADVERTS = (
    "【专业团队】信用卡网贷逾期，帮你停息挂账，协商还款，不成功不收费，加微 shang_an88",
    "反催收联盟：代理维权，一对一债务优化，三天停止爆通讯录，电话 139 0000 1234",
    "网贷逾期不用怕！专业协商减免罚息，只还本金，咨询扣扣 2876654301",
    "日结兼职，在家手机操作，每天两小时，日入三百，想上岸的私聊",
    "急用钱？无视黑白户，不看征信，当天下款五万，联系飞机 @kuaidai_vip",
    "回血计划，带你翻本上岸，稳赚不赔，进群领彩金 t.me/huixue_cn",
)
BENIGN_TEXTS = (
    "我上周在平台借了三千块，今天还款的时候页面一直转圈，客服也打不通，请处理一下",
    "晚上要不要一起去看电影，我请客",
    "新闻：市场监管部门提醒，警惕所谓“征信修复”收费服务，征信异议可免费申请",
    "我妈的手机上多了一个借款软件，她说不是自己装的，请平台核实",
    "明天下午三点开会，记得带上季度报表",
    "这家面馆的牛肉面很好吃，就是排队太久了",
)


def test_the_weights_file_loads_and_its_version_is_its_hash() -> None:
    data = context.MODEL_PATH.read_bytes()
    assert len(data) < 400_000  # a small file inside the package
    assert context.model_version() == "ctx-" + hashlib.sha256(data).hexdigest()[:12]
    assert context.model_version() == context.model_version()
    model = json.loads(data)
    assert model["max_n"] == context.MAX_N
    assert model["trade"]["classes"][0] == "benign"
    # written deterministically: sorted keys, compact, so a rebuild gives the same bytes
    assert (
        data.decode("utf-8")
        == json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    )


def test_obvious_adverts_rank_above_obvious_benign_texts() -> None:
    agents = [context.agent_score(t) for t in AGENT_ADVERTS]
    benign = [context.agent_score(t) for t in BENIGN_TEXTS]
    assert all(0.0 <= s <= 1.0 for s in agents + benign)
    pairs = [(a, b) for a in agents for b in benign]
    assert sum(a > b for a, b in pairs) / len(pairs) >= 0.9, (agents, benign)
    assert sum(s >= context.AGENT_AT for s in agents) >= 5
    assert sum(s < context.AGENT_AT for s in benign) >= 5


def test_disguises_and_numbers_fold_like_the_scanner_folds_them() -> None:
    assert context.fold("ＺＸ  Tel 139-0000-1234") == "zx tel 000-0000-0000"
    assert context.agent_score("加ＶＸ：ＡＢＣ１２３") == context.agent_score("加vx:abc999")


def test_trade_view_sums_to_one_and_names_the_six_trades() -> None:
    scores = context.trade_scores(AGENT_ADVERTS[0])
    assert set(scores) == {"benign", "debt_agent", "loan", "gambling", "fraud", "recruitment"}
    assert abs(sum(scores.values()) - 1.0) < 1e-9
    assert max(scores, key=scores.__getitem__) == "debt_agent"
    assert max(context.trade_scores(BENIGN_TEXTS[1]).items(), key=lambda kv: kv[1])[0] == "benign"


def test_explain_names_ngrams_of_the_text_that_push_the_score() -> None:
    text = AGENT_ADVERTS[1]
    top = context.explain(text, top=4)
    ups = [t for t in top if t["weight"] > 0]
    downs = [t for t in top if t["weight"] < 0]
    assert ups and len(ups) <= 4 and len(downs) <= 4
    folded = context.fold(text)
    assert all(t["ngram"] in folded for t in top)
    assert [t["weight"] for t in ups] == sorted((t["weight"] for t in ups), reverse=True)
    # the contributions and the bias give back the score
    parts = context.default_model().contributions(text)
    logit = context.default_model().agent_bias + sum(parts.values())
    assert abs(1 / (1 + 2.718281828459045**-logit) - context.agent_score(text)) < 1e-6


def _hit(disguise: str | None) -> Hit:
    return Hit("征信", "credit", "zx", 0, 2, disguise)


def test_a_lone_weak_hit_in_a_benign_text_does_not_count_as_a_disguise() -> None:
    assert context.suppressed([_hit("initials")], 0.05) == [0]
    assert context.suppressed([_hit("homophone+traditional")], 0.05) == [0]
    assert context.suppressed([_hit("initials")], 0.9) == []  # an agent-like text
    assert context.suppressed([_hit(None)], 0.0) == []  # plain hits always count
    assert context.suppressed([_hit("noise")], 0.0) == []  # a deliberate disguise counts
    assert context.suppressed([_hit("initials"), _hit("initials")], 0.0) == []  # with company
    summary = summarize([_hit("initials")], suppressed=[0])
    assert summary == {"slang_terms": ["征信"], "slang_categories": ["credit"], "disguise_count": 0}


def test_a_borrower_writing_zx_is_not_counted_but_the_term_is_kept() -> None:
    text = "我想问一下我的zx上有一条记录不对，怎么申请更正"
    hits = scan(text)
    assert [h.term for h in hits if h.disguise] == ["征信"]
    reading = context.summary(text, hits)
    assert reading["score"] < context.SUPPRESS_BELOW
    assert reading["suppressed"] == [0]


def test_scan_json_keeps_its_keys_and_adds_context(capsys: pytest.CaptureFixture[str]) -> None:
    text = AGENT_ADVERTS[0]
    assert main(["scan", "--json", text]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"hits", "lexicon_version", "contacts", "context"}
    assert [h["term"] for h in out["hits"]] == [h.term for h in scan(text)]
    assert set(out["context"]) == {"score", "version", "top", "suppressed"}
    assert out["context"]["version"] == context.model_version()
    assert out["context"]["score"] >= context.AGENT_AT
    assert all(set(t) == {"ngram", "weight"} for t in out["context"]["top"])
    assert main(["scan", text]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("context: agent-like") for line in lines) == 1
