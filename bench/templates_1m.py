"""Benchmark: the template refresh's computing part at 1M texts, step by step, offline.

Run::

    .venv/bin/python bench/templates_1m.py --index COPY_OF_THE_1M_HOME/templates \\
        --world .leadgraph/worlds/world-45000-23 --texts 10000 --repeats 3 [--check]

``--index`` is a persisted template index (``<home>/templates`` after ``leadgraph templates`` on
the 1M world); it is never written: each run copies it into ``.leadgraph/bench-tpl1m/`` first,
since ``TemplateIndex.add`` appends to its files. The new texts are the complaint texts of one
complaints file of ``--world`` (``--file``), read by the ingest reader (so the text is the one
the graph stores), under the key a new submission of that file's lender would give them:
``complaint:<lender>:<id>`` with the id's serial number moved past the 1M world's
(``QH20241112`` + ``9`` + serial), so new keys fall among the old ones by date, as a real
later submission's do.

Each run: load the index (memory-mapped), ``add`` the texts, save the index (``save_index``,
not whole). Prints each step's seconds (``TemplateChanges.seconds``: signatures, find, grow,
affected, pair, verify, components, peel, diff) with load and save, the affected and re-peeled
counts, and the medians over ``--repeats`` runs. ``--check`` then clusters all the signatures
again from scratch (the batch's steps after MinHash) and compares every text's hub and every
verified pair with the incremental result.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from pathlib import Path

import numpy as np
from common import ROOT, peak_rss_mib

from graph.core.settings import load as load_settings
from graph.evidence import template_index as stored
from graph.text.template_index import TemplateIndex
from graph.text.templates import (
    _candidate_pairs,
    _star_clusters,
    template_params,
    verified,
)
from ingest.demo import plan
from ingest.pipeline import iter_file

WORK = ROOT / ".leadgraph" / "bench-tpl1m"


def new_texts(world: Path, file_name: str, count: int) -> list[tuple[str, str]]:
    """Up to ``count`` (key, text) of ``file_name``'s complaints, keyed as a later submission."""
    org = next(org for kind, path, org in plan(world) if path.name == file_name)
    key = load_settings().hashing_key()
    items: dict[str, str] = {}
    for item in iter_file("complaints", world / file_name, source=org, hashing_key=key):
        nodes = getattr(item, "nodes", [])
        for node in nodes:
            text = node.props.get("text")
            if node.label == "Complaint" and text:
                prefix, serial = node.key[:-7], node.key[-7:]
                items[f"{prefix}9{serial[1:]}"] = text
        if len(items) >= count:
            break
    return list(items.items())[:count]


def one_run(index_folder: Path, items: list[tuple[str, str]]) -> tuple[dict, TemplateIndex]:
    folder = WORK / "templates"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(index_folder, folder)
    meta = stored.read_meta(folder)
    assert meta is not None
    stamp = {"version": meta["version"], "params": meta["params"], "count": meta["count"]}
    started = time.perf_counter()
    index = stored.load_index(folder, template_params(), stamp)
    assert index is not None, "the index does not match the default parameters"
    loaded = time.perf_counter()
    changes = index.add(items)
    added = time.perf_counter()
    stored.save_index(folder, index, whole=False)
    saved = time.perf_counter()
    figures = {
        "load": loaded - started,
        **changes.seconds,
        "save": saved - added,
        "add": added - loaded,
        "texts_affected": changes.affected,
        "texts_repeeled": changes.repeeled,
        "changed": len(changes.changed),
        "clusters_set": len(changes.clusters),
        "unclustered": len(changes.unclustered),
        "links_added": len(changes.links_added),
        "links_removed": len(changes.links_removed),
    }
    return figures, index


def check(index: TemplateIndex) -> None:
    """Cluster the index's signatures from scratch and compare with the incremental result."""
    started = time.perf_counter()
    params = index.params
    order = index.order
    sig = np.asarray(index.sig)[order]
    keys = np.asarray(index.keys)[order]
    n = len(order)
    codes = _candidate_pairs(keys)
    left, right, _ = verified(sig, codes // n, codes % n, params["threshold"])
    hub, _, _ = _star_clusters(sig, left, right, params["threshold"], params["max_rounds"])
    batch_hub = np.where(hub >= 0, order[np.maximum(hub, 0)], -1)
    expected_hub = np.full(n, -1, dtype=np.int64)
    expected_hub[order] = batch_hub
    assert np.array_equal(expected_hub, index.hub_of), "hubs differ from the batch"
    ours = np.sort(np.minimum(index.left, index.right) * n + np.maximum(index.left, index.right))
    batch_pairs = np.sort(
        np.minimum(order[left], order[right]) * n + np.maximum(order[left], order[right])
    )
    assert np.array_equal(ours, batch_pairs), "verified pairs differ from the batch"
    print(f"check: equal to the batch ({time.perf_counter() - started:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="a persisted template index")
    parser.add_argument("--world", type=Path, required=True, help="a synthetic world's folder")
    parser.add_argument("--file", default="complaints_qinghe.csv")
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    items = new_texts(args.world, args.file, args.texts)
    print(f"{len(items):,} new texts, first key {items[0][0]}")
    runs = []
    index = None
    for run in range(args.repeats):
        figures, index = one_run(args.index, items)
        runs.append(figures)
        shown = {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}
        print(f"run {run + 1}: {json.dumps(shown)}", flush=True)
    medians = {
        name: round(statistics.median(run[name] for run in runs), 2)
        for name in runs[0]
        if isinstance(runs[0][name], float)
    }
    print(f"medians (s): {json.dumps(medians)}")
    print(f"peak RSS: {peak_rss_mib():,.0f} MiB")
    if args.check and index is not None:
        check(index)


if __name__ == "__main__":
    main()
