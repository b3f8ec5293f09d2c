"""What the context model adds over rules alone, cross-validated on dev (or on heldout, once).

Run::

    .venv/bin/python bench/context.py                  # dev, 5-fold cross-validation (~1 min)
    .venv/bin/python bench/context.py --split heldout  # the shipped model on heldout: figures only

On dev every text is scored by a model trained without its message group's fold (see
``bench/context_train.py``, same C as the shipped model), so the figures are out-of-sample. The
same run sweeps the suppression threshold (``graph.text.context.SUPPRESS_BELOW`` was chosen from
this sweep) and reports the trade view: the share of texts whose most likely trade is right.
On heldout the shipped model is used as is; nothing is tuned there.

Figures are printed by ``bench/recognition.py``'s ``report_context`` (AUC, precision/recall,
per trade, suppression); see that script for what each means.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import context_train  # noqa: E402
from recognition import _pct, load, report_context, score_context  # noqa: E402

from graph.text import context  # noqa: E402
from graph.text.slang import default_detector  # noqa: E402

SWEEP = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5)


def trade_accuracy(rows: list[dict], trades: list[dict[str, float]]) -> dict[str, float | None]:
    """Share of texts, per trade, whose most likely trade is their labelled one."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for row, probabilities in zip(rows, trades, strict=True):
        total[row["trade"]] += 1
        right[row["trade"]] += max(probabilities, key=probabilities.__getitem__) == row["trade"]
    figures: dict[str, float | None] = {
        trade: right[trade] / total[trade] for trade in sorted(total)
    }
    figures["all"] = sum(right.values()) / sum(total.values())
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=("dev", "heldout"), default="dev")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = load(args.split)
    detector = default_detector()
    model = context.default_model()
    if args.split == "dev":
        c = float(json.loads(context.MODEL_PATH.read_text(encoding="utf-8"))["training"]["C"])
        dev, extra = context_train.load_dev(), context_train.load_extra()
        started = time.perf_counter()
        agent, trades = context_train.oof_scores(dev, extra, c)
        print(f"5-fold CV on dev by message group, C={c} ({time.perf_counter() - started:.0f} s)")
        by_text = {e[0]: s for e, s in zip(dev, agent, strict=True)}
        title = "dev, out-of-fold (cross-validated)"
    else:
        by_text = {row["text"]: model.agent_score(row["text"]) for row in rows}
        trades = [model.trade_scores(row["text"]) for row in rows]
        title = f"heldout, shipped model {context.model_version()}"
    figures = score_context(rows, detector.scan, by_text.__getitem__)
    figures["trade_accuracy"] = trade_accuracy(rows, trades)
    if args.split == "dev":
        figures["sweep"] = {
            str(t): score_context(rows, detector.scan, by_text.__getitem__, t)["suppression"]
            for t in SWEEP
        }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    report_context(figures, title)
    accuracy = figures["trade_accuracy"]
    print(
        "  most likely trade right: "
        + ", ".join(f"{trade} {_pct(v).strip()}" for trade, v in accuracy.items())
    )
    if args.split == "dev":
        print("  suppression sweep (threshold: hits, disguised precision, disguised recall)")
        for t, s in figures["sweep"].items():
            print(
                f"    {t:5} {s['suppressed_hits']:4}  {_pct(s['precision_disguised'][1])}"
                f"  {_pct(s['recall_disguised'][1])}"
            )


if __name__ == "__main__":
    main()
