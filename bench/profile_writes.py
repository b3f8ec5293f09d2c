"""PROFILE every query the writer runs for one batch: db hits per row, by query and operator.

Used by ``bench/incremental_writes.py --profile``: one fresh complaint file is written through the
MERGE-only path and another through the CREATE path, each as one batch, with every query the
writer sends prefixed by ``PROFILE`` (the writes happen; the database keeps them).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from typing import Any

from graph.core.records import RowResult
from graph.db.store import GraphStore, WriteSummary, chunked
from graph.db.writer import SubmissionInfo, SubmissionWriter


def _hits(plan: dict[str, Any], by_operator: dict[str, int]) -> int:
    own = int(plan.get("dbHits", 0))
    name = re.sub(r"@.*", "", str(plan.get("operatorType", "?")))
    by_operator[name] = by_operator.get(name, 0) + own
    return own + sum(_hits(child, by_operator) for child in plan.get("children", []))


def _name(query: str) -> str:
    """A short name for a writer query: its first clause that names a node, and the label or
    link type it writes."""
    first = next(
        (line for line in query.strip().splitlines() if re.search(r"(MERGE|CREATE|MATCH)\s*\(", line)
         and "UNWIND" not in line),
        query.strip().splitlines()[0],
    )  # fmt: skip
    written = re.search(r"SET n:(\w+)|\(n:Entity:(\w+)\)|\[r:(\w+)\]|\(s:(Statement)", query)
    label = next((g for g in written.groups() if g), "") if written else ""
    name = re.sub(r"\s+", " ", first.strip())[:44]
    return f"{name} [{label}]" if label else name


class ProfilingStore:
    """Stands in for a GraphStore in a SubmissionWriter, running each query with PROFILE."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.batch_size = store.batch_size
        self.write_threads = 1  # one query at a time, so the timings are the query's own
        self.lines: list[tuple[str, int, int, float, dict[str, int]]] = []

    def _run(self, tx: Any, query: str, params: dict[str, Any]) -> tuple[list[dict], Any]:
        started = time.perf_counter()
        result = tx.run("PROFILE " + query, params)
        records = [record.data() for record in result]
        summary = result.consume()
        rows = len(params.get("rows") or params.get("keys") or [None])
        by_operator: dict[str, int] = {}
        hits = _hits(summary.profile or {}, by_operator)
        seconds = time.perf_counter() - started
        self.lines.append((_name(query), rows, hits, seconds, by_operator))
        return records, summary.counters

    def _in_transaction(self, statements: Sequence[tuple[str, dict[str, Any]]]) -> list[Any]:
        with self.store._session() as session, session.begin_transaction() as tx:
            out = [self._run(tx, query, params) for query, params in statements]
            tx.commit()
        return out

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        return self._in_transaction([(query, params)])[0][0]

    def read_one(self, query: str, **params: Any) -> dict[str, Any] | None:
        rows = self.read(query, **params)
        return rows[0] if rows else None

    def write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        return self.read(query, **params)

    def write_all(self, statements: Sequence[tuple[str, dict[str, Any]]], **_: Any) -> list[Any]:
        return [records for records, _ in self._in_transaction(statements)]

    def write_batches(
        self, query: str, rows: Iterable[dict[str, Any]], *, batch_size: int | None = None, **p: Any
    ) -> WriteSummary:
        summary = WriteSummary()
        for batch in chunked(rows, batch_size or self.batch_size):
            _, counters = self._in_transaction([(query, {**p, "rows": batch})])[0]
            summary.add(counters, len(batch))
        return summary

    def print(self, title: str, complaint_rows: int) -> None:
        total_hits = sum(line[2] for line in self.lines)
        total_seconds = sum(line[3] for line in self.lines)
        print(f"\n{title}: {complaint_rows:,} complaint rows in one batch; "
              f"{total_hits / complaint_rows:,.0f} db hits and "
              f"{total_seconds / complaint_rows * 1e6:,.0f} us per complaint row")  # fmt: skip
        print(f"  {'query':<62}{'rows':>7}{'hits/row':>10}{'us/row':>9}  top operators")
        for name, rows, hits, seconds, ops in self.lines:
            top = ", ".join(
                f"{op} {n / max(rows, 1):,.1f}"
                for op, n in sorted(ops.items(), key=lambda kv: -kv[1])[:3]
                if n
            )
            print(f"  {name:<62}{rows:>7}{hits / max(rows, 1):>10,.1f}"
                  f"{seconds / max(rows, 1) * 1e6:>9,.0f}  {top}")  # fmt: skip


def profile_batch(store: GraphStore, files: list[tuple[SubmissionInfo, list[RowResult]]]) -> None:
    """Write the first file through the MERGE path and the second through the CREATE path."""
    for (info, results), create in zip(files[:2], (False, True), strict=True):
        profiling = ProfilingStore(store)
        writer = SubmissionWriter(
            profiling,  # type: ignore[arg-type]
            info,
            batch_rows=len(results) + 1,
            create_new=create,
        )
        with writer:
            for result in results:
                writer.add(result)
        profiling.print("CREATE where new" if create else "MERGE everything", len(results))
