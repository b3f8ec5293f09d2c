"""Agent accounts: platform names, handles, and phones hidden in bios.

Platforms are written one way, lower-case English (``抖音`` / ``DY`` / ``Douyin`` → ``douyin``);
see :data:`PLATFORMS`. An unknown platform is refused rather than guessed: a wrong platform would
split one account into two nodes. :func:`platform_name` gives a platform's display name
(``douyin`` → ``抖音`` / ``Douyin``), from :data:`PLATFORM_NAMES`.

Handles compare case-insensitively without a leading ``@``: ``@LawHelp_01`` → ``lawhelp_01``.
A profile URL on a known host gives its last path part (``https://weibo.com/u/123`` → ``123``).

:func:`extract_phones` finds phone numbers in free text the way agents disguise them for the
platforms' filters: ``V：138 0013 8000``, ``➕V 13800138000``, digits split by spaces, dashes or
dots, full-width or circled digits (``①③⑧``), and Chinese numerals (``一三八零零一三八零零零``,
``幺`` for one). Every candidate must be a valid number for :func:`graph.values.phone.parse_phone`.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from functools import lru_cache

from graph.values.phone import parse_phone

PLATFORMS: dict[str, tuple[str, ...]] = {
    "douyin": ("抖音", "抖音号", "dy", "douyin", "tiktok中国", "抖音短视频"),
    "weibo": ("微博", "新浪微博", "weibo", "wb", "sina weibo"),
    "kuaishou": ("快手", "快手号", "kuaishou", "ks"),
    "xiaohongshu": ("小红书", "小红书号", "xiaohongshu", "xhs", "red", "rednote"),
    "wechat": ("微信", "微信号", "wechat", "weixin", "wx", "vx", "v信", "薇信", "威信"),
    "wechat_channels": ("视频号", "微信视频号", "wechat channels"),
    "qq": ("qq", "qq号", "扣扣"),
    "bilibili": ("哔哩哔哩", "b站", "bilibili"),
    "zhihu": ("知乎", "zhihu"),
    "tieba": ("贴吧", "百度贴吧", "tieba"),
    "xianyu": ("闲鱼", "xianyu"),
    "toutiao": ("头条", "今日头条", "toutiao"),
    "telegram": ("telegram", "tg", "电报"),
    "whatsapp": ("whatsapp",),
}
# platform -> its display names (zh, en): how charts, tables and pages show it. Each is also
# accepted as input (it is added to the aliases above).
PLATFORM_NAMES: dict[str, tuple[str, str]] = {
    "douyin": ("抖音", "Douyin"),
    "weibo": ("微博", "Weibo"),
    "kuaishou": ("快手", "Kuaishou"),
    "xiaohongshu": ("小红书", "Xiaohongshu"),
    "wechat": ("微信", "WeChat"),
    "wechat_channels": ("微信视频号", "WeChat Channels"),
    "qq": ("QQ", "QQ"),
    "bilibili": ("哔哩哔哩", "Bilibili"),
    "zhihu": ("知乎", "Zhihu"),
    "tieba": ("百度贴吧", "Tieba"),
    "xianyu": ("闲鱼", "Xianyu"),
    "toutiao": ("今日头条", "Toutiao"),
    "telegram": ("Telegram", "Telegram"),
    "whatsapp": ("WhatsApp", "WhatsApp"),
}
_PLATFORM_LOOKUP = {
    "".join(alias.casefold().split()): name
    for name, aliases in PLATFORMS.items()
    for alias in (*aliases, *PLATFORM_NAMES[name])
}
_URL = re.compile(r"^(?:https?://)?(?:www\.)?[a-z0-9.-]+\.(?:com|cn|net)(?:/[^?#]*)?", re.I)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


@lru_cache(maxsize=1024)
def normalize_platform(raw: str) -> str:
    """The canonical platform name; raise ``ValueError`` for an unknown platform."""
    text = "".join(_fold(raw).casefold().split())
    if not text:
        raise ValueError("platform is empty")
    if text in _PLATFORM_LOOKUP:
        return _PLATFORM_LOOKUP[text]
    raise ValueError(f"unknown platform {raw.strip()!r}")


def platform_name(platform: str, language: str = "zh") -> str:
    """A platform's display name: ``platform_name("douyin")`` -> ``"抖音"``, ``(…, "en")`` ->
    ``"Douyin"``. A platform outside :data:`PLATFORM_NAMES` is shown as it is written."""
    names = PLATFORM_NAMES.get(platform.strip().lower())
    if names is None:
        return platform
    return names[0] if language == "zh" else names[1]


def normalize_handle(raw: str) -> str:
    """A handle as compared: width-folded, lower-case, without ``@``; raise ``ValueError``."""
    text = _fold(raw)
    if _URL.match(text) and "/" in text:
        text = text.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    text = text.lstrip("@").strip().casefold()
    if not text:
        raise ValueError("handle is empty")
    if any(ch.isspace() for ch in text):
        raise ValueError(f"handle contains spaces: {raw!r}")
    return text


# Text in the form "<platform>:<handle>", "<platform> @handle" or "<platform>号 handle".
_PLATFORM_HANDLE = re.compile(r"^\s*([^\s:：@]{1,12}?)\s*(?:[:：]\s*@?|\s*@|\s+)([^\s@:：]+)\s*$")


def split_account(text: str) -> tuple[str, str] | None:
    """``(platform, handle)`` when ``text`` names an account on a known platform, else None.

    >>> split_account("抖音：@LawHelp01")
    ('douyin', 'lawhelp01')
    """
    match = _PLATFORM_HANDLE.match(_fold(text))
    if not match:
        return None
    try:
        return normalize_platform(match[1]), normalize_handle(match[2])
    except ValueError:
        return None


# --- phones hidden in text -------------------------------------------------------------------

_CN_DIGITS = str.maketrans(
    {
        "零": "0", "〇": "0", "洞": "0",
        "一": "1", "幺": "1", "壹": "1",
        "二": "2", "两": "2", "贰": "2",
        "三": "3", "叁": "3",
        "四": "4", "肆": "4",
        "五": "5", "伍": "5",
        "六": "6", "陆": "6",
        "七": "7", "柒": "7", "拐": "7",
        "八": "8", "捌": "8",
        "九": "9", "玖": "9", "勾": "9",
    }
)  # fmt: skip
_CN_DIGIT_CHARS = "零〇洞一幺壹二两贰三叁四肆五伍六陆七柒拐八捌九玖勾"
# a run of at least 7 Chinese numerals (separators allowed) is a number, never prose
_CN_RUN = re.compile(rf"[{_CN_DIGIT_CHARS}](?:[\s\-.·]*[{_CN_DIGIT_CHARS}]){{6,}}")
# digit groups joined by single separators: "138 0013 8000", "138-0013-8000", "+86 138…"
_DIGIT_RUN = re.compile(r"(?:\+\s*)?\d+(?:[ \t\-.·_/—–~]{1,2}\d+)*")
_GROUP = re.compile(r"\d+")
_MIN_DIGITS, _MAX_DIGITS = 10, 13  # 400 numbers / fixed lines with area code .. 86 + mobile
# In prose a number must look like one people advertise: a mobile (optionally 86-prefixed), a
# fixed line written with its leading 0, or 400/800. Without this, "2025-09-01 10:00" would read
# as a Guangzhou fixed line.
_PLAUSIBLE = re.compile(r"(?:86)?1[3-9]\d{9}|0[1-9]\d{8,10}|[48]00\d{7}")


def _candidates(groups: list[str], international: bool) -> list[str]:
    """Numbers made by joining consecutive digit groups, longest valid one first per start.
    ``international``: the run started with ``+``, so its first number is read as written."""
    found: list[str] = []
    start = 0
    while start < len(groups):
        best, best_end, digits = "", start, ""
        plus = "+" if international and start == 0 else ""
        for end in range(start, len(groups)):
            digits += groups[end]
            if len(digits) > _MAX_DIGITS:
                break
            if len(digits) >= _MIN_DIGITS and (plus or _PLAUSIBLE.fullmatch(digits)):
                with contextlib.suppress(ValueError):
                    best, best_end = parse_phone(plus + digits).e164, end
        if best:
            found.append(best)
            start = best_end + 1
        else:
            start += 1
    return found


@lru_cache(maxsize=16_384)
def extract_phones(text: str) -> tuple[str, ...]:
    """Every valid phone number in ``text`` as E.164, in order of appearance, without repeats.

    >>> extract_phones("专业协商 ➕V：138 0013 8000")
    ('+8613800138000',)
    """
    folded = unicodedata.normalize("NFKC", text)
    folded = _CN_RUN.sub(lambda m: m[0].translate(_CN_DIGITS), folded)
    found: list[str] = []
    for run in _DIGIT_RUN.finditer(folded):
        groups = _GROUP.findall(run[0])
        if sum(len(g) for g in groups) < _MIN_DIGITS:
            continue
        for e164 in _candidates(groups, run[0].startswith("+")):
            if e164 not in found:
                found.append(e164)
    return tuple(found)
