"""Which indexes the hot readers use: may the entities' natural-key constraints go?

Against the database of ``bench/incremental_writes.py`` (its world loaded first): the per-label
uniqueness constraints on the entities' model keys (``phone_e164``, ``complaint_source_complaint_id``
…, which the schema created before issue 20) are created again, so their read counts start at
0; then, for ``--sample`` random entities, the trace (``find_paths`` between pairs, the 2-hop
``neighbourhood``), the profile's parts (the 1-hop neighbourhood, the Statements, the lookup by
keys) and the search by complaint number run; then every index's read count is printed, and the
natural-key ones must have stayed at 0. Also prints the plan of the lookup by complaint number,
the one reader that names a natural-key property. The constraints are dropped again at the end.

    .venv/bin/python bench/index_use.py [--sample 200]
"""

from __future__ import annotations

import argparse
import itertools
import random

from incremental_writes import natural_key_constraints, set_natural_keys

from common import bench_store  # isort: skip

from graph.evidence.rights import statements
from graph.evidence.search import BY_COMPLAINT_ID, entities_by_keys
from graph.evidence.trace import find_paths, neighbourhood

SAMPLE_KEYS = """
MATCH (n:Entity) WHERE n:Phone OR n:Firm OR n:Person OR n:Account OR n:Complaint
RETURN n.key AS key, n.complaint_id AS complaint_id ORDER BY n.key
"""
INDEX_READS = (
    "SHOW INDEXES YIELD name, labelsOrTypes, properties, readCount "
    "WHERE readCount IS NOT NULL RETURN name, labelsOrTypes, properties, readCount ORDER BY name"
)


def operators(plan: dict) -> list[str]:
    args = plan.get("args", {})
    own = [f"{plan['operatorType']} {args.get('Details', '')}".strip()]
    return own + [op for child in plan.get("children", []) for op in operators(child)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    with bench_store() as store:
        set_natural_keys(store, True)
        rows = store.read(SAMPLE_KEYS)
        sample = random.Random(7).sample(rows, min(args.sample, len(rows)))
        keys = [row["key"] for row in sample]
        for a, b in itertools.pairwise(keys):
            find_paths(store, a, b)
        for key in keys:
            neighbourhood(store, key, hops=2, limit=300)
            neighbourhood(store, key, hops=1, limit=300)
        statements(store, keys)
        entities_by_keys(store, keys)
        for row in sample:
            if row["complaint_id"]:
                store.read(BY_COMPLAINT_ID, id=row["complaint_id"])
        natural = {statement.split()[2] for statement in natural_key_constraints(True)}
        print(f"index reads after the readers ran on {len(keys)} entities:")
        for row in store.read(INDEX_READS):
            mark = "  <- natural key" if row["name"] in natural else ""
            print(f"  {row['name']:<36}{row['readCount']:>8}{mark}")
        with store._session() as session:
            plan = session.run("EXPLAIN " + BY_COMPLAINT_ID, id="x").consume().plan or {}
        print("plan of the search by complaint number, with the natural-key constraints present:")
        print("  " + " <- ".join(operators(plan)))
        set_natural_keys(store, False)


if __name__ == "__main__":
    main()
