"""Contacts read out of texts are personal data, as phones are: who sees them raw.

Org A (a lender) submits a complaint whose text carries a WeChat id, a QQ number, a Telegram
handle, a link and an e-mail address. Org B's analyst, who may not see A's raw phones, tries to
read them: through the search box in every form it accepts, through the entity view (the
search page's chart), and through the masked forms a lead page and a partner package show. Each
attack is replayed as B would make it; the search and the view must answer as if the contact
did not exist, and a masked contact must not carry its value in any property, key or link.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support import rendered, search_as, write

from graph import views
from graph.db.store import GraphStore
from graph.evidence.rights import compose_by_key
from graph.evidence.search import entities_by_keys, find_entities
from graph.evidence.search_input import interpret
from graph.export.masking import mask_bundle
from graph.workflow import users
from graph.workflow.auth import Forbidden, Principal
from ingest.submit import submit_file

A = "星河消费金融股份有限公司"
B = "云杉小额贷款有限公司"
A_TEXT = (
    "对方让我加微：Zx_Agent88，或者扣扣 20240607，飞机 @debt_helper，"
    "网站 https://www.jr773.com/apply ，邮箱 help@jr773.com"
)
B_TEXT = "催收人员让我加V：bb_owner99 协商"
A_KEYS = {
    "wechat:zx_agent88": "WeChat",
    "qq:20240607": "QQ",
    "telegram:debt_helper": "Telegram",
    "domain:jr773.com": "Domain",
    "email:help@jr773.com": "Email",
}
# Everything B types to find A's contacts, in every form the search box accepts.
TYPED = {
    "wechat:zx_agent88": ("wechat:ZX_Agent88", "加微 zx_agent88", "VX: Zx_Agent88"),
    "qq:20240607": ("qq:20240607", "扣扣 20240607", "QQ：20240607"),
    "telegram:debt_helper": ("telegram:@Debt_Helper", "t.me/debt_helper", "飞机 @debt_helper"),
    "domain:jr773.com": ("domain:jr773.com", "https://www.jr773.com/apply", "jr773.com"),
    "email:help@jr773.com": ("email:Help@jr773.com", "help@jr773.com"),
}
# What must never reach B raw (lower case: the page is compared lower-cased).
SECRETS = ("zx_agent88", "20240607", "debt_helper", "jr773", "help@")


def analyst(org: str, username: str) -> Principal:
    return Principal(username, "analyst", org, "enterprise")


@pytest.fixture
def two_orgs(store: GraphStore, tmp_path: Path) -> GraphStore:
    header = "投诉编号,投诉日期,投诉人姓名,本人手机号,投诉内容\n"
    a = write(tmp_path / "a.csv", header + f"XH0001,2025-06-27,董福晓,13912345678,{A_TEXT}\n")
    b = write(tmp_path / "b.csv", header + f"YS0001,2025-06-28,王五,13912345679,{B_TEXT}\n")
    submit_file(store, "complaints", a, org=A, user="analyst_a")
    submit_file(store, "complaints", b, org=B, user="analyst_b")
    return store


@pytest.mark.parametrize("key", list(TYPED))
def test_the_owner_finds_its_contact_in_every_form(two_orgs: GraphStore, key: str) -> None:
    a = analyst(A, "analyst_a")
    for typed in TYPED[key]:
        query = interpret(typed)
        found = find_entities(two_orgs, a, keys=query.keys)
        assert [(e["key"], e["label"], e["masked"]) for e in found] == [
            (key, A_KEYS[key], False)
        ], typed
    # what mentions it: the complaint, with where the contact was read
    graph = views.trace_neighbourhood(two_orgs, a, key)
    [link] = graph["links"]
    assert (link["type"], link["start"], link["end"]) == (
        "MENTIONS_CONTACT",
        f"complaint:{A}:XH0001",
        key,
    )
    props = link["props"]
    assert A_TEXT[props["start"] : props["end"]] == props["surface"]


@pytest.mark.parametrize("key", list(TYPED))
def test_another_org_cannot_read_the_contact_by_search_or_view(
    two_orgs: GraphStore, key: str
) -> None:
    b = analyst(B, "analyst_b")
    for typed in TYPED[key]:
        assert find_entities(two_orgs, b, keys=interpret(typed).keys) == [], typed
    with pytest.raises(Forbidden):
        views.trace_neighbourhood(two_orgs, b, key)
    # B's own contact, in the same complaint kind, is B's to see
    own = find_entities(two_orgs, b, keys=interpret("加V：bb_owner99").keys)
    assert [(e["key"], e["masked"]) for e in own] == [("wechat:bb_owner99", False)]


def test_the_search_page_shows_another_org_nothing_of_the_contacts(two_orgs: GraphStore) -> None:
    users.add_user(two_orgs, "analyst_b", role="analyst", org=B, password_hash="x")
    for typed in [t for forms in TYPED.values() for t in forms]:
        at = search_as(analyst(B, "analyst_b"), typed)
        page = rendered(at).lower()
        # what B typed is echoed in its own input box: look past it
        page = page.replace(typed.lower(), "")
        for secret in SECRETS:
            assert secret not in page, (typed, secret)


def test_a_masked_contact_carries_no_value(two_orgs: GraphStore) -> None:
    """What a lead page shows B of A's contacts (an entity B may see only masked): the value
    masked like a phone, an opaque key, and the link's surface masked too."""
    b = analyst(B, "analyst_b")
    rows = entities_by_keys(two_orgs, list(A_KEYS))
    shown = compose_by_key(two_orgs, b, rows, allowed=dict.fromkeys(A_KEYS, False))
    text = json.dumps(list(shown.values()), ensure_ascii=False).lower()
    for secret in SECRETS:
        assert secret not in text, secret
    assert {e["display_key"] for e in shown.values()} == {
        "wechat:zx******88",
        "qq:20****07",
        "telegram:de*******er",
        "domain:j****.com",
        "email:h***@j****.com",
    }
    link = {
        "start": f"complaint:{A}:XH0001",
        "end": "wechat:zx_agent88",
        "props": {"field": "text", "start": 7, "end": 17, "surface": "Zx_Agent88"},
    }
    complaint = {"display_key": "~complaint:1", "masked": True}
    props = views._shown_props(link, {**shown, link["start"]: complaint})
    assert props["surface"] == "zx******88" and props["start"] == 7


