"""What a masked entity may carry, without a server: identity only, the number masked, an
opaque key — nothing of the raw key, number, name or any party's values."""

from __future__ import annotations

import json

import pytest

from graph.evidence.rights import _masked, pseudonym, resolve

ROWS = [
    {
        "key": "phone:+8613668176477",
        "label": "Phone",
        "props": {"key": "phone:+8613668176477", "e164": "+8613668176477", "type": "mobile",
                  "carrier": "中国移动", "list_label": "代理维权", "note": "A 核实",
                  "values_org": "星河", "submissions": ["sub-a"], "sources": ["sub-a#2"]},
    },
    {
        "key": "person:a64361cda529e64b8cda4e2a55d5a2bf",
        "label": "Person",
        "props": {"key": "person:a64361cda529e64b8cda4e2a55d5a2bf",
                  "pid": "a64361cda529e64b8cda4e2a55d5a2bf", "name": "董福晓",
                  "masked_id": "3502**********8189", "pid_basis": "id"},
    },
    {
        "key": "complaint:星河:XH0001",
        "label": "Complaint",
        "props": {"key": "complaint:星河:XH0001", "complaint_id": "XH0001", "source": "星河",
                  "text": "停息挂账 13800138000", "filed_date": "2025-06-27", "amount": 2000.0},
    },
]  # fmt: skip
SECRETS = ["13668176477", "a64361cda529", "董福晓", "3502", "XH0001", "星河", "停息挂账",
           "13800138000", "代理维权", "A 核实", "sub-a", "2025-06-27"]  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row["label"])
def test_a_masked_entity_carries_no_raw_value(row: dict) -> None:  # type: ignore[type-arg]
    shown = _masked(row)
    text = json.dumps(shown, ensure_ascii=False)
    assert shown["masked"] is True
    for secret in SECRETS:
        assert secret not in text, secret
    assert shown["key"].startswith("~" + row["key"].split(":")[0] + ":")
    assert resolve(shown["key"]) == row["key"]  # the server can still expand it


def test_a_pseudonym_is_stable_and_says_only_the_kind() -> None:
    one, two = pseudonym("phone:+8613800138000"), pseudonym("phone:+8613800138001")
    assert one == pseudonym("phone:+8613800138000") and one != two
    assert one.startswith("~phone:") and len(one) == len("~phone:") + 16
