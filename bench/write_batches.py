"""Rows per second of ``GraphStore.write_batches`` against one transaction per row.

Both write the same MERGE of Phone nodes into an emptied database, measured in the same run:
the baseline (one managed write transaction per row) on a smaller sample, since it is slow, and
UNWIND batches of several sizes. Prints medians over ``--repeats`` runs and the ratio of each batch
size to the baseline.

    .venv/bin/python bench/write_batches.py [--rows 100000] [--baseline-rows 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import functools

from common import bench_store, median_seconds

from graph.db.schema import wipe_data

MERGE_PHONE = "MERGE (p:Entity {key: 'phone:' + $e164}) SET p:Phone, p.e164 = $e164, p.n = $n"
MERGE_PHONES = (
    "UNWIND $rows AS row MERGE (p:Entity {key: 'phone:' + row.e164}) "
    "SET p:Phone, p.e164 = row.e164, p.n = row.n"
)


def rows(count: int) -> list[dict[str, object]]:
    return [{"e164": f"+86139{n:08d}", "n": n} for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-sizes", default="1000,5000,10000,20000")
    args = parser.parse_args()

    with bench_store() as store:
        sample = rows(args.baseline_rows)

        def one_per_row() -> None:
            for row in sample:
                store.write(MERGE_PHONE, **row)

        base = median_seconds(one_per_row, args.repeats, setup=lambda: wipe_data(store))
        base_rate = args.baseline_rows / base
        print(
            f"rows: {args.rows:,} batched, {args.baseline_rows:,} for the baseline; "
            f"median of {args.repeats}"
        )
        print(f"{'method':<28}{'rows/s':>12}{'ratio':>10}")
        print(f"{'one transaction per row':<28}{base_rate:>12,.0f}{1.0:>10.1f}")

        data = rows(args.rows)
        best = (0.0, 0)
        for size in (int(s) for s in args.batch_sizes.split(",")):
            seconds = median_seconds(
                functools.partial(store.write_batches, MERGE_PHONES, data, batch_size=size),
                args.repeats,
                setup=lambda: wipe_data(store),
            )
            rate = args.rows / seconds
            best = max(best, (rate, size))
            print(
                f"{'UNWIND batch ' + format(size, ','):<28}{rate:>12,.0f}{rate / base_rate:>10.1f}"
            )
        print(
            f"best batch size: {best[1]:,} ({best[0]:,.0f} rows/s, "
            f"{best[0] / base_rate:.0f}x one transaction per row)"
        )
        wipe_data(store)


if __name__ == "__main__":
    main()
