"""A ring's evidence summary does not depend on the order the database returns its rows."""

from __future__ import annotations

import random

from graph.evidence.analytics import _summarise_evidence


def row(complaint: int, template: str, slang: list[str]) -> dict[str, object]:
    return {"complaint": f"complaint:x:{complaint}", "complainant": f"person:{complaint}",
            "lender": "星河", "source": "星河", "filed_date": f"2025-01-{complaint % 28 + 1:02d}",
            "template": template, "disguised": 0, "slang": slang}  # fmt: skip


def test_top_templates_and_slang_with_equal_counts_do_not_depend_on_row_order() -> None:
    # eight templates and twelve terms, each used equally often: the top five / ten are ties
    rows = [row(i, f"tpl:{i % 8}", [f"term{i % 12}", f"term{(i + 6) % 12}"]) for i in range(24)]
    summaries = set()
    for seed in range(20):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        summary = _summarise_evidence(shuffled)
        summaries.add((tuple(summary["templates"]), tuple(summary["slang"])))
    assert len(summaries) == 1
    [(templates, slang)] = summaries
    assert templates == ("tpl:0", "tpl:1", "tpl:2", "tpl:3", "tpl:4")
    assert slang == tuple(sorted(f"term{i}" for i in range(12))[:10])
