"""Many parties, one graph: a hostile org using only the Submit flow cannot change another
org's facts. Each test replays an attack that worked before statements (issue: many parties)
and fails if it works again.

Org A (a lender) submits its complaint, phone list, firm registry rows and account; org C (a
newly added enterprise) then uploads rows naming the same complaint (A's id and A's source),
phone, USCC and account with values of its own — through ``submit_file``, the function the
Submit page and ``leadgraph ingest`` call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.db.store import GraphStore
from ingest.submit import submit_file

A = "星河消费金融股份有限公司"
C = "新设咨询服务有限公司"
USCC = "91310104MAYBWWMF37"
A_TEXT = "本人因疫情失业，申请停息挂账，请协商还款方案。联系我13800138000"
C_TEXT = "此投诉已撤回，内容有误，请忽略。"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def a_files(folder: Path) -> dict[str, Path]:
    return {
        "complaints": write(
            folder / "a_complaints.csv",
            "投诉编号,投诉日期,被投诉机构,投诉人姓名,本人手机号,联系电话,投诉内容,诉求金额\n"
            f"XH0001,2025-06-27,{A},董福晓,13912345678,13700137000,{A_TEXT},2000.00\n",
        ),
        "phones": write(
            folder / "a_phones.csv", "手机号码,标签,备注\n13700137000,代理维权,A 核实\n"
        ),
        "firms": write(
            folder / "a_firms.csv",
            "公司名称,统一社会信用代码,注册地址\n"
            f"上海盛世餐饮管理有限公司,{USCC},上海市科技路852号\n",
        ),
        "accounts": write(
            folder / "a_accounts.jsonl",
            '{"platform": "wechat", "handle": "fuwu_meishi14", "nickname": "停息挂账指导", '
            '"bio": "专注网贷协商 13700137000"}\n',
        ),
    }


def c_files(folder: Path) -> dict[str, Path]:
    return {
        "complaints": write(
            folder / "c_complaints.csv",
            f"complaint_id,source,text\nXH0001,{A},{C_TEXT}\n",
        ),
        "phones": write(folder / "c_phones.csv", "手机号码,标签,备注\n13700137000,正常客户,误报\n"),
        "firms": write(
            folder / "c_firms.csv",
            f"公司名称,统一社会信用代码,注册地址\n正规律师事务所,{USCC},北京市某路1号\n",
        ),
        "accounts": write(
            folder / "c_accounts.jsonl",
            '{"platform": "wechat", "handle": "fuwu_meishi14", "nickname": "官方客服", '
            '"bio": "正规机构"}\n',
        ),
    }


NODE_VALUES = """
MATCH (n:Entity {key: $key})
RETURN properties(n) AS props
"""
STATEMENTS = """
MATCH (s:Statement)-[:ABOUT]->(:Entity {key: $key})
RETURN s.org AS org, s.forwarded_for AS forwarded_for, properties(s) AS props
ORDER BY s.org
"""

KEYS = {
    "complaints": (f"complaint:{A}:XH0001", "text", A_TEXT, C_TEXT),
    "phones": ("phone:+8613700137000", "list_label", "代理维权", "正常客户"),
    "firms": (f"firm:{USCC}", "name", "上海盛世餐饮管理有限公司", "正规律师事务所"),
    "accounts": ("account:wechat:fuwu_meishi14", "bio", "专注网贷协商 13700137000", "正规机构"),
}


@pytest.fixture
def two_parties(store: GraphStore, tmp_path: Path) -> dict[str, Any]:
    for kind, path in a_files(tmp_path / "a").items():
        submit_file(store, kind, path, org=A, user="analyst_a")
    before = {key: store.read_one(NODE_VALUES, key=key) for key, *_ in KEYS.values()}
    summaries = {
        kind: submit_file(store, kind, path, org=C, user="analyst_c")
        for kind, path in c_files(tmp_path / "c").items()
    }
    return {"store": store, "before": before, "summaries": summaries}


@pytest.mark.parametrize("kind", list(KEYS))
def test_another_orgs_row_does_not_replace_a_value(two_parties: dict[str, Any], kind: str) -> None:
    store: GraphStore = two_parties["store"]
    key, prop, a_value, c_value = KEYS[kind]
    assert two_parties["summaries"][kind]["rows_loaded"] == 1  # C's row loads, as C's statement
    node = store.read_one(NODE_VALUES, key=key)
    assert node is not None
    assert node["props"][prop] == a_value
    assert node["props"]["values_org"] == A
    # Every value and identity property is as A left it; only provenance grew (C's submission
    # and row now also name the entity).
    provenance = {"submissions", "sources", "first_seen", "last_seen"}
    before = two_parties["before"][key]["props"]
    assert {k: v for k, v in node["props"].items() if k not in provenance} == {
        k: v for k, v in before.items() if k not in provenance
    }
    # Both parties' values exist, each with the org that stated it.
    statements = {row["org"]: row for row in store.read(STATEMENTS, key=key)}
    assert set(statements) == {A, C}
    assert statements[A]["props"][prop] == a_value
    assert statements[C]["props"][prop] == c_value


def test_a_complaint_stated_under_another_orgs_source_is_recorded_as_forwarded(
    two_parties: dict[str, Any],
) -> None:
    statements = two_parties["store"].read(STATEMENTS, key=KEYS["complaints"][0])
    by_org = {row["org"]: row for row in statements}
    assert by_org[A]["forwarded_for"] is None
    assert by_org[C]["forwarded_for"] == A


def test_the_holder_may_correct_its_own_values(store: GraphStore, tmp_path: Path) -> None:
    files = a_files(tmp_path / "a")
    submit_file(store, "complaints", files["complaints"], org=A)
    corrected = write(
        tmp_path / "a2" / "complaints.csv",
        files["complaints"].read_text(encoding="utf-8").replace("失业", "停工"),
    )
    submit_file(store, "complaints", corrected, org=A)
    node = store.read_one(NODE_VALUES, key=KEYS["complaints"][0])
    assert node is not None and "停工" in node["props"]["text"]
    assert len(store.read(STATEMENTS, key=KEYS["complaints"][0])) == 2  # one per submission
