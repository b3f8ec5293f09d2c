"""Search by any form of a key (issue 17): an ID number, a person's name, a firm's name (also
misspelt), an account handle and a contact handle, each through the search page's door.

Org A (a lender) submits a complaint whose complainant gives an ID number and whose text
carries a WeChat id, a firm registry row and an agent account. A's analyst finds each entity in
every form; org B's analyst, typing the very same things, finds nothing (a lookup answers only
with what one may see unmasked). The ID number typed is hashed with the installation's key and
goes nowhere raw: not into the audit log, not into Python's logs, not into a server log.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from support import rendered, search_as, write

from app.i18n import translate
from graph.core import settings
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.evidence.search import find_entities, lucene_query, name_match
from graph.evidence.search_input import interpret
from graph.values.person import pid_from_id
from graph.workflow import audit
from graph.workflow.auth import Principal
from ingest.submit import submit_file

A = "星河消费金融股份有限公司"
B = "云杉小额贷款有限公司"
ID_NUMBER = "11010519491231002X"
FIRM = "深圳前海汇智法务咨询有限公司"
TEXT = "有人自称律师，让我加微 Zx_Agent88 办理停息挂账"

# What A's analyst types for each entity, and the entity's label.
FORMS = {
    "id number": (
        ("110105 19491231 002x", ID_NUMBER, "１１０１０５１９４９１２３１００２Ｘ"),
        "Person",
    ),
    "person name": (("欧阳明", "欧阳 明"), "Person"),
    "firm name": (("汇智法务咨询", "深圳前海汇知法务咨询"), "Firm"),
    "account": (
        ("weibo:@ShangAn_2", "@shangan_2", "https://www.weibo.com/shangan_2?from=x"),
        "Account",
    ),
    "contact": (("wechat:zx_agent88", "加微 Zx_Agent88"), "WeChat"),
}


def analyst(org: str, username: str) -> Principal:
    return Principal(username, "analyst", org, "enterprise")


@pytest.fixture
def world(store: GraphStore, tmp_path: Path) -> GraphStore:
    complaints = write(
        tmp_path / "a.csv",
        "投诉编号,投诉日期,投诉人姓名,投诉人身份证号,本人手机号,投诉内容\n"
        f"XH0001,2025-06-27,欧阳明,{ID_NUMBER},13912345678,{TEXT}\n",
    )
    firms = write(tmp_path / "f.csv", f"公司名称,注册地址\n{FIRM},深圳市前海路1号\n")
    accounts = write(
        tmp_path / "acc.jsonl",
        '{"platform": "weibo", "handle": "shangan_2", "nickname": "上岸老师", "bio": "协商"}\n',
    )
    submit_file(store, "complaints", complaints, org=A, user="analyst_a")
    submit_file(store, "firms", firms, org=A, user="analyst_a")
    submit_file(store, "accounts", accounts, org=A, user="analyst_a")
    other = write(
        tmp_path / "b.csv",
        "投诉编号,投诉日期,投诉人姓名,本人手机号\nYS1,2025-06-28,王五,13912345679\n",
    )
    submit_file(store, "complaints", other, org=B, user="analyst_b")
    return store


@pytest.mark.parametrize("form", list(FORMS))
def test_the_owner_finds_each_form_through_the_search_page(world: GraphStore, form: str) -> None:
    typed_forms, label = FORMS[form]
    for typed in typed_forms:
        at = search_as(analyst(A, "analyst_a"), typed)
        assert not at.error, (typed, [e.value for e in at.error])
        table = at.dataframe[0].value
        assert translate(f"entity.{label}", "zh") in set(table.iloc[:, 0]), (typed, table)


def test_an_id_number_is_looked_up_by_its_keyed_hash(world: GraphStore) -> None:
    key = settings.load().hashing_key()
    expected = f"person:{pid_from_id(key, ID_NUMBER)}"
    assert interpret("110105 19491231 002x").keys == [expected]
    found = find_entities(world, analyst(A, "analyst_a"), keys=[expected])
    assert [(e["key"], e["props"].get("masked_id")) for e in found] == [
        (expected, "1101**********002X")
    ]


def test_a_wrong_check_digit_says_so_without_repeating_the_number(world: GraphStore) -> None:
    with pytest.raises(UserError, match="check digit") as raised:
        interpret("110105194912310021")
    assert "1949" not in str(raised.value) and "110105" not in str(raised.value)
    at = search_as(analyst(A, "analyst_a"), "110105 19491231 0021")
    page = rendered(at)
    assert "check digit" in page and "19491231" not in page.replace(" ", "")


def test_a_misspelt_firm_name_is_found_with_its_score(world: GraphStore) -> None:
    found = find_entities(world, analyst(A, "analyst_a"), name="深圳前海汇知法务咨询")
    assert [(e["label"], e["props"]["name"]) for e in found] == [("Firm", FIRM)]
    assert found[0]["match"] == {"score": 0.9, "name": FIRM}
    assert name_match("完全不同的名字", FIRM) < 0.7
    assert lucene_query('A&B "Co" (HK)') == "a and b co hk"
    page = rendered(search_as(analyst(A, "analyst_a"), "深圳前海汇知法务咨询"))
    assert "90%" in page


@pytest.mark.parametrize("form", list(FORMS))
def test_another_orgs_analyst_finds_nothing_in_any_form(world: GraphStore, form: str) -> None:
    b = analyst(B, "analyst_b")
    for typed in FORMS[form][0]:
        query = interpret(typed)
        found = find_entities(
            world,
            b,
            keys=query.keys,
            complaint_id=query.complaint_id,
            name=query.name,
            handle=query.handle,
        )
        assert found == [], (typed, found)
        page = rendered(search_as(b, typed)).lower()
        for secret in ("欧阳", "汇智", "shangan_2", "zx_agent88", "002x"):
            assert secret not in page.replace(" ", ""), (typed, secret)


def test_the_raw_id_number_is_in_no_audit_entry_and_no_log(
    world: GraphStore, caplog: pytest.LogCaptureFixture
) -> None:
    """A hostile reader of the audit log or a log file must not learn which ID was searched."""
    caplog.set_level(logging.DEBUG)
    typed_forms = FORMS["id number"][0]
    for who in (analyst(A, "analyst_a"), analyst(B, "analyst_b")):
        for typed in (*typed_forms, "110105194912310021"):
            search_as(who, typed)
    secrets = {ID_NUMBER, ID_NUMBER.lower(), "11010519491231002", "110105194912310021"}
    searches = audit.entries(world, limit=1000)
    assert any(e.action == "search" for e in searches)
    for entry in searches:
        text = repr(entry.as_dict()).replace(" ", "")
        assert not any(secret in text for secret in secrets), entry
    logged = caplog.text.replace(" ", "")
    assert not any(secret in logged for secret in secrets)
    for log in settings.load().home.rglob("*.log"):
        content = log.read_text(errors="replace").replace(" ", "")
        assert not any(secret in content for secret in secrets), log
