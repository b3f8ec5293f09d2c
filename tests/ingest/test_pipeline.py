"""ingest.pipeline: one contract for every kind; what each row yields or why it is refused."""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

import pytest

from graph.core.errors import UserError
from graph.core.records import QuarantineEntry, RowResult
from graph.values.person import pid_from_id, pid_from_name_firm, pid_from_name_phone
from ingest.pipeline import Tally, guess_kind, iter_file

ROOT = Path(__file__).resolve().parents[2]
KEY = b"test-hashing-key"
ID = "11010519491231002X"  # the GB 11643 example number
USCC = "91350100M000100Y43"  # a valid GB 32100 code


def run(kind: str, path: Path, **kwargs: Any) -> list[RowResult | QuarantineEntry]:
    kwargs.setdefault("source", "bank-a")
    return list(iter_file(kind, path, hashing_key=KEY, **kwargs))


def csv_file(tmp_path: Path, text: str, name: str = "f.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def nodes(result: RowResult) -> dict[str, dict[str, Any]]:
    return {node.key: {"label": node.label, **node.props} for node in result.nodes}


def links(result: RowResult) -> set[tuple[str, str, str]]:
    return {(link.type, link.start, link.end) for link in result.links}


# --- phones -----------------------------------------------------------------------------------


def test_phone_in_eight_forms_is_one_node(tmp_path: Path) -> None:
    forms = ["13800138000", "+86 138 0013 8000", "0086-138-0013-8000", "86 13800138000",
             "(+86)138-0013-8000", "１３８００１３８０００", "138 0013 8000", "+8613800138000"]  # fmt: skip
    path = csv_file(tmp_path, "手机号码,标签\n" + "".join(f'"{f}",催收\n' for f in forms))
    results = run("phones", path)
    assert all(isinstance(r, RowResult) for r in results)
    assert {node.key for r in results for node in r.nodes} == {"phone:+8613800138000"}


def test_phones_kind(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "手机号码,标签,标记,添加日期,来源机构,备注\n"
                    "95588,银行客服,客服;官方,2025/9/1,甲银行,\n", encoding="gbk")  # fmt: skip
    [result] = run("phones", path)
    assert isinstance(result, RowResult) and result.row == 2
    assert nodes(result) == {"phone:+8695588": {
        "label": "Phone", "e164": "+8695588", "type": "service", "carrier": "", "region": "",
        "list_label": "银行客服", "tags": ["客服", "官方"], "reported_date": "2025-09-01",
        "reported_by": "甲银行",
    }}  # fmt: skip


# --- complaints -------------------------------------------------------------------------------

COMPLAINT_HEADER = "投诉编号,投诉日期,投诉渠道,被投诉机构,投诉人姓名,身份证号,本人手机号,联系电话,诉求金额,代理人/委托代理,投诉内容\n"


def test_complaint_row(tmp_path: Path) -> None:
    path = csv_file(tmp_path, COMPLAINT_HEADER +
                    f"C001,2025年9月1日,12378,甲消费金融,张三,{ID},138 0013 8000,"
                    '010-12345678,1.2万,某某法务咨询有限公司,"要求停息挂账"\n')  # fmt: skip
    [result] = run("complaints", path)
    assert isinstance(result, RowResult)
    pid = pid_from_id(KEY, ID)
    found = nodes(result)
    complaint = found["complaint:bank-a:C001"]
    assert {k: v for k, v in complaint.items() if not k.startswith(("slang", "disguise"))} == {
        "label": "Complaint", "complaint_id": "C001", "source": "bank-a", "channel": "12378",
        "institution": "甲消费金融", "filed_date": "2025-09-01", "text": "要求停息挂账",
        "amount": 12000.0,
    }  # fmt: skip
    assert found[f"person:{pid}"] == {"label": "Person", "pid": pid, "pid_basis": "id",
                                      "name": "张三", "masked_id": "1101**********002X"}  # fmt: skip
    assert ID not in json.dumps([n.props for n in result.nodes])
    firm = found["firm:name:某某法务咨询有限公司"]
    assert firm == {"label": "Firm", "name": "某某法务咨询有限公司",
                    "name_key": "某某法务咨询有限公司", "key_strength": "name"}  # fmt: skip
    assert links(result) == {
        ("FILED_BY", "complaint:bank-a:C001", f"person:{pid}"),
        ("HAS_PHONE", f"person:{pid}", "phone:+8613800138000"),
        ("CONTACT", "complaint:bank-a:C001", "phone:+861012345678"),
        ("REPRESENTED_BY", "complaint:bank-a:C001", "firm:name:某某法务咨询有限公司"),
    }


@pytest.mark.parametrize(
    ("agent", "key"),
    [
        (USCC, f"firm:{USCC}"),
        ("抖音：@LawHelp01", "account:douyin:lawhelp01"),
        ("ABC Co., Ltd.", "firm:name:abc co ltd"),
        ("王律师", "person:" + pid_from_name_phone(KEY, "王律师", "+8613900139000")),
        ("王经理 13700137000", "person:" + pid_from_name_phone(KEY, "王经理", "+8613700137000")),
    ],
)
def test_agent_resolution(tmp_path: Path, agent: str, key: str) -> None:
    path = csv_file(tmp_path, f'投诉编号,联系电话,代理人\nC1,13900139000,"{agent}"\n')
    [result] = run("complaints", path)
    assert isinstance(result, RowResult)
    assert ("REPRESENTED_BY", "complaint:bank-a:C1", key) in links(result)
    assert key in nodes(result)


def test_source_column_wins(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "投诉编号,来源\nC1,12378热线\n")
    [result] = run("complaints", path)
    assert isinstance(result, RowResult)
    assert result.nodes[0].key == "complaint:12378热线:C1"


def test_bad_row_quarantined_whole_with_every_reason(tmp_path: Path) -> None:
    """A bad identifying or required field (the complainant's ID number in a file with an ID
    column) refuses the row; all its problems are listed, the droppable ones too, so it is
    fixed in one go; it counts as one quarantined row."""
    bad_id = ID[:-1] + "3"
    path = csv_file(tmp_path, COMPLAINT_HEADER +
                    f"C1,2025-02-30,网络,甲,张三,{bad_id},13800138000,1380013800,100,,x\n"
                    f"C2,2025-09-01,网络,甲,李四,,13800138000,,100,,x\n")  # fmt: skip
    items = run("complaints", path)
    assert all(isinstance(i, QuarantineEntry) and i.refuses_row for i in items)
    assert [(i.row, i.field, i.value, i.reason) for i in items] == [  # type: ignore[union-attr]
        (2, "投诉日期", "2025-02-30", "impossible date 2025-02-30"),
        (2, "身份证号", bad_id, "check digit should be X, found 3"),
        (2, "联系电话", "1380013800", "phone too short: 10 digits"),
        (3, "身份证号", "", "ID number is missing"),
    ]
    assert {i.file for i in items} == {"f.csv"}  # type: ignore[union-attr]
    tally = Tally()
    for item in items:
        tally.add(item)
    assert (tally.rows_read, tally.rows_loaded, tally.rows_quarantined, tally.entries) == (
        2,
        0,
        2,
        4,
    )
    assert tally.fields_dropped == 0


def test_bad_optional_values_are_dropped_and_the_row_loads(tmp_path: Path) -> None:
    """Bad values in optional fields — the builder's own refusal of the agent's USCC too — are
    warnings just before the row's RowResult, and the row is built as if they were empty."""
    bad_uscc = f"{USCC[:-1]}X"
    path = csv_file(tmp_path, COMPLAINT_HEADER +
                    f"C3,2025-02-30,网络,甲,王五,{ID},1380013800,同上,100,{bad_uscc},x\n")  # fmt: skip
    *warnings, result = run("complaints", path)
    assert [(w.row, w.field, w.value, w.reason, w.outcome) for w in warnings] == [  # type: ignore[union-attr]
        (2, "投诉日期", "2025-02-30", "impossible date 2025-02-30", "field dropped"),
        (2, "本人手机号", "1380013800", "phone too short: 10 digits", "field dropped"),
        (2, "联系电话", "同上", "phone has no digits", "field dropped"),
        (2, "代理人/委托代理", bad_uscc, "USCC: check character should be 3, found X",
         "field dropped"),
    ]  # fmt: skip
    assert isinstance(result, RowResult) and result.row == 2
    pid = pid_from_id(KEY, ID)
    assert links(result) == {("FILED_BY", "complaint:bank-a:C3", f"person:{pid}")}
    complaint = nodes(result)["complaint:bank-a:C3"]
    assert "filed_date" not in complaint and complaint["amount"] == 100.0
    tally = Tally()
    for item in [*warnings, result]:
        tally.add(item)
    assert (tally.rows_read, tally.rows_loaded, tally.rows_quarantined) == (1, 1, 0)
    assert (tally.fields_dropped, tally.entries) == (4, 0)


@pytest.mark.parametrize(
    ("kind", "text", "field", "dropped"),
    [
        # optional values: dropped, the row loads
        ("firms", f"公司名称,统一社会信用代码,成立日期\n甲公司,{USCC},2019-02-30\n", "成立日期", True),
        ("firms", f"公司名称,统一社会信用代码,联系电话\n甲公司,{USCC},无\n", "联系电话", True),
        ("accounts", "platform,handle,followers\n抖音,a1,很多\n", "followers", True),
        ("accounts", "platform,handle,operator\n抖音,a1,@boss\n", "operator", True),
        ("calls", "主叫号码,被叫号码,开始时间\n13800138000,13900139000,2025-02-30 10:00\n",
         "开始时间", True),
        ("calls", "主叫号码,被叫号码,first,last\n13800138000,13900139000,"
         "2025-09-02 10:00,2025-09-01 10:00\n", "last", True),
        ("phones", "手机号码,添加日期\n13800138000,2025-13-01\n", "添加日期", True),
        # identity numbers and required fields: the row is refused
        ("firms", f"公司名称,统一社会信用代码\n甲公司,{USCC[:-1]}X\n", "统一社会信用代码", False),
        ("firms", f"公司名称,统一社会信用代码,法定代表人,法定代表人身份证号\n"
         f"甲公司,{USCC},张三,{ID[:-1]}3\n", "法定代表人身份证号", False),
        ("accounts", f"platform,handle,operator_uscc\n抖音,a1,{USCC[:-1]}X\n", "operator_uscc",
         False),
        ("calls", "主叫号码,被叫号码\n1380013800,13900139000\n", "主叫号码", False),
        ("phones", "手机号码,标签\n无,催收\n", "手机号码", False),
    ],
)  # fmt: skip
def test_which_bad_values_drop_and_which_refuse(
    tmp_path: Path, kind: str, text: str, field: str, dropped: bool
) -> None:
    items = run(kind, csv_file(tmp_path, text))
    [entry] = [i for i in items if isinstance(i, QuarantineEntry)]
    assert entry.field == field and entry.refuses_row is not dropped
    assert any(isinstance(i, RowResult) for i in items) is dropped
    if dropped:  # the dropped value left nothing behind
        assert entry.value not in json.dumps([n.props for i in items if isinstance(i, RowResult)
                                              for n in i.nodes], ensure_ascii=False)  # fmt: skip


def test_without_an_id_column_name_and_phone_key_the_person(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "投诉编号,投诉人姓名,本人手机号\nC1,张三,13800138000\nC2,,13800138000\n"
    )
    first, second = run("complaints", path)
    assert isinstance(first, RowResult) and isinstance(second, RowResult)
    pid = pid_from_name_phone(KEY, "张三", "+8613800138000")
    assert nodes(first)[f"person:{pid}"]["pid_basis"] == "name_phone"
    assert [n.label for n in second.nodes] == ["Complaint", "Phone"]  # no person, no FILED_BY
    assert second.links == []


def test_hostile_strings_are_plain_data(tmp_path: Path) -> None:
    hostile = "x'}) MATCH (n) DETACH DELETE n //<script>alert(1)</script>"
    path = csv_file(tmp_path, f'投诉编号,投诉内容\nC1,"{hostile}"\n')
    [result] = run("complaints", path)
    assert isinstance(result, RowResult)
    assert result.nodes[0].props["text"] == hostile


# --- firms ------------------------------------------------------------------------------------


def test_firm_rows(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "公司名称,统一社会信用代码,法定代表人,联系电话,成立日期\n"
                    f"某某咨询有限公司,{USCC.lower()},张三,\"010-12345678;13800138000\",2019/5/6\n"
                    "某某咨询有限责任公司,,李四,,\n")  # fmt: skip
    first, second = run("firms", path)
    assert isinstance(first, RowResult) and isinstance(second, RowResult)
    rep = pid_from_name_firm(KEY, "张三", f"firm:{USCC}")
    assert nodes(first)[f"firm:{USCC}"] == {
        "label": "Firm", "uscc": USCC, "key_strength": "uscc", "name": "某某咨询有限公司",
        "name_key": "某某咨询有限公司", "registered_date": "2019-05-06",
    }  # fmt: skip
    assert nodes(first)[f"person:{rep}"] == {"label": "Person", "pid": rep,
                                             "pid_basis": "name_firm", "name": "张三"}  # fmt: skip
    assert links(first) == {
        ("HAS_PHONE", f"firm:{USCC}", "phone:+861012345678"),
        ("HAS_PHONE", f"firm:{USCC}", "phone:+8613800138000"),
        ("LEGAL_REP_OF", f"person:{rep}", f"firm:{USCC}"),
    }
    assert nodes(second)["firm:name:某某咨询有限公司"]["key_strength"] == "name"


def test_a_cell_of_several_phones_keeps_the_good_ones(tmp_path: Path) -> None:
    """A registry's phone column holding "0591-87654321；无": 无 is dropped with a warning, the
    real number stays; a cell of bad numbers only is dropped whole."""
    path = csv_file(tmp_path, "公司名称,统一社会信用代码,联系电话\n"
                    f"甲公司,{USCC},0591-87654321；无；1380013800\n"
                    "乙公司,,无；同上\n")  # fmt: skip
    warning, first, *second_warning, second = run("firms", path)
    assert (warning.field, warning.value, warning.outcome) == (  # type: ignore[union-attr]
        "联系电话", "无；1380013800", "field dropped",
    )  # fmt: skip
    assert warning.reason == (  # type: ignore[union-attr]
        "phone has no digits ('无'); phone too short: 10 digits ('1380013800')"
    )
    assert links(first) == {("HAS_PHONE", f"firm:{USCC}", "phone:+8659187654321")}
    [dropped] = second_warning
    assert (dropped.value, dropped.outcome) == ("无；同上", "field dropped")  # type: ignore[union-attr]
    assert isinstance(second, RowResult) and links(second) == set()


def test_firm_without_code_or_name(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "公司名称,统一社会信用代码,法定代表人\n,,张三\n")
    [entry] = run("firms", path)
    assert entry == QuarantineEntry("f.csv", 2, "uscc / name", "", "required field missing")


def test_missing_required_column_is_a_user_error(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "投诉日期\n2025-09-01\n")
    with pytest.raises(UserError, match="no column for the required field complaint_id"):
        run("complaints", path)


def test_unknown_header_is_a_user_error_at_the_call(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "手机号码,鞋码\n13800138000,42\n")
    with pytest.raises(UserError, match=r"f\.csv: unknown column for kind phones: '鞋码'"):
        iter_file("phones", path, source="s", hashing_key=KEY)  # no iteration needed


def test_mapping_as_a_file(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "node_id,name,countries,sourceID\n1,ABC LIMITED,Hong Kong,Panama\n"
                    "2,ABC Ltd.,Hong Kong,Paradise\n3,...,,x\n")  # fmt: skip
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns: {node_id: external_id, countries: country, sourceID: null}\n",
                       encoding="utf-8")  # fmt: skip
    first, second, third = run("firms", path, mapping=mapping)
    assert isinstance(first, RowResult) and isinstance(second, RowResult)
    assert first.nodes[0].key == second.nodes[0].key == "firm:name:abc ltd"
    assert first.nodes[0].props["country"] == "Hong Kong"
    assert third == QuarantineEntry("f.csv", 4, "name", "...",
                                    "firm name has nothing to key on: '...'")  # fmt: skip


