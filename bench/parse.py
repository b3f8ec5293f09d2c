"""Parsing alone (file → records, no Neo4j), per stage, one process against two workers, the
context model's n-grams taken whole (the old code) against built from cached segments.

    .venv/bin/python bench/parse.py [--world DIR] [--file complaints_beichen.csv]
                                    [--workers 2] [--repeat 3]

Runs one complaint file of a world (the main checkout's ``.leadgraph/worlds/world-45000-23`` by
default) and a GBK copy of it through ``ingest.pipeline.iter_file`` four ways, the runs
alternating: one process (``workers=1``) timed per stage and ``--workers`` forked workers
(:mod:`ingest.parallel`) timed whole, each with the old n-grams
(``graph.text.context.whole_text_ngrams``) and the new (``graph.text.context.ngrams``). Each figure is the median of
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
import os
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
    kinds.contact_node, kinds.text_summary, accounts.extract_phones, context._segment_ngrams,
)  # fmt: skip
NEW_NGRAMS = context.ngrams


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


def run_once(path: Path, workers: int, clock: Clock | None = None, *, old: bool = False
             ) -> dict[str, Any]:  # fmt: skip
    clear_caches()
    context.ngrams = context.whole_text_ngrams if old else NEW_NGRAMS  # workers fork with it
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
        context.ngrams = NEW_NGRAMS
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


WAYS = ("old, one process", "new, one process", "old, {w} workers", "new, {w} workers")


def compare(path: Path, workers: int, repeat: int) -> dict[str, dict[str, Any]]:
    """Medians of the four ways, runs alternating so that all see the same share of a machine
    other work also uses; each with its speed-up over the old code in one process."""
    runs: dict[str, list[dict[str, Any]]] = {way: [] for way in WAYS}
    stage_runs: dict[str, list[dict[str, float]]] = {way: [] for way in WAYS[:2]}
    for _ in range(repeat):
        for way in WAYS:
            clock = Clock() if way in stage_runs else None
            runs[way].append(run_once(path, 1 if clock else workers, clock,
                                      old=way.startswith("old")))  # fmt: skip
            if clock:
                stage_runs[way].append(clock.spent)
    result = {way.format(w=workers): summary(runs[way], stage_runs.get(way, [])) for way in WAYS}
    baseline = result[WAYS[0]]["seconds"]
    for figures in result.values():
        figures["speedup"] = round(baseline / figures["seconds"], 2)
    return result


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
            report[label] = compare(path, args.workers, args.repeat)
            print_table(label, report[label])
    report["load_average"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, ensure_ascii=False, indent=2))


def print_table(label: str, result: dict[str, dict[str, Any]]) -> None:
    old, new = result[WAYS[0]], result[WAYS[1]]
    print(f"\n{label}: {old['rows']:,} rows")
    print(f"  {'stage':<20} {'old µs/row':>10} {'share':>7} {'new µs/row':>10} {'share':>7}")
    for stage, us in old["stages_us_per_row"].items():
        print(f"  {stage:<20} {us:>10} {old['stages_share'][stage]:>7.1%}"
              f" {new['stages_us_per_row'][stage]:>10} {new['stages_share'][stage]:>7.1%}")  # fmt: skip
    for way, figures in result.items():
        print(f"  {way:<18} {figures['rows_per_second']:>7,} rows/s ({figures['us_per_row']} µs/row),"
              f" {figures['speedup']}× the old one process")  # fmt: skip


if __name__ == "__main__":
    main()