def test_a_partner_package_masks_contacts_everywhere() -> None:
    bundle: dict[str, Any] = {
        "lead": {"id": "lead-1", "org": A, "title": "t", "summary": {}, "explanation": []},
        "entities": [
            {
                "key": f"complaint:{A}:XH0001",
                "label": "Complaint",
                "props": {"text": A_TEXT, "values_org": A},
            },
            *({"key": key, "label": label, "props": {"x": 1}} for key, label in A_KEYS.items()),
        ],
        "links": [
            {
                "start": f"complaint:{A}:XH0001",
                "end": key,
                "type": "MENTIONS_CONTACT",
                "props": {"surface": surface},
            }
            for key, surface in (
                ("wechat:zx_agent88", "Zx_Agent88"),
                ("domain:jr773.com", "https://www.jr773.com/apply"),
            )
        ],
        "submissions": [],
    }
    for entity in bundle["entities"][1:]:
        prop = {"WeChat": "wechat_id", "QQ": "qq", "Telegram": "username", "Domain": "host",
                "Email": "address"}[entity["label"]]  # fmt: skip
        entity["props"] = {prop: entity["key"].split(":", 1)[1]}
    masked = mask_bundle(bundle, "partner", b"secret").bundle
    text = json.dumps(masked, ensure_ascii=False).lower()
    for secret in SECRETS:
        assert secret not in text, secret
    assert "zx******88" in text and "j****.com" in text
