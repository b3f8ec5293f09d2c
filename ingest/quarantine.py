"""The quarantine report: every refused row with its file, row, field, value and reason.

Written as CSV (UTF-8 with BOM, so Excel opens Chinese text correctly) and JSON side by side,
kept in the submission's folder of the state directory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

from graph.core.records import QuarantineEntry

FIELDS = ["file", "row", "field", "value", "reason"]


def write_report(entries: Sequence[QuarantineEntry], folder: Path) -> tuple[Path, Path]:
    """Write ``quarantine.csv`` and ``quarantine.json`` into ``folder``; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "quarantine.csv"
    json_path = folder / "quarantine.json"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(entry.as_dict() for entry in entries)
    json_path.write_text(
        json.dumps([entry.as_dict() for entry in entries], ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return csv_path, json_path
