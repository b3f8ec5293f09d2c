"""Parsing alone (file → records, no Neo4j), per stage, this checkout against a baseline one, in
one process and in forked workers, CPU and wall time.

    .venv/bin/python bench/parse.py [--world DIR] [--file complaints_beichen.csv]
                                    [--baseline DIR] [--workers 2] [--repeat 3]

Runs one complaint file of a world (the main checkout's ``.leadgraph/worlds/world-45000-23`` by
default) and a GBK copy of it through ``ingest.pipeline.iter_file``: in one process
(``workers=1``) timed per stage, and in ``--workers`` forked workers (:mod:`ingest.parallel`)
timed whole. ``--baseline`` names another checkout of the project (say the commit before a
change: ``git worktree add /tmp/parse-old <commit>``, removed afterwards) whose code is timed
the same way in the same run, the runs alternating, so that both see the same share of a
machine that other work also uses. Each run is a fresh child process that imports the code of
its checkout, loads the slang detector, the context model and phone metadata outside the
timing, and starts with every cache empty. Figures are medians of ``--repeat`` runs; CPU time
counts the parsing workers too, and is the fairer figure on a busy machine.

Stages of the one-process runs, each the wall time spent inside it:

* ``read`` — the reader's rows (``csv`` module, decoding);
* ``phones`` — the phone checks (the mobile fast path, phonenumbers for the rest);
* ``slang`` — the slang scan; ``context`` — the context model's agent score;
* ``contacts`` — contacts found in the texts; ``keys`` — entity keys and Person hashes;
* ``map/validate/build`` — the rest: header mapping, the other checks, the records.

Prints a table and one JSON object. The wrappers that time the stages cost about a microsecond
a call, far below a row's hundreds of microseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORLD = ROOT.parent / "main" / ".leadgraph" / "worlds" / "world-45000-23"
KEY = b"bench-key"
STAGES = ("read", "phones", "slang", "context", "contacts", "keys")


# --- one run, in a child process that imports the code of its checkout -------------------------


class Clock:
    """Seconds spent inside each stage; :meth:`install` wraps the functions that make them."""

    def __init__(self) -> None:
        self.spent = dict.fromkeys(STAGES, 0.0)

    def _wrap(self, owner: Any, name: str, stage: str) -> None:
        original = owner[name] if isinstance(owner, dict) else getattr(owner, name)
        spent = self.spent

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - started

        if isinstance(owner, dict):
            owner[name] = timed
        else:
            setattr(owner, name, timed)

    def _timed_rows(self, rows: Iterator[Any]) -> Iterator[Any]:
        spent = self.spent
        while True:
            started = time.perf_counter()
            item = next(rows, None)
            spent["read"] += time.perf_counter() - started
            if item is None:
                return
            yield item

    def install(self) -> None:
        from graph.core.model import Model
        from graph.text import context, slang
        from ingest import kinds, pipeline, validate

        for check in ("phone", "phones"):
            self._wrap(validate.CHECKS, check, "phones")
        self._wrap(slang, "scan", "slang")
        self._wrap(context, "agent_score", "context")
        self._wrap(kinds, "text_contacts", "contacts")
        for name in ("pid_from_id", "pid_from_name", "pid_from_name_phone", "pid_from_name_firm"):
            self._wrap(kinds, name, "keys")
        self._wrap(Model, "entity_key", "keys")
        open_table = pipeline.open_table

        def timed_open(*args: Any, **kwargs: Any) -> Any:
            table = open_table(*args, **kwargs)
            table._rows = self._timed_rows(table._rows)
            return table

        pipeline.open_table = timed_open  # type: ignore[assignment]


def measure(tree: Path, path: Path, workers: int, stages: bool) -> dict[str, Any]:
    """Parse ``path`` with the code of checkout ``tree``, in this (fresh) process."""
    sys.path.insert(0, str(tree))
    from graph.text import context
    from graph.values import phone
    from ingest import kinds
    from ingest.pipeline import Tally, iter_file

    kinds.text_summary("预热")  # the slang detector and the context model, outside the timing
    phone.parse_phone("13800138000")
    kinds.text_summary.cache_clear()
    features = getattr(context.default_model(), "_features", None)  # none in older checkouts
    if features is not None:
        features.clear()
    clock = Clock() if stages else None
    if clock:
        clock.install()
    tally = Tally()
    cpu = time.process_time()
    started = time.perf_counter()
    for item in iter_file("complaints", path, source="bench", hashing_key=KEY, workers=workers):
        tally.add(item)
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, joined by now
    cpu = time.process_time() - cpu + children.ru_utime + children.ru_stime
    return {"rows": tally.rows_read, "seconds": seconds, "cpu": cpu,
            "stages": clock.spent if clock else {}}  # fmt: skip


def run_child(tree: Path, path: Path, workers: int, stages: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", str(tree), "--path", str(path),
               "--workers", str(workers)] + (["--stages"] if stages else [])  # fmt: skip
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=tree)
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


# --- the comparison ------------------------------------------------------------------------------


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    rows = runs[0]["rows"]
    seconds = statistics.median(r["seconds"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    result: dict[str, Any] = {
        "rows": rows,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "rows_per_second": round(rows / seconds),
        "us_per_row": round(seconds / rows * 1e6),
        "cpu_us_per_row": round(cpu / rows * 1e6),
    }
    if runs[0]["stages"]:
        spent = {s: statistics.median(r["stages"][s] for r in runs) for s in STAGES}
        spent["map/validate/build"] = max(0.0, seconds - sum(spent.values()))
        result["stages_us_per_row"] = {s: round(v / rows * 1e6) for s, v in spent.items()}
        result["stages_share"] = {s: round(v / seconds, 3) for s, v in spent.items()}
    return result


def compare(trees: dict[str, Path], path: Path, workers: int, repeat: int
            ) -> dict[str, dict[str, Any]]:  # fmt: skip
    """Medians of each checkout in one process and in ``workers`` workers, runs alternating;
    each with its CPU and wall ratio to the first checkout (the baseline) in one process."""
    ways = [(label, tree, w) for label, tree in trees.items() for w in (1, workers)]
    runs: dict[str, list[dict[str, Any]]] = {f"{label}, {w} worker(s)": [] for label, _, w in ways}
    for _ in range(repeat):
        for label, tree, w in ways:
            runs[f"{label}, {w} worker(s)"].append(run_child(tree, path, w, stages=w == 1))
    result = {way: summary(found) for way, found in runs.items()}
    base = next(iter(result.values()))
    for figures in result.values():
        figures["cpu_speedup"] = round(base["cpu_seconds"] / figures["cpu_seconds"], 2)
        figures["wall_speedup"] = round(base["seconds"] / figures["seconds"], 2)
    return result


def gbk_copy(path: Path, folder: Path) -> tuple[Path, str]:
    """The file re-encoded as GBK (GB18030 when a character has no GBK code), BOM dropped."""
    sys.path.insert(0, str(ROOT))
    from ingest.read import detect_encoding

    text = path.read_text(encoding=detect_encoding(path)).removeprefix("\ufeff")
    copy = folder / f"{path.stem}_gbk{path.suffix}"
    for encoding in ("gbk", "gb18030"):
        try:
            copy.write_bytes(text.encode(encoding))
        except UnicodeEncodeError:
            continue
        return copy, encoding
    raise AssertionError("unreachable: GB18030 encodes every character")


def print_table(label: str, result: dict[str, dict[str, Any]]) -> None:
    first = next(iter(result.values()))
    print(f"\n{label}: {first['rows']:,} rows")
    staged = [(way, f) for way, f in result.items() if "stages_us_per_row" in f]
    print(f"  {'stage (wall µs/row)':<20}" + "".join(f" {way[:24]:>26}" for way, _ in staged))
    for stage in first["stages_us_per_row"]:
        cells = [f"{f['stages_us_per_row'][stage]:>6} ({f['stages_share'][stage]:>6.1%})"
                 for _, f in staged]  # fmt: skip
        print(f"  {stage:<20}" + "".join(f" {cell:>26}" for cell in cells))
    for way, f in result.items():
        print(f"  {way:<26} CPU {f['cpu_us_per_row']:>5} µs/row ({f['cpu_speedup']}×),"
              f" wall {f['us_per_row']:>5} µs/row ({f['wall_speedup']}×)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, default=DEFAULT_WORLD)
    parser.add_argument("--file", default="complaints_beichen.csv")
    parser.add_argument("--baseline", type=Path, help="another checkout to time in the same run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # a child's checkout
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stages", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.path, args.workers, args.stages)))
        return
    trees = {"baseline": args.baseline.resolve()} if args.baseline else {}
    trees["this"] = ROOT
    source = args.world / args.file
    report: dict[str, Any] = {"file": str(source), "workers": args.workers,
                              "trees": {k: str(v) for k, v in trees.items()}}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="lg-parse-") as folder:
        gbk, encoding = gbk_copy(source, Path(folder))
        for label, path in (("utf-8", source), (encoding, gbk)):
            report[label] = compare(trees, path, args.workers, args.repeat)
            print_table(label, report[label])
    report["load_average"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
