"""A real firm list nobody here wrote: the ICIJ Offshore Leaks intermediaries, loaded as firms
through a mapping file (credit ICIJ; ODbL 1.0 / CC BY-SA 3.0)."""

from __future__ import annotations

import csv
from pathlib import Path

from graph.db.store import GraphStore
from graph.values.names import firm_name_key
from ingest.submit import submit_file

MAPPING = Path(__file__).resolve().parents[2] / "fixtures" / "mappings" / "icij_intermediaries.yaml"


def test_icij_intermediaries_load_as_name_keyed_firms(store: GraphStore, shared_data: Path) -> None:
    path = shared_data / "icij_intermediaries" / "nodes-intermediaries.csv"
    summary = submit_file(store, "firms", path, org="ICIJ", mapping=MAPPING)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert summary["rows_read"] == len(rows) == 26_768
    assert summary["rows_read"] == summary["rows_loaded"] + summary["rows_quarantined"]
    for entry in summary["quarantine"]:  # every refused row is explained
        assert entry["reason"] and entry["row"] >= 2

    # Repeated names are known duplicates: one Firm each, keyed by the normalised name.
    loaded_keys = set()
    for number, row in enumerate(rows, start=2):
        if number in {q["row"] for q in summary["quarantine"]}:
            continue
        loaded_keys.add(firm_name_key(row["name"]))
    firms = store.read(
        "MATCH (f:Firm) RETURN count(f) AS n, count(DISTINCT f.key_strength) AS strengths,"
        " collect(DISTINCT f.key_strength)[0] AS strength"
    )[0]
    assert firms["n"] == len(loaded_keys)
    assert firms["n"] < summary["rows_loaded"]  # the 877 repeated names merged
    assert firms["strengths"] == 1 and firms["strength"] == "name"
