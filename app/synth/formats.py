"""The many ways one value gets typed: phones, dates, amounts, platforms, handles.

Every variant of a valid value here still means that value (tests parse each one back); the
broken values that make a row bad are made by the ``bad_*`` functions, each with the reason a
validator should give in words.
"""

from __future__ import annotations

import random
from datetime import date, datetime

from app.synth.texts import FULL_WIDTH

# --- phones ---------------------------------------------------------------------------------


def mobile_variant(rng: random.Random, national: str, plain_share: float = 0.75) -> str:
    """A mobile number as some clerk typed it; plain 11 digits most of the time."""
    if rng.random() < plain_share:
        return national
    a, b, c = national[:3], national[3:7], national[7:]
    return rng.choice(
        (
            f"+86 {a} {b} {c}",
            f"+86{national}",
            f"0086-{national}",
            f"0086 {a} {b} {c}",
            f"86 {national}",
            f"86{national}",
            f"{a}-{b}-{c}",
            f"{a} {b} {c}",
            f"(+86){national}",
            f"+86-{a}-{b}-{c}",
            national.translate(FULL_WIDTH),
            f"{a}{b} {c}",
        )
    )


def fixed_variant(rng: random.Random, national: str) -> str:
    """A fixed-line number (area code with its 0) in one of the usual spellings."""
    area, local = national[:-8], national[-8:]
    return rng.choice(
        (
            f"{area}-{local}",
            f"{area}-{local}",
            f"({area}){local}",
            f"{area}{local}",
            f"+86 {area[1:]} {local[:4]} {local[4:]}",
            f"{area} {local[:4]} {local[4:]}",
        )
    )


def phone_variant(rng: random.Random, national: str, plain_share: float = 0.75) -> str:
    if national.startswith("0"):
        return fixed_variant(rng, national)
    return mobile_variant(rng, national, plain_share)


def bad_short_phone(rng: random.Random, national: str) -> tuple[str, str]:
    """A mobile number with one digit lost."""
    drop = rng.randrange(3, 11)
    short = national[:drop] + national[drop + 1 :]
    return short, f"phone too short: {len(short)} digits"


# --- dates ----------------------------------------------------------------------------------

DATE_STYLES = ("iso", "slash", "chinese", "dotted", "compact")


def date_text(day: date, style: str) -> str:
    if style == "iso":
        return day.isoformat()
    if style == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if style == "chinese":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "dotted":
        return f"{day.year}.{day.month:02d}.{day.day:02d}"
    return f"{day:%Y%m%d}"


def mixed_date(rng: random.Random, day: date, main_style: str, other_share: float = 0.1) -> str:
    """``day`` in the file's own style, or now and then in another one."""
    style = rng.choice(DATE_STYLES) if rng.random() < other_share else main_style
    return date_text(day, style)


def datetime_text(rng: random.Random, moment: datetime) -> str:
    if rng.random() < 0.9:
        return f"{moment:%Y-%m-%d %H:%M:%S}"
    return f"{moment.year}/{moment.month}/{moment.day} {moment:%H:%M}"


IMPOSSIBLE_DAYS = ((2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31), (2, 29))


def bad_date(rng: random.Random, year: int, style: str) -> tuple[str, str]:
    """A calendar date that does not exist (2025 is not a leap year), in the file's style."""
    month, day = rng.choice(IMPOSSIBLE_DAYS)
    if style == "slash":
        text = f"{year}/{month}/{day}"
    elif style == "chinese":
        text = f"{year}年{month}月{day}日"
    elif style == "dotted":
        text = f"{year}.{month:02d}.{day:02d}"
    elif style == "compact":
        text = f"{year}{month:02d}{day:02d}"
    else:
        text = f"{year}-{month:02d}-{day:02d}"
    return text, f"impossible date {year:04d}-{month:02d}-{day:02d}"


# --- amounts --------------------------------------------------------------------------------

AMOUNT_STYLES = ("plain", "wan", "grouped_yuan", "decimal")


def amount_text(rng: random.Random, value: int, main_style: str) -> str:
    """``value`` yuan as written in the file's style, sometimes in another one."""
    style = rng.choice(AMOUNT_STYLES) if rng.random() < 0.15 else main_style
    if style == "wan" and value % 100 == 0:
        return f"{value / 10000:g}万"
    if style == "grouped_yuan":
        return f"{value:,}元"
    if style == "decimal":
        return f"{value}.00"
    return str(value)


# --- accounts -------------------------------------------------------------------------------

PLATFORM_NAMES = {
    "douyin": "抖音",
    "weibo": "微博",
    "kuaishou": "快手",
    "xiaohongshu": "小红书",
    "wechat": "微信",
}


def platform_variant(rng: random.Random, platform: str) -> str:
    roll = rng.random()
    if roll < 0.6:
        return platform
    if roll < 0.8:
        return PLATFORM_NAMES[platform]
    if roll < 0.9:
        return platform.capitalize()
    return platform.upper()


def handle_variant(rng: random.Random, handle: str) -> str:
    roll = rng.random()
    if roll < 0.55:
        return handle
    if roll < 0.8:
        return "@" + handle
    if roll < 0.9:
        return handle.capitalize()
    return "@" + handle.upper()
