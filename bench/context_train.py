"""Train the context model (``graph/text/context_model.json``) and cross-validate it on dev.

Run::

    .venv/bin/python bench/context_train.py            # choose C on dev by CV, write the file
    .venv/bin/python bench/context_train.py --cv-only  # only print the cross-validation

Needs scikit-learn (a development dependency: ``pip install -e '.[dev]'``). Deterministic: the
synthetic texts come from a fixed seed, folds are fixed by message group, the solver is
deterministic, and the JSON is written with sorted keys and integer weights.

Training data — every piece shippable, the project's own work (see :mod:`graph.text.context`):
the recognition set's **dev** split (never its held-out split), the ``clean`` group of
``tests/data/slang_labelled.jsonl``, synthetic complaints and bios from :mod:`app.synth.texts`,
and ``tests/data/context/negatives.txt``.

Cross-validation: 5 folds of dev grouped by message group (a template's renderings stay on one
side); the other texts are always in training, and only dev folds are scored. The regularisation
``C`` with the best mean out-of-fold log-loss on dev is used for the shipped model.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.synth import texts as synth  # noqa: E402
from graph.text.context import MAX_N, MODEL_PATH, ContextModel, ngrams  # noqa: E402

SEED = 16
TRADES = ("benign", "debt_agent", "loan", "gambling", "fraud", "recruitment")
C_GRID = (3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
FOLDS = 5
MIN_DF = 2  # an n-gram must appear in two training texts
KEEP = 6000  # n-grams kept in the shipped file, by their largest absolute weight
SCALE = 1000  # weights stored as integers of 1/SCALE
SYNTH_EACH = 250  # synthetic organic and ring complaints (each)

Example = tuple[str, str, str]  # (text, trade, group)


def load_dev() -> list[Example]:
    path = ROOT / "tests" / "data" / "recognition" / "dev.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [(r["text"], r["trade"], r["group"]) for r in rows]


def load_extra() -> list[Example]:
    """Everything but dev: always training data, never scored."""
    examples: list[Example] = []
    labelled = ROOT / "tests" / "data" / "slang_labelled.jsonl"
    for line in labelled.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["group"] == "clean":
            examples.append((row["text"], "benign", "clean"))
    negatives = ROOT / "tests" / "data" / "context" / "negatives.txt"
    for line in negatives.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            examples.append((line.strip(), "benign", "negatives"))
    return examples + synthetic(random.Random(SEED))


def synthetic(rng: random.Random) -> list[Example]:
    """Organic and ring complaints and bios from the world generator (names made up here)."""
    lenders = ("安心借", "快易贷", "星火金融", "惠民钱包", "诚信分期", "万家小贷")
    names = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强")
    examples: list[Example] = []
    for _ in range(SYNTH_EACH):
        text = synth.organic_text(rng, rng.choice(lenders), "4008001234", "0571-88886666")
        if rng.random() < 0.05:
            text = synth.with_slang_slip(rng, text)
        examples.append((text, "benign", "synth"))
    styles = [synth.ring_style(rng) for _ in range(30)]
    for _ in range(SYNTH_EACH):
        id_number = "".join(rng.choice("0123456789") for _ in range(18))
        _, text, _ = synth.ring_text(
            rng, rng.choice(styles), rng.choice(names), id_number, rng.choice(lenders)
        )
        examples.append((text, "debt_agent", "synth"))
    for _ in range(40):
        national = "1" + "".join(rng.choice("3456789") for _ in range(10))
        examples.append((synth.agent_bio(rng, national)[1], "debt_agent", "synth"))
        examples.append((synth.organic_bio(rng) or "不定期更新", "benign", "synth"))
    return examples


# -- fitting --------------------------------------------------------------------------------------


def features(texts: Sequence[str], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    """Rows of L2-normalised n-gram presence, normalised over every n-gram of the text (as the
    run-time scorer does), columns of ``vocabulary``."""
    rows, cols, values = [], [], []
    for i, text in enumerate(texts):
        grams = ngrams(text, MAX_N)
        if not grams:
            continue
        value = 1.0 / math.sqrt(len(grams))
        for gram in grams:
            j = vocabulary.get(gram)
            if j is not None:
                rows.append(i)
                cols.append(j)
                values.append(value)
    return sparse.csr_matrix((values, (rows, cols)), shape=(len(texts), len(vocabulary)))


def fit(examples: Sequence[Example], c: float) -> dict[str, Any]:
    """The model file's content for ``examples`` at regularisation ``c``."""
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = {}
    for text, _, _ in examples:
        for gram in ngrams(text, MAX_N):
            counts[gram] = counts.get(gram, 0) + 1
    vocabulary = {g: i for i, g in enumerate(sorted(g for g, n in counts.items() if n >= MIN_DF))}
    x = features([e[0] for e in examples], vocabulary)
    trades = np.array([TRADES.index(e[1]) for e in examples])
    agent = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, solver="lbfgs")
    agent.fit(x, (trades != 0).astype(int))
    trade = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, solver="lbfgs")
    trade.fit(x, trades)
    grams = sorted(vocabulary, key=vocabulary.__getitem__)
    agent_w = agent.coef_[0]
    trade_w = trade.coef_.T  # n-grams x classes
    strength = np.maximum(np.abs(agent_w), np.abs(trade_w).max(axis=1))
    keep = sorted(np.argsort(-strength, kind="stable")[:KEEP].tolist(), key=lambda j: grams[j])

    def ints(values: Any) -> list[int]:
        return [round(float(v) * SCALE) for v in values]

    return {
        "format": 1,
        "max_n": MAX_N,
        "scale": SCALE,
        "agent": {
            "bias": round(float(agent.intercept_[0]), 4),
            "weights": {grams[j]: round(float(agent_w[j]) * SCALE) for j in keep},
        },
        "trade": {
            "classes": [TRADES[k] for k in trade.classes_],
            "bias": [round(float(b), 4) for b in trade.intercept_],
            "weights": {grams[j]: ints(trade_w[j]) for j in keep},
        },
        "training": {"C": c, "seed": SEED, "min_df": MIN_DF, "texts": len(examples)},
    }


