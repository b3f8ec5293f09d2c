"""The contract between ingestion and the graph store.

Readers and validators turn each source row into a :class:`RowResult` (the entities and links the
row asserts) and :class:`QuarantineEntry` records (why the row was refused, or which of its
values was dropped). ``graph.db.writer`` writes RowResults in batches and adds provenance
(submission id and row number) to every node and link; it never sees a file. Labels and link
types are those of ``graph/core/model.yaml``; entity keys are the stable strings every command
and page uses (``phone:+8613800138000``, ``firm:<USCC>``, ``account:<platform>:<handle>``,
``person:<pid>``, ``complaint:<source>:<id>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NodeRecord:
    """One entity a row asserts: its label, its stable key and the properties the row gives."""

    label: str
    key: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LinkRecord:
    """One link a row asserts between two entity keys, with the link's own properties."""

    type: str
    start: str
    end: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class RowResult:
    """Everything one accepted source row asserts. ``row`` is 1-based, the header being row 1
    for tables and the first line being row 1 for JSON Lines, as a person counts in a viewer."""

    row: int
    nodes: list[NodeRecord] = field(default_factory=list)
    links: list[LinkRecord] = field(default_factory=list)
    subject: str | None = None  # key of the node the row is about; its sources name this row


# What a QuarantineEntry cost its row (see ingest/pipeline.py, "Quarantine policy").
ROW_REFUSED = "row refused"  # nothing of the row was loaded
FIELD_DROPPED = "field dropped"  # the row loaded without this one value


@dataclass(frozen=True)
class QuarantineEntry:
    """A problem with a row: which file, row and field, the value seen and a reason in words.

    ``outcome`` says what it cost: :data:`ROW_REFUSED` (a bad required or identifying field, or
    a row that cannot be read) or :data:`FIELD_DROPPED` (a bad value in an optional field: a
    warning, the row loaded without that value)."""

    file: str
    row: int
    field: str
    value: str
    reason: str
    outcome: str = ROW_REFUSED

    @property
    def refuses_row(self) -> bool:
        return self.outcome == ROW_REFUSED

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
            "outcome": self.outcome,
        }
