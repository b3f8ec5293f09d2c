"""Benchmark: slang scan throughput (MB/s of UTF-8 text) against naive baselines.

Run::

    .venv/bin/python bench/scan.py                 # 20,000 complaints, 5 repeats
    .venv/bin/python bench/scan.py --n 100000 --repeats 3

The texts are Chinese complaints generated with a seed (``bench/templates.py``'s generator), a
share of them with disguised terms. Measured in the same run, medians over repeats:

* the detector (:func:`graph.text.slang.Detector.scan`, all disguises, spans, checks);
* baseline 1: ``term in text`` for every plain lexicon term (finds no disguise at all);
* baseline 2: one regex alternation of the plain terms (``re.finditer``), also plain only.

The detector is slower than the baselines, as it must be: it finds what they cannot. The ratio
shows the price of the disguises; the goal is ≥ 5 MB/s in absolute terms.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.text.lexicon import load_lexicon
from graph.text.slang import default_detector

DISGUISED = [
    "zx",
    "z信",
    "徵信",
    "正信",
    "崔收",
    "分琪",
    "fq",
    "停息挂帐",
    "txgz",
    "网dai",
    "上an",
    "ybj",
    "协商还kuan",
    "逾7",
    "征.信",
    "ｚｘ",
    "减mian",
    "代li维权",
    "fcs",
]


def _generator() -> Callable[..., tuple[list[tuple[str, str]], dict[str, int]]]:
    path = Path(__file__).with_name("templates.py")
    spec = importlib.util.spec_from_file_location("bench_templates", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.complaint_texts


def texts_for(n: int, seed: int, disguised_share: float) -> list[str]:
    items, _ = _generator()(n, seed)
    rng = random.Random(seed)
    texts = []
    for _, text in items:
        if rng.random() < disguised_share:
            cut = rng.randrange(len(text))
            text = text[:cut] + "，" + rng.choice(DISGUISED) + "找我们，" + text[cut:]
        texts.append(text)
    return texts


def timed(
    function: Callable[[list[str]], int], texts: list[str], repeats: int
) -> tuple[float, float, int]:
    """Median wall time, median CPU time (steadier on a shared machine) and the hit count."""
    times = []
    cpu = []
    found = 0
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        found = function(texts)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return statistics.median(times), statistics.median(cpu), found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=20_000, help="texts (default 20,000)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--disguised-share", type=float, default=0.2)
    args = parser.parse_args()

    start = time.perf_counter()
    detector = default_detector()
    detector.scan("预热")
    load = time.perf_counter() - start
    texts = texts_for(args.n, args.seed, args.disguised_share)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    terms = [t.term for t in load_lexicon().terms]
    alternation = re.compile("|".join(sorted(map(re.escape, terms), key=len, reverse=True)))

    def detector_scan(batch: list[str]) -> int:
        return sum(len(detector.scan(t)) for t in batch)

    def plain_in(batch: list[str]) -> int:
        return sum(1 for t in batch for term in terms if term in t)

    def plain_regex(batch: list[str]) -> int:
        return sum(1 for t in batch for _ in alternation.finditer(t))

    print(
        f"{len(texts):,} texts, {megabytes:.1f} MB UTF-8 ({megabytes * 1e6 / len(texts):.0f} bytes"
        f" a text); detector ready in {load:.1f} s ({detector.pattern_count:,} patterns);"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    results = {}
    for name, function in (
        ("detector (all disguises)", detector_scan),
        ("baseline: `term in text`", plain_in),
        ("baseline: regex alternation", plain_regex),
    ):
        seconds, cpu_seconds, found = timed(function, texts, args.repeats)
        results[name] = cpu_seconds
        print(
            f"  {name:30} {megabytes / seconds:7.1f} MB/s wall {megabytes / cpu_seconds:7.1f} MB/s"
            f" CPU {len(texts) / cpu_seconds:9,.0f} texts/s {found:7,} hits"
            f" (medians of {args.repeats})"
        )
    ours = results["detector (all disguises)"]
    for name in list(results)[1:]:
        print(f"  detector CPU time / {name[10:]}: {ours / results[name]:.1f}x")


if __name__ == "__main__":
    main()
