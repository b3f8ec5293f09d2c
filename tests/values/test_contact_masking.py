"""Contacts read out of texts masked as phones are: literal input, literal output."""

from __future__ import annotations

import pytest

from graph.values.masking import mask_contact


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        ("wechat", "zx_agent88", "zx******88"),
        ("wechat", "abc123", "a*****"),
        ("qq", "12345678", "12****78"),
        ("qq", "12345", "1****"),
        ("telegram", "debt_helper", "de*******er"),
        ("domain", "jr773.com", "j****.com"),
        ("domain", "pay.jr773.com.cn", "p**.j****.com.cn"),
        ("domain", "wq9.pw", "w**.pw"),
        ("email", "help@jr773.com", "h***@j****.com"),
        ("email", "longname123@qq.com", "lo*******23@q*.com"),
        ("phone", "+8613800138000", "138****8000"),
    ],
)
def test_mask_contact(kind: str, value: str, masked: str) -> None:
    assert mask_contact(kind, value) == masked


def test_at_least_half_of_a_handle_is_hidden() -> None:
    for length in range(1, 21):
        shown = mask_contact("wechat", "x" * length)
        assert len(shown) == length and shown.count("*") * 2 >= length
