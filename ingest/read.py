"""Readers: clue files → ``(row_number, row)`` pairs, lazily, with flat memory.

:func:`open_table` opens a file and returns a :class:`Table`: its ``headers`` (known before any
row is read, so header mapping can fail fast) and ``rows()``, a generator of
``(row_number, dict[str, str] | BrokenRow)``. :func:`iter_rows` is the same as one generator.

Formats, chosen by extension (``.csv``/``.tsv``/``.txt``, ``.xlsx``/``.xlsm``, ``.jsonl``/
``.ndjson``, ``.json``):

* **CSV.** Encoding: a byte-order mark decides (UTF-8-BOM, UTF-16); otherwise strict decodes of a
  sample are tried in order UTF-8, then GB18030 (a superset of GBK and GB2312, so GBK files decode
  the same and the rare GB18030-only characters decode too); charset-normalizer is asked only
  when both fail. If the first MiB is pure ASCII the sample is taken from the first non-ASCII
  bytes further on. The delimiter (``,`` tab ``;`` ``|``) is the one most frequent outside quotes
  in the header line. Quoted fields may hold newlines and delimiters. Row numbers count records
  as a spreadsheet shows them: the header is row 1, the first data record row 2, however many
  physical lines a quoted field spans. Blank records keep their row number but are skipped and
  not counted as rows read.
* **XLSX.** openpyxl in read-only mode, streaming, first sheet or the named one. The first row
  with any value is the header; row numbers are the sheet's own row numbers. A workbook is a zip
  that may be a bomb and a sheet may declare far more than it holds, so before openpyxl opens it
  :func:`check_xlsx_zip` refuses a zip whose directory promises too many parts, too many bytes
  or a part packed too tightly; the sheet's declared dimension is ignored (a 1.5 KB file that
  declares ``A1:XFD1048576`` made every row of the sheet sixteen thousand cells wide), and no
  row past Excel's last, nor a value past the column cap, is read.
* **JSON Lines.** One object per line; row number = line number (first line 1); blank lines are
  skipped. A line that is not a JSON object yields a :class:`BrokenRow` and reading goes on.
* **JSON arrays** (``[{…}, {…}]``), parsed one element at a time: row number = element number
  (first element 1). A broken element yields a :class:`BrokenRow`; since an array cannot be
  resynchronised reliably after a syntax error, it is the last row of that file.

Cell values become ``str``: None → ``""``, whole floats (Excel phone cells) → digits without
``.0``, datetimes → ISO, JSON lists → items joined by ``;``, JSON objects → compact JSON.
A file that cannot be read at all raises :class:`graph.core.errors.UserError` with one line of reason.

What one file may cost is capped in :data:`graph.core.limits.FILE_LIMITS`: columns (a header
naming more is refused), one CSV line or field and one JSON line or array element (a longer one
is refused, or for JSON Lines quarantined, without being held whole), and the XLSX caps above.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from graph.core.errors import UserError
from graph.core.limits import FILE_LIMITS, size_text

SAMPLE_BYTES = 1 << 20
DELIMITERS = ",\t;|"
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
_JSON_CHUNK = 1 << 16
_JSON_GIVE_UP = 1 << 20  # an error this far before the buffer's end is not "need more data"

# complaint texts can be long, but not a book: a quote never closed makes one field of the rest
csv.field_size_limit(FILE_LIMITS.max_field_chars)


@dataclass(frozen=True)
class BrokenRow:
    """A row the reader could not turn into fields: the raw text (shortened) and why."""

    value: str
    reason: str


Row = dict[str, str]
RowItem = tuple[int, "Row | BrokenRow"]


def cell_text(value: Any) -> str:
    """A cell or JSON value as the string the validators read."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(cell_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


