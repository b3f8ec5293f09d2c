"""Benchmark: what a sheet declaring ``A1:XFD1048576`` costs, and where the time goes.

Run::

    .venv/bin/python bench/hostile_files.py            # an honest sheet of 50,000 rows too
    .venv/bin/python bench/hostile_files.py --rows 200000

The hostile workbook (1.5 KB) declares every cell of a sheet and holds one, in its last row.
Measured in CPU seconds, in the same run:

* openpyxl alone, iterating the padded rows the declared dimension makes (no consumer): the
  padded row is one shared tuple, so this is cheap;
* the check the reader used to make on each padded row (is any of its 16,384 cells a value?),
  on 1,000 rows and extrapolated to the sheet's 1,048,576: this was the ~22 minutes;
* ``ingest.read.open_table`` now (dimension ignored: a missing row is one empty list), the whole
  file;
* the same reader on an honest sheet of ``--rows`` rows, for scale.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import openpyxl

from ingest.read import open_table

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
LAST = 1_048_576


def hostile(path: Path) -> Path:
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{TYPES}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPES}.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD{LAST}"/>'
        f'<sheetData><row r="{LAST}"><c r="A{LAST}" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def honest(path: Path, rows: int) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["投诉编号", "投诉日期", "被投诉机构", "联系电话", "投诉内容"])
    for i in range(rows):
        sheet.append(
            [f"C{i:07d}", "2025-06-01", "某银行", f"1370013{i % 10000:04d}", f"服务费{i}元"]
        )
    book.save(path)
    return path


def cpu() -> float:
    return time.process_time()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000, help="rows of the honest sheet")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = hostile(Path(folder) / "hostile.xlsx")
        print(f"hostile workbook: {path.stat().st_size:,} bytes")

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
        start = cpu()
        for _ in range(100_000):
            width = len(next(rows))
        per_row = (cpu() - start) / 100_000
        print(f"openpyxl, padded rows ({width:,} cells), no consumer: {per_row * 1e6:.2f} µs/row")

        start = cpu()
        for _ in range(1_000):
            values = next(rows)
            any(v is not None and str(v).strip() for v in values)
        per_row = (cpu() - start) / 1_000
        book.close()
        print(
            f"the old check of each padded row: {per_row * 1e3:.2f} ms/row, "
            f"{per_row * LAST / 60:.0f} min for the sheet"
        )

        start = cpu()
        with open_table(path) as table:
            count = sum(1 for _ in table.rows())
            headers = table.headers
        print(
            f"open_table now, whole file: {cpu() - start:.3f} s (headers {headers}, {count} rows)"
        )

        path = honest(Path(folder) / "honest.xlsx", args.rows)
        start = cpu()
        with open_table(path) as table:
            count = sum(1 for _ in table.rows())
        seconds = cpu() - start
        print(
            f"open_table, honest sheet of {count:,} rows: {seconds:.2f} s, {count / seconds:,.0f} rows/s"
        )


if __name__ == "__main__":
    main()
