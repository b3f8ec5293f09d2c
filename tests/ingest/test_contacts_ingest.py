"""Contacts in free text, written by ingest into the real Neo4j: the entities, the
MENTIONS_CONTACT links with where each was read, their sources, the extractor's version on the
Submission, a re-run that changes nothing, and a withdrawal that takes back only what it said."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph.db.snapshot import snapshot
from graph.db.store import GraphStore
from graph.text import contacts
from graph.workflow.auth import Principal
from graph.workflow.withdraw import withdraw_submission
from ingest.kinds import KINDS
from ingest.submit import submit_file

HEADER = "投诉编号,投诉日期,投诉人姓名,手机号,联系电话,投诉内容,备注\n"
# Row 2: a WeChat id, a QQ number, a Telegram handle, a link, an e-mail and a phone written in
# disguise, plus the contact column's own number written in the text (not linked twice).
TEXT_A = (
    "他们让我加微：Zx_Agent88 办理，又说扣扣 12345678 也行，"
    "或者飞机 @debt_helper，网站 https://www.jr773.com/apply ，邮箱 help@jr773.com，"
    "电话 l39一0013一9000，客服 13700000001"
)
TEXT_B = "VX: zx_agent88 协商退费"  # row 3: the same WeChat id, written differently
ACCOUNT = {
    "platform": "douyin",
    "handle": "@tingxi01",
    "nickname": "上岸老师",
    "bio": "专业协商 电话13800138000 加V：zx_agent88 官网 jr773。com",
    "followers": 12,
}


def complaints_file(path: Path, *, note: str = "") -> Path:
    path.write_text(
        HEADER
        + f'C1,2025-09-01,张三,13900000001,13700000001,"{TEXT_A}",{note}\n'
        + f'C2,2025-09-02,李四,13900000002,,"{TEXT_B}",\n',
        encoding="utf-8",
    )
    return path


def accounts_file(path: Path) -> Path:
    path.write_text(json.dumps(ACCOUNT, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def mentions(store: GraphStore) -> dict[tuple[str, str], dict[str, Any]]:
    rows = store.read(
        "MATCH (a:Entity)-[r:MENTIONS_CONTACT]->(b:Entity) "
        "RETURN a.key AS start, b.key AS end, properties(r) AS props"
    )
    return {(row["start"], row["end"]): row["props"] for row in rows}


def labels(store: GraphStore, keys: list[str]) -> dict[str, str]:
    rows = store.read(
        "UNWIND $keys AS key MATCH (n:Entity {key: key}) "
        "RETURN n.key AS key, [l IN labels(n) WHERE l <> 'Entity'][0] AS label",
        keys=keys,
    )
    return {row["key"]: row["label"] for row in rows}


def test_the_fields_read_for_contacts_are_declared_once() -> None:
    assert KINDS["complaints"].text_fields == ("text", "note")
    assert KINDS["accounts"].text_fields == ("bio", "nickname", "note")
    for kind in KINDS.values():
        assert set(kind.text_fields) <= set(kind.field_names)
        assert not kind.text_fields or kind.subject in ("Complaint", "Account")


def test_complaint_texts_give_contacts_with_where_they_were_read(
    store: GraphStore, tmp_path: Path
) -> None:
    summary = submit_file(store, "complaints", complaints_file(tmp_path / "c.csv"), org="lender-a")
    sub = summary["submission"]
    c1, c2 = "complaint:lender-a:C1", "complaint:lender-a:C2"
    found = mentions(store)
    wanted = {
        "wechat:zx_agent88": "Zx_Agent88",
        "qq:12345678": "12345678",
        "telegram:debt_helper": "@debt_helper",
        "domain:jr773.com": "https://www.jr773.com/apply",
        "email:help@jr773.com": "help@jr773.com",
        "phone:+8613900139000": "l39一0013一9000",
    }
    assert {end for start, end in found if start == c1} == set(wanted)
    for end, surface in wanted.items():
        props = found[(c1, end)]
        assert props["field"] == "text" and props["surface"] == surface
        assert TEXT_A[props["start"] : props["end"]] == surface
        assert props["kind"] == "inference" and props["sources"] == [f"{sub}#2"]
    # the contact column's number, also written in the text, stays one CONTACT link
    assert (c1, "phone:+8613700000001") not in found
    assert store.read(
        "MATCH (:Complaint {key: $c})-[r:CONTACT]->(:Phone {key: 'phone:+8613700000001'}) "
        "RETURN count(r) AS n",
        c=c1,
    ) == [{"n": 1}]
    # the same WeChat id in another complaint, written differently: one entity, two mentions
    assert found[(c2, "wechat:zx_agent88")]["surface"] == "zx_agent88"
    assert found[(c2, "wechat:zx_agent88")]["sources"] == [f"{sub}#3"]
    assert labels(store, list(wanted)) == {
        "wechat:zx_agent88": "WeChat",
        "qq:12345678": "QQ",
        "telegram:debt_helper": "Telegram",
        "domain:jr773.com": "Domain",
        "email:help@jr773.com": "Email",
        "phone:+8613900139000": "Phone",
    }
    node = store.read_one("MATCH (n:WeChat {key: 'wechat:zx_agent88'}) RETURN properties(n) AS p")
    assert node is not None
    assert node["p"]["wechat_id"] == "zx_agent88" and node["p"]["submissions"] == [sub]
    hosts = store.read("MATCH (n:Domain) RETURN n.host AS host")
    assert hosts == [{"host": "jr773.com"}]
    assert summary["links"]["MENTIONS_CONTACT"] == 7
    assert summary["contacts_version"] == contacts.version()
    row = store.read_one("MATCH (s:Submission {id: $id}) RETURN s.contacts_version AS v", id=sub)
    assert row == {"v": contacts.version()}


def test_a_note_is_read_too_and_its_mention_says_so(store: GraphStore, tmp_path: Path) -> None:
    path = complaints_file(tmp_path / "c.csv", note="对方QQ 87654321")
    submit_file(store, "complaints", path, org="lender-a")
    props = mentions(store)[("complaint:lender-a:C1", "qq:87654321")]
    assert (props["field"], props["surface"]) == ("note", "87654321")


def test_account_bios_keep_phones_as_adverts_and_link_handles(
    store: GraphStore, tmp_path: Path
) -> None:
    summary = submit_file(store, "accounts", accounts_file(tmp_path / "a.jsonl"), org="police-x")
    account = "account:douyin:tingxi01"
    adverts = store.read(
        "MATCH (:Account {key: $a})-[r:ADVERTISES]->(p:Phone) RETURN p.key AS key, "
        "r.found_in AS found_in",
        a=account,
    )
    assert adverts == [{"key": "phone:+8613800138000", "found_in": "bio"}]
    found = mentions(store)
    assert set(found) == {(account, "wechat:zx_agent88"), (account, "domain:jr773.com")}
    bio = ACCOUNT["bio"]
    for props in found.values():
        assert props["field"] == "bio"
        assert bio[props["start"] : props["end"]] == props["surface"]
        assert props["sources"] == [f"{summary['submission']}#1"]
    assert found[(account, "domain:jr773.com")]["surface"] == "jr773。com"


def test_a_rerun_changes_nothing_and_a_withdrawal_takes_back_only_its_own(
    store: GraphStore, tmp_path: Path
) -> None:
    complaints = complaints_file(tmp_path / "c.csv")
    first = submit_file(store, "complaints", complaints, org="lender-a")
    other = submit_file(store, "accounts", accounts_file(tmp_path / "a.jsonl"), org="police-x")
    before = snapshot(store)
    again = submit_file(store, "complaints", complaints, org="lender-a")
    assert again["submission"] == first["submission"]
    assert snapshot(store) == before

    admin = Principal("root", "admin", None, None)
    withdraw_submission(store, admin, first["submission"], reason="wrong month")
    left = mentions(store)
    # the account's mentions stay with their own source; the complaints' went with them
    assert set(left) == {
        ("account:douyin:tingxi01", "wechat:zx_agent88"),
        ("account:douyin:tingxi01", "domain:jr773.com"),
    }
    assert all(props["sources"] == [f"{other['submission']}#1"] for props in left.values())
    # contacts nobody else mentions went; those the account names stayed, no longer naming
    # the withdrawn submission
    remaining = store.read(
        "MATCH (n) WHERE n:WeChat OR n:QQ OR n:Telegram OR n:Domain OR n:Email "
        "RETURN n.key AS key, n.submissions AS subs ORDER BY key"
    )
    assert remaining == [
        {"key": "domain:jr773.com", "subs": [other["submission"]]},
        {"key": "wechat:zx_agent88", "subs": [other["submission"]]},
    ]
    assert not store.read("MATCH (p:Phone {key: 'phone:+8613900139000'}) RETURN p")