# --- encoding ----------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _sample(path: Path) -> bytes:
    """The first MiB, or — when that is pure ASCII — a MiB from the first non-ASCII byte."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
        if head.isascii():
            while chunk := handle.read(SAMPLE_BYTES):
                if not chunk.isascii():
                    start = next(i for i, byte in enumerate(chunk) if byte >= 0x80)
                    # back up a little so a multi-byte character is not cut in front
                    return chunk[max(0, start - 4) :] if start >= 4 else chunk
        return head


def _decodes(sample: bytes, encoding: str, whole: bool) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        decoder.decode(sample, final=whole)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path) -> str:
    """The encoding to read ``path`` with (a Python codec name); UserError when none fits."""
    sample = _sample(path)
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    whole = path.stat().st_size <= len(sample)
    if sample.isascii():
        return "utf-8"
    # the sample may start mid-character when taken from further in; drop up to 3 lead bytes
    for encoding in ("utf-8", "gb18030"):
        if any(_decodes(sample[skip:], encoding, whole) for skip in range(4)):
            return encoding
    from charset_normalizer import from_bytes  # only when the usual suspects failed

    best = from_bytes(sample).best()
    if best is None:
        raise UserError(f"{path.name}: cannot tell the text encoding (not UTF-8, GBK or GB18030)")
    return best.encoding


# --- CSV ---------------------------------------------------------------------------------------


def sniff_delimiter(header_line: str) -> str:
    """The delimiter most frequent outside quotes in the header line (``,`` on a tie or none)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _clean_headers(cells: list[Any]) -> list[str]:
    return [cell_text(cell).strip() for cell in cells]


def _decode_error(path: Path, encoding: str, error: UnicodeDecodeError) -> UserError:
    return UserError(
        f"{path.name}: bytes that are not {encoding} further into the file ({error.reason});"
        " save it as UTF-8 and submit again"
    )


class Table:
    """An opened clue file: ``headers`` now, ``rows()`` lazily. Use as a context manager."""

    def __init__(self, path: Path, fmt: str, headers: list[str], rows: Iterator[RowItem],
                 encoding: str | None = None, closer: Any = None) -> None:  # fmt: skip
        self.path = path
        self.format = fmt
        self.headers = headers
        self.encoding = encoding
        self._rows = rows
        self._closer = closer

    def rows(self) -> Iterator[RowItem]:
        return self._rows

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_LINE_ENDS = ("\n", "\r")


def _too_long(path: Path, what: str) -> UserError:
    return UserError(
        f"{path.name}: {what} is longer than {FILE_LIMITS.max_field_chars:,} characters"
        " (a quote never closed?); LeadGraph reads no longer line or field"
    )


def _line(handle: io.TextIOBase, path: Path) -> str:
    """The next physical line, refused when it is longer than the cap (it is never held whole)."""
    line = handle.readline(FILE_LIMITS.max_field_chars + 1)
    if len(line) > FILE_LIMITS.max_field_chars and not line.endswith(_LINE_ENDS):
        raise _too_long(path, "a line")
    return line


def _lines(handle: io.TextIOBase, path: Path) -> Iterator[str]:
    while line := _line(handle, path):
        yield line


def _open_csv(path: Path) -> Table:
    encoding = detect_encoding(path)
    handle = path.open("r", encoding=encoding, newline="")
    try:
        first = _line(handle, path)
        while first and not first.strip():
            first = _line(handle, path)
        if not first:
            raise UserError(f"{path.name}: the file is empty")
        delimiter = sniff_delimiter(first)
        header_cells = next(csv.reader([first], delimiter=delimiter))
    except UnicodeDecodeError as error:
        handle.close()
        raise _decode_error(path, encoding, error) from None
    except BaseException:
        handle.close()
        raise
    headers = _clean_headers(header_cells)
    width = len(headers)

    def rows() -> Iterator[RowItem]:
        reader = csv.reader(_lines(handle, path), delimiter=delimiter)
        row_number = 1
        try:
            for cells in reader:
                row_number += 1
                if not cells or not any(cells):
                    continue
                if len(cells) > width and any(cells[width:]):
                    yield (
                        row_number,
                        BrokenRow(
                            _shorten(delimiter.join(cells)),
                            f"row has {len(cells)} cells, the header has {width}",
                        ),
                    )
                    continue
                yield row_number, dict(zip(headers, cells, strict=False))
        except UnicodeDecodeError as error:
            raise _decode_error(path, encoding, error) from None
        except csv.Error as error:
            if "field limit" in str(error):
                raise _too_long(path, f"a field in row {row_number + 1}") from None
            raise UserError(f"{path.name}: row {row_number + 1} cannot be read ({error})") from None
        finally:
            handle.close()

    return Table(path, "csv", headers, rows(), encoding, handle.close)


