"""graph.values.names and graph.values.person: the weaker firm key and person keys."""

from __future__ import annotations

import pytest

from graph.values.names import firm_name_key, looks_like_firm
from graph.values.person import (
    fold_person_name,
    make_pid,
    pid_from_id,
    pid_from_name,
    pid_from_name_firm,
    pid_from_name_phone,
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("ABC LIMITED", "abc ltd"),
        ("ABC Ltd.", "abc ltd"),
        ("abc ltd", "abc ltd"),
        ("ＡＢＣ　ＬＴＤ", "abc ltd"),
        ("ABC Co., Ltd.", "abc co ltd"),
        ("ABC COMPANY LIMITED", "abc co ltd"),
        ("The ABC Inc.", "abc inc"),
        ("ABC Incorporated", "abc inc"),
        ("ABC (H.K.) LIMITED", "abc hk ltd"),
        ("A & B Holdings Ltd", "a and b holdings ltd"),
        ("Société Générale S.A.", "societe generale sa"),
        ("XYZ Limited Liability Company", "xyz llc"),
        ("Limited", "limited"),  # never reduced to the legal form alone
        ("深圳市某某法務諮詢有限公司", "深圳市某某法务咨询有限公司"),
        ("深圳市某某法务咨询有限责任公司", "深圳市某某法务咨询有限公司"),
        ("深圳 某某 咨询 股份有限公司", "深圳某某咨询股份有限公司"),
        ("某某（北京）咨询有限公司", "某某北京咨询有限公司"),
        ("某某咨询公司", "某某咨询公司"),
    ],
)
def test_firm_name_key(name: str, key: str) -> None:
    assert firm_name_key(name) == key


def test_conservative_merges() -> None:
    assert firm_name_key("ABC Ltd") != firm_name_key("ABC Inc")
    assert firm_name_key("某某咨询有限公司") != firm_name_key("某某咨询股份有限公司")
    assert firm_name_key("某某咨询有限公司") != firm_name_key("某某咨询公司")


def test_nothing_to_key_on() -> None:
    with pytest.raises(ValueError, match="nothing to key on"):
        firm_name_key("...")


@pytest.mark.parametrize(
    ("text", "firm"),
    [
        ("某某法务咨询有限公司", True),
        ("某某律师事务所", True),
        ("安心工作室", True),
        ("ABC Ltd.", True),
        ("Société Générale S.A.", True),
        ("张三", False),
        ("王律师", False),
        ("Coco", False),
    ],
)
def test_looks_like_firm(text: str, firm: bool) -> None:
    assert looks_like_firm(text) is firm


KEY = b"test-key"


def test_pid_is_a_keyed_hash_of_the_id() -> None:
    pid = pid_from_id(KEY, "11010519491231002x")
    assert (
        pid
        == pid_from_id(KEY, "11010519491231002X")
        == pid_from_id(KEY, "１１０１０５１９４９１２３１００２Ｘ")
    )
    assert len(pid) == 32 and int(pid, 16) >= 0
    assert "1101" not in pid or pid != "11010519491231002X"
    assert pid != pid_from_id(b"other-key", "11010519491231002X")


def test_pid_bases_never_collide() -> None:
    assert make_pid(KEY, "name", "张三", "x") != make_pid(KEY, "name_firm", "张三", "x")


def test_pid_from_names() -> None:
    assert pid_from_name_phone(KEY, "张 三", "+8613800138000") == pid_from_name_phone(
        KEY, "张三", "+8613800138000"
    )
    assert pid_from_name_phone(KEY, "张三", "+8613800138000") != pid_from_name_phone(
        KEY, "张三", "+8613900139000"
    )
    assert pid_from_name_firm(KEY, "张三", "firm:A") != pid_from_name_firm(KEY, "张三", "firm:B")
    assert pid_from_name(KEY, "张三", "source:a") != pid_from_name(KEY, "张三", "source:b")


def test_fold_person_name() -> None:
    assert fold_person_name(" 阿依古丽•买买提 ") == "阿依古丽·买买提"
    assert fold_person_name("John  SMITH") == "johnsmith"
