"""Benchmark: template clustering of N Chinese complaints (MinHash + LSH) against pairwise Jaccard.

Run::

    .venv/bin/python bench/templates.py                  # 100,000 complaints, 3 repeats
    .venv/bin/python bench/templates.py --n 1000000 --repeats 1   # the 1M goal (< 5 min, < 4 GiB)

Prints, for the same generated texts in the same run:

* ``find_templates`` wall time (median over repeats), throughput, and the process's peak resident
  memory (texts included) next to the resident memory before clustering;
* the baseline: exact pairwise Jaccard of shingle sets on a sample, extrapolated to N (n² / 2
  pairs), and the ratio;
* the signature step against ``datasketch.MinHash.bulk`` on the same shingles (a sample), and
  the ratio;
* quality on the generated truth: share of ring (templated) texts clustered, and organic texts
  that landed in a ring's cluster.

Texts are generated here with a seed: organic complaints from many interchangeable fragments,
and rings that each stamp their own template (names, amounts, dates filled in; a clause dropped,
a synonym, punctuation and slang changed here and there). ``--source synth`` uses the project's
synthetic-world text generator (``app.synth.texts``) instead, when it is present.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from graph.text.templates import (
    DEFAULT_NUM_PERM,
    DEFAULT_SHINGLE,
    DEFAULT_THRESHOLD,
    _permutations,
    find_templates,
    fold_texts,
    shingle_hashes,
    shingle_text,
    signatures,
)

LENDERS = [
    "招联消费金融",
    "微众银行",
    "马上消费金融",
    "某某银行信用卡中心",
    "借呗",
    "京东金条",
    "度小满",
    "安逸花",
    "360借条",
    "分期乐",
    "美团月付",
    "平安普惠",
]
OPENINGS = [
    "{date}我在{lender}借了{amount}元，分{n}期还款。",
    "本人于{date}通过{lender}的APP申请了一笔{amount}元的贷款。",
    "你好，我是{lender}的用户，{date}借款{amount}元。",
    "{date}开始使用{lender}，一共借了{amount}块钱。",
    "我在{date}办理了{lender}的分期业务，金额{amount}元。",
    "因为家里急用钱，{date}在{lender}借了{amount}。",
    "{lender}的客服在{date}打电话推销，我借了{amount}元。",
    "我是一名{job}，{date}在{lender}借款。",
]
GRIEVANCES = [
    "借款时没有告诉我实际年化利率，算下来超过了百分之三十六。",
    "放款时强制搭售了会员服务，扣了我好几百块。",
    "还款日当天我已经还款，系统却显示逾期。",
    "催收员打电话给我的父母和同事，说话非常难听。",
    "我提前还款还要收违约金，合同里根本没有写。",
    "客服一直踢皮球，说要等上级处理，已经一个多月了。",
    "我没有授权，他们就把我的信息给了第三方。",
    "每个月的账单金额都不一样，问客服也说不清楚。",
    "征信上显示我有两次逾期，可我每次都按时还了。",
    "他们说可以帮我降低额度，结果反而被扣了手续费。",
    "APP里找不到注销账户的入口。",
    "催收短信里威胁要上门，还说要让我坐牢。",
    "利息和服务费加起来比本金还多。",
    "自动扣款扣了两次，退款迟迟不到账。",
    "借款合同我从来没有看到过，只在手机上点了确认。",
    "我的身份证被别人冒用借了款，平台不管。",
    "保险费是默认勾选的，我根本不知道。",
    "逾期一天就收了两百元罚息。",
    "打客服电话永远是忙音，在线客服是机器人。",
    "上门的人自称是律师，要我签还款承诺书。",
    "我的工资卡被冻结了，说是他们申请的。",
    "借款到账金额比合同金额少了一千多。",
    "他们把我的通讯录全部下载了，还给我的朋友发短信。",
    "额度突然被降为零，正在用的分期也要一次还清。",
    "换了三个客服，每个人说法都不一样。",
    "明明已经结清，征信上还是显示未结清。",
    "平台说我的账户有风险，要我先交保证金才能放款。",
    "还款之后没有任何凭证，也查不到还款记录。",
]
DEMANDS = [
    "要求退还多收的利息和服务费。",
    "希望平台尽快更正我的征信记录。",
    "请监管部门核查这家平台的收费。",
    "要求停止骚扰我的家人。",
    "希望能给我一个合理的还款方案。",
    "请帮我开具结清证明。",
    "要求平台公开完整的借款合同。",
    "请退还搭售的会员费。",
    "希望有关部门严肃处理。",
    "要求赔偿我的损失。",
]
CLOSINGS = ["谢谢。", "望尽快答复。", "麻烦了。", "", "", "请尽快处理，谢谢！", "盼复。"]
JOBS = ["外卖骑手", "货车司机", "护士", "小学老师", "个体户", "工厂工人", "程序员", "大学生"]
RING_POOL = [
    "本人{name}，身份证尾号{id4}，于{date}在贵司借款{amount}元。",
    "本人{name}因家庭突发变故，收入来源中断，目前确实无力偿还贵司欠款。",
    "贵司在放款时未明确告知综合年化利率，违反了相关规定，侵害了消费者的知情权。",
    "贵司在放款时强制搭售会员和担保服务，侵害了消费者的自主选择权和公平交易权。",
    "贵司催收人员多次骚扰本人家人及同事，严重影响了本人的正常生活和工作。",
    "贵司未经本人同意上报征信，给本人造成了严重的负面影响。",
    "现本人请求贵司停止一切催收行为，减免全部罚息和违约金。",
    "请求贵司为本人办理停息挂账，并协商个性化分期还款方案，分{k}期偿还本金。",
    "请求贵司退还超过法定利率上限部分的利息共计{amount}元。",
    "如贵司在七个工作日内不予处理，本人将向银保监会、人民银行及互联网金融协会投诉。",
    "本人保留通过法律途径维护自身合法权益的权利。",
    "以上情况属实，本人愿意承担相应的法律责任。",
    "本人并非恶意逾期，愿意在能力范围内偿还本金。",
    "贵司的行为已经违反了《消费者权益保护法》第二十九条的规定。",
    "本人已多次联系贵司客服协商还款，均未得到有效答复。",
    "请贵司在收到本投诉后尽快与本人联系，联系电话见附件。",
]
RING_SLANG = {
    "征信": ["zx", "z信", "徵信", "正信"],
    "催收": ["崔收", "cs"],
    "分期": ["分琪", "fq"],
    "停息挂账": ["停息挂帐", "txgz"],
    "协商": ["xie商"],
    "银保监会": ["ybj", "银保监hui"],
}
NAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def _date(rng: random.Random) -> str:
    return f"{rng.randint(2019, 2025)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"


def organic(rng: random.Random) -> str:
    parts = [
        rng.choice(OPENINGS).format(
            date=_date(rng),
            lender=rng.choice(LENDERS),
            amount=rng.randint(1, 60) * 500,
            n=rng.choice((3, 6, 12, 24)),
            job=rng.choice(JOBS),
        )
    ]
    parts += rng.sample(GRIEVANCES, rng.randint(2, 4))
    parts += rng.sample(DEMANDS, rng.randint(1, 2))
    parts.append(rng.choice(CLOSINGS))
    text = "".join(parts)
    if rng.random() < 0.2:
        text = text.replace("，", ",")
    return text


# Each ring words the boilerplate its own way, so two rings rarely share a template.
RING_STYLE = {
    "贵司": ["贵司", "贵公司", "你司", "贵平台", "该机构"],
    "本人": ["本人", "我", "借款人", "当事人"],
    "请求": ["请求", "要求", "恳请", "希望"],
    "严重": ["严重", "极大地", "非常"],
    "侵害": ["侵害", "侵犯", "损害"],
}


def ring_template(rng: random.Random) -> str:
    text = "".join(rng.sample(RING_POOL, rng.randint(6, 9)))
    for word, choices in RING_STYLE.items():
        text = text.replace(word, rng.choice(choices))
    return text


def ring_text(rng: random.Random, template: str, slang: dict[str, str]) -> str:
    text = template.format(
        name=rng.choice(NAMES) + rng.choice(GIVEN),
        id4=rng.randint(1000, 9999),
        date=_date(rng),
        amount=rng.randint(2, 200) * 100,
        k=rng.choice((12, 24, 36)),
    )
    sentences = text.split("。")
    if len(sentences) > 5 and rng.random() < 0.3:
        del sentences[rng.randrange(1, len(sentences) - 1)]
        text = "。".join(sentences)
    if rng.random() < 0.3:
        text = text.replace("严重", "极其", 1)
    if rng.random() < 0.5:
        for term, variant in slang.items():
            text = text.replace(term, variant)
    return text


def complaint_texts(
    n: int, seed: int, ring_share: float = 0.3, source: str = "own"
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """``n`` (id, text) pairs and the ring of every templated text. Ring sizes follow a heavy
    tail with one large ring of about 5% of the texts (5,000 of 100,000)."""
    rng = random.Random(seed)
    if source == "synth":
        return _synth_texts(n, rng, ring_share)
    n_ring = int(n * ring_share)
    sizes = [max(2, n // 20)]
    while sum(sizes) < n_ring:
        sizes.append(min(n_ring - sum(sizes), max(2, int(rng.paretovariate(1.2) * 5))))
    items: list[tuple[str, str]] = []
    truth: dict[str, int] = {}
    for ring, size in enumerate(sizes):
        templates = [ring_template(rng) for _ in range(rng.choice((1, 1, 2)))]
        slang = {t: rng.choice(v) for t, v in rng.sample(sorted(RING_SLANG.items()), 2)}
        for j in range(size):
            key = f"r{ring:05d}-{j:06d}"
            items.append((key, ring_text(rng, rng.choice(templates), slang)))
            truth[key] = ring
    for i in range(n - len(items)):
        items.append((f"o{i:07d}", organic(rng)))
    rng.shuffle(items)
    return items, truth


def _synth_texts(
    n: int, rng: random.Random, ring_share: float
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    from app.synth import texts as synth  # the synthetic-world generator, when present

    items: list[tuple[str, str]] = []
    truth: dict[str, int] = {}
    ring = 0
    while len(truth) < int(n * ring_share):
        style = synth.ring_style(rng)
        for j in range(min(int(n * ring_share) - len(truth), rng.randint(2, 400))):
            _, text, _ = synth.ring_text(
                rng,
                style,
                rng.choice(NAMES) + rng.choice(GIVEN),
                f"{rng.randint(10**17, 10**18 - 1)}",
                rng.choice(LENDERS),
            )
            key = f"r{ring:05d}-{j:06d}"
            items.append((key, text))
            truth[key] = ring
        ring += 1
    for i in range(n - len(items)):
        items.append((f"o{i:07d}", synth.organic_text(rng, rng.choice(LENDERS), "95188", "12378")))
    rng.shuffle(items)
    return items, truth


def rss_mib() -> float:
    """Current resident memory of this process."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pairwise_baseline(items: list[tuple[str, str]], sample: int, k: int, threshold: float) -> float:
    """Seconds for exact Jaccard over every pair of a sample of texts (shingle sets built first,
    not timed: the fair best case for the baseline)."""
    sets = []
    for _, text in items[:sample]:
        folded = shingle_text(text)
        sets.append({folded[i : i + k] for i in range(len(folded) - k + 1)})
    start = time.perf_counter()
    similar = 0
    for i in range(len(sets)):
        a = sets[i]
        for j in range(i + 1, len(sets)):
            b = sets[j]
            inter = len(a & b)
            if inter and inter / (len(a) + len(b) - inter) >= threshold:
                similar += 1
    return time.perf_counter() - start