# --- XLSX --------------------------------------------------------------------------------------


def check_xlsx_zip(path: Path) -> None:
    """Refuse a workbook whose zip directory promises more than a clue file unpacks to: too many
    parts, too many bytes in all, or a part packed more tightly than any sheet is (a bomb).

    The sizes checked are those the zip declares; :mod:`zipfile` never unpacks more than an
    entry declares (a part that would is cut short and fails its CRC), so what openpyxl reads
    afterwards is bounded by them — nothing is unpacked here.
    """
    limits = FILE_LIMITS
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UserError(f"{path.name}: not a readable XLSX workbook ({error})") from None
    if len(parts) > limits.xlsx_max_entries:
        raise UserError(
            f"{path.name}: the zip holds {len(parts):,} parts; a workbook LeadGraph reads holds "
            f"at most {limits.xlsx_max_entries:,}"
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= limits.xlsx_ratio_from_bytes and ratio > limits.xlsx_max_ratio:
            raise UserError(
                f"{path.name}: the part {part.filename!r} unpacks to {size_text(part.file_size)}, "
                f"{ratio:,.0f} times its packed size (at most {limits.xlsx_max_ratio}): "
                "a zip bomb, not a workbook"
            )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.xlsx_max_unpacked_bytes:
        raise UserError(
            f"{path.name}: the workbook unpacks to {size_text(unpacked)}, more than the "
            f"{size_text(limits.xlsx_max_unpacked_bytes)} LeadGraph reads; split it or save it "
            "as CSV"
        )


# What a broken or forged part raises while openpyxl parses it (ParseError: malformed XML,
# which includes an entity expansion the XML parser refuses).
_XLSX_ERRORS = (ParseError, ValueError, KeyError, IndexError, zipfile.BadZipFile, zlib.error,
                EOFError)  # fmt: skip


def _sheet_rows(path: Path, worksheet: Any) -> Iterator[tuple[int, list[str]]]:
    """``(row number, cells)`` of every row holding a value, at most ``max_columns`` wide.

    The declared dimension is dropped (``reset_dimensions``), so openpyxl pads nothing: a row
    missing from the sheet comes as one shared empty list and a row is as wide as its last cell.
    A sheet numbering a row past Excel's last is refused when the count gets there, so a
    forged ``r="10000000000"`` costs at most a million cheap steps. Past the column cap only
    whether anything is there is asked (``count``, in C), never cell by cell.
    """
    worksheet.reset_dimensions()
    limits = FILE_LIMITS
    number = 0
    for values in worksheet.iter_rows(values_only=True):
        number += 1
        if number > limits.xlsx_max_rows:
            raise UserError(
                f"{path.name}: the sheet {worksheet.title!r} numbers a row past row "
                f"{limits.xlsx_max_rows:,}, Excel's last; it was not written by Excel"
            )
        if not values or values.count(None) == len(values):
            continue
        beyond = False
        if len(values) > limits.max_columns:
            tail = values[limits.max_columns :]
            beyond = tail.count(None) != len(tail)
            values = values[: limits.max_columns]
        cells = [cell_text(v) for v in values]
        if beyond:
            cells.append(_BEYOND)  # one more cell than the cap: a header is refused, a row broken
        if any(c.strip() for c in cells):
            yield number, cells


_BEYOND = "…"  # stands for the values past the column cap


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_xlsx_zip(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, *_XLSX_ERRORS) as error:
        raise UserError(f"{path.name}: not a readable XLSX workbook ({error})") from None
    try:
        if sheet is not None:
            if sheet not in book.sheetnames:
                raise UserError(
                    f"{path.name}: no sheet named {sheet!r}; the sheets are {book.sheetnames}"
                )
            worksheet = book[sheet]
        elif book.worksheets:
            worksheet = book.worksheets[0]
        else:
            raise UserError(f"{path.name}: the workbook has no sheet")
        if not hasattr(worksheet, "reset_dimensions"):
            raise UserError(f"{path.name}: the sheet {worksheet.title!r} is a chart, not a table")
        row_iter = _sheet_rows(path, worksheet)
        headers: list[str] = []
        try:
            for _, cells in row_iter:
                headers = _clean_headers(cells)
                break
        except _XLSX_ERRORS as error:
            raise UserError(f"{path.name}: not a readable XLSX workbook ({error})") from None
        if not headers:
            raise UserError(f"{path.name}: the sheet {worksheet.title!r} is empty")
    except BaseException:
        book.close()
        raise
    # trailing empty header cells (formatting that reaches further right) are not columns
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)

    def rows() -> Iterator[RowItem]:
        try:
            for number, cells in row_iter:
                if len(cells) > width and any(c.strip() for c in cells[width:]):
                    yield (
                        number,
                        BrokenRow(
                            _shorten(" | ".join(cells)), "row has values beyond the last header"
                        ),
                    )
                    continue
                yield number, dict(zip(headers, cells, strict=False))
        except _XLSX_ERRORS as error:
            raise UserError(f"{path.name}: not a readable XLSX workbook ({error})") from None
        finally:
            book.close()

    return Table(path, "xlsx", headers, rows(), None, book.close)


