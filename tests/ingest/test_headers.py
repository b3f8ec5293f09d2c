"""ingest.headers: alias table, header normalisation, unknown headers, mapping files."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.core.errors import UserError
from ingest.headers import (
    ALIASES,
    alias_table,
    build_column_map,
    canonical_fields,
    load_mapping,
    normalize_header,
    parse_mapping,
)
from ingest.kinds import KINDS


def test_alias_table_and_kinds_agree() -> None:
    for kind, spec in KINDS.items():
        assert set(canonical_fields(kind)) == set(spec.field_names), kind


def test_no_alias_means_two_fields_in_one_kind() -> None:
    for kind, fields in ALIASES.items():
        seen: dict[str, str] = {}
        for name, aliases in fields.items():
            for alias in (name, *aliases):
                form = normalize_header(alias)
                assert seen.setdefault(form, name) == name, (kind, alias, seen[form], name)


@pytest.mark.parametrize(
    ("header", "form"),
    [
        ("手机号码", "手机号码"),
        (" 手机号（必填） ", "手机号必填"),
        ("Phone Number", "phonenumber"),
        ("phone_number", "phonenumber"),
        ("PHONE-NUMBER", "phonenumber"),
        ("通话时长(秒)", "通话时长秒"),
        ("代理人/委托代理", "代理人委托代理"),
        ("ＵＳＣＣ", "uscc"),
    ],
)
def test_normalize_header(header: str, form: str) -> None:
    assert normalize_header(header) == form


@pytest.mark.parametrize(
    ("kind", "header", "field"),
    [
        ("phones", "手机号", "phone"),
        ("phones", "手机号码", "phone"),
        ("phones", "联系电话", "phone"),
        ("phones", "电话", "phone"),
        ("phones", "Mobile", "phone"),
        ("phones", "PHONE", "phone"),
        ("firms", "统一社会信用代码", "uscc"),
        ("firms", "信用代码", "uscc"),
        ("firms", "USCC", "uscc"),
        ("firms", "法定代表人", "legal_rep"),
        ("complaints", "投诉编号", "complaint_id"),
        ("complaints", "工单号", "complaint_id"),
        ("complaints", "本人手机号", "complainant_phone"),
        ("complaints", "联系电话", "contact_phone"),
        ("complaints", "代理人/委托代理", "agent"),
        ("complaints", "诉求金额", "amount"),
        ("calls", "主叫号码", "caller"),
        ("calls", "被叫号码", "callee"),
        ("calls", "通话时长(秒)", "duration"),
        ("accounts", "平台", "platform"),
        ("accounts", "备注", "note"),
    ],
)
def test_aliases(kind: str, header: str, field: str) -> None:
    assert alias_table(kind)[normalize_header(header)] == field


def test_unknown_headers_error_names_file_headers_fields_and_mapping() -> None:
    with pytest.raises(UserError) as error:
        build_column_map("phones", ["手机号码", "颜色", "Shoe size"], file="list.csv")
    message = str(error.value)
    assert message.startswith("list.csv: unknown columns for kind phones: '颜色', 'Shoe size'.")
    assert (
        "The fields of phones are: phone, label, tags, reported_date, reported_by, note" in message
    )
    assert "--mapping MAP.yaml" in message


def test_row_counter_and_blank_headers_are_ignored() -> None:
    columns = build_column_map("phones", ["序号", "手机号码", ""], file="x.csv")
    assert columns.pairs == (("手机号码", "phone"),)
    assert columns.ignored == ("序号", "")


def test_two_columns_one_field() -> None:
    with pytest.raises(UserError, match="columns '手机号' and '手机号码' both mean 'phone'"):
        build_column_map("phones", ["手机号", "手机号码"], file="x.csv")
    # several phones of a firm are fine: their values are joined
    columns = build_column_map("firms", ["公司名称", "电话", "手机号"], file="f.csv",
                               multi_fields=KINDS["firms"].multi_fields)  # fmt: skip
    assert columns.apply(
        {"公司名称": "甲公司", "电话": "010-12345678", "手机号": "13800138000"}
    ) == {
        "name": "甲公司",
        "phone": "010-12345678;13800138000",
    }


MAPPING = """\
kind: firms
columns:
  node_id: external_id
  name: name
  countries: country
  internal_id: null
  Status: status
constants:
  note: ICIJ Offshore Leaks
"""


def test_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "icij.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    mapping = load_mapping(path)
    headers = ["node_id", "name", "status", "internal_id", "countries"]
    columns = build_column_map("firms", headers, file="i.csv", mapping=mapping)
    assert columns.pairs == (("node_id", "external_id"), ("name", "name"), ("status", "status"),
                             ("countries", "country"))  # fmt: skip
    assert columns.ignored == ("internal_id",)
    row = {"node_id": "1", "name": "ABC LTD", "status": "", "internal_id": "9", "countries": "HK"}
    assert columns.apply(row) == {"external_id": "1", "name": "ABC LTD", "country": "HK",
                                  "note": "ICIJ Offshore Leaks"}  # fmt: skip
    assert columns.header_of("country") == "countries"


def test_mapping_ignore_unknown() -> None:
    mapping = parse_mapping({"columns": {"名字": "name"}, "ignore_unknown": True})
    columns = build_column_map("firms", ["名字", "whatever", "地址"], file="x", mapping=mapping)
    assert columns.pairs == (("名字", "name"), ("地址", "address"))
    assert columns.ignored == ("whatever",)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"columns": {"a": "colour"}},
            "column 'a' maps to 'colour', which is not a field of firms",
        ),
        ({"constants": {"colour": "x"}}, "constant 'colour' is not a field of firms"),
        ({"kind": "calls"}, "written for kind calls, not firms"),
        ({"colums": {}}, "unknown keys ['colums']"),
        ({"columns": ["a"]}, "'columns' must map source headers to fields"),
        ({"columns": {"a": 3}}, "column 'a' must map to a field name or null"),
        ({"ignore_unknown": "yes"}, "ignore_unknown must be true or false"),
        (["a"], "must be a mapping with 'columns'"),
    ],
)
def test_bad_mappings(document: object, message: str) -> None:
    with pytest.raises(UserError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build_column_map("firms", ["a"], file="x", mapping=parse_mapping(document, "m.yaml"))


def test_mapping_file_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("columns: [unclosed", encoding="utf-8")
    with pytest.raises(UserError, match=r"m\.yaml: not valid YAML"):
        load_mapping(path)
