"""What reading contacts out of free text costs ingest: rows per CPU second of read + validate +
build (``ingest.pipeline.iter_file``, no database) with the contact extractor and without it,
in the same run.

    .venv/bin/python bench/ingest_contacts.py [--scale 20000] [--seed 11] [--rounds 3]

Uses the synthetic world of ``--scale`` complaints that ``bench/ingest_rate.py`` uses (generated
once into ``.leadgraph/bench/worlds``): its complaint files and its accounts file. "Without" stubs
``ingest.kinds.text_contacts`` to find nothing, which is what ingest did before contacts were
written. The two alternate for ``--rounds`` rounds; the best CPU rate of each is printed (the
machine is shared: CPU time is the steadier figure). Each round starts with empty caches, as a
new ingest process would. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from common import world_folder

from graph.text.slang import default_detector
from ingest import kinds
from ingest.pipeline import Tally, iter_file

KEY = b"bench-key"


def _nothing(text: str) -> tuple[Any, ...]:
    return ()


REAL = kinds.text_contacts


def run(files: list[tuple[str, Path]]) -> dict[str, float]:
    REAL.cache_clear()
    kinds.contact_node.cache_clear()
    kinds.text_summary.cache_clear()
    tally = Tally()
    links = 0
    cpu_started = time.process_time()
    for kind, path in files:
        for item in iter_file(kind, path, source="bench", hashing_key=KEY):
            tally.add(item)
            links += sum(
                1 for link in getattr(item, "links", ()) if link.type == "MENTIONS_CONTACT"
            )
    cpu = time.process_time() - cpu_started
    return {"rows": tally.rows_read, "mentions": links, "cpu_seconds": round(cpu, 2),
            "rows_per_cpu_second": round(tally.rows_read / cpu)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    world = world_folder(args.scale, args.seed)
    files = [("complaints", p) for p in sorted(world.glob("complaints_*.csv"))]
    files += [("accounts", p) for p in sorted(world.glob("accounts*.jsonl"))]
    default_detector()  # the slang index, loaded once outside the timing
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):
        for name, hook in (("with_contacts", REAL), ("without_contacts", _nothing)):
            kinds.text_contacts = hook  # type: ignore[assignment]
            try:
                result = run(files)
            finally:
                kinds.text_contacts = REAL
            if result["rows_per_cpu_second"] > best.get(name, {}).get("rows_per_cpu_second", 0):
                best[name] = result
    with_, without = best["with_contacts"], best["without_contacts"]
    report = {
        "world": str(world),
        **best,
        "cost_per_row_us": round(
            1e6 * (with_["cpu_seconds"] - without["cpu_seconds"]) / with_["rows"], 1
        ),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