# --- JSON --------------------------------------------------------------------------------------


def _json_row(value: Any) -> Row | BrokenRow:
    if not isinstance(value, dict):
        return BrokenRow(_shorten(json.dumps(value, ensure_ascii=False)),
                         f"a JSON {type(value).__name__}, not an object")  # fmt: skip
    return {str(k).strip(): cell_text(v) for k, v in value.items()}


def _broken_json(text: str, error: json.JSONDecodeError) -> BrokenRow:
    message = error.msg.removesuffix(" at")  # "Invalid control character at"
    return BrokenRow(_shorten(text.strip()), f"broken JSON: {message} at col {error.colno}")


def _open_jsonl(path: Path) -> Table:
    encoding = detect_encoding(path)
    handle = path.open("r", encoding=encoding)

    def parsed() -> Iterator[RowItem]:
        limit = FILE_LIMITS.max_field_chars
        try:
            number = 0
            while line := handle.readline(limit + 1):
                number += 1
                if len(line) > limit and not line.endswith("\n"):
                    while (rest := handle.readline(limit)) and not rest.endswith("\n"):
                        pass  # skip the rest of the line, a block at a time
                    yield number, BrokenRow(_shorten(line), f"longer than {limit:,} characters")
                    continue
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as error:
                    yield number, _broken_json(line, error)
                    continue
                yield number, _json_row(value)
        except UnicodeDecodeError as error:
            raise _decode_error(path, encoding, error) from None
        finally:
            handle.close()

    return _json_table(path, "jsonl", parsed(), encoding, handle.close)