# --- accounts and calls -----------------------------------------------------------------------


def test_accounts(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    lines = [
        {"platform": "抖音", "handle": "@LawHelp", "nickname": "法务小王",
         "bio": "专业协商 ➕V：138 0013 8000", "followers": 12, "operator": USCC},
        {"platform": "DOUYIN", "handle": "lawhelp", "phone": "13900139000"},
        {"platform": "myspace", "handle": "x"},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n{oops\n",
                    encoding="utf-8")  # fmt: skip
    first, second, third, fourth = run("accounts", path)
    assert isinstance(first, RowResult) and isinstance(second, RowResult)
    key = "account:douyin:lawhelp"
    assert nodes(first)[key] == {"label": "Account", "platform": "douyin", "handle": "lawhelp",
                                 "nickname": "法务小王", "bio": "专业协商 ➕V：138 0013 8000",
                                 "followers": 12}  # fmt: skip
    assert links(first) == {("ADVERTISES", key, "phone:+8613800138000"),
                            ("OPERATED_BY", key, f"firm:{USCC}")}  # fmt: skip
    assert first.links[0].props == {"found_in": "bio"}
    assert second.nodes[0].key == key
    assert third == QuarantineEntry("a.jsonl", 3, "platform", "myspace",
                                    "unknown platform 'myspace'")  # fmt: skip
    assert isinstance(fourth, QuarantineEntry) and fourth.row == 4 and fourth.field == ""
    assert fourth.reason.startswith("broken JSON:")


def test_calls(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "主叫号码,被叫号码,开始时间,通话时长(秒)\n"
                    "13800138000,95588,2025-09-01 10:00:00,1分35秒\n"
                    "13800138000,138 0013 8000,2025-09-01 10:00:00,5\n")  # fmt: skip
    first, second = run("calls", path)
    assert isinstance(first, RowResult)
    [link] = first.links
    assert (link.type, link.start, link.end) == ("CALLED", "phone:+8613800138000",
                                                 "phone:+8695588")  # fmt: skip
    assert link.props == {"count": 1, "total_seconds": 95, "first": "2025-09-01T10:00:00",
                          "last": "2025-09-01T10:00:00"}  # fmt: skip
    assert second == QuarantineEntry("f.csv", 3, "被叫号码", "+8613800138000",
                                     "caller and callee are the same number")  # fmt: skip


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("手机号码,标签", "phones"),
        ("公司名称,统一社会信用代码,法定代表人", "firms"),
        ("投诉编号,投诉日期,联系电话", "complaints"),
        ("platform,handle,bio", "accounts"),
        ("主叫号码,被叫号码,通话时长(秒)", "calls"),
        ("颜色,尺码", None),
    ],
)
def test_guess_kind(tmp_path: Path, header: str, kind: str | None) -> None:
    assert guess_kind(csv_file(tmp_path, header + "\n")) == kind


