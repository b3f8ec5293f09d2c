"""Streaming writers for the clue files: CSV (any encoding), XLSX and JSON Lines.

Each writer numbers rows as a person counts them in a viewer: for tables the header is row 1
and the first data row is row 2 (a quoted field with line breaks is still one row); for JSON
Lines the first line is row 1. Nothing is held in memory but a few recent rows, kept so the
world can repeat one as a duplicate.

The XLSX writer is our own minimal SpreadsheetML (inline strings, numbers as numbers), streamed
into a zip whose entries carry a fixed timestamp: openpyxl stamps the current time into every
file, which would make two runs with the same seed differ.
"""

from __future__ import annotations

import csv
import json
import zipfile
from collections import deque
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

RECENT = 32  # rows kept for duplicating


class Sink:
    """One output file: its name, kind, encoding and columns, and how many rows it holds."""

    first_row = 2
    fmt = ""

    def __init__(self, path: Path, kind: str, encoding: str, columns: list[str]) -> None:
        self.path = path
        self.name = path.name
        self.kind = kind
        self.encoding = encoding
        self.columns = columns
        self.rows = 0
        self.recent: deque[tuple[int, list[Any]]] = deque(maxlen=RECENT)

    @property
    def next_row(self) -> int:
        return self.first_row + self.rows

    def write(self, values: list[Any], remember: bool = True) -> int:
        """Write one row; return its row number. ``remember``: may be repeated later."""
        row = self.next_row
        self._write(values)
        self.rows += 1
        if remember:
            self.recent.append((row, values))
        return row

    def _write(self, values: list[Any]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "format": self.fmt,
            "encoding": self.encoding,
            "rows": self.rows,
            "first_data_row": self.first_row,
            "columns": self.columns,
        }


class CsvSink(Sink):
    fmt = "csv"

    def __init__(self, path: Path, kind: str, encoding: str, columns: list[str]) -> None:
        super().__init__(path, kind, encoding, columns)
        self._file = path.open("w", encoding=encoding, newline="")
        self._csv = csv.writer(self._file, lineterminator="\r\n")
        self._csv.writerow(columns)

    def _write(self, values: list[Any]) -> None:
        self._csv.writerow(values)

    def close(self) -> None:
        self._file.close()


class JsonlSink(Sink):
    """JSON Lines; ``values`` is ``[dict]`` for a record or ``[str]`` for a raw (broken) line."""

    fmt = "jsonl"
    first_row = 1

    def __init__(self, path: Path, kind: str, columns: list[str]) -> None:
        super().__init__(path, kind, "utf-8", columns)
        self._file = path.open("w", encoding="utf-8", newline="\n")

    def _write(self, values: list[Any]) -> None:
        value = values[0]
        line = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        self._file.write(line + "\n")

    def close(self) -> None:
        self._file.close()


_FIXED_TIME = (2025, 1, 1, 0, 0, 0)
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_STYLE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_STATIC = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_DOC_TYPE}" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_SHEET_TYPE}" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_STYLE_TYPE}" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_NS}"><fonts count="1"><font><sz val="11"/><name val="宋体"/>'
        '</font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="1"><xf xfId="0"/></cellXfs><cellStyles count="1">'
        '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _clean_xml(text: str) -> str:
    """XML 1.0 forbids most control characters; real exports drop them too."""
    return "".join(ch for ch in text if ch >= " " or ch in "\t\n\r")


class XlsxSink(Sink):
    """One sheet; ``str`` values become inline strings, ``int`` values numeric cells."""

    fmt = "xlsx"

    def __init__(self, path: Path, kind: str, columns: list[str], sheet: str) -> None:
        super().__init__(path, kind, "xlsx", columns)
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
        for name, body in _STATIC.items():
            self._zip.writestr(self._info(name), _XML_HEAD + body)
        workbook = (
            f'<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>'
            f'<sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        )
        self._zip.writestr(self._info("xl/workbook.xml"), _XML_HEAD + workbook)
        self._sheet = self._zip.open(self._info("xl/worksheets/sheet1.xml"), "w", force_zip64=True)
        self._put(_XML_HEAD + f'<worksheet xmlns="{_NS}"><sheetData>')
        self._row_xml(1, columns)

    @staticmethod
    def _info(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    def _put(self, text: str) -> None:
        self._sheet.write(text.encode("utf-8"))

    def _row_xml(self, row: int, values: list[Any]) -> None:
        cells = []
        for index, value in enumerate(values):
            ref = f"{_column_letter(index)}{row}"
            if isinstance(value, int):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value is None or value == "":
                continue
            else:
                text = escape(_clean_xml(str(value)))
                cells.append(
                    f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                )
        self._put(f'<row r="{row}">{"".join(cells)}</row>')

    def _write(self, values: list[Any]) -> None:
        self._row_xml(self.next_row, values)

    def close(self) -> None:
        self._put("</sheetData></worksheet>")
        self._sheet.close()
        self._zip.close()
