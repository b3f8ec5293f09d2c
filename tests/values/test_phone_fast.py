"""The mobile fast path of :mod:`graph.values.phone` against phonenumbers itself, on seeded
random strings: well-formed mainland mobiles with every prefix and separator the fast path
accepts, near misses it must leave to phonenumbers (a digit too many or too few, a second digit
of 0–2, other country codes, odd separators, full-width digits), and junk. For every string the
answer (the PhoneInfo, or the reason of a refusal) is the one a full phonenumbers parse gives."""

from __future__ import annotations

import random

from graph.values import phone

# what the fast path accepts, then what it must leave to phonenumbers
PREFIXES = (["", "+86", "0086", "86"], ["+ 86", "(+86)", "+852", "+1", "00", "0", "＋86", "086"])
SEPARATORS = (["", " ", "-"], ["  ", "--", " - ", ".", "/", "\u3000", "\t"])
JUNK = "0123456789+-— ()（）手机:：abc,;１３８"
SAMPLES = 6_000


def reference(raw: str) -> phone.PhoneInfo | str:
    """What phonenumbers alone says (the path every string took before the fast path)."""
    try:
        return phone._parse_slow(raw)
    except ValueError as error:
        return str(error)


def mobile_like(rng: random.Random) -> str:
    second = rng.choice("3456789" * 3 + "012")
    size = rng.choice([11] * 8 + [10, 12])
    digits = "1" + second + "".join(rng.choice("0123456789") for _ in range(size - 2))
    cuts = sorted(rng.sample(range(1, len(digits)), 2)) if rng.random() < 0.3 else [3, 7]
    groups = [digits[: cuts[0]], digits[cuts[0] : cuts[1]], digits[cuts[1] :]]
    well_formed = rng.random() < 0.6

    def pick(choices: tuple[list[str], list[str]]) -> str:
        return rng.choice(choices[0] if well_formed or rng.random() < 0.7 else choices[1])

    text = groups[0]
    for group in groups[1:]:
        text += pick(SEPARATORS) + group
    text = pick(PREFIXES) + pick(SEPARATORS) + text
    if rng.random() < 0.05:  # full-width digits
        text = text.translate({ord(d): chr(0xFF10 + int(d)) for d in "0123456789"})
    if rng.random() < 0.1:
        text = rng.choice([" ", "\t", "\n"]) + text + rng.choice([" ", ""])
    return text


def junk(rng: random.Random) -> str:
    return "".join(rng.choice(JUNK) for _ in range(rng.randrange(0, 20)))


def samples() -> list[str]:
    rng = random.Random(20)
    edge = ["13800138000", "+8613800138000", "008613800138000", "8613800138000",
            "86 138 0013 8000", "+86-138-0013-8000", "138-0013-8000", "138 0013 8000",
            "12345678901", "10086", "95588", "1380013800", "138001380000", "+85261234567",
            "19912345678", "16612345678", "14512345678", "17012345678", "86138001380001",
            "861380013800", "+86 13800138000 ", "0086  13800138000", ""]  # fmt: skip
    return edge + [mobile_like(rng) if rng.random() < 0.8 else junk(rng) for _ in range(SAMPLES)]


def test_fast_path_is_phonenumbers_on_random_and_edge_strings() -> None:
    fast_taken = 0
    for raw in samples():
        phone._parse_cached.cache_clear()
        answer = phone._parse_cached(raw)
        assert answer == reference(raw), raw
        match = phone._FAST_MOBILE.fullmatch(raw.strip())
        fast_taken += bool(match) and isinstance(answer, phone.PhoneInfo)
    assert fast_taken > SAMPLES // 5  # the property is about the fast path: it was exercised


def test_valid_phone_fast_path_is_phonenumbers() -> None:
    for raw in samples()[:2_000]:
        answer = reference(raw)
        expected = (answer.e164, answer.type) if isinstance(answer, phone.PhoneInfo) else None
        assert phone.valid_phone(raw) == expected, raw
