"""``statements.csv``: who said which value about each entity of the lead.

Several parties may state values about one entity (a lender's complaint text and a regulator's
forwarded copy of it; two registries' names for one firm). The graph keeps each party's
statement apart (``graph/db/writer.py``); this file lists them all, one row a statement, so a
court sees every party's words with the party, its submission, its rows and when — and which
of them the entity's own values (``entities.csv``) are (``values_org`` there).
"""

from __future__ import annotations

from typing import Any

from graph.export.tables import _csv  # one CSV dialect (BOM, CRLF, formula cells escaped)

COLUMNS = ["entity", "org", "submission", "rows", "forwarded_for", "stated_at", "values"]


def statements_csv(bundle: dict[str, Any]) -> bytes:
    rows = sorted(
        (
            [
                s["entity"],
                s.get("org"),
                s.get("submission"),
                s.get("rows"),
                s.get("forwarded_for"),
                s.get("at"),
                s.get("values") or {},
            ]
            for s in bundle.get("statements") or []
        ),
        key=lambda row: (str(row[0]), str(row[5]), str(row[2])),
    )
    return _csv(COLUMNS, rows)
