"""A floor under the scanner's figures on the dev split of the recognition set.

The floor is what the scanner scored when the set was built (issue 16's "before"); whoever
improves recognition raises these numbers to their new figures (``bench/recognition.py``), so a
later change cannot silently give the gain back. Only the dev split is used: the held-out split
is measured by the bench and never tested or tuned against.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from graph.text import confusables

ROOT = Path(__file__).resolve().parents[2]

# dev figures on main before issue 16's work: 0.618, 0.794, 1.000, 54 hits inside handles
FLOOR = {
    "recall_disguised": 0.61,
    "precision_disguised": 0.79,
    "recall_plain": 0.99,
}
CEILING_HITS_IN_CONTACTS = 54


@pytest.mark.skipif(
    not confusables.CONFUSABLE_DIR.is_dir(),
    reason=f"shared confusable tables not found at {confusables.CONFUSABLE_DIR}",
)
def test_scanner_holds_its_floor_on_the_dev_split() -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_recognition_floor", ROOT / "bench" / "recognition.py"
    )
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    terms = bench.evaluate(bench.load("dev"))["terms"]
    figures = {
        "recall_disguised": terms["recall_disguised"],
        "precision_disguised": terms["precision_disguised"],
        "recall_plain": terms["recall_by_class"]["plain"]["recall"],
    }
    print(f"\nrecognition set, dev: {figures}, hits inside handles {terms['hits_in_contacts']}")
    for name, floor in FLOOR.items():
        assert figures[name] >= floor, (name, figures[name])
    assert terms["hits_in_contacts"] <= CEILING_HITS_IN_CONTACTS
