"""The caps of ``graph/core/limits.py`` as the readers apply them (``ingest/read.py``): what is
refused, what is quarantined, and that an honest file just under a cap still reads."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from support import write

from graph.core.errors import UserError
from graph.core.limits import FILE_LIMITS
from ingest import read
from ingest.read import BrokenRow, iter_rows, open_table

CAP = FILE_LIMITS.max_field_chars


def small_caps(monkeypatch: pytest.MonkeyPatch, **caps: int) -> None:
    monkeypatch.setattr(read, "FILE_LIMITS", dataclasses.replace(FILE_LIMITS, **caps))


def test_a_header_wider_than_the_column_cap_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_caps(monkeypatch, max_columns=3)
    assert open_table(write(tmp_path / "ok.csv", "a,b,c\n1,2,3\n")).headers == ["a", "b", "c"]
    with pytest.raises(
        UserError, match=r"wide.csv: the header has 4 columns or more; .* at most 3"
    ):
        open_table(write(tmp_path / "wide.csv", "a,b,c,d\n1,2,3,4\n"))


def test_a_csv_quote_never_closed_is_refused_without_holding_the_rest(tmp_path: Path) -> None:
    # one physical line longer than the cap: refused before it is read whole
    path = write(tmp_path / "line.csv", 'id,text\n1,"' + "x" * (CAP + 10))
    with pytest.raises(UserError, match=f"line.csv: a line is longer than {CAP:,} characters"):
        list(iter_rows(path))
    # short lines inside one quoted field: the field limit stops it
    path = write(tmp_path / "field.csv", 'id,text\n1,"' + ("x" * 1000 + "\n") * (CAP // 1000 + 2))
    with pytest.raises(UserError, match=f"field.csv: a field in row 2 is longer than {CAP:,}"):
        list(iter_rows(path))
    # a long complaint text under the cap is read
    text = "长" * (CAP - 10)
    rows = list(iter_rows(write(tmp_path / "long.csv", f"id,text\n1,{text}\n2,b\n")))
    assert [number for number, _ in rows] == [2, 3] and rows[0][1] == {"id": "1", "text": text}


def test_a_json_line_longer_than_the_cap_is_quarantined_and_reading_goes_on(
    tmp_path: Path,
) -> None:
    lines = [json.dumps({"id": "1"}), json.dumps({"id": "x" * (CAP + 5)}), json.dumps({"id": "3"})]
    rows = list(iter_rows(write(tmp_path / "f.jsonl", "\n".join(lines) + "\n")))
    assert [number for number, _ in rows] == [1, 2, 3]
    assert rows[0][1] == {"id": "1"} and rows[2][1] == {"id": "3"}
    broken = rows[1][1]
    assert isinstance(broken, BrokenRow) and broken.reason == f"longer than {CAP:,} characters"


def test_a_json_array_element_longer_than_the_cap(tmp_path: Path) -> None:
    """One that ends is quarantined and reading goes on; one that does not end stops the array
    once the cap is passed, without reading the rest of the file into memory."""
    items = [{"id": "1"}, {"id": "x" * (CAP + 5)}, {"id": "3"}]
    rows = list(iter_rows(write(tmp_path / "f.json", json.dumps(items))))
    assert rows[0] == (1, {"id": "1"}) and rows[2] == (3, {"id": "3"})
    broken = rows[1][1]
    assert isinstance(broken, BrokenRow) and broken.reason == f"longer than {CAP:,} characters"
    unclosed = '[{"id": "1"}, {"id": [' + "1," * (2 * CAP)  # each piece parses: it never ends
    rows = list(iter_rows(write(tmp_path / "g.json", unclosed)))
    assert rows[0] == (1, {"id": "1"}) and len(rows) == 2
    broken = rows[1][1]
    assert isinstance(broken, BrokenRow) and f"element 2 is longer than {CAP:,}" in broken.reason


def book(path: Path, rows: list[list[object]], dimension: str | None = None) -> Path:
    """A workbook openpyxl writes; ``dimension`` then replaces the one it declared."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    if dimension is None:
        return path
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index("<dimension ref=")
    end = sheet.index("/>", start) + 2
    parts["xl/worksheets/sheet1.xml"] = (sheet[:start] + f'<dimension ref="{dimension}"/>'
                                         + sheet[end:]).encode()  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_sheet_declaring_less_than_it_holds_is_read_whole(tmp_path: Path) -> None:
    """The declared dimension is not believed either way: a sheet saying ``A1:A1`` over three
    columns and rows is read to its last cell (it used to be cut to the declared box)."""
    path = book(tmp_path / "f.xlsx", [["a", "b", "c"], [1, 2, 3], [4, 5, 6]], dimension="A1:A1")
    assert list(iter_rows(path)) == [
        (2, {"a": "1", "b": "2", "c": "3"}),
        (3, {"a": "4", "b": "5", "c": "6"}),
    ]


def test_xlsx_values_past_the_column_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A data row with a value past the cap is a broken row; empty cells there are nothing; a
    header with a value past it is refused."""
    small_caps(monkeypatch, max_columns=4)
    far = [None] * 9
    path = book(tmp_path / "f.xlsx", [["a", "b"], [1, 2, *far, "x"], [3, 4, *far, None]])
    rows = list(iter_rows(path))
    assert rows[1] == (3, {"a": "3", "b": "4"})
    broken = rows[0][1]
    assert rows[0][0] == 2 and isinstance(broken, BrokenRow)
    assert broken.reason == "row has values beyond the last header"
    path = book(tmp_path / "g.xlsx", [["a", "b", *far, "c"], [1, 2]])
    with pytest.raises(UserError, match=r"g.xlsx: the header has 5 columns or more"):
        open_table(path)


def test_xlsx_zip_directory_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = book(tmp_path / "f.xlsx", [["a"], [1]])
    with zipfile.ZipFile(path) as archive:
        parts = len(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    assert list(iter_rows(path)) == [(2, {"a": "1"})]
    small_caps(monkeypatch, xlsx_max_entries=parts - 1)
    with pytest.raises(UserError, match=f"f.xlsx: the zip holds {parts} parts; .* at most"):
        open_table(path)
    small_caps(monkeypatch, xlsx_max_unpacked_bytes=unpacked - 1)
    with pytest.raises(UserError, match=r"f.xlsx: the workbook unpacks to .* more than the"):
        open_table(path)
    small_caps(monkeypatch, xlsx_ratio_from_bytes=0, xlsx_max_ratio=1)
    with pytest.raises(UserError, match=r"f.xlsx: the part '.*' unpacks to .* a zip bomb"):
        open_table(path)


def test_a_forged_sheet_part_is_a_user_error(tmp_path: Path) -> None:
    path = book(tmp_path / "f.xlsx", [["a"], [1]])
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:-40]  # cut short
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(UserError, match=r"f.xlsx: not a readable XLSX workbook"):
        list(iter_rows(path))