def _array_items(path: Path, handle: io.TextIOBase) -> Iterator[RowItem]:
    """The elements of a top-level JSON array, one ``raw_decode`` at a time."""
    decoder = json.JSONDecoder()
    buffer = handle.read(_JSON_CHUNK).lstrip("\ufeff \t\r\n")
    eof = not buffer
    if not buffer.startswith("["):
        raise UserError(f"{path.name}: a .json file must hold an array of objects or JSON Lines")
    position, number, expect_item = 1, 0, True

    def broken(reason: str) -> RowItem:
        return number + 1, BrokenRow(_shorten(buffer[position : position + 200]), reason)

    while True:
        while True:  # skip whitespace, reading more when the buffer runs out
            while position < len(buffer) and buffer[position] in " \t\r\n":
                position += 1
            if position < len(buffer) or eof:
                break
            more = handle.read(_JSON_CHUNK)
            eof = not more
            buffer, position = buffer[position:] + more, 0
        if position >= len(buffer):
            yield broken("broken JSON: the array is not closed with ]")
            return
        char = buffer[position]
        if char == "]":
            return
        if not expect_item:
            if char != ",":
                yield broken(f"broken JSON after element {number}: expected ',' or ']'")
                return
            position += 1
            expect_item = True
            continue
        try:
            value, end = decoder.raw_decode(buffer, position)
        except json.JSONDecodeError as error:
            if not eof and error.pos + _JSON_GIVE_UP > len(buffer):
                if len(buffer) - position > FILE_LIMITS.max_field_chars:
                    yield broken(
                        f"element {number + 1} is longer than {FILE_LIMITS.max_field_chars:,}"
                        " characters (the rest of the array cannot be read)"
                    )
                    return
                more = handle.read(max(_JSON_CHUNK, len(buffer)))
                eof = not more
                buffer, position = buffer[position:] + more, 0
                continue
            yield broken(
                f"broken JSON in element {number + 1}: {error.msg}"
                " (the rest of the array cannot be read)"
            )
            return
        number += 1
        expect_item = False
        if end - position > FILE_LIMITS.max_field_chars:
            yield number, BrokenRow(_shorten(buffer[position : position + 200]),
                                    f"longer than {FILE_LIMITS.max_field_chars:,} characters")  # fmt: skip
        else:
            yield number, _json_row(value)
        position = end
        if not eof and len(buffer) - position < _JSON_CHUNK:
            more = handle.read(_JSON_CHUNK)
            eof = not more
            buffer, position = buffer[position:] + more, 0


def _open_json(path: Path) -> Table:
    encoding = detect_encoding(path)
    handle = path.open("r", encoding=encoding)
    head = handle.read(64).lstrip("\ufeff \t\r\n")
    handle.seek(0)
    if not head.startswith("["):
        handle.close()
        return _open_jsonl(path)

    def parsed() -> Iterator[RowItem]:
        try:
            yield from _array_items(path, handle)
        except UnicodeDecodeError as error:
            raise _decode_error(path, encoding, error) from None
        finally:
            handle.close()

    return _json_table(path, "json", parsed(), encoding, handle.close)


def _json_table(path: Path, fmt: str, parsed: Iterator[RowItem], encoding: str,
                closer: Any) -> Table:  # fmt: skip
    """JSON has no header line: the keys of the first object are the headers. Rows read before
    the first object (broken lines) are kept and replayed."""
    pending: list[RowItem] = []
    headers: list[str] = []
    for item in parsed:
        pending.append(item)
        if isinstance(item[1], dict):
            headers = list(item[1])
            break

    def rows() -> Iterator[RowItem]:
        yield from pending
        yield from parsed

    return Table(path, fmt, headers, rows(), encoding, closer)


# --- entry points ------------------------------------------------------------------------------


def _capped(table: Table) -> Table:
    """The table, unless its header names more columns than a clue file has."""
    if len(table.headers) > FILE_LIMITS.max_columns:
        table.close()
        raise UserError(
            f"{table.path.name}: the header has {len(table.headers):,} columns or more; "
            f"LeadGraph reads at most {FILE_LIMITS.max_columns:,}"
        )
    return table


def open_table(path: str | Path, sheet: str | None = None) -> Table:
    """Open a clue file for reading; raise UserError when it cannot be read at all."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if sheet is not None and suffix not in XLSX_SUFFIXES:
        raise UserError(f"{path.name}: --sheet applies to XLSX workbooks only")
    if suffix in XLSX_SUFFIXES:
        return _capped(_open_xlsx(path, sheet))
    if suffix in JSONL_SUFFIXES:
        return _capped(_open_jsonl(path))
    if suffix in JSON_SUFFIXES:
        return _capped(_open_json(path))
    if suffix in CSV_SUFFIXES or suffix == "":
        return _capped(_open_csv(path))
    if suffix == ".xls":
        raise UserError(f"{path.name}: old .xls workbooks are not read; save it as .xlsx")
    raise UserError(
        f"{path.name}: unknown file type {suffix!r}; use .csv, .tsv, .xlsx, .jsonl or .json"
    )


def iter_rows(path: str | Path, sheet: str | None = None) -> Iterator[RowItem]:
    """``(row_number, row)`` for every row of ``path``; ``row`` is a dict or a BrokenRow."""
    with open_table(path, sheet) as table:
        yield from table.rows()
