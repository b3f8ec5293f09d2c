"""What a quarantine report keeps on disk: no raw ID number, and no cell a spreadsheet would run
as a formula (issue 15, point 8, in part)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from app.views.submit import quarantine_csv
from graph.core.records import QuarantineEntry
from ingest.quarantine import write_report

RAW_ID = "11010519491231002X"
FORMULA = '=HYPERLINK("http://127.0.0.1:9/x","点击核实")'
ENTRIES = [
    QuarantineEntry("c.csv", 2, "身份证号", RAW_ID[:-1] + "3", "check digit should be X, found 3"),
    QuarantineEntry("c.csv", 3, "联系电话", FORMULA, "not a phone number"),
    QuarantineEntry("c.csv", 4, "备注", f"本人身份证{RAW_ID}，请核实", "too long"),
]


def test_the_report_on_disk_holds_no_raw_id_and_no_formula(tmp_path: Path) -> None:
    csv_path, json_path = write_report(ENTRIES, tmp_path / "sub-1")
    text = csv_path.read_text("utf-8-sig") + json_path.read_text("utf-8")
    assert RAW_ID not in text and RAW_ID[:-1] not in text
    assert "1101" in text and "002X" in text  # enough of it to find the row
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text("utf-8-sig"))))
    assert rows[1]["value"] == "'" + FORMULA  # text in a spreadsheet, not a formula
    assert json.loads(json_path.read_text("utf-8"))[1]["value"] == FORMULA  # JSON keeps the data
    assert [row["row"] for row in rows] == ["2", "3", "4"]


def test_the_preview_download_is_as_safe() -> None:
    data = quarantine_csv([entry.as_dict() for entry in ENTRIES]).decode("utf-8-sig")
    assert RAW_ID not in data and RAW_ID[:-1] not in data
    assert "'=HYPERLINK" in data
