"""Benchmark: writing a refresh's changed ``SAME_TEMPLATE`` links, as it is and alternatives.

A 10,000-text submission into the 1M world that joins the largest template families moves tens
of thousands of members from one hub to another (complaints_yunshan.csv of a 45k world: 54,352
links removed and 61,740 added). This writes ``--nodes`` complaints of an emptied benchmark
database as stars around ``CLUSTERS`` hubs, then moves ``--moved`` members to another hub and
links ``--fresh`` more, each way in turn (``--repeats`` times, alternating), and prints the
medians::

    .venv/bin/python bench/template_links_write.py [--nodes 300000] [--moved 54352] \\
        [--fresh 7388] [--repeats 3]

Ways: ``merge`` is the refresh's (``DELETE_LINKS`` matched from both ends, then ``MERGE_LINKS``);
``create`` finds a removed link from its member's side (a member has one incoming link, a hub
thousands) and creates the added ones instead of merging them (a refresh adds a link only when
its member's hub changed, so it is never in the graph already). Measured the same (see the
README), so the refresh keeps ``merge``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from common import bench_store

from graph.db.schema import wipe_data
from graph.db.store import GraphStore
from graph.evidence import templates

CREATE_COMPLAINTS = """
UNWIND $rows AS row
CREATE (:Entity:Complaint {key: row.key})
"""
DELETE_LINKS_OF_MEMBERS = """
UNWIND $rows AS row
MATCH (b:Entity {key: row.b})<-[r:SAME_TEMPLATE]-(a)
WHERE a.key = row.a
DELETE r
"""
CREATE_LINKS = """
UNWIND $rows AS row
MATCH (a:Entity {key: row.a})
MATCH (b:Entity {key: row.b})
CREATE (a)-[:SAME_TEMPLATE {similarity: row.similarity, kind: 'match', method: $method,
                            sources: []}]->(b)
"""
UNLINK_FRESH = """
UNWIND $rows AS row
MATCH (:Entity {key: row.b})<-[r:SAME_TEMPLATE]-()
DELETE r
"""
Row = dict[str, Any]
CLUSTERS = 40  # the 1M world's members fall in a few large clusters
METHOD = "bench"


def key(n: int) -> str:
    return f"complaint:bench:{n:08d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=300_000)
    parser.add_argument("--moved", type=int, default=54_352)
    parser.add_argument("--fresh", type=int, default=7_388)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ways", default="merge,create")
    args = parser.parse_args()
    ways = {"merge": _merge_way, "create": _create_way}
    chosen = args.ways.split(",")
    with bench_store() as store:
        wipe_data(store)
        store.write_batches(CREATE_COMPLAINTS, ({"key": key(n)} for n in range(args.nodes)))
        hub_of = {n: n % CLUSTERS for n in range(CLUSTERS, args.nodes - args.fresh)}
        store.write_batches(
            templates.MERGE_LINKS,
            ({"a": key(h), "b": key(m), "similarity": 0.7} for m, h in hub_of.items()),
            method=METHOD,
        )
        members = sorted(hub_of)
        fresh = list(range(args.nodes - args.fresh, args.nodes))
        times: dict[str, list[float]] = {way: [] for way in chosen}
        for repeat in range(args.repeats):
            for way in chosen:
                moved = members[repeat :: max(1, len(members) // args.moved)][: args.moved]
                removed = [{"a": key(hub_of[m]), "b": key(m)} for m in moved]
                for m in moved:
                    hub_of[m] = (hub_of[m] + 1) % CLUSTERS
                added = [{"a": key(hub_of[m]), "b": key(m), "similarity": 0.7} for m in moved] + [
                    {"a": key(m % CLUSTERS), "b": key(m), "similarity": 0.7} for m in fresh
                ]
                started = time.perf_counter()
                ways[way](store, removed, added)
                times[way].append(time.perf_counter() - started)
                _check(store, len(hub_of) + len(fresh))
                store.write_batches(UNLINK_FRESH, ({"b": key(m)} for m in fresh))
        wipe_data(store)
    print(f"{args.nodes:,} complaints, {args.moved:,} links moved and {args.fresh:,} added")
    for way, seconds in times.items():
        shown = ", ".join(f"{s:.1f}" for s in seconds)
        print(f"{way}: median {statistics.median(seconds):.1f} s ({shown})")


def _merge_way(store: GraphStore, removed: list[Row], added: list[Row]) -> None:
    store.write_batches(templates.DELETE_LINKS, iter(removed))
    store.write_batches(templates.MERGE_LINKS, iter(added), method=METHOD)


def _create_way(store: GraphStore, removed: list[Row], added: list[Row]) -> None:
    store.write_batches(DELETE_LINKS_OF_MEMBERS, iter(removed))
    store.write_batches(CREATE_LINKS, iter(added), method=METHOD)


def _check(store: GraphStore, expected: int) -> None:
    row = store.read_one("MATCH ()-[r:SAME_TEMPLATE]->() RETURN count(r) AS n")
    assert row is not None and row["n"] == expected, (row, expected)


if __name__ == "__main__":
    main()
