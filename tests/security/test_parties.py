"""Many parties, one graph: a hostile org using only the Submit flow cannot change another
org's facts. Each test replays an attack that worked before statements (issue: many parties)
and fails if it works again.

Org A (a lender) submits its complaint, phone list, firm registry rows and account; org C (a
newly added enterprise) then uploads rows naming the same complaint (A's id and A's source),
phone, USCC and account with values of its own — through ``submit_file``, the function the
Submit page and ``leadgraph ingest`` call.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support import rendered, search_as, write

from graph import views
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.evidence.search import find_entities
from graph.workflow import audit, users
from graph.workflow.auth import Principal
from ingest.submit import submit_file

A = "星河消费金融股份有限公司"
C = "新设咨询服务有限公司"
USCC = "91310104MAYBWWMF37"
A_TEXT = "本人因疫情失业，申请停息挂账，请协商还款方案。联系我13800138000"
C_TEXT = "此投诉已撤回，内容有误，请忽略。"


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


# --- what the hostile org can see and probe ----------------------------------------------------

A_COMPLAINANT_PHONE = "+8613912345678"  # in A's complaint row only
A_NAME = "董福晓"


def analyst(org: str, username: str) -> Principal:
    return Principal(username, "analyst", org, "enterprise")


def everything_shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def test_the_hostile_org_sees_only_its_own_values(two_parties: dict[str, Any]) -> None:
    store: GraphStore = two_parties["store"]
    c = analyst(C, "analyst_c")
    for kind, (key, prop, a_value, c_value) in KEYS.items():
        found = find_entities(store, c, keys=[key])
        assert len(found) == 1, kind
        assert found[0]["props"].get(prop) == c_value, kind
        shown = everything_shown(found)
        assert a_value not in shown, kind
    complaint = find_entities(store, c, complaint_id="XH0001")
    assert A_TEXT not in everything_shown(complaint)
    # Expanding A's complaint from C's side reaches only what C's own rows link to.
    around = views.trace_neighbourhood(store, c, KEYS["complaints"][0], hops=2)
    shown = everything_shown(around)
    for secret in (A_TEXT, A_NAME, A_COMPLAINANT_PHONE, "13912345678", "专注网贷协商"):
        assert secret not in shown, secret


def test_exact_key_and_name_lookups_are_no_oracle(two_parties: dict[str, Any]) -> None:
    store: GraphStore = two_parties["store"]
    c = analyst(C, "analyst_c")
    assert find_entities(store, c, keys=[f"phone:{A_COMPLAINANT_PHONE}"]) == []
    assert find_entities(store, c, keys=["phone:+8613999999999"]) == []  # and the same for none
    assert find_entities(store, c, name=A_NAME) == []
    assert find_entities(store, c, name="上海盛世") == []  # A's name of the firm
    # A itself finds its own.
    a = analyst(A, "analyst_a")
    assert [e["key"] for e in find_entities(store, a, keys=[f"phone:{A_COMPLAINANT_PHONE}"])] == [
        f"phone:{A_COMPLAINANT_PHONE}"
    ]


def test_guessing_the_hidden_digits_of_a_number_is_refused(
    two_parties: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    store: GraphStore = two_parties["store"]
    monkeypatch.setenv("LEADGRAPH_SEARCHES_PER_MINUTE", "20")
    c = analyst(C, "analyst_c")
    answers = []
    with pytest.raises(UserError, match="searches in a minute"):
        for middle in range(10_000):
            answers += find_entities(store, c, keys=[f"phone:+86139{middle:04d}5678"])
    assert answers == []
    refused = audit.entries(store, actor="analyst_c", action="search_refused")
    assert len(refused) == 1


def test_a_person_probe_gives_no_signal(store: GraphStore, tmp_path: Path) -> None:
    header = "投诉编号,投诉日期,被投诉机构,投诉人姓名,身份证号,本人手机号,投诉内容\n"
    a_row = f"XH0002,2025-06-27,{A},{A_NAME},11010519491231002X,13912345678,{A_TEXT}\n"
    submit_file(store, "complaints", write(tmp_path / "a.csv", header + a_row), org=A)
    probe = "CC0001,2025-07-01,某银行,某某,11010519491231002X,13500135000,咨询\n"
    fresh = "CC0002,2025-07-01,某银行,某某,110101199003074514,13500135001,咨询\n"
    known = submit_file(store, "complaints", write(tmp_path / "c1.csv", header + probe), org=C)
    unknown = submit_file(store, "complaints", write(tmp_path / "c2.csv", header + fresh), org=C)
    for part in ("entities", "links", "rows_loaded", "rows_quarantined"):
        assert known[part] == unknown[part], part
    assert "created" not in everything_shown(known) and "matched" not in everything_shown(known)
    c = analyst(C, "analyst_c")
    person = find_entities(store, c, name="某某")
    shown = everything_shown(person)
    assert A_NAME not in shown
    around = views.trace_neighbourhood(store, c, "complaint:" + C + ":CC0001", hops=2)
    assert A_TEXT not in everything_shown(around) and "XH0002" not in everything_shown(around)


def test_no_page_the_hostile_analyst_opens_holds_another_orgs_value(
    two_parties: dict[str, Any],
) -> None:
    """The search page and its chart, as analyst_c opens them: the rendered elements (texts,
    tables, options, widget keys, the chart's HTML and tooltips) hold none of A's values."""
    store: GraphStore = two_parties["store"]
    users.add_user(store, "analyst_c", role="analyst", org=C, password_hash="x")
    secrets = (
        A_TEXT,
        A_NAME,
        A_COMPLAINANT_PHONE,
        "13912345678",
        "上海盛世",
        "专注网贷协商",
        "代理维权",
    )
    for typed in ("XH0001", "13700137000", "13912345678", A_NAME, "上海盛世", USCC,
                  "wechat:fuwu_meishi14"):  # fmt: skip
        at = search_as(analyst(C, "analyst_c"), typed)
        page = rendered(at)
        for secret in secrets:
            assert secret not in page, (typed, secret)
