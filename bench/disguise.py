"""Benchmark: disguise recognition per class, and how fast ``leadgraph scan TEXT`` answers.

Run::

    .venv/bin/python bench/disguise.py                  # figures on this checkout
    .venv/bin/python bench/disguise.py --cli            # also time `leadgraph scan TEXT` (3 runs)
    .venv/bin/python bench/disguise.py --root ../main   # the same cases against another checkout
    .venv/bin/python bench/disguise.py --corpus FILE     # plus hits a line of a clean corpus

Figures, for the hand-written cases of ``tests/text/disguise_cases.py`` (dev and held-out parts
apart) and for ``tests/data/slang_labelled.jsonl``:

* recall of disguised terms: an expected disguised hit is found when a hit has the same term, a
  span overlapping the expected one, and is marked disguised;
* precision of disguised hits: of the hits marked disguised, the share that are expected;
* clean texts that fired (texts without any expected hit that yielded one).

``--corpus`` scans a file of texts that hold no slang (one a line; e.g. product reviews) and
prints the hits per 1,000 lines with examples: a false-positive rate on real writing. The file is
not shipped; any plain-text corpus will do.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parents[1]


def _module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def evaluate(rows: list[tuple[str, list[dict[str, Any]]]], scan: Any) -> dict[str, Any]:
    """Recall of disguised and plain terms, precision of (disguised) hits, clean texts fired."""
    tp = {"disguised": 0, "plain": 0}
    fn = {"disguised": 0, "plain": 0}
    right = wrong = right_disguised = wrong_disguised = clean = clean_fired = 0
    misses: list[str] = []
    false: list[str] = []
    for text, expected in rows:
        hits = scan(text)
        used: set[int] = set()
        for item in expected:
            kind = "disguised" if item["disguised"] else "plain"
            match = next(
                (
                    i
                    for i, h in enumerate(hits)
                    if i not in used
                    and h.term == item["term"]
                    and h.start < item["end"]
                    and item["start"] < h.end
                    and (h.disguise is not None) == item["disguised"]
                ),
                None,
            )
            if match is None:
                fn[kind] += 1
                misses.append(text[item["start"] : item["end"]])
            else:
                tp[kind] += 1
                used.add(match)
        for i, hit in enumerate(hits):
            disguised = hit.disguise is not None
            if i in used:
                right += 1
                right_disguised += disguised
            else:
                wrong += 1
                wrong_disguised += disguised
                false.append(f"{hit.surface}->{hit.term} in {text}")
        if not expected:
            clean += 1
            clean_fired += bool(hits)

    def ratio(a: int, b: int) -> float | None:
        return a / b if b else None

    return {
        "texts": len(rows),
        "disguised_terms": tp["disguised"] + fn["disguised"],
        "recall_disguised": ratio(tp["disguised"], tp["disguised"] + fn["disguised"]),
        "recall_plain": ratio(tp["plain"], tp["plain"] + fn["plain"]),
        "precision": ratio(right, right + wrong),
        "precision_disguised": ratio(right_disguised, right_disguised + wrong_disguised),
        "clean_texts": clean,
        "clean_fired": clean_fired,
        "missed": misses,
        "false": false,
    }


def _show(name: str, figures: dict[str, Any], verbose: bool) -> None:
    def f(value: float | None) -> str:
        return "  -  " if value is None else f"{value:.3f}"

    print(
        f"  {name:22} texts {figures['texts']:4}  disguised {figures['disguised_terms']:4}"
        f"  recall {f(figures['recall_disguised'])}  plain {f(figures['recall_plain'])}"
        f"  precision {f(figures['precision'])}  disguised-precision"
        f" {f(figures['precision_disguised'])}  clean fired {figures['clean_fired']}/"
        f"{figures['clean_texts']}"
    )
    if verbose:
        if figures["missed"]:
            print(f"      missed: {figures['missed']}")
        if figures["false"]:
            print(f"      false: {figures['false']}")


def cli_seconds(root: Path, runs: int = 3) -> list[float]:
    """Wall time of ``leadgraph scan TEXT`` in a fresh process, after one warm-up run."""
    command = [str(root / ".venv" / "bin" / "leadgraph"), "scan", "我要zx修复，停息挂帐"]
    subprocess.run(command, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", type=Path, default=HERE, help="checkout whose scanner to use")
    parser.add_argument("--cli", action="store_true", help="time `leadgraph scan TEXT`")
    parser.add_argument("--corpus", type=Path, help="a clean corpus, one text a line")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and false hits")
    args = parser.parse_args()
    root = args.root.resolve()
    sys.path.insert(0, str(root))
    from graph.text.slang import default_detector

    start = time.perf_counter()
    detector = default_detector()
    detector.scan("预热")
    print(f"scanner of {root} ready in {time.perf_counter() - start:.2f} s")
    cases = _module(HERE / "tests" / "text" / "disguise_cases.py", "disguise_cases")
    # the ``[surface|term]`` markup is read as the labelled set's builder reads it
    parse = _module(HERE / "tests" / "data" / "slang_labelled.py", "slang_labelled").parse
    for part in ("DEV", "HELD_OUT"):
        print(f"{part} ({'tuned on' if part == 'DEV' else 'never tuned on'}):")
        every: list[tuple[str, list[dict[str, Any]]]] = []
        for name in cases.CLASSES:
            rows = [parse(marked) for marked in getattr(cases, part).get(name, [])]
            every += rows
            _show(name, evaluate(rows, detector.scan), args.verbose)
        _show("all classes", evaluate(every, detector.scan), False)
    labelled = HERE / "tests" / "data" / "slang_labelled.jsonl"
    rows = []
    for line in labelled.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows.append((row["text"], row["expected"]))
    print("tests/data/slang_labelled.jsonl (the regression floor):")
    _show("labelled set", evaluate(rows, detector.scan), args.verbose)
    if args.corpus:
        texts = [t for t in args.corpus.read_text(encoding="utf-8").splitlines() if t.strip()]
        fired: Counter[str] = Counter()
        examples: list[str] = []
        for text in texts:
            for hit in detector.scan(text):
                fired[hit.disguise or "plain"] += 1
                if hit.disguise and len(examples) < 30:
                    examples.append(f"{hit.surface}->{hit.term} ({hit.disguise})")
        disguised = sum(n for k, n in fired.items() if k != "plain")
        print(
            f"clean corpus {args.corpus.name}: {len(texts):,} texts, {disguised} disguised hits"
            f" ({1000 * disguised / max(1, len(texts)):.2f} a 1,000 texts), plain {fired['plain']}"
        )
        if args.verbose:
            print(f"      {examples}")
    if args.cli:
        times = cli_seconds(root)
        print(
            f"`leadgraph scan TEXT`: median {statistics.median(times):.2f} s of"
            f" {', '.join(f'{t:.2f}' for t in times)} (load average {os.getloadavg()[0]:.1f})"
        )


if __name__ == "__main__":
    main()