# --- the synthetic world ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed fixture world when there is one, else a small fresh one."""
    committed = ROOT / "fixtures" / "world"
    if (committed / "truth.json").exists():
        return committed
    from app.synth import generate

    out = tmp_path_factory.mktemp("world")
    generate(300, 7, out)
    return out


def test_world_every_file(world: Path) -> None:
    truth = json.loads((world / "truth.json").read_text(encoding="utf-8"))
    expected_bad: dict[str, dict[int, dict[str, Any]]] = collections.defaultdict(dict)
    for bad in truth["bad_rows"]:
        expected_bad[bad["file"]][bad["row"]] = bad
    keys: dict[str, set[str]] = collections.defaultdict(set)
    for name, info in truth["files"].items():
        path = world / name
        kind = guess_kind(path)
        assert kind == info["kind"], name
        tally = Tally()
        quarantined: dict[int, list[QuarantineEntry]] = collections.defaultdict(list)
        for item in iter_file(kind, path, source="fixture", hashing_key=KEY):
            tally.add(item)
            if isinstance(item, QuarantineEntry):
                quarantined[item.row].append(item)
            else:
                for node in item.nodes:
                    keys[node.label].add(node.key)
        assert tally.rows_read == info["rows"], name
        assert tally.rows_read == tally.rows_loaded + tally.rows_quarantined
        assert set(quarantined) == set(expected_bad[name]), name
        outcomes = collections.Counter(bad["outcome"] for bad in expected_bad[name].values())
        assert tally.rows_quarantined == outcomes["row refused"], name
        assert tally.fields_dropped == outcomes["field dropped"], name
        for row, bad in expected_bad[name].items():
            entries = quarantined[row]
            assert {e.outcome for e in entries} == {bad["outcome"]}, (bad, entries)
            if bad["kind"] == "broken_json":
                assert entries[0].reason.startswith("broken JSON"), entries
            else:
                assert any(e.field == bad["field"] and e.reason == bad["reason"]
                           for e in entries), (bad, entries)  # fmt: skip
    counts = truth["counts"]
    assert len(keys["Complaint"]) == counts["complaints"]
    assert len(keys["Account"]) == counts["accounts"]
    # and the popular numbers complaint texts name (decoys) that are phones, not service lines
    popular = {d["e164"] for d in truth["decoys"]["popular_numbers"] if len(d["number"]) == 11}
    assert len(keys["Phone"]) == counts["phones_with_bios"] + len(popular)
    assert len({k for k in keys["Firm"] if not k.startswith("firm:name:")}) == counts["firms"]


