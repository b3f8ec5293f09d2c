"""Parsing alone (file → records, no Neo4j), per stage, one process against two workers.

    .venv/bin/python bench/parse.py [--world DIR] [--file complaints_beichen.csv]
                                    [--workers 2] [--repeat 3]

Runs one complaint file of a world (the main checkout's ``.leadgraph/worlds/world-45000-23`` by
default) and a GBK copy of it through ``ingest.pipeline.iter_file``: the baseline, one process
(``workers=1``), timed per stage, and the new path, ``--workers`` forked workers
(:mod:`ingest.parallel`), timed whole, the runs alternating. Each figure is the median of
``--repeat`` runs, with the value caches (phones, dates, amounts, text summaries, contacts)
emptied before every run, so no run profits from the one before. Stages of the baseline, each the time spent inside it:

* ``read`` — the reader's rows (``csv`` module, decoding);
* ``phones`` — the phone checks (the mobile fast path, phonenumbers for the rest);
* ``slang`` — the slang scan; ``context`` — the context model's agent score;
* ``contacts`` — contacts found in the texts; ``keys`` — entity keys and Person hashes;
* ``map/validate/build`` — the rest: header mapping, the other checks, the records.

Prints a table and one JSON object. The wrappers that time the stages cost about a microsecond
a call, far below a row's milliseconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.core.model import Model  # noqa: E402
from graph.text import context, slang  # noqa: E402
from graph.values import accounts, amounts, dates, names, phone  # noqa: E402
from ingest import kinds, pipeline, validate  # noqa: E402
from ingest.pipeline import Tally, iter_file  # noqa: E402
from ingest.read import detect_encoding  # noqa: E402

KEY = b"bench-key"
DEFAULT_WORLD = ROOT.parent / "main" / ".leadgraph" / "worlds" / "world-45000-23"
STAGES = ("read", "phones", "slang", "context", "contacts", "keys")
CACHES = (
    phone._parse_cached, phone.valid_phone, dates.parse_date, dates._parse_cached,
    amounts._parse_cached, names.firm_name_key, kinds.phone_node, kinds.text_contacts,
    kinds.contact_node, kinds.text_summary, accounts.extract_phones,
)  # fmt: skip


def clear_caches() -> None:
    for cached in CACHES:
        cached.cache_clear()  # type: ignore[attr-defined]


class Clock:
    """Seconds spent inside each stage; :meth:`install` wraps the functions that make them."""

    def __init__(self) -> None:
        self.spent = dict.fromkeys(STAGES, 0.0)
        self._undo: list[tuple[Any, str, Any]] = []

    def _wrap(self, owner: Any, name: str, stage: str) -> None:
        original = owner[name] if isinstance(owner, dict) else getattr(owner, name)
        spent = self.spent

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - started

        self._set(owner, name, timed)
        self._undo.append((owner, name, original))

    @staticmethod
    def _set(owner: Any, name: str, value: Any) -> None:
        if isinstance(owner, dict):
            owner[name] = value
        else:
            setattr(owner, name, value)

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

        self._set(pipeline, "open_table", timed_open)
        self._undo.append((pipeline, "open_table", open_table))

    def remove(self) -> None:
        while self._undo:
            self._set(*self._undo.pop())


def run_once(path: Path, workers: int, clock: Clock | None = None) -> dict[str, Any]:
    clear_caches()
    tally = Tally()
    if clock:
        clock.install()
    started = time.perf_counter()
    try:
        for item in iter_file("complaints", path, source="bench", hashing_key=KEY,
                              workers=workers):  # fmt: skip
            tally.add(item)
    finally:
        if clock:
            clock.remove()
    seconds = time.perf_counter() - started
    return {"rows": tally.rows_read, "seconds": seconds}


def summary(runs: list[dict[str, Any]], stage_runs: list[dict[str, float]]) -> dict[str, Any]:
    rows = runs[0]["rows"]
    seconds = statistics.median(r["seconds"] for r in runs)
    result: dict[str, Any] = {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "us_per_row": round(seconds / rows * 1e6),
    }
    if stage_runs:
        stages = {s: statistics.median(r[s] for r in stage_runs) for s in STAGES}
        stages["map/validate/build"] = max(0.0, seconds - sum(stages.values()))
        result["stages_us_per_row"] = {s: round(v / rows * 1e6) for s, v in stages.items()}
        result["stages_share"] = {s: round(v / seconds, 3) for s, v in stages.items()}
    return result


def compare(path: Path, workers: int, repeat: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Medians of the baseline (timed per stage) and of the workers, runs alternating so that
    both see the same share of a machine other work also uses."""
    one, stage_runs, many = [], [], []
    for _ in range(repeat):
        clock = Clock()
        one.append(run_once(path, 1, clock))
        stage_runs.append(clock.spent)
        many.append(run_once(path, workers, None))
    baseline, fast = summary(one, stage_runs), summary(many, [])
    fast["speedup"] = round(baseline["seconds"] / fast["seconds"], 2)
    return baseline, fast


def gbk_copy(path: Path, folder: Path) -> tuple[Path, str]:
    """The file re-encoded as GBK (GB18030 when a character has no GBK code), BOM dropped."""
    text = path.read_text(encoding=detect_encoding(path)).removeprefix("\ufeff")
    copy = folder / f"{path.stem}_gbk{path.suffix}"
    for encoding in ("gbk", "gb18030"):
        try:
            copy.write_bytes(text.encode(encoding))
        except UnicodeEncodeError:
            continue
        return copy, encoding
    raise AssertionError("unreachable: GB18030 encodes every character")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, default=DEFAULT_WORLD)
    parser.add_argument("--file", default="complaints_beichen.csv")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = args.world / args.file
    kinds.text_summary("预热")  # load the slang detector and the context model outside timing
    phone.parse_phone("13800138000")
    report: dict[str, Any] = {"file": str(source), "workers": args.workers}
    with tempfile.TemporaryDirectory(prefix="lg-parse-") as folder:
        gbk, encoding = gbk_copy(source, Path(folder))
        for label, path in (("utf-8", source), (encoding, gbk)):
            baseline, fast = compare(path, args.workers, args.repeat)
            report[label] = {"one_process": baseline, f"{args.workers}_workers": fast}
            print_table(label, baseline, fast, args.workers)
    print(json.dumps(report, ensure_ascii=False, indent=2))


def print_table(label: str, baseline: dict[str, Any], fast: dict[str, Any], workers: int) -> None:
    print(f"\n{label}: {baseline['rows']:,} rows")
    print(f"  {'stage':<20} {'µs/row':>8} {'share':>7}")
    for stage, us in baseline["stages_us_per_row"].items():
        print(f"  {stage:<20} {us:>8} {baseline['stages_share'][stage]:>7.1%}")
    print(
        f"  one process: {baseline['rows_per_second']:,} rows/s ({baseline['us_per_row']} µs/row)"
    )
    print(
        f"  {workers} workers:   {fast['rows_per_second']:,} rows/s ({fast['us_per_row']} µs/row),"
        f" {fast['speedup']}× the one process"
    )


if __name__ == "__main__":
    main()
