"""The loop's speed (issue 18): a submission's analysis against the full rebuild.

A synthetic world (``bench/common.py`` ``world_folder``, or ``--world``) is loaded with the last
``--held`` complaints of its largest complaints file held back; templates and detect run in
full; then the held complaints are submitted as one file and, each in a process of its own
(wall time and that process's peak RSS):

* incremental — ``graph.evidence.incremental.analyse_submission`` after the write, with the
  time of each of its steps (templates, scores, rings, leads) and how many entities it re-scored;
* full — ``build_templates`` + ``detect`` on the same data, after it.

It then says whether the full rebuild changed any lead the incremental path wrote (it must not).
Files already loaded (a submission complete in the database) are not loaded again, so a world
loaded by an earlier run (e.g. 1M complaints) is reused: point ``--home``/``--port`` at it.
``--submit FILE --org ORG`` loads nothing: the database as it is (a world loaded whole, e.g. by
``ingest.demo.load_world``) gets the full rebuild, then FILE (complaints) is submitted by ORG
and timed the same way — a new lender's file into a loaded world.

    .venv/bin/python bench/loop.py [--scale 100000] [--seed 11] [--held 10000] [--world DIR]
                                   [--home .leadgraph/bench] [--port 7743]
                                   [--submit FILE --org ORG] [--analysed]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--held", type=int, default=10_000, help="complaints held back")
    parser.add_argument("--world", type=Path, help="a world folder (default: generated)")
    parser.add_argument("--home", type=Path, default=ROOT / ".leadgraph" / "bench")
    parser.add_argument("--port", type=int, default=7743)
    parser.add_argument("--submit", type=Path, help="a complaints file to submit (loads nothing)")
    parser.add_argument("--org", default="bench-new-lender", help="who submits --submit")
    parser.add_argument(
        "--analysed",
        action="store_true",
        help="the database is analysed in full already (templates + detect): skip the first full",
    )
    parser.add_argument("--step", choices=["incremental", "full"], help=argparse.SUPPRESS)
    parser.add_argument("--submission", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def cut_world(world: Path, held: int, out: Path) -> tuple[list[tuple[str, Path, str]], tuple]:
    """The world's plan with its largest complaints file cut: the rest in the plan, the last
    ``held`` rows apart."""
    from ingest.demo import csv_rows, cut_csv, plan

    steps = plan(world)
    complaints = [step for step in steps if step[0] == "complaints" and step[1].suffix == ".csv"]
    kind, largest, org = max(complaints, key=lambda step: step[1].stat().st_size)
    rows = len(csv_rows(largest)) - 1
    rest, apart = cut_csv(largest, out, [rows - min(held, rows - 1)])
    plan_rest = [(k, rest if p == largest else p, o) for k, p, o in steps]
    return plan_rest, (kind, apart, org)


def child(args: argparse.Namespace) -> int:
    """One timed step in this process: prints its figures as JSON."""
    from common import bench_store, peak_rss_mib

    from graph.evidence.incremental import analyse_submission
    from graph.evidence.leads import detect
    from graph.evidence.templates import build_templates

    with bench_store() as store:
        started = time.perf_counter()
        figures: dict[str, Any] = {}
        if args.step == "incremental":
            marks: list[tuple[str, float]] = []
            result = analyse_submission(
                store,
                args.submission,
                progress=lambda fraction, what: marks.append((what, time.perf_counter())),
            )
            figures["touched"] = result["touched"]
            figures["created"] = len(result["created"])
            figures["updated"] = len(result["updated"])
            figures["stale"] = len(result["stale"])
            figures["phases"] = {
                what: round(marks[i + 1][1] - at, 2) for i, (what, at) in enumerate(marks[:-1])
            }
        else:
            build_templates(store)
            found = detect(store)
            figures["leads"] = len(found["leads"])
        figures["wall"] = round(time.perf_counter() - started, 2)
        figures["rss_mib"] = round(peak_rss_mib())
    print(json.dumps(figures))
    return 0


def run_child(args: argparse.Namespace, step: str, submission: str = "") -> dict[str, Any]:
    command = [sys.executable, __file__, "--step", step, "--submission", submission,
               "--home", str(args.home), "--port", str(args.port)]  # fmt: skip
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


LEADS = """
MATCH (l:Lead)
RETURN l.id AS id, l.status AS status, l.title AS title, l.score AS score,
       l.summary_json AS summary, l.explanation_json AS explanation,
       [(l)-[r:INVOLVES]->(x) | x.key + '/' + r.role] AS involves
