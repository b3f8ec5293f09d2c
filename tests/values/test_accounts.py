"""graph.values.accounts: platforms, handles, phones hidden in bios."""

from __future__ import annotations

import pytest

from graph.values.accounts import (
    extract_phones,
    normalize_handle,
    normalize_platform,
    split_account,
)


@pytest.mark.parametrize(
    ("raw", "platform"),
    [
        ("抖音", "douyin"),
        ("Douyin", "douyin"),
        ("DOUYIN", "douyin"),
        ("dy", "douyin"),
        ("微博", "weibo"),
        ("新浪微博", "weibo"),
        ("快手", "kuaishou"),
        ("小红书", "xiaohongshu"),
        ("XHS", "xiaohongshu"),
        ("微信", "wechat"),
        ("vx", "wechat"),
        ("QQ", "qq"),
        ("ＱＱ", "qq"),
        ("B站", "bilibili"),
    ],
)
def test_platforms(raw: str, platform: str) -> None:
    assert normalize_platform(raw) == platform


def test_unknown_platform_refused() -> None:
    with pytest.raises(ValueError, match="unknown platform 'myspace'"):
        normalize_platform("myspace")


@pytest.mark.parametrize(
    ("raw", "handle"),
    [
        ("@LawHelp_01", "lawhelp_01"),
        ("LawHelp_01", "lawhelp_01"),
        ("＠ＬａｗＨｅｌｐ", "lawhelp"),
        (" @abc ", "abc"),
        ("https://weibo.com/u/123456", "123456"),
    ],
)
def test_handles(raw: str, handle: str) -> None:
    assert normalize_handle(raw) == handle


@pytest.mark.parametrize(
    ("raw", "reason"), [("@", "handle is empty"), ("a b", "handle contains spaces: 'a b'")]
)
def test_bad_handles(raw: str, reason: str) -> None:
    with pytest.raises(ValueError) as error:
        normalize_handle(raw)
    assert str(error.value) == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("抖音：@LawHelp01", ("douyin", "lawhelp01")),
        ("douyin @abc", ("douyin", "abc")),
        ("微信号 xyz_1", ("wechat", "xyz_1")),
        ("小红书:@Anxin_Fawu", ("xiaohongshu", "anxin_fawu")),
        ("张三", None),
        ("某某法务咨询有限公司", None),
        ("@abc", None),
    ],
)
def test_split_account(text: str, expected: tuple[str, str] | None) -> None:
    assert split_account(text) == expected


M = "+8613800138000"


@pytest.mark.parametrize(
    ("bio", "phones"),
    [
        ("V：138 0013 8000", (M,)),
        ("➕V 13800138000 专业处理", (M,)),
        ("➕V：138-0013-8000", (M,)),
        ("电话 138-0013-8000 或 139 0013 9000", (M, "+8613900139000")),
        ("138 0013 8000 139 0013 9000", (M, "+8613900139000")),
        ("１３８００１３８０００", (M,)),
        ("①③⑧⓪⓪①③⑧⓪⓪⓪", (M,)),
        ("一三八零零一三八零零零", (M,)),
        ("幺三八 零零幺三 八零零零", (M,)),
        ("+86 138 0013 8000", (M,)),
        ("86 13800138000", (M,)),
        ("咨询 400-800-1234", ("+864008001234",)),
        ("座机 010-12345678", ("+861012345678",)),
        ("同一个号 13800138000，再写一遍 138 0013 8000", (M,)),
        # no phone: prose numbers, dates, short numbers, WeChat ids
        ("成立于2015年 服务10000+客户", ()),
        ("2025-09-01 10:00 开业", ()),
        ("微信：lawhelp888", ()),
        ("QQ 123456789", ()),
        ("1380013800 少一位", ()),
        ("", ()),
    ],
)
def test_extract_phones(bio: str, phones: tuple[str, ...]) -> None:
    assert extract_phones(bio) == phones
