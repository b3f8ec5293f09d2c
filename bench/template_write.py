"""Benchmark: writing template clusters after a refresh, before and after sizes left the members.

A refresh used to write every member of every cluster that changed, its cluster id and size
(``template_size`` changes on every member of a grown cluster: 177,290 rows for a 10,000-text
submission into the 1M world); now it writes only the members whose cluster id changed
(``graph.evidence.templates.SET_CLUSTERS``) and sizes are counted on read. Both are written into
``--nodes`` complaints of an emptied benchmark database, in the same run; then the size of the
largest cluster is counted as a reader does (``cluster_sizes``). Prints medians over
``--repeats`` runs::

    .venv/bin/python bench/template_write.py [--nodes 300000] [--old-rows 177290] \\
        [--new-rows 12000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import functools

from common import bench_store, median_seconds

from graph.db.schema import wipe_data
from graph.evidence.templates import SET_CLUSTERS, cluster_sizes

CREATE_COMPLAINTS = """
UNWIND $rows AS row
CREATE (:Entity:Complaint {key: row.key, template_cluster: row.cluster})
"""
OLD_SET_CLUSTERS = """
UNWIND $rows AS row
MATCH (c:Entity {key: row.key})
SET c.template_cluster = row.cluster, c.template_size = row.size
"""
CLUSTERS = 40  # the 1M world's members fall in a few large clusters


def key(n: int) -> str:
    return f"complaint:bench:{n:08d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=300_000)
    parser.add_argument("--old-rows", type=int, default=177_290)
    parser.add_argument("--new-rows", type=int, default=12_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with bench_store() as store:
        wipe_data(store)
        store.write_batches(
            CREATE_COMPLAINTS,
            ({"key": key(n), "cluster": f"tpl:{n % CLUSTERS}"} for n in range(args.nodes)),
        )
        shift = [0]  # each run moves every written complaint to another cluster

        def rows(count: int, size: bool) -> list[dict[str, object]]:
            return [
                {"key": key(n), "cluster": f"tpl:{(n + shift[0]) % CLUSTERS}"}
                | ({"size": args.nodes // CLUSTERS + shift[0]} if size else {})
                for n in range(count)
            ]

        def write(query: str, count: int, size: bool) -> None:
            store.write_batches(query, rows(count, size))

        def bump() -> None:
            shift[0] += 1

        before = median_seconds(
            functools.partial(write, OLD_SET_CLUSTERS, args.old_rows, True), args.repeats, bump
        )
        after = median_seconds(
            functools.partial(write, SET_CLUSTERS, args.new_rows, False), args.repeats, bump
        )
        counted = median_seconds(
            functools.partial(cluster_sizes, store, [f"tpl:{n}" for n in range(CLUSTERS)]),
            args.repeats,
        )
        wipe_data(store)
    print(f"{args.nodes:,} complaints in {CLUSTERS} clusters")
    print(f"old: {args.old_rows:,} rows with sizes  {before:.2f} s")
    print(f"new: {args.new_rows:,} rows, ids only  {after:.2f} s  ({before / after:.1f}x less)")
    print(f"every cluster's size counted on read  {counted:.2f} s")


if __name__ == "__main__":
    main()