def groups_folds(dev: Sequence[Example]) -> list[int]:
    """A fold number for each dev example, by message group (seeded shuffle of the groups)."""
    groups = sorted({e[2] for e in dev})
    random.Random(SEED).shuffle(groups)
    fold_of = {g: i % FOLDS for i, g in enumerate(groups)}
    return [fold_of[e[2]] for e in dev]


def out_of_fold(dev: Sequence[Example], extra: Sequence[Example], c: float) -> list[ContextModel]:
    """One model a fold, each trained on the other dev folds and ``extra``."""
    folds = groups_folds(dev)
    models = []
    for k in range(FOLDS):
        train = [e for e, f in zip(dev, folds, strict=True) if f != k] + list(extra)
        models.append(ContextModel.from_dict(fit(train, c)))
    return models


def oof_scores(
    dev: Sequence[Example], extra: Sequence[Example], c: float
) -> tuple[list[float], list[dict[str, float]]]:
    """Out-of-fold agent scores and trade probabilities for every dev example."""
    folds = groups_folds(dev)
    models = out_of_fold(dev, extra, c)
    agent = [models[f].agent_score(e[0]) for e, f in zip(dev, folds, strict=True)]
    trades = [models[f].trade_scores(e[0]) for e, f in zip(dev, folds, strict=True)]
    return agent, trades


def log_loss(labels: Sequence[int], scores: Sequence[float]) -> float:
    eps = 1e-6
    return -sum(
        math.log(max(eps, s if y else 1 - s)) for y, s in zip(labels, scores, strict=True)
    ) / len(labels)


def choose_c(dev: Sequence[Example], extra: Sequence[Example]) -> tuple[float, dict[float, float]]:
    labels = [int(e[1] != "benign") for e in dev]
    losses = {c: log_loss(labels, oof_scores(dev, extra, c)[0]) for c in C_GRID}
    return min(losses, key=lambda c: (losses[c], c)), losses


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cv-only", action="store_true", help="print the CV, write nothing")
    args = parser.parse_args()
    dev, extra = load_dev(), load_extra()
    print(f"training texts: dev {len(dev)}, other {len(extra)}")
    c, losses = choose_c(dev, extra)
    for value, loss in losses.items():
        print(f"  C={value:<6} out-of-fold log-loss on dev {loss:.4f}")
    print(f"chosen C={c}")
    if args.cv_only:
        return
    model = fit(list(dev) + list(extra), c)
    text = json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    MODEL_PATH.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
