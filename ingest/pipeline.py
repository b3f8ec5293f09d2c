"""One file of one kind → RowResults and QuarantineEntries: the database-free half of ingestion.

::

    for item in iter_file("complaints", "clues.csv", source="bank-a", hashing_key=key):
        if isinstance(item, RowResult): ...  # nodes and links one accepted row asserts
        else: ...  # a QuarantineEntry (file, row, field, value, reason, outcome)

``iter_file`` opens the file, maps its headers and checks the mapping *before* it returns, so a
file that cannot be read at all, or has unknown headers, raises :class:`graph.core.errors.UserError`
at the call; then rows stream one at a time (memory stays flat for million-row files).

Quarantine policy
-----------------

* A bad value in a required field, or in an identifying one (``Kind.identifying``: an identity
  number — a firm's USCC, a legal representative's ID number, an operator's USCC — or a
  complaint's source), refuses the row whole: loaded without it, the row would still name that
  entity, under another key. The analyst fixes the row and submits it again.
* A bad value in any other field ("无" or "同上" in a contact column, a local number without its
  area code, an impossible date, an agent's USCC with a wrong check character) is dropped: the
  row loads as if that cell were empty (in a cell of several phone numbers, as if only the bad
  ones were missing), so a real export loses no valid row, and the dropped value is in the
  graph nowhere. Each dropped value yields a :class:`QuarantineEntry` whose
  ``outcome`` is ``FIELD_DROPPED`` (a warning: file, row, field, value, reason) just before the
  row's RowResult.
* A refused row yields one :class:`QuarantineEntry` per problem (every bad field, the
  droppable ones too, every missing required field), consecutively, all with the row's number
  and ``outcome`` ``ROW_REFUSED``. It counts as one quarantined row: ``rows read == RowResults +
  distinct refused row numbers`` (see :class:`Tally`); warnings are counted apart
  (``Tally.fields_dropped``).
* Rows the reader cannot split into fields (broken JSON, too many cells) yield one entry with
  ``field == ""``. Blank rows are not rows read.
* Row numbers are those a person sees: for CSV/XLSX the header is row 1 and the first data row
  row 2; for JSON Lines the first line is row 1; for JSON arrays the first element is row 1.
* ``file`` in every entry is the file's name (the submission records the full path).
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.core.errors import UserError
from graph.core.records import FIELD_DROPPED, NodeRecord, QuarantineEntry, RowResult
from ingest.headers import (
    ColumnMap,
    Mapping,
    as_mapping,
    build_column_map,
    match_score,
)
from ingest.kinds import KINDS, Context, Kind, get_kind
from ingest.read import BrokenRow, Row, open_table
from ingest.validate import RowRejected, validate

Item = RowResult | QuarantineEntry


@dataclass
class Tally:
    """Counts of what ``iter_file`` yielded: feed it every item (``tally.add(item)``)."""

    rows_loaded: int = 0
    rows_quarantined: int = 0
    entries: int = 0  # of refused rows
    fields_dropped: int = 0  # warnings: values the loaded rows were loaded without
    _last_bad_row: int = field(default=-1, repr=False)

    def add(self, item: Item) -> None:
        if isinstance(item, RowResult):
            self.rows_loaded += 1
            return
        if not item.refuses_row:
            self.fields_dropped += 1
            return
        self.entries += 1
        if item.row != self._last_bad_row:
            self.rows_quarantined += 1
            self._last_bad_row = item.row

    @property
    def rows_read(self) -> int:
        return self.rows_loaded + self.rows_quarantined


def _missing_required(kind: Kind, columns: ColumnMap, file: str) -> None:
    present = columns.fields
    for group in kind.required:
        if not present.intersection(group):
            wanted = " or ".join(group)
            raise UserError(
                f"{file}: no column for the required field {wanted} of kind {kind.name};"
                ' name it in --mapping MAP.yaml (columns: {"your header": "' + group[0] + '"})'
            )


def iter_file(
    kind: str,
    path: str | Path,
    *,
    source: str,
    hashing_key: bytes,
    mapping: Mapping | MappingABC[str, Any] | str | Path | None = None,
    sheet: str | None = None,
    workers: int = 1,
    ahead_rows: int = 0,
) -> Iterator[Item]:
    """Read ``path`` as clues of ``kind``; yield a RowResult per accepted row (after a warning
    for each value it was loaded without) and the QuarantineEntries of every refused row, in
    file order.

    ``source`` is the submitting org's slug (the complaint key's source unless the file has a
    source column); ``hashing_key`` keys the Person hash (``graph.core.settings.load().hashing_key()``);
    ``mapping`` is a mapping file path, a parsed mapping document or a :class:`Mapping`;
    ``sheet`` picks an XLSX sheet; ``workers`` above 1 parses the rows in that many forked
    processes (:mod:`ingest.parallel`: the same items in the same order), sending up to
    ``ahead_rows`` rows ahead of the consumer. Raises UserError now
    when the file cannot be read, a header is unknown or a required column is missing.
    """
    spec = get_kind(kind)
    if not source or not source.strip():
        raise UserError("a source (the submitting organisation) is required")
    user_mapping = as_mapping(mapping)
    path = Path(path)
    table = open_table(path, sheet)
    try:
        columns = build_column_map(
            kind, table.headers, file=path.name, mapping=user_mapping,
            multi_fields=spec.multi_fields,
        )  # fmt: skip
        if table.format in ("csv", "xlsx"):
            _missing_required(spec, columns, path.name)
    except BaseException:
        table.close()
        raise
    ctx = Context(source=source.strip(), hashing_key=hashing_key)
    parse = RowParser(spec, columns, user_mapping, ctx, path.name, table.headers, table.format)
    if workers > 1:
        from ingest.parallel import can_use_workers, parsed_in_workers

        if can_use_workers():
            return parsed_in_workers(parse, table, workers, ahead_rows)
    return _rows(parse, table)


def _rows(parse: RowParser, table: Any) -> Iterator[Item]:
    with table:
        for number, row in table.rows():
            yield from parse(number, row)


class RowParser:
    """One row read → its items (the RowResult after its warnings, or the refused row's
    entries): everything of ingestion after reading, for one file. Picklable state only, so
    that worker processes can run it (:mod:`ingest.parallel`)."""

    def __init__(self, spec: Kind, columns: ColumnMap, user_mapping: Mapping | None,
                 ctx: Context, file: str, headers: list[str], fmt: str) -> None:  # fmt: skip
        self.spec = spec
        self.columns = columns
        self.user_mapping = user_mapping
        self.ctx = ctx
        self.file = file
        self.checks = spec.checks
        self.required = spec.required + tuple(
            (name,) for name in spec.required_if_column if name in columns.fields
        )
        self.maps: dict[tuple[str, ...], ColumnMap | UserError] = {tuple(headers): columns}
        self.keyed_rows = fmt in ("json", "jsonl")  # objects may differ in their keys

    def __call__(self, number: int, row: Row | BrokenRow) -> list[Item]:
        file, spec = self.file, self.spec
        if isinstance(row, BrokenRow):
            return [QuarantineEntry(file, number, "", row.value, row.reason)]
        row_map = self.columns
        if self.keyed_rows:
            keys = tuple(row)
            found = self.maps.get(keys)
            if found is None:
                try:
                    found = build_column_map(spec.name, list(keys), file=file,
                                             mapping=self.user_mapping,
                                             multi_fields=spec.multi_fields)  # fmt: skip
                except UserError as error:
                    found = error
                if len(self.maps) < 256:  # a few shapes are normal; thousands would be hostile
                    self.maps[keys] = found
            if isinstance(found, UserError):
                return [QuarantineEntry(file, number, "", ", ".join(keys), str(found))]
            row_map = found
        values = row_map.apply(row)
        clean, problems = validate(values, self.checks, self.required)
        built = _build(spec, number, clean, problems, self.ctx)
        if isinstance(built, RowResult):
            # each a value the row loaded without, then the row
            items: list[Item] = [
                QuarantineEntry(file, number, row_map.header_of(name), value, reason, FIELD_DROPPED)
                for name, value, reason in problems
            ]
            items.append(built)
            return items
        return [
            QuarantineEntry(file, number, row_map.header_of(name), value, reason)
            for name, value, reason in built
        ]


Problem = tuple[str, str, str]  # (field, value, reason)


def _build(spec: Kind, number: int, clean: dict[str, Any], problems: list[Problem],
           ctx: Context) -> RowResult | list[Problem]:  # fmt: skip
    """The row's RowResult, built from its good values; or, when a problem is in a field the
    kind does not drop, every problem of the row, so that it is fixed in one go.

    ``problems`` comes in with what :func:`validate` found; when the row loads it holds every
    value dropped, the builder's too (an agent's USCC with a wrong check character), each
    removed from ``clean`` before the row is built again."""
    if not all(spec.drops(name) for name, _, _ in problems):
        return problems
    while True:
        try:
            nodes, links = spec.build(clean, ctx)
        except RowRejected as rejected:
            refused = rejected.problems
            if not refused or not all(spec.drops(name) and name in clean for name, _, _ in refused):
                return [*problems, *refused]
            for name, value, reason in refused:
                clean.pop(name, None)
                problems.append((name, value, reason))
            continue
        return RowResult(number, nodes, links, subject=_subject_key(spec, nodes))


def check_file(kind: str, path: str | Path, source: str, hashing_key: bytes) -> dict[str, Any]:
    """Read and validate every row of ``path`` without writing anything: the counts and every
    quarantine entry (as dicts: refused rows' problems and dropped values). The Submit page's
    preview, run in a bounded child process (``ingest/bounded.py``), hence a plain function of
    picklable arguments and result."""
    tally = Tally()
    entries: list[dict[str, Any]] = []
    for item in iter_file(kind, path, source=source, hashing_key=hashing_key):
        tally.add(item)
        if isinstance(item, QuarantineEntry):
            entries.append(item.as_dict())  # refused rows' problems and dropped values
    return {
        "rows_read": tally.rows_read,
        "rows_loaded": tally.rows_loaded,
        "rows_quarantined": tally.rows_quarantined,
        "fields_dropped": tally.fields_dropped,
        "quarantine": entries,
    }


def _subject_key(spec: Kind, nodes: list[NodeRecord]) -> str | None:
    """The key of the node the row is about: the one node of the kind's subject label."""
    return next((node.key for node in nodes if node.label == spec.subject), None)


def guess_kind(path: str | Path, sheet: str | None = None) -> str | None:
    """The kind whose aliases match most of the file's headers and whose required fields all
    have a column; None when no kind fits. Raises UserError when the file cannot be read."""
    with open_table(path, sheet) as table:
        headers = table.headers
    best: tuple[int, str] | None = None
    for name, spec in KINDS.items():
        try:
            columns = build_column_map(name, headers, file=Path(path).name,
                                       multi_fields=spec.multi_fields)  # fmt: skip
        except UserError:
            columns = None
        if columns is not None:
            present = columns.fields
            if not all(present.intersection(group) for group in spec.required):
                continue
            score = match_score(name, headers) * 2  # every header known: a strong sign
        else:
            fields = _fields_matched(name, headers)
            if not all(fields.intersection(group) for group in spec.required):
                continue
            score = match_score(name, headers)
        if best is None or score > best[0]:
            best = (score, name)
    return best[1] if best else None


def _fields_matched(kind: str, headers: list[str]) -> set[str]:
    from ingest.headers import alias_table, normalize_header

    aliases = alias_table(kind)
    return {aliases[form] for h in headers if (form := normalize_header(h)) in aliases}
