"""Complaint rows per second written into a database that already holds a large world.

The database lives in its own state folder (``.leadgraph/bench-incremental``, port 7749 unless
``LEADGRAPH_NEO4J_PORT`` says otherwise) and keeps a world of ``--base`` complaints, loaded once
with ``ingest/demo.py`` (the first run takes a while; later runs reuse it). Each trial then writes
the complaint files of a fresh world of ``--fresh`` complaints, a new seed each trial, submitted by
an org of its own, so that every trial's complaints are new while the phones, firms and persons
they name are new or already known as a real increment's are. The rows are parsed before the clock
starts: the figure is the writer's (``SubmissionWriter``), not the parser's.

Variants, measured in the same run, in an order that rotates each round (the database grows a
little with every trial, so no variant always meets the smallest one):

* ``merge``        — every node, Statement and link MERGEd (the writer before issue 20);
* ``create``       — CREATE for what a read shows is new, MERGE only for the rest;
* ``merge+keys`` / ``create+keys`` — the same with the per-label natural-key uniqueness
  constraints the schema created before issue 20 (redundant with the ``Entity`` key's);
* ``create@N``     — ``create`` with batches of N rows (``--batch-sizes``).

Prints, per variant, the median rows/s, the Neo4j CPU microseconds per row, and the ratio to the
first variant; ``--profile`` also PROFILEs the writer's queries on one batch (db hits per row).

    .venv/bin/python bench/incremental_writes.py [--base 100000] [--fresh 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not os.environ.get("NEO4J_URI"):
    os.environ.setdefault("LEADGRAPH_HOME", str(ROOT / ".leadgraph" / "bench-incremental"))
    os.environ.setdefault("LEADGRAPH_NEO4J_PORT", "7749")

from common import (  # noqa: E402
    bench_store,
    process_cpu_seconds,
    server_cpu_seconds,
    world_folder,
)

from graph.core import settings  # noqa: E402
from graph.core.model import identifier, load_model  # noqa: E402
from graph.core.records import RowResult  # noqa: E402
from graph.db.schema import natural_key_constraint  # noqa: E402
from graph.db.store import GraphStore  # noqa: E402
from graph.db.writer import SubmissionInfo, SubmissionWriter  # noqa: E402
from ingest.demo import load_world, plan  # noqa: E402
from ingest.pipeline import iter_file  # noqa: E402

BASE_MARK = "MATCH (m:LeadGraphMeta {id: 'bench-base'}) RETURN m.scale AS scale"
SET_BASE_MARK = "MERGE (m:LeadGraphMeta {id: 'bench-base'}) SET m.scale = $scale"
COUNT_COMPLAINTS = "MATCH (n:Complaint) RETURN count(n) AS n"


def ensure_base(store: GraphStore, scale: int, seed: int) -> None:
    """Load the base world once; a later run finds the mark and reuses it."""
    row = store.read_one(BASE_MARK)
    if row and row["scale"] == scale:
        return
    folder = world_folder(scale, seed)
    started = time.perf_counter()
    load_world(store, folder)
    store.write(SET_BASE_MARK, scale=scale)
    print(f"  base world of {scale:,} complaints loaded in {time.perf_counter() - started:.0f} s")


def natural_key_constraints(create: bool) -> list[str]:
    """The per-label uniqueness constraints on the entities' model keys, as the schema created
    them before issue 20 (``create``), or the statements that drop them."""
    statements = []
    for node in load_model().nodes.values():
        if node.entity:
            name, statement = natural_key_constraint(identifier(node.label), node.keys)
            statements.append(statement if create else f"DROP CONSTRAINT {name} IF EXISTS")
    return statements


def set_natural_keys(store: GraphStore, present: bool) -> None:
    for statement in natural_key_constraints(present):
        store.run_autocommit(statement)
    store.run_autocommit("CALL db.awaitIndexes(600)")


def fresh_rows(seed: int, scale: int, org: str) -> list[tuple[SubmissionInfo, list[RowResult]]]:
    """The parsed complaint files of a fresh world, each as the submission ``org`` makes."""
    key = settings.load().hashing_key()
    out = []
    for kind, path, _ in plan(world_folder(scale, seed)):
        if kind != "complaints":
            continue
        items = iter_file(kind, path, source=org, hashing_key=key)
        info = SubmissionInfo(
            org=org,
            kind=kind,
            file_name=path.name,
            sha256=f"{seed:08d}{path.stem}".ljust(64, "0")[:64],
            received_at="2026-06-01T00:00:00Z",
        )
        out.append((info, [item for item in items if isinstance(item, RowResult)]))
    return out


def trial(
    store: GraphStore, files: list[tuple[SubmissionInfo, list[RowResult]]], create: bool, batch: int
) -> tuple[float, float | None, float, dict[str, float]]:
    """Write the files; rows/s, Neo4j and Python CPU us per row, the writer's seconds by part."""
    rows = sum(len(results) for _, results in files)
    spent: dict[str, float] = {}
    cpu, python_cpu = server_cpu_seconds(), process_cpu_seconds()
    started = time.perf_counter()
    for info, results in files:
        with SubmissionWriter(store, info, batch_rows=batch, create_new=create) as writer:
            for result in results:
                writer.add(result)
        for name, seconds in writer.report.write_seconds.items():
            spent[name] = spent.get(name, 0.0) + seconds
    seconds = time.perf_counter() - started
    after = server_cpu_seconds()
    cpu_us = None if cpu is None or after is None else (after - cpu) / rows * 1e6
    return rows / seconds, cpu_us, (process_cpu_seconds() - python_cpu) / rows * 1e6, spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=100_000)
    parser.add_argument("--fresh", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", default="merge+keys,create+keys,merge,create")
    parser.add_argument("--batch-sizes", default="", help="e.g. 5000,20000: create@N variants")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    variants = [v for v in args.variants.split(",") if v]
    variants += [f"create@{size}" for size in args.batch_sizes.split(",") if size]
    with bench_store() as store:
        ensure_base(store, args.base, args.seed)
        if not args.rounds:
            return
        print(f"complaints in the database: {store.read_one(COUNT_COMPLAINTS)['n']:,}")  # type: ignore[index]
        rates: dict[str, list[float]] = {v: [] for v in variants}
        cpus: dict[str, list[float]] = {v: [] for v in variants}
        pythons: dict[str, list[float]] = {v: [] for v in variants}
        parts: dict[str, dict[str, list[float]]] = {v: {} for v in variants}
        seed = 1000 + int(time.time()) % 1000 * 10
        if args.profile:
            from profile_writes import profile_batch

            profile_batch(store, fresh_rows(seed, args.fresh, f"bench-{seed}"))
        for round_index in range(args.rounds):
            shift = round_index % len(variants)
            for variant in variants[shift:] + variants[:shift]:
                seed += 1
                files = fresh_rows(seed, args.fresh, f"bench-{seed}")
                name, _, size = variant.partition("@")
                set_natural_keys(store, name.endswith("+keys"))
                rate, cpu, python_us, spent = trial(
                    store, files, name.startswith("create"), int(size or store.batch_size)
                )
                rates[variant].append(rate)
                pythons[variant].append(python_us)
                if cpu is not None:
                    cpus[variant].append(cpu)
                for part, seconds in spent.items():
                    parts[variant].setdefault(part, []).append(seconds)
                print(f"  round {round_index + 1} {variant:<14} {rate:>8,.0f} rows/s  "
                      f"Neo4j {cpu or 0:,.0f} us/row  Python {python_us:,.0f} us/row  load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        set_natural_keys(store, False)
        first = statistics.median(rates[variants[0]])
        print(f"\nmedians of {args.rounds}, {args.fresh:,}-complaint files into the loaded world")
        print(f"{'variant':<16}{'rows/s':>10}{'ratio':>8}{'Neo4j us/row':>14}{'Python us/row':>15}")
        for variant in variants:
            rate = statistics.median(rates[variant])
            cpu_text = f"{statistics.median(cpus[variant]):,.0f}" if cpus[variant] else "-"
            python_us = statistics.median(pythons[variant])
            print(
                f"{variant:<16}{rate:>10,.0f}{rate / first:>8.2f}{cpu_text:>14}{python_us:>15,.0f}"
            )
        print("\nwriter seconds by part (median per trial):")
        for variant in variants:
            text = ", ".join(
                f"{part} {statistics.median(s):.1f}"
                for part, s in sorted(parts[variant].items(), key=lambda kv: -sum(kv[1]))
            )
            print(f"  {variant:<14} {text}")


if __name__ == "__main__":
    main()
