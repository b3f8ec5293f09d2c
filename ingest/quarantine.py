"""The quarantine report: every refused row and every dropped value, with its file, row, field,
value, reason and outcome (``row refused``, or ``field dropped`` for a warning: the row loaded
without that value).

Written as CSV (UTF-8 with BOM, so Excel opens Chinese text correctly) and JSON side by side,
kept in the submission's folder of the state directory (folder mode 700, files 600). What stays
on disk holds no raw ID number (ID-like runs in a value are masked, first four and last four
kept: enough to find the row, not to use the number), and a value that starts like a
spreadsheet formula is written as text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.core.cells import safe_cell
from graph.core.private import open_private, write_private
from graph.core.records import QuarantineEntry
from graph.values.masking import mask_id_numbers

FIELDS = ["file", "row", "field", "value", "reason", "outcome"]


def _kept(entry: QuarantineEntry) -> dict[str, Any]:
    row = entry.as_dict()
    row["value"] = mask_id_numbers(str(row["value"]))
    return row


def write_report(entries: Sequence[QuarantineEntry], folder: Path) -> tuple[Path, Path]:
    """Write ``quarantine.csv`` and ``quarantine.json`` into ``folder`` (made mode 700), each
    mode 600; returns both paths."""
    csv_path = folder / "quarantine.csv"
    json_path = folder / "quarantine.json"
    kept = [_kept(entry) for entry in entries]
    with open_private(csv_path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(
            {name: safe_cell(str(value)) for name, value in row.items()} for row in kept
        )
    write_private(json_path, json.dumps(kept, ensure_ascii=False, indent=1))
    return csv_path, json_path
