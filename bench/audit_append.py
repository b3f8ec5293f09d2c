"""Milliseconds per audit append, and how much of it sealing the head takes.

Every append writes the entry in one transaction and then seals the new head in the state folder
(read and check the signed seal, sign and write a new one, flush it to disk, under a file lock).
This prints the median time of a whole append and of the seal step alone (the same read, sign,
write and flush, without the database), each over ``--appends`` calls into an emptied database.

    .venv/bin/python bench/audit_append.py [--appends 300]
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import bench_store

from graph.core import keys
from graph.core.clock import utc_now
from graph.db.schema import wipe_data
from graph.workflow import audit, audit_seal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=300)
    args = parser.parse_args()

    with bench_store() as store:
        wipe_data(store)
        appends = []
        for n in range(args.appends):
            start = time.perf_counter()
            audit.append(store, "bench", "search", details={"n": n})
            appends.append(time.perf_counter() - start)
        signing = keys.load_or_create()
        seals = []
        for _ in range(args.appends):
            start = time.perf_counter()
            with audit_seal.locked():
                sealed = audit_seal.read()
                assert sealed is not None
                audit_seal.write(
                    audit_seal.Seal(sealed.seq, sealed.hash, utc_now(), sealed.keyed_from), signing
                )
            seals.append(time.perf_counter() - start)
        report = audit.verify_chain(store)
        assert report.ok and report.sealed_seq == args.appends, report
        wipe_data(store)
    print(f"append (entry and seal): {statistics.median(appends) * 1000:.2f} ms median")
    print(f"seal step alone:         {statistics.median(seals) * 1000:.2f} ms median")


if __name__ == "__main__":
    main()