ORDER BY id
"""


def snapshot(store: Any) -> list[dict[str, Any]]:
    rows = store.read(LEADS)
    for row in rows:
        row["involves"] = sorted(row["involves"])
    return rows


def use_home(home: Path, port: int) -> None:
    """Point this process at the benchmark database in ``home`` on ``port`` (a world an earlier
    run loaded is reused), never at a scratch ``NEO4J_URI``; ``bench/`` importable."""
    os.environ["LEADGRAPH_HOME"] = str(home.resolve())
    os.environ["LEADGRAPH_NEO4J_PORT"] = str(port)
    os.environ.pop("NEO4J_URI", None)
    sys.path.insert(0, str(ROOT / "bench"))


def lead_differences(
    incremental: list[dict[str, Any]], full: list[dict[str, Any]]
) -> list[tuple[str, str, str, str]]:
    """``(lead, field, incremental value, full value)`` for each field that differs."""
    by_id = {row["id"]: row for row in incremental}
    full_by_id = {row["id"]: row for row in full}
    found = []
    for lead in sorted(by_id.keys() | full_by_id.keys()):
        a, b = by_id.get(lead, {}), full_by_id.get(lead, {})
        for field in sorted(a.keys() | b.keys()):
            if a.get(field) != b.get(field):
                found.append((lead, field, str(a.get(field)), str(b.get(field))))
    return found


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    use_home(args.home, args.port)
    if args.step:
        return child(args)
    from common import bench_store, world_folder

    from graph.db.writer import SubmissionInfo, submission_status
    from ingest.submit import file_sha256, submit_file

    if args.submit:
        world = args.world or args.home
        steps: list[tuple[str, Path, str]] = []
        held = ("complaints", args.submit, args.org)
    else:
        world = args.world or world_folder(args.scale, args.seed)
        steps, held = cut_world(world, args.held, args.home / "loop" / world.name)
    figures: dict[str, Any] = {}
    with bench_store() as store:
        started = time.perf_counter()
        for kind, path, org in steps:
            info = SubmissionInfo(org=org, kind=kind, file_name=path.name,
                                  sha256=file_sha256(path), received_at="")  # fmt: skip
            if submission_status(store, info.id) != "complete":
                submit_file(store, kind, path, org=org, via="demo")
        figures["load"] = time.perf_counter() - started
        print(
            f"world {world.name} loaded less {held[1].name} in {figures['load']:.0f} s", flush=True
        )
        if not args.analysed:
            base = run_child(args, "full")
            print(f"full templates + detect on the rest: {base['wall']} s", flush=True)
        started = time.perf_counter()
        summary = submit_file(store, held[0], held[1], org=held[2], via="demo")
        figures["write"] = time.perf_counter() - started
        incremental = run_child(args, "incremental", summary["submission"])
        after_incremental = snapshot(store)
        full = run_child(args, "full")
        after_full = snapshot(store)
        equal = after_full == after_incremental
        differing = lead_differences(after_incremental, after_full)
    rows = [
        ("write the held file", figures["write"], None, None),
        ("incremental analysis", incremental["wall"], incremental["rss_mib"],
         incremental["touched"]),
        ("full templates + detect", full["wall"], full["rss_mib"], None),
    ]  # fmt: skip
    print(f"\n{held[1].name}: {summary.get('rows', '?')} rows into {world.name}")
    print(f"{'step':<26}{'wall s':>9}{'peak RSS MiB':>14}{'re-scored':>11}")
    for name, wall, rss, touched in rows:
        print(f"{name:<26}{wall:>9.1f}{rss if rss is not None else '':>14}"
              f"{touched if touched is not None else '':>11}")  # fmt: skip
    print(f"incremental / full: {incremental['wall'] / max(full['wall'], 1e-9):.2f}")
    print(f"incremental phases (s): {incremental['phases']}")
    print(f"leads: {incremental['created']} created, {incremental['updated']} updated, "
          f"{incremental['stale']} stale; full detect found {full['leads']}")  # fmt: skip
    print(f"full rebuild after the incremental path changed no lead: {equal}")
    for lead, field, incremental_value, full_value in differing[:10]:
        print(f"  {lead} {field}:\n    incremental {incremental_value[:300]}\n"
              f"    full        {full_value[:300]}")  # fmt: skip
    if differing:
        print(f"  ({len({d[0] for d in differing})} leads differ)")
    return 0 if equal else 1


if __name__ == "__main__":
    raise SystemExit(main())
