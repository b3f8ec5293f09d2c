"""Templated-complaint clustering: invariants, one exact answer, real US narratives, Chinese texts."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import numpy as np
import pytest

from graph.core.errors import UserError
from graph.text.templates import (
    _permutations,
    find_templates,
    fold_texts,
    shingle_hashes,
    shingle_text,
    signatures,
)

CFPB_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cfpb_complaints_sample"

LETTER = (
    "本人{name}，身份证尾号{id4}，于{date}在贵司借款{amount}元。由于疫情影响收入中断，"
    "无法按时还款。贵司在放款时未明确告知综合年化利率，并强制搭售会员服务，严重侵害了"
    "消费者的知情权与选择权。贵司催收人员多次骚扰本人家人和同事，给本人造成极大困扰。"
    "现本人请求贵司停止催收，减免罚息与违约金，并协商个性化分期还款方案。如贵司不予处理，"
    "本人将向银保监会及人民银行投诉。"
)
ORGANIC = [
    "快递显示已签收，但我根本没有收到包裹，联系客服也一直没有回复。",
    "上个月的电费账单比平时高了一倍，供电公司说表没有问题。",
    "在商场买的羽绒服洗了一次就开线了，商家不给退换。",
    "银行卡莫名其妙被扣了年费，我从来没有开通过这项服务。",
    "健身房突然关门，老板联系不上，我办的年卡还剩八个月。",
    "网购的手机屏幕有划痕，卖家说是我自己弄的，拒绝售后。",
    "物业费每年都涨，但小区的绿化和保洁越来越差。",
    "孩子的培训班中途停课，机构承诺的退款迟迟不到账。",
    "租房押金被房东以各种理由扣掉，合同里根本没有这些条款。",
    "外卖送到时已经凉了，平台只愿意补偿一张三元的优惠券。",
    "航班取消后航空公司没有安排住宿，也不给任何补偿。",
    "宽带经常断网，报修三次了都没有人上门处理。",
    "医院收费清单上有我没有做过的检查项目。",
    "二手车行隐瞒了车辆的事故记录，现在修车花了一万多。",
    "理发店推销办卡，办完第二周就换了老板不认账。",
    "网课平台自动续费，扣了我三百多元，退订入口也找不到。",
]


def _letter(rng: random.Random) -> str:
    text = LETTER.format(
        name=rng.choice(["张伟", "李娜", "王芳", "刘洋", "陈静", "杨帆"]),
        id4=rng.randint(1000, 9999),
        date=f"{rng.randint(2019, 2024)}年{rng.randint(1, 12)}月",
        amount=rng.randint(3, 90) * 1000,
    )
    # small edits agents make: a synonym, a dropped clause, other punctuation
    if rng.random() < 0.5:
        text = text.replace("严重侵害了", "侵犯了")
    if rng.random() < 0.3:
        text = text.replace("给本人造成极大困扰。", "")
    if rng.random() < 0.3:
        text = text.replace("，", ",")
    return text


def _organic(rng: random.Random) -> str:
    return "".join(rng.sample(ORGANIC, 3))


def test_exact_answer_on_a_tiny_set() -> None:
    base = "本人因征信问题委托某公司协商还款但对方收费后失联希望贵司核实处理" * 2
    items = [
        ("b", base + "谢谢"),
        ("a", base),
        ("c", "快递三天没有送到客服一直不回复消息要求平台赔偿运费和商品差价损失"),
    ]
    result = find_templates(items)
    assert [(c.cluster_id, c.members) for c in result.clusters] == [("tpl:a", ("a", "b"))]
    assert result.cluster_of() == {"a": "tpl:a", "b": "tpl:a"}
    (link,) = result.links
    assert (link.id_a, link.id_b) == ("a", "b")
    assert 0.8 <= link.similarity <= 1.0


def test_result_does_not_depend_on_input_order() -> None:
    rng = random.Random(3)
    items = [(f"L{i:03d}", _letter(rng)) for i in range(40)]
    items += [(f"O{i:03d}", _organic(rng)) for i in range(40)]
    first = find_templates(items)
    rng.shuffle(items)
    second = find_templates(items)
    assert first.as_dict() == second.as_dict()


def test_chinese_templated_letters_cluster_and_organic_texts_do_not() -> None:
    rng = random.Random(11)
    letters = {f"L{i:04d}": _letter(rng) for i in range(300)}
    organic = {f"O{i:04d}": _organic(rng) for i in range(300)}
    result = find_templates([*letters.items(), *organic.items()])
    cluster_of = result.cluster_of()
    clustered_letters = sum(1 for key in letters if key in cluster_of)
    letter_clusters = {cluster_of[key] for key in letters if key in cluster_of}
    organic_with_letters = sum(1 for key in organic if cluster_of.get(key) in letter_clusters)
    print(
        f"\nChinese: {clustered_letters}/{len(letters)} letters clustered in "
        f"{len(letter_clusters)} cluster(s); organic texts in a letter cluster: "
        f"{organic_with_letters}/{len(organic)}"
    )
    assert clustered_letters >= 0.95 * len(letters)
    assert len(letter_clusters) <= 3
    assert organic_with_letters == 0


def test_star_links_avoid_the_quadratic_clique() -> None:
    rng = random.Random(5)
    items = [(f"L{i:04d}", _letter(rng)) for i in range(500)]
    star = find_templates(items)
    members = sum(c.size for c in star.clusters)
    assert len(star.links) == members - len(star.clusters)  # one link per non-hub member
    hubs = {c.representative for c in star.clusters}
    assert all(link.id_a in hubs or link.id_b in hubs for link in star.links)
    forest = find_templates(items, links="forest")
    assert len(forest.links) == members - len(forest.clusters)
    assert all(link.similarity >= 0.6 - 1e-6 for link in forest.links)


def test_minhash_estimate_tracks_exact_jaccard() -> None:
    rng = random.Random(9)
    texts = [_letter(rng) for _ in range(30)] + [_organic(rng) for _ in range(30)]
    k = 5
    codes, starts, lengths = fold_texts(texts)
    assert codes[starts[0] : starts[0] + lengths[0]].tobytes().decode("utf-32-le") == (
        shingle_text(texts[0])
    )
    hashes, counts = shingle_hashes(codes, starts, lengths, k)
    a, b = _permutations(256, 1)
    sig = signatures(hashes, counts, a, b)
    sets = []
    position = 0
    for count in counts:
        sets.append(set(hashes[position : position + count].tolist()))
        position += count
    errors = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            exact = len(sets[i] & sets[j]) / len(sets[i] | sets[j])
            estimate = float(np.mean(sig[i] == sig[j]))
            errors.append(abs(exact - estimate))
    assert max(errors) < 0.15
    assert float(np.mean(errors)) < 0.03


def test_folding() -> None:
    assert shingle_text("ＡＢＣ 徵信 XXXX XXXX 2023年5月, hello!! 𝐳") == "abc征信xx年月helloz"
    _, _, lengths = fold_texts(["", "a\x00b", "征信"])
    assert lengths.tolist() == [0, 2, 2]


def test_short_texts_and_bad_arguments() -> None:
    assert find_templates([("a", "同上"), ("b", "同上")]).clusters == []
    assert find_templates([]).links == []
    with pytest.raises(UserError):
        find_templates([("a", "x"), ("a", "y")])
    with pytest.raises(UserError):
        find_templates([("a", "x")], threshold=1.5)


def _cfpb_narratives() -> list[tuple[str, str, str]]:
    """(id, product, narrative) of every CFPB complaint with a narrative, both samples."""
    rows = []
    for path in sorted(CFPB_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for record in csv.DictReader(handle):
                record = {key.replace("_", " "): value for key, value in record.items()}
                text = (record.get("Consumer complaint narrative") or "").strip()
                if text:
                    rows.append(
                        (f"{path.stem}:{record['Complaint ID']}", record["Product"] or "", text)
                    )
    return rows


@pytest.mark.skipif(not CFPB_DIR.is_dir(), reason=f"real CFPB sample not found at {CFPB_DIR}")
def test_cfpb_credit_repair_letters_cluster_and_ordinary_narratives_do_not() -> None:
    """Public-domain US CFPB complaints (see ../shared/data/cfpb_complaints_sample/SOURCE.txt).

    Labels independent of the clustering: a *letter* cites the credit-reporting statute (sections
    609/611/605B, 15 U.S.C. 1681, "Fair Credit Reporting") — the credit-repair agencies' stock in
    trade; an *ordinary* narrative is one filed about a product other than credit reporting
    (cards, accounts, mortgages, debt collection …). Not every letter is a stamped copy, so the
    bar for letters is "many cluster, and mostly in big clusters"; the bar for ordinary
    narratives is "almost none share a cluster with a letter".
    """
    rows = _cfpb_narratives()
    statute = re.compile(
        r"\b(609|611|605B|1681[a-z0-9-]*)\b|U\.\s?S\.\s?C|Fair Credit Report", re.I
    )
    letters = {key for key, _, text in rows if statute.search(text)}
    ordinary = {
        key
        for key, product, text in rows
        if key not in letters and not product.startswith("Credit reporting")
    }
    result = find_templates([(key, text) for key, _, text in rows])
    cluster_of = result.cluster_of()
    size = {c.cluster_id: c.size for c in result.clusters}
    clustered = [key for key in letters if key in cluster_of]
    in_big = [key for key in clustered if size[cluster_of[key]] >= 5]
    letter_clusters = {cluster_of[key] for key in clustered}
    ordinary_with_letters = [key for key in ordinary if cluster_of.get(key) in letter_clusters]
    ordinary_clustered = [key for key in ordinary if key in cluster_of]
    print(
        f"\nCFPB: {len(rows)} narratives, {len(letters)} statute letters, {len(ordinary)} ordinary;"
        f" letters clustered {len(clustered)} ({len(clustered) / len(letters):.0%}), of which "
        f"{len(in_big)} in clusters of 5+; largest clusters "
        f"{[c.size for c in result.clusters[:5]]}; ordinary narratives sharing a cluster with a "
        f"letter: {len(ordinary_with_letters)}; ordinary narratives clustered at all: "
        f"{len(ordinary_clustered)}"
    )
    assert len(clustered) >= 0.45 * len(letters)
    assert len(in_big) >= 0.6 * len(clustered)
    assert len(ordinary_with_letters) <= 0.01 * len(ordinary)
    assert len(ordinary_clustered) <= 0.05 * len(ordinary)


def _chain_texts(links: int, window: int = 10) -> list[tuple[str, str]]:
    """Texts T0, T1, … where T(i) is sentences i … i+window-1 of one list of distinct sentences:
    each text is very like the next (one sentence in, one out), the ends have nothing in common."""
    rng = random.Random(17)
    sentences = [
        "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(12)) + "。"
        for _ in range(links + window)
    ]
    return [(f"T{i:02d}", "".join(sentences[i : i + window])) for i in range(links + 1)]


def _jaccard(a: str, b: str, k: int = 5) -> float:
    fa, fb = shingle_text(a), shingle_text(b)
    sa = {fa[i : i + k] for i in range(len(fa) - k + 1)}
    sb = {fb[i : i + k] for i in range(len(fb) - k + 1)}
    return len(sa & sb) / len(sa | sb)


def test_a_chain_of_similar_texts_is_not_one_cluster() -> None:
    """A~B~C~D with A and D unlike: connected components would chain them into one cluster;
    every member must instead be within the threshold of its cluster's representative."""
    items = _chain_texts(15)
    text = dict(items)
    neighbours = [_jaccard(items[i][1], items[i + 1][1]) for i in range(len(items) - 1)]
    assert min(neighbours) >= 0.75  # each text is a near-duplicate of the next …
    assert _jaccard(items[0][1], items[-1][1]) == 0.0  # … and the two ends share nothing
    result = find_templates(items)
    cluster_of = result.cluster_of()
    assert result.clusters, "near-duplicate neighbours still cluster"
    assert cluster_of.get("T00") is None or cluster_of.get("T00") != cluster_of.get("T15")
    # T00 and T05 have no text within the threshold of both (T(i), T(i+k): (10-k)/(10+k))
    assert cluster_of.get("T00") is None or cluster_of.get("T00") != cluster_of.get("T05")
    for cluster in result.clusters:
        hub = text[cluster.representative]
        for member in cluster.members:
            assert _jaccard(hub, text[member]) >= 0.5, (cluster.cluster_id, member)
    assert all(link.similarity >= 0.6 - 1e-6 for link in result.links)
    # a hub reaches two texts either way (three when an estimate errs): far from all sixteen
    assert max(c.size for c in result.clusters) <= 7
    # the same chain in any order, and the forest links stay inside the clusters
    shuffled = items[::-1]
    assert find_templates(shuffled).as_dict() == result.as_dict()
    forest = find_templates(items, links="forest")
    assert forest.cluster_of() == cluster_of
    assert all(cluster_of[link.id_a] == cluster_of[link.id_b] for link in forest.links)
    members = sum(c.size for c in forest.clusters)
    assert len(forest.links) == members - len(forest.clusters)


def test_every_member_is_within_threshold_of_its_representative() -> None:
    rng = random.Random(23)
    items = [(f"L{i:04d}", _letter(rng)) for i in range(200)]
    items += [(f"O{i:04d}", _organic(rng)) for i in range(400)]
    items += _chain_texts(30)
    result = find_templates(items)
    assert result.params["unplaced"] == 0
    spokes = {(link.id_a, link.id_b): link.similarity for link in result.links}
    for cluster in result.clusters:
        for member in cluster.members:
            if member != cluster.representative:
                assert spokes[(cluster.representative, member)] >= 0.6 - 1e-6
