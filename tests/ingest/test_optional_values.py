"""Nothing lost from real exports (issue 15, point 9): a bad value in an optional field costs
that value, not the row.

A lender's export writes "无" (none) or "同上" (same as above) in the contact column, or a local
number without its area code. Such a complaint used to be quarantined whole, so valid
complaints never reached the graph. Now the value is dropped with a warning naming file, row,
field, value and reason, and the row loads; a bad identifying field still refuses its row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from support import run_cli

from graph.db.snapshot import snapshot
from graph.db.store import GraphStore
from graph.values.idcard import id_check_digit
from ingest.submit import submit_file

DROPPED = ["无", "同上", "88123456"]  # none, same as above, a local number without area code
HEADER = "投诉编号,投诉日期,投诉人姓名,身份证号,本人手机号,联系电话,投诉内容\n"


def id_number(serial: int) -> str:
    first17 = f"11010519800101{serial:03d}"
    return first17 + id_check_digit(first17)


def export(tmp_path: Path) -> Path:
    """Three complaints with a placeholder contact, one with a real one, and one whose ID
    number (an identifying field) has a wrong check digit."""
    rows = [
        f"C{n},2025-09-0{n},客户{n},{id_number(n)},1380013800{n},{contact},要求协商还款\n"
        for n, contact in enumerate([*DROPPED, "13900139000"], start=1)
    ]
    broken_id = id_number(5)[:-1] + ("1" if id_number(5)[-1] != "1" else "2")
    rows.append(f"C5,2025-09-05,客户5,{broken_id},13800138005,13900139000,要求协商还款\n")
    path = tmp_path / "lender_export.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def property_values(store: GraphStore) -> list[str]:
    """Every string held by any node or link property (list items too)."""
    found: list[str] = []
    state = snapshot(store)
    for record in [*state["nodes"], *state["links"]]:
        for value in record["props"].values():
            items = value if isinstance(value, list) else [value]
            found += [item for item in items if isinstance(item, str)]
    return found


def test_placeholder_contacts_are_dropped_and_their_complaints_load(
    store: GraphStore, tmp_path: Path
) -> None:
    path = export(tmp_path)
    summary: dict[str, Any] = submit_file(store, "complaints", path, org="lender-a")

    # Counts add up: every row read is loaded or quarantined; the warnings are counted apart.
    assert summary["rows_read"] == 5
    assert (summary["rows_loaded"], summary["rows_quarantined"]) == (4, 1)
    assert summary["rows_read"] == summary["rows_loaded"] + summary["rows_quarantined"]
    assert summary["fields_dropped"] == 3

    # Each dropped value is a warning naming file, row, field, value and reason.
    warnings = [q for q in summary["quarantine"] if q["outcome"] == "field dropped"]
    assert [(q["file"], q["row"], q["field"], q["value"]) for q in warnings] == [
        ("lender_export.csv", 2, "联系电话", "无"),
        ("lender_export.csv", 3, "联系电话", "同上"),
        ("lender_export.csv", 4, "联系电话", "88123456"),
    ]
    assert warnings[0]["reason"] == "phone has no digits"
    assert warnings[2]["reason"] == "fixed-line number without area code: 8 digits"
    refused = [q for q in summary["quarantine"] if q["outcome"] == "row refused"]
    assert [(q["row"], q["field"]) for q in refused] == [(6, "身份证号")]

    # The report on disk says the same, with the refused ID number masked.
    report = Path(summary["quarantine_report"])
    kept = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))
    assert [(q["row"], q["field"], q["value"], q["outcome"]) for q in kept] == [
        (2, "联系电话", "无", "field dropped"),
        (3, "联系电话", "同上", "field dropped"),
        (4, "联系电话", "88123456", "field dropped"),
        (6, "身份证号", kept[3]["value"], "row refused"),
    ]
    assert id_number(5)[:-1] not in report.read_text(encoding="utf-8-sig")
    assert "outcome" in report.read_text(encoding="utf-8-sig").splitlines()[0]

    # The rows loaded with their other values; the dropped values are nowhere in the graph.
    loaded = store.read(
        "MATCH (c:Complaint)-[:FILED_BY]->(p:Person) "
        "OPTIONAL MATCH (c)-[:CONTACT]->(contact:Phone) "
        "RETURN c.complaint_id AS id, c.filed_date AS day, contact.e164 AS contact ORDER BY id"
    )
    assert loaded == [
        {"id": "C1", "day": "2025-09-01", "contact": None},
        {"id": "C2", "day": "2025-09-02", "contact": None},
        {"id": "C3", "day": "2025-09-03", "contact": None},
        {"id": "C4", "day": "2025-09-04", "contact": "+8613900139000"},
    ]
    values = property_values(store)
    assert not [v for v in values if v in DROPPED[:2] or "88123456" in v]

    # Submitting the same export again changes nothing and says the same.
    before = snapshot(store)
    again = submit_file(store, "complaints", path, org="lender-a")
    assert snapshot(store) == before
    for name in ("submission", "rows_read", "rows_loaded", "rows_quarantined", "fields_dropped"):
        assert again[name] == summary[name], name
    assert again["quarantine"] == summary["quarantine"]

    # The command line counts the warnings too, in text and in --json.
    done = run_cli("ingest", "complaints", str(path), "--org", "lender-a", "--json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert (printed["rows_loaded"], printed["rows_quarantined"], printed["fields_dropped"]) == (
        4,
        1,
        3,
    )
    done = run_cli("ingest", "complaints", str(path), "--org", "lender-a")
    assert done.returncode == 0, done.stderr
    assert "4 loaded, 1 quarantined, 3 optional values dropped" in done.stdout
    assert snapshot(store) == before
