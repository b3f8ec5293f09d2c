"""A whole-database snapshot as plain, sorted data: for comparing states (tests, audits).

Nodes are identified by their stable ``key`` (never a database-internal id); links by their
endpoints' keys and type. Meant for small and medium databases: it reads everything.

The audit log is left out: it records every attempt (a file submitted twice is two ``ingest``
entries), while the graph's facts stay as they were; ``audit.verify_chain`` speaks for the log.
So is the analysis job queue (``Job``, ``JobWorker``, ``JobQueue``): its times are each run's own.
"""

from __future__ import annotations

import json
from typing import Any

from graph.db.store import GraphStore

ALL_NODES = """
MATCH (n) WHERE n.key IS NOT NULL AND NOT n:AuditEntry AND NOT n:Job AND NOT n:JobWorker
  AND NOT n:JobQueue
RETURN n.key AS key, labels(n) AS labels, properties(n) AS props
"""
ALL_LINKS = """
MATCH (a)-[r]->(b)
WHERE NOT a:AuditEntry AND NOT b:AuditEntry AND NOT a:Job AND NOT b:Job
RETURN a.key AS start, type(r) AS type, b.key AS end, properties(r) AS props
"""


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def snapshot(store: GraphStore) -> dict[str, list[dict[str, Any]]]:
    nodes = [
        {**row, "labels": sorted(row["labels"]), "props": _canonical(row["props"])}
        for row in store.read(ALL_NODES)
    ]
    links = [{**row, "props": _canonical(row["props"])} for row in store.read(ALL_LINKS)]
    nodes.sort(key=lambda n: n["key"])
    links.sort(key=lambda r: (r["start"] or "", r["type"], r["end"] or ""))
    return {"nodes": nodes, "links": links}
