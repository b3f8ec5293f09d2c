"""Detection ties through shared contact handles, on clue files submitted through ingest (the
contacts are read out of the texts there, as for any file).

* One ring: two agent accounts whose bios give the same WeChat id written two ways
  (``加V：Fawu_Lv88``, ``vx fawu_lv88``), each named as agent by six borrowers' templated
  complaints and advertising no phone. Nothing else ties them: with the handle they are one lead,
  the handle is a member, and the explanation says why, with the rows that gave it.
* Two rings (two contact phones, two templates) whose complaints both cite a lender's official
  site, which twenty ordinary complaints cite too, and each give once a stranger's WeChat id: the
  site is a hub and the stranger's id a single complaint's word, so the rings stay two leads and
  neither handle is in one.
"""

from __future__ import annotations

from pathlib import Path

from support import (
    ACCOUNTS,
    LENDERS,
    TEMPLATE_A,
    TEMPLATE_B,
    WECHAT,
    complaint_rows,
    one_contact_ring,
    submit_complaints,
)

from graph.db.store import GraphStore
from graph.evidence.leads import detect, lead_bundle

SITE = "domain:xinghecf.com"
STRAY = "wechat:stray_helper9"


def test_two_accounts_giving_one_wechat_id_are_one_lead_and_it_says_why(
    store: GraphStore, tmp_path: Path
) -> None:
    found = one_contact_ring(store, tmp_path)
    with_accounts = [lead for lead in found["leads"] if set(ACCOUNTS) & set(lead["entities"])]
    assert len(with_accounts) == 1, [lead["entities"] for lead in found["leads"]]
    lead = with_accounts[0]
    assert set(ACCOUNTS) <= set(lead["entities"]) and WECHAT in lead["entities"]
    assert lead["summary"]["contacts"] == [WECHAT]
    assert lead["ties"].get("CONTACT_IN_BIO") == 2
    said = [line for line in lead["explanation"] if WECHAT in line]
    assert len(said) == 1
    assert "account:douyin:fawu_helper1" not in said[0] or "简介" in said[0]
    assert "微信号 wechat:fawu_lv88" in said[0] and "来源 sub-" in said[0]
    bundle = lead_bundle(store, lead["id"])
    item = next(i for i in bundle["lead"]["explanation"] if i["feature"] == "contact_tie")
    assert [(m["key"], m["where"]) for m in item["members"]] == [
        ("account:douyin:fawu_helper1", "bio"),
        ("account:weibo:shangan_2", "bio"),
    ]
    assert all(m["sources"] and m["sources"][0].startswith("sub-") for m in item["members"])
    roles = store.read(
        "MATCH (:Lead {id: $id})-[r:INVOLVES]->(x:WeChat) RETURN x.key AS key, r.role AS role",
        id=lead["id"],
    )
    assert roles == [{"key": WECHAT, "role": "contact"}]
    # the links the lead's page and package list: each bio's mention, with where and how
    mentions = sorted(
        (link["start"], link["props"]["field"], link["props"]["surface"])
        for link in bundle["links"]
        if link["type"] == "MENTIONS_CONTACT"
    )
    assert mentions == [
        ("account:douyin:fawu_helper1", "bio", "Fawu_Lv88"),
        ("account:weibo:shangan_2", "bio", "fawu_lv88"),
    ]


def test_a_site_many_complaints_cite_and_a_strangers_id_do_not_merge_rings(
    store: GraphStore, tmp_path: Path
) -> None:
    site = "我已在官网 www.xinghecf.com 提交过工单。"
    stray = "之前有人让我加V：stray_helper9 办理延期，"
    rows = complaint_rows(
        "RA", TEMPLATE_A, contact="13700137001", extra={0: site, 1: site, 2: stray}
    )
    rows += complaint_rows("RB", TEMPLATE_B, contact="13700137002", first_phone=50,
                           extra={0: site, 1: site, 2: stray})  # fmt: skip
    own_words = ["客服电话一直打不通，", "利息太高了，", "重复扣款没有退回，", "征信有错误，"]
    rows += [
        f"OR{n:04d},2025-07-{n % 28 + 1:02d},{LENDERS[0]},借款人{n},138{n:08d},,,"
        f"{own_words[n % 4]}{site}希望尽快处理。"
        for n in range(20)
    ]
    submit_complaints(store, tmp_path, rows)
    found = detect(store)
    phones = ["phone:+8613700137001", "phone:+8613700137002"]
    holding = [[p for p in phones if p in lead["entities"]] for lead in found["leads"]]
    assert sorted(h for h in holding if h) == [[phones[0]], [phones[1]]]
    members = {key for lead in found["leads"] for key in lead["entities"]}
    assert SITE not in members and STRAY not in members
    assert found["contact_hubs"] == {SITE: "public"}
