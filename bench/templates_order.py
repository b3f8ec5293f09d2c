"""Benchmark: a later lender's file added to the template index, in id order and in write order.

Run (offline: no Neo4j; the state folder only gives the ingest reader its hashing key)::

    .venv/bin/leadgraph synth --scale 45000 --seed 31 --out .leadgraph/worlds/world-45000-31
    LEADGRAPH_HOME=$PWD/.leadgraph/bench-order .venv/bin/python bench/templates_order.py \\
        --world .leadgraph/worlds/world-45000-31 \\
        --later complaints_yunshan.csv --later complaints_qinghe.csv [--repeats 3]

Every complaint text of ``--world`` is read by the ingest reader (so keys and texts are the
graph's; cached in ``.leadgraph/bench-order/``). For each ``--later`` file, the index of every
*other* complaints file is built, then that file's complaints are added (``TemplateIndex.add``)
as a later submission's, in two orders:

* id order (before issue 18's write order): anchors and ties by key;
* write order: every complaint already indexed placed before the later file's new ones
  (``written`` 1 and 2), as ``graph.evidence.templates`` places them by their first submission.

For each: texts paired again (``affected``), texts peeled again, complaints whose cluster
changed (all, and the old ones alone), and ``add``'s wall and CPU seconds (medians of
``--repeats``; each run adds to a fresh copy of the same base index). Each order's result is
checked against ``cluster_texts`` of all texts in the same order. Yunshan's keys
(``complaint:云杉…``) sort before every other lender's, as at 1M; qinghe's (``complaint:青禾…``)
after: the contrast.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np
from common import ROOT, peak_rss_mib

from graph.core.settings import load as load_settings
from graph.text.template_index import TemplateIndex
from graph.text.templates import cluster_texts, template_params
from ingest.demo import plan
from ingest.pipeline import iter_file

CACHE = ROOT / ".leadgraph" / "bench-order"
Items = list[tuple[str, str]]


def world_texts(world: Path) -> dict[str, Items]:
    """Each complaints file's (key, text) of complaints with a text, as ingest reads them."""
    cache = CACHE / f"{world.name}.json"
    if cache.exists():
        cached: dict[str, Items] = {
            name: [(key, text) for key, text in items]
            for name, items in json.loads(cache.read_text(encoding="utf-8")).items()
        }
        return cached
    hashing_key = load_settings().hashing_key()
    texts: dict[str, Items] = {}
    for kind, path, org in plan(world):
        if kind != "complaints":
            continue
        found: dict[str, str] = {}
        for item in iter_file(kind, path, source=org, hashing_key=hashing_key):
            for node in getattr(item, "nodes", []):
                text = node.props.get("text")
                if node.label == "Complaint" and text:
                    found.setdefault(node.key, text)
        texts[path.name] = list(found.items())
        print(f"read {path.name}: {len(found):,} complaint texts", flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    return texts


def one_order(base: Items, later: Items, in_write_order: bool, repeats: int) -> dict[str, float]:
    """Build the base index once, then add ``later`` to a copy ``repeats`` times."""
    params = template_params()
    old_keys = {key for key, _ in base}
    written = None
    if in_write_order:
        written = {key: 1 for key in old_keys}
        written |= {key: 2 for key, _ in later if key not in old_keys}
    started = time.perf_counter()
    built = TemplateIndex.build(list(base), params, written)
    build_seconds = time.perf_counter() - started
    walls, cpus = [], []
    for _ in range(repeats):
        index = copy.deepcopy(built)
        wall, cpu = time.perf_counter(), time.process_time()
        changes = index.add(later, written)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    result, _ = cluster_texts(base + later, params, written=written)
    batch = {m: c.cluster_id for c in result.clusters for m in c.members}
    ours = {key: cluster for key, (cluster, _) in index.assignments(np.arange(index.rows)).items()}
    assert ours == batch and index.links() == sorted(result.links), "differs from the batch"
    return {
        "affected": changes.affected,
        "repeeled": changes.repeeled,
        "changed": len(changes.changed),
        "changed_old": len(set(changes.changed) & old_keys),
        "add_s": round(statistics.median(walls), 3),
        "add_cpu_s": round(statistics.median(cpus), 3),
        "base_build_s": round(build_seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--later", action="append", required=True, help="a complaints file name")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    texts = world_texts(args.world)
    print(f"load average before: {os.getloadavg()}")
    for name in args.later:
        seen: dict[str, str] = {}
        for other, items in texts.items():
            if other != name:
                seen.update(items)
        base = sorted(seen.items())
        later = [(key, text) for key, text in texts[name] if key not in seen]  # new complaints
        first = min(key for key, _ in later) < min(seen)
        print(
            f"\n{name}: {len(later):,} new texts into {len(base):,}; its keys sort "
            f"{'before' if first else 'among or after'} the others'",
            flush=True,
        )
        for in_write_order in (False, True):
            figures = one_order(base, later, in_write_order, args.repeats)
            label = "write order" if in_write_order else "id order   "
            print(f"  {label}: {json.dumps(figures)}", flush=True)
    print(f"\nload average after: {os.getloadavg()}; peak RSS {peak_rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