def signature_comparison(
    items: list[tuple[str, str]], sample: int, k: int, num_perm: int
) -> tuple[float, float]:
    """Seconds for our numpy signatures and for datasketch ``MinHash.bulk`` on the same shingles."""
    from datasketch import MinHash

    texts = [t for _, t in items[:sample]]
    start = time.perf_counter()
    codes, starts, lengths = fold_texts(texts)
    keep = lengths >= k
    hashes, counts = shingle_hashes(codes, starts[keep], lengths[keep], k)
    a, b = _permutations(num_perm, 1)
    signatures(hashes, counts, a, b)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    folded = [shingle_text(t) for t in texts]
    shingles = [[f[i : i + k].encode("utf-8") for i in range(len(f) - k + 1)] for f in folded]
    MinHash.bulk([s for s in shingles if s], num_perm=num_perm)
    theirs = time.perf_counter() - start
    return ours, theirs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000, help="complaints (default 100,000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; the median is shown")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--num-perm", type=int, default=DEFAULT_NUM_PERM)
    parser.add_argument("--pairwise-sample", type=int, default=2_000)
    parser.add_argument("--source", choices=("own", "synth"), default="own")
    args = parser.parse_args()
    k = DEFAULT_SHINGLE

    start = time.perf_counter()
    items, truth = complaint_texts(args.n, args.seed, source=args.source)
    chars = sum(len(t) for _, t in items)
    print(
        f"generated {len(items):,} complaints ({chars / len(items):.0f} chars on average, "
        f"{len(truth):,} from rings) in {time.perf_counter() - start:.1f} s"
    )
    gc.collect()
    rss_before = rss_mib()

    times = []
    cpu_times = []
    result = None
    for _ in range(args.repeats):
        result = None
        gc.collect()
        start = time.perf_counter()
        cpu_start = time.process_time()
        result = find_templates(
            items, threshold=args.threshold, num_perm=args.num_perm, seed=args.seed
        )
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    assert result is not None
    median = statistics.median(times)
    peak = peak_rss_mib()
    cluster_of = result.cluster_of()
    ring_clustered = sum(1 for key in truth if key in cluster_of)
    ring_clusters = {cluster_of[key] for key in truth if key in cluster_of}
    organic_in_ring = sum(
        1 for key, _ in items if key not in truth and cluster_of.get(key) in ring_clusters
    )
    sizes = sorted((c.size for c in result.clusters), reverse=True)

    print(
        f"\nfind_templates on {args.n:,} complaints (threshold {args.threshold}, "
        f"num_perm {args.num_perm}, k {k}, bands×rows {result.params['bands']}×{result.params['rows']}):"
    )
    print(
        f"  time          median {median:.1f} s over {len(times)} run(s) "
        f"({', '.join(f'{t:.1f}' for t in times)}); {args.n / median:,.0f} complaints/s;"
        f" CPU time median {statistics.median(cpu_times):.1f} s; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"  memory        peak RSS {peak:,.0f} MiB (RSS with the texts loaded, before "
        f"clustering: {rss_before:,.0f} MiB)"
    )
    print(
        f"  result        {len(result.clusters):,} clusters, largest {sizes[:5]}, "
        f"{len(result.links):,} SAME_TEMPLATE links (star); {result.params['rounds']} star-peeling "
        f"rounds, {result.params['unplaced']:,} texts left unplaced"
    )
    print(
        f"  quality       ring texts clustered {ring_clustered / max(1, len(truth)):.1%}; "
        f"organic texts in a ring cluster {organic_in_ring:,} of {args.n - len(truth):,}"
    )
    pair_seconds = pairwise_baseline(items, args.pairwise_sample, k, args.threshold)
    sample_pairs = args.pairwise_sample * (args.pairwise_sample - 1) / 2
    full_pairs = args.n * (args.n - 1) / 2
    pairwise_full = pair_seconds * full_pairs / sample_pairs
    ours, theirs = signature_comparison(items, min(5_000, args.n), k, args.num_perm)

    print("\nbaseline: exact pairwise Jaccard of shingle sets")
    print(
        f"  {args.pairwise_sample:,} texts, {sample_pairs:,.0f} pairs: {pair_seconds:.1f} s "
        f"-> {full_pairs:,.0f} pairs extrapolated: {pairwise_full / 3600:,.1f} h"
    )
    print(f"  ratio         pairwise / MinHash-LSH = {pairwise_full / median:,.0f}x")
    print(
        f"\nsignatures of {min(5_000, args.n):,} texts: numpy {ours:.2f} s, "
        f"datasketch MinHash.bulk {theirs:.2f} s, ratio {theirs / ours:.0f}x"
    )


if __name__ == "__main__":
    np.seterr(over="ignore")
    main()