ICIJ = ROOT.parent / "shared" / "data" / "icij_intermediaries" / "nodes-intermediaries.csv"
ICIJ_MAPPING = {
    "kind": "firms",
    "columns": {
        "node_id": "external_id",
        "countries": "country",
        "internal_id": None,
        "country_codes": None,
        "sourceID": None,
        "valid_until": None,
    },
}


@pytest.mark.skipif(not ICIJ.exists(), reason="the ICIJ intermediaries list is not here")
def test_icij_intermediaries_load_as_name_keyed_firms() -> None:
    tally = Tally()
    firms: set[str] = set()
    refused: list[QuarantineEntry] = []
    for item in iter_file("firms", ICIJ, source="icij", hashing_key=KEY, mapping=ICIJ_MAPPING):
        tally.add(item)
        if isinstance(item, RowResult):
            [firm] = item.nodes
            assert firm.props["key_strength"] == "name"
            firms.add(firm.key)
        else:
            refused.append(item)
    assert tally.rows_read == 26_768
    assert tally.rows_read == tally.rows_loaded + tally.rows_quarantined
    assert all(entry.reason for entry in refused)
    assert tally.rows_quarantined < 20  # names lost to "????" in the export, one blank name
    assert len(firms) < tally.rows_loaded  # the same firm under several node_ids is one node
