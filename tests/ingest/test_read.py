"""ingest.read: encodings, delimiters, quoted newlines, XLSX, JSON Lines and arrays."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest

from graph.core.errors import UserError
from ingest.read import BrokenRow, detect_encoding, iter_rows, open_table, sniff_delimiter

ROWS = "投诉编号,联系电话,内容\nC1,13800138000,借款人说砍头息\nC2,13900139000,正常\n"


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_encodings(tmp_path: Path, encoding: str, detected: str) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(ROWS.encode(encoding))
    assert detect_encoding(path) == detected
    with open_table(path) as table:
        assert table.headers == ["投诉编号", "联系电话", "内容"]
        rows = list(table.rows())
    assert rows == [
        (2, {"投诉编号": "C1", "联系电话": "13800138000", "内容": "借款人说砍头息"}),
        (3, {"投诉编号": "C2", "联系电话": "13900139000", "内容": "正常"}),
    ]


def test_gb18030_only_characters(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("姓名\n𠀀䶮\n".encode("gb18030"))
    assert list(iter_rows(path)) == [(2, {"姓名": "𠀀䶮"})]


def test_gbk_after_a_long_ascii_start(tmp_path: Path) -> None:
    """The sample comes from the first non-ASCII bytes, not only the first MiB."""
    path = tmp_path / "c.csv"
    body = "id,text\n" + "".join(f"{i},ascii only\n" for i in range(120_000)) + "999,中文\n"
    path.write_bytes(body.encode("gbk"))
    assert detect_encoding(path) == "gb18030"
    assert list(iter_rows(path))[-1] == (120_002, {"id": "999", "text": "中文"})


def test_quoted_newlines_commas_and_quotes(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        'id,text\r\nC1,"第一行,有逗号\r\n第二行 ""引号"""\r\nC2,x\r\n\r\nC3,"a,b"\r\n',
        encoding="utf-8",
    )
    assert list(iter_rows(path)) == [
        (2, {"id": "C1", "text": '第一行,有逗号\r\n第二行 "引号"'}),
        (3, {"id": "C2", "text": "x"}),
        (5, {"id": "C3", "text": "a,b"}),  # the blank record keeps its row number
    ]


def test_too_many_cells_is_a_broken_row(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("a,b\n1,2\n1,2,3\n1\n", encoding="utf-8")
    rows = list(iter_rows(path))
    assert rows[0] == (2, {"a": "1", "b": "2"})
    assert rows[1] == (3, BrokenRow("1,2,3", "row has 3 cells, the header has 2"))
    assert rows[2] == (4, {"a": "1"})


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("a,b,c", ","),
        ("a\tb\tc", "\t"),
        ("a;b;c", ";"),
        ("a|b|c", "|"),
        ('"a,b";c;d', ";"),
        ("single", ","),
    ],
)
def test_sniff_delimiter(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header) == delimiter


def test_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "c.tsv"
    path.write_text("主叫号码\t被叫号码\n13800138000\t95588\n", encoding="utf-8")
    assert list(iter_rows(path)) == [(2, {"主叫号码": "13800138000", "被叫号码": "95588"})]


def test_xlsx_first_and_named_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "说明"
    sheet.append(["这是说明页"])
    data = book.create_sheet("企业信息")
    data.append(["公司名称", "联系电话", "成立日期"])
    data.append(["某某咨询有限公司", 13800138000, datetime.datetime(2019, 5, 6)])
    data.append([None, None, None])
    data.append(["乙公司", 13900139000.0, 43591])
    path = tmp_path / "f.xlsx"
    book.save(path)
    with open_table(path) as table:
        assert table.headers == ["这是说明页"]
    assert list(iter_rows(path, sheet="企业信息")) == [
        (2, {"公司名称": "某某咨询有限公司", "联系电话": "13800138000",
             "成立日期": "2019-05-06T00:00:00"}),
        (4, {"公司名称": "乙公司", "联系电话": "13900139000", "成立日期": "43591"}),
    ]  # fmt: skip
    with pytest.raises(UserError, match="no sheet named 'nope'"):
        open_table(path, sheet="nope")


def test_jsonl_with_a_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"platform": "抖音", "handle": "@A", "followers": 12}\n'
        '{"platform": "douyin", "handle": "b",, }\n'
        "\n"
        "[1, 2]\n"
        '{"platform": "weibo", "handle": "c", "tags": ["x", "y"], "bio": null}\n',
        encoding="utf-8",
    )
    with open_table(path) as table:
        assert table.headers == ["platform", "handle", "followers"]
        rows = list(table.rows())
    assert rows == [
        (1, {"platform": "抖音", "handle": "@A", "followers": "12"}),
        (2, BrokenRow('{"platform": "douyin", "handle": "b",, }',
                      "broken JSON: Expecting property name enclosed in double quotes at col 38")),
        (4, BrokenRow("[1, 2]", "a JSON list, not an object")),
        (5, {"platform": "weibo", "handle": "c", "tags": "x;y", "bio": ""}),
    ]  # fmt: skip


def test_json_array_streamed(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    items = ",\n".join(f'{{"id": {i}, "text": "{"长" * (i % 50)}"}}' for i in range(5000))
    path.write_text(f"[\n{items}\n]\n", encoding="utf-8")
    rows = list(iter_rows(path))
    assert len(rows) == 5000
    assert rows[0] == (1, {"id": "0", "text": ""})
    assert rows[-1] == (5000, {"id": "4999", "text": "长" * 49})


def test_json_array_with_a_broken_element(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[{"a": 1}, {"a": 2,}, {"a": 3}]', encoding="utf-8")
    rows = list(iter_rows(path))
    assert rows[0] == (1, {"a": "1"})
    assert rows[1][0] == 2 and isinstance(rows[1][1], BrokenRow)
    assert rows[1][1].reason.startswith("broken JSON in element 2: Expecting property name")
    assert len(rows) == 2


def test_json_file_holding_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"a": 1}\n{"a": 2}\n', encoding="utf-8")
    assert list(iter_rows(path)) == [(1, {"a": "1"}), (2, {"a": "2"})]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("empty.csv", b"", "the file is empty"),
        ("a.pdf", b"%PDF", "unknown file type '.pdf'"),
        ("a.xls", b"\xd0\xcf", "old .xls workbooks"),
        ("a.xlsx", b"not a zip", "not a readable XLSX workbook"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        open_table(path)
