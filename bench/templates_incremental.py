"""Benchmark: refresh_templates after a 10,000-complaint submission against the full build.

Run (own state folder and port, so the shared benchmark server is left alone)::

    LEADGRAPH_HOME=$PWD/.leadgraph/bench-tplinc LEADGRAPH_NEO4J_PORT=7742 \\
        .venv/bin/python bench/templates_incremental.py --scale 100000 --hold 10000

Loads the complaints of a synthetic world of ``--scale`` complaints, holding back ``--hold`` of
them (every k-th row of each complaints file), runs the full ``build_templates`` (which writes
the template index), then submits the held-back rows (ingest is not timed) and times, each in a
fresh process so its peak resident memory is its own:

* ``refresh_templates`` on the held-back complaints' keys, ``--repeats`` times with the index
  folder and the graph's stamp restored between runs (the graph already holds the first run's
  changes, so later runs write the same difference again: MERGE and SET find what they set);
* the full ``build_templates`` on the same final data, ``--repeats`` times.

Prints the medians, their ratio, each step's peak RSS and the index's size on disk. With
``--reuse``, a database already holding the final data (same scale, seed, hold) is not loaded
again.

``--pure`` leaves Neo4j out (ingest into it is the slow part of the above on a busy machine):
texts from ``bench/templates.py``'s generator (the synthetic world's texts), the index of all
but ``--hold`` random ones written to a folder, then in fresh processes ``TemplateIndex.add`` of
the held-back texts (the index memory-mapped from that folder, restored between runs) against
``cluster_texts`` of all texts — the computing part of refresh against that of the full build.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, bench_store, peak_rss_mib, world_folder

from graph.db.schema import wipe_data
from graph.evidence import template_index as stored
from graph.evidence.templates import build_templates, refresh_templates
from graph.text.template_index import TemplateIndex
from graph.text.templates import cluster_texts, template_params
from ingest.demo import plan
from ingest.submit import submit_file

Files = tuple[Path, str]  # a complaints file and the org submitting it
KEYS = "MATCH (c:Complaint) RETURN c.key AS key"


def cut_world(world: Path, out: Path, hold: int) -> tuple[list[Files], list[Files]]:
    """(base files, held-back files), each a list of (path, org): every k-th row of each
    complaints file is held back so that about ``hold`` rows are."""
    truth = json.loads((world / "truth.json").read_text(encoding="utf-8"))
    files = [(path, org) for kind, path, org in plan(world) if kind == "complaints"]
    total = sum(truth["files"][path.name]["rows"] for path, _ in files)
    step = max(2, round(total / hold))
    out.mkdir(parents=True, exist_ok=True)
    base: list[Files] = []
    held: list[Files] = []
    for path, org in files:
        with path.open(encoding=truth["files"][path.name]["encoding"], newline="") as handle:
            header, *rows = list(csv.reader(handle))
        for name, chosen, into in (
            ("base", [r for i, r in enumerate(rows) if i % step], base),
            ("held", rows[::step], held),
        ):
            target = out / f"{path.stem}_{name}.csv"
            with target.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows([header, *chosen])
            into.append((target, org))
    return base, held


def load(args: argparse.Namespace, state: Path) -> None:
    world = world_folder(args.scale, args.seed)
    base, held = cut_world(world, state / "files", args.hold)
    with bench_store() as store:
        wipe_data(store)
        started = time.perf_counter()
        for path, org in base:
            submit_file(store, "complaints", path, org=org, via="cli")
        print(f"  base complaints loaded in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        build_templates(store)
        print(f"  full build on the base: {time.perf_counter() - started:.1f} s", flush=True)
        before = {row["key"] for row in store.read(KEYS)}
        for path, org in held:
            submit_file(store, "complaints", path, org=org, via="cli")
        added = sorted({row["key"] for row in store.read(KEYS)} - before)
        stamp = stored.read_stamp(store)
    (state / "keys.json").write_text(json.dumps({"keys": added, "stamp": stamp}))
    folder = stored.index_folder()
    shutil.rmtree(state / "index", ignore_errors=True)
    shutil.copytree(folder, state / "index")
    print(f"  {len(added):,} held-back complaints submitted", flush=True)


def step(name: str, state: Path) -> None:
    """One timed step in this (fresh) process; prints a JSON line."""
    saved = json.loads((state / "keys.json").read_text())
    with bench_store() as store:
        if name == "refresh":
            folder = stored.index_folder()
            shutil.rmtree(folder)
            shutil.copytree(state / "index", folder)
            stamp = saved["stamp"]
            stored.write_stamp(store, stamp["version"], stamp["params"], stamp["count"])
            started = time.perf_counter()
            changed = refresh_templates(store, saved["keys"])
            seconds = time.perf_counter() - started
            detail = len(changed)
        else:
            started = time.perf_counter()
            detail = len(build_templates(store).clusters)
            seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rss": peak_rss_mib(), "detail": detail}), flush=True)


def pure_load(args: argparse.Namespace, state: Path) -> None:
    from templates import complaint_texts

    items, _ = complaint_texts(args.scale, args.seed, source="synth")
    base, held = items[args.hold :], items[: args.hold]  # shuffled: held ids fall anywhere
    index = TemplateIndex.build(base, template_params())
    shutil.rmtree(state / "index", ignore_errors=True)
    version = stored.save_index(state / "index", index, whole=True)
    stamp = {"version": version, "params": stored.stamp_params(index.params), "count": index.count}
    (state / "items.json").write_text(json.dumps({"held": held, "base": base, "stamp": stamp}))
    print(f"  {len(base):,} texts indexed, {len(held):,} held back", flush=True)


def pure_step(name: str, state: Path) -> None:
    saved = json.loads((state / "items.json").read_text())
    if name == "pure-add":
        folder = state / "work"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(state / "index", folder)
        started = time.perf_counter()
        index = stored.load_index(folder, template_params(), saved["stamp"])
        assert index is not None
        changes = index.add([tuple(item) for item in saved["held"]])
        stored.save_index(folder, index, whole=False)
        seconds = time.perf_counter() - started
        detail = len(changes.changed)
    else:
        items = [tuple(item) for item in saved["base"] + saved["held"]]
        started = time.perf_counter()
        result, _ = cluster_texts(items, template_params())  # as build_templates: kept
        seconds = time.perf_counter() - started
        detail = len(result.clusters)
    print(json.dumps({"seconds": seconds, "rss": peak_rss_mib(), "detail": detail}), flush=True)


def run_step(name: str, state: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--step", name, "--state", str(state)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hold", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--pure", action="store_true", help="no Neo4j: the index update alone")
    parser.add_argument(
        "--step", choices=("refresh", "full", "pure-add", "pure-full"), help=argparse.SUPPRESS
    )
    parser.add_argument("--state", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        (pure_step if args.step.startswith("pure") else step)(args.step, args.state)
        return
    state = ROOT / ".leadgraph" / "bench-templates" / f"{args.scale}-{args.seed}-{args.hold}"
    if args.pure:
        state = state.with_name(state.name + "-pure")
        state.mkdir(parents=True, exist_ok=True)
        if not (args.reuse and (state / "items.json").exists()):
            pure_load(args, state)
        refresh = [run_step("pure-add", state) for _ in range(args.repeats)]
        full = [run_step("pure-full", state) for _ in range(args.repeats)]
        report(args, refresh, full, state / "work", "TemplateIndex.add", "cluster_texts")
        return
    with bench_store():  # the server stays up for the steps' processes
        if not (args.reuse and (state / "keys.json").exists()):
            load(args, state)
        refresh = [run_step("refresh", state) for _ in range(args.repeats)]
        full = [run_step("full", state) for _ in range(args.repeats)]
    report(args, refresh, full, stored.index_folder(), "refresh_templates", "build_templates")


def report(
    args: argparse.Namespace, refresh: list[dict], full: list[dict], folder: Path, *names: str
) -> None:
    index_mib = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
    r = statistics.median(x["seconds"] for x in refresh)
    f = statistics.median(x["seconds"] for x in full)
    print(f"\n{args.scale:,} complaints, {args.hold:,} held back and submitted; medians of "
          f"{args.repeats}; index on disk {index_mib:.0f} MiB")  # fmt: skip
    print("| step | seconds | peak RSS (MiB) | detail |")
    print("|---|---|---|---|")
    print(
        f"| {names[0]} (held-back texts) | {r:.2f} | "
        f"{max(x['rss'] for x in refresh):.0f} | {refresh[0]['detail']:,} keys changed |"
    )
    print(
        f"| {names[1]} (full, same data) | {f:.2f} | "
        f"{max(x['rss'] for x in full):.0f} | {full[0]['detail']:,} clusters |"
    )
    print(f"| ratio full / refresh | {f / r:.1f}× | | |")  # fmt: skip


if __name__ == "__main__":
    main()
