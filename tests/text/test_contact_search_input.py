"""What a user types to find a contact → the keys looked up (graph/evidence/search_input.py)."""

from __future__ import annotations

import pytest

from graph.evidence.search_input import interpret


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("wechat:ZX_Agent88", "wechat:zx_agent88"),
        ("加微 zx_agent88", "wechat:zx_agent88"),
        ("VX: Zx_Agent88", "wechat:zx_agent88"),
        ("qq:12345678", "qq:12345678"),
        ("扣扣 12345678", "qq:12345678"),
        ("telegram:@Debt_Helper", "telegram:debt_helper"),
        ("t.me/debt_helper", "telegram:debt_helper"),
        ("domain:https://www.JR773.com/x", "domain:jr773.com"),
        ("https://www.jr773.com/apply", "domain:jr773.com"),
        ("jr773.com", "domain:jr773.com"),
        ("email:Help@JR773.com", "email:help@jr773.com"),
        ("help@jr773.com", "email:help@jr773.com"),
    ],
)
def test_a_contact_in_any_form_is_looked_up_by_its_key(typed: str, key: str) -> None:
    assert key in interpret(typed).keys


def test_free_text_with_a_contact_is_still_a_complaint_id_or_name_too() -> None:
    typed = "![x](http://127.0.0.1:9/b.png)"  # a complaint id a hostile file chose
    query = interpret(typed)
    assert query.keys == ["domain:127.0.0.1"]
    assert query.complaint_id == typed and query.name == typed


def test_a_wechat_key_still_finds_the_account_of_that_name() -> None:
    assert interpret("wechat:fuwu_meishi14").keys == [
        "wechat:fuwu_meishi14",
        "account:wechat:fuwu_meishi14",
    ]


def test_an_id_without_a_cue_is_a_name_or_complaint_id() -> None:
    query = interpret("abc_def9")
    assert query.keys == [] and query.name == "abc_def9"
