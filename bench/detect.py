"""Lead discovery at scale: load synthetic worlds, build templates, detect rings, score them.

For each scale (complaints) a world is generated with ``leadgraph synth`` (kept under
``.leadgraph/bench/worlds/`` and reused when it is already there), the benchmark database is
wiped, and then, each timed (wall and this process's CPU time; Neo4j's own CPU is not in it):

* load — ``ingest.demo.load_world``: every clue file submitted as the demo does;
* templates — ``graph.evidence.templates.build_templates`` (MinHash-LSH clusters, SAME_TEMPLATE links);
* detect — ``graph.evidence.leads.detect`` (intermediary scores, Louvain rings, candidate leads).

Quality against the world's ``truth.json``, as ``app/synth/scoring.py`` defines it (the tests
use the same): a ring is found when one lead covers at least 75% of its phones and firm USCCs
(recall); a lead is real when it covers at least two keys of some ring (precision); and whether
any decoy (lender hotlines, law firms and their phones, shared family phones, popular numbers) is
in a lead.

``--before`` first runs detect without the ties through shared contact handles
(``detect(contact_ties=False)``: rings as found before issue 16) on the same loaded world and
prints its recall and precision beside the figures with them.

The world of the last scale stays loaded, for ``bench/trace.py``. Not a test: a script a person
runs; it prints one table.

``--fixture`` runs the committed fixture world (``fixtures/world``, 400 complaints) first.

The burst pass (``graph.evidence.bursts.read_bursts``: weekly counts of every scored entity,
part of detect's scoring) is timed on its own after detect, with how many scored entities have
a burst, how many of them are rings' phones and firms and how many decoys.
``--without-bursts`` first runs detect with the ``burst`` feature's weight at 0 (the scores as
before issue 17) on the same loaded world and prints its recall and precision beside.

    .venv/bin/python bench/detect.py [--scales 10000,100000] [--million] [--seed 11] [--before]
                                     [--fixture] [--without-bursts]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from common import bench_store, peak_rss_mib, world_folder

from app.synth.scoring import decoy_keys, lead_quality, ring_keys
from graph.core import settings
from graph.db.schema import wipe_data
from graph.db.store import GraphStore
from graph.evidence import scores
from graph.evidence.analytics import ENTITY_COMPLAINTS
from graph.evidence.bursts import read_bursts
from graph.evidence.leads import detect
from graph.evidence.templates import build_templates
from graph.text.context import AGENT_AT
from ingest.demo import FIXTURE_WORLD, load_world

T = TypeVar("T")


def timed(work: Callable[[], T]) -> tuple[T, float, float]:
    """(result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def detect_without_bursts(store: GraphStore) -> dict[str, Any]:
    """detect with the ``burst`` feature weighing nothing: the scores as before issue 17."""
    weight = scores.WEIGHTS["burst"]
    scores.WEIGHTS["burst"] = 0.0
    try:
        return detect(store)
    finally:
        scores.WEIGHTS["burst"] = weight


def burst_pass(store: GraphStore, truth: dict[str, Any]) -> dict[str, Any]:
    """The burst pass over every entity detect scores, timed, and who bursts."""
    rows = store.read(
        ENTITY_COMPLAINTS, keys=None, min_complaints=5, min_complainants=5, agent_at=AGENT_AT
    )
    keys = [row["key"] for row in rows]
    found, wall, cpu = timed(lambda: read_bursts(store, keys))
    bursting = {key for key, periods in found.items() if periods}
    rings = set().union(*(ring_keys(ring) for ring in truth["rings"]))
    return {
        "bursts": (wall, cpu),
        "scored": len(keys),
        "bursting": len(bursting),
        "ring_bursting": len(bursting & rings),
        "decoy_bursting": sorted(bursting & decoy_keys(truth)),
    }


def run_scale(
    store: GraphStore,
    scale: int,
    seed: int,
    *,
    wipe: bool = True,
    detect_only: bool = False,
    before: bool = False,
    without_bursts: bool = False,
    folder: Path | None = None,
) -> dict[str, Any]:
    folder = folder or world_folder(scale, seed)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    if wipe and not detect_only:
        wipe_data(store)
    load_s = load_cpu = tpl_s = tpl_cpu = 0.0
    sizes: list[int] = []
    if not detect_only:
        _, load_s, load_cpu = timed(lambda: load_world(store, folder, skip_loaded=not wipe))
        templates, tpl_s, tpl_cpu = timed(lambda: build_templates(store))
        sizes = [c.size for c in templates.clusters[:3]]
    earlier: dict[str, Any] = {}
    if before:
        earlier = lead_quality(truth, detect(store, contact_ties=False)["leads"])
    no_bursts = lead_quality(truth, detect_without_bursts(store)["leads"]) if without_bursts else {}
    found, detect_s, detect_cpu = timed(lambda: detect(store))
    figures = lead_quality(truth, found["leads"])
    return {
        "before": earlier,
        "without_bursts": no_bursts,
        **burst_pass(store, truth),
        "contact_hubs": found["contact_hubs"],
        "contact_members": sum(len(lead["summary"]["contacts"]) for lead in found["leads"]),
        "scale": scale,
        "load": (load_s, load_cpu),
        "templates": (tpl_s, tpl_cpu),
        "detect": (detect_s, detect_cpu),
        "peak_mib": peak_rss_mib(),
        "largest_templates": sizes,
        **figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales", default="10000,100000", help="complaints per world, comma-separated"
    )
    parser.add_argument("--million", action="store_true", help="add the 1,000,000 world (long)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--no-wipe",
        action="store_true",
        help="keep the database and skip files already loaded (one scale; to re-time detect)",
    )
    parser.add_argument(
        "--detect-only",
        action="store_true",
        help="run detect alone on the world already loaded, with its templates (one scale)",
    )
    parser.add_argument(
        "--before",
        action="store_true",
        help="also detect without ties through shared contact handles, on the same world",
    )
    parser.add_argument("--fixture", action="store_true", help="the fixture world first")
    parser.add_argument(
        "--without-bursts",
        action="store_true",
        help="also detect with the burst feature weighing nothing, on the same world",
    )
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    if args.million and 1_000_000 not in scales:
        scales.append(1_000_000)

    config = settings.load()
    print(
        f"Neo4j JVM heap {config.heap}, page cache {config.pagecache} "
        f"(LEADGRAPH_HEAP / LEADGRAPH_PAGECACHE); {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    results = []
    worlds: list[tuple[int, Path | None]] = [(scale, None) for scale in scales]
    if args.fixture:
        worlds.insert(0, (400, FIXTURE_WORLD))
    with bench_store() as store:
        for scale, folder in worlds:
            print(f"scale {scale:,} {folder or ''} ...", flush=True)
            result = run_scale(
                store,
                scale,
                args.seed,
                folder=folder,
                wipe=not args.no_wipe,
                detect_only=args.detect_only,
                before=args.before,
                without_bursts=args.without_bursts,
            )
            results.append(result)
            print(
                f"  load {result['load'][0]:.0f} s, templates {result['templates'][0]:.0f} s, "
                f"detect {result['detect'][0]:.0f} s; recall {result['recall']:.3f}, precision "
                f"{result['precision']:.3f}; missed {result['missed'][:5]}; decoys "
                f"{result['decoys_in_leads'][:5]}",
                flush=True,
            )
            if result["before"]:
                was = result["before"]
                print(
                    f"  without contact ties: leads {was['leads']}, recall {was['recall']:.3f}, "
                    f"precision {was['precision']:.3f}, merged {was['merged_leads']}, decoy "
                    f"leads {was['decoy_leads']}; with them: leads {result['leads']}, merged "
                    f"{result['merged_leads']}, handles in leads {result['contact_members']}, "
                    f"set aside {result['contact_hubs']}",
                    flush=True,
                )
            print(
                f"  burst pass {result['bursts'][0]:.2f} s (CPU {result['bursts'][1]:.2f} s) over "
                f"{result['scored']} scored entities: {result['bursting']} with a burst, "
                f"{result['ring_bursting']} of them rings' phones and firms, decoys "
                f"{result['decoy_bursting']}",
                flush=True,
            )
            if result["without_bursts"]:
                was = result["without_bursts"]
                print(
                    f"  without the burst feature: leads {was['leads']}, recall "
                    f"{was['recall']:.3f}, precision {was['precision']:.3f}, decoy leads "
                    f"{was['decoy_leads']}; with it: leads {result['leads']}, recall "
                    f"{result['recall']:.3f}, precision {result['precision']:.3f}, decoy leads "
                    f"{result['decoy_leads']}",
                    flush=True,
                )
            at = ", ".join(f"@{k} {v:.3f}" for k, v in result["precision_at"].items())
            print(
                f"  precision at the top: {at}; leads merging rings: {result['merged_leads']} "
                f"(largest spans {result['largest_merge']} rings)",
                flush=True,
            )

    print(
        "\n  complaints │ load s (CPU) │ templates s (CPU) │ detect s (CPU) │ peak RSS MiB │"
        " rings │ leads │ recall │ precision │ decoy leads"
    )
    for r in results:
        cells = " │ ".join(
            f"{r[step][0]:7.1f} ({r[step][1]:5.1f})" for step in ("load", "templates", "detect")
        )
        print(
            f"  {r['scale']:>10,} │ {cells} │ {r['peak_mib']:12,.0f} │ {r['rings']:5} │ "
            f"{r['leads']:5} │ {r['recall']:6.3f} │ {r['precision']:9.3f} │ {r['decoy_leads']:>11}"
        )
    if len(results) > 1:
        base = results[0]
        print(f"\n  growth against {base['scale']:,} complaints (wall time ratio):")
        for r in results[1:]:
            ratios = ", ".join(
                f"{step} {r[step][0] / max(base[step][0], 1e-9):.1f}x"
                for step in ("load", "templates", "detect")
            )
            print(f"  {r['scale']:>10,} ({r['scale'] / base['scale']:.0f}x complaints): {ratios}")
    print(
        "\n  peak RSS is this Python process's peak so far (texts, clusters, networkx graph);"
        " Neo4j runs in its own JVM with the heap above."
    )
    print(f"  largest template clusters: {[(r['scale'], r['largest_templates']) for r in results]}")


if __name__ == "__main__":
    main()
