"""Identifiers that are unique by construction: phones, ID numbers, USCCs, handles.

Every allocator maps a running index ``0, 1, 2, ...`` through a seeded bijection, so two entities
never share a number unless the world says so (a family phone, a ring's shared phone), and the
generator needs no set of numbers already used: a million borrowers cost no memory here.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from graph.values.idcard import id_check_digit
from graph.values.uscc import CHARSET, org_code_check_char, uscc_check_char

# Mobile prefixes that phonenumbers accepts for every 8-digit suffix (tests check a sample).
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "184",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
]
# Fixed lines: an area code and an 8-digit local number starting with 6, which phonenumbers
# accepts for every area code in names.CITIES (tests check a sample).
LOCAL_SPACE = 10**7


class Permutation:
    """A seeded bijection of ``range(size)``: a 4-round Feistel network with cycle walking.

    Sequential inputs come out scattered, unlike an affine map whose outputs differ by a
    constant. Deterministic for a given ``rng`` state.
    """

    def __init__(self, size: int, rng: random.Random) -> None:
        self.size = size
        bits = max(2, (size - 1).bit_length())
        bits += bits % 2
        self.half = bits // 2
        self.mask = (1 << self.half) - 1
        self.keys = [rng.getrandbits(32) | 1 for _ in range(4)]

    def _round(self, value: int, key: int) -> int:
        value = (value * 0x9E3779B1 + key) & 0xFFFFFFFF
        value ^= value >> 15
        value = (value * 0x85EBCA77) & 0xFFFFFFFF
        return (value ^ (value >> 13)) & self.mask

    def _encrypt(self, value: int) -> int:
        left, right = value >> self.half, value & self.mask
        for key in self.keys:
            left, right = right, left ^ self._round(right, key)
        return (left << self.half) | right

    def _decrypt(self, value: int) -> int:
        left, right = value >> self.half, value & self.mask
        for key in reversed(self.keys):
            left, right = right ^ self._round(left, key), left
        return (left << self.half) | right

    def inverse(self, value: int) -> int:
        """The index that maps to ``value``."""
        if not 0 <= value < self.size:
            raise IndexError(f"value {value} outside 0..{self.size - 1}")
        index = self._decrypt(value)
        while index >= self.size:
            index = self._decrypt(index)
        return index

    def __call__(self, index: int) -> int:
        if not 0 <= index < self.size:
            raise IndexError(f"index {index} outside 0..{self.size - 1}")
        value = self._encrypt(index)
        while value >= self.size:
            value = self._encrypt(value)
        return value


class PhoneAllocator:
    """Hands out distinct mobile and fixed-line numbers (national form, no prefix)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._mobile = Permutation(len(MOBILE_PREFIXES) * 10**8, rng)
        self._fixed: dict[str, Permutation] = {}  # one per area code, made on first use
        self._fixed_counts: dict[str, int] = {}
        self.mobiles = 0

    def mobile(self) -> str:
        """A new mobile number, e.g. ``13800138000``."""
        value = self._mobile(self.mobiles)
        self.mobiles += 1
        return MOBILE_PREFIXES[value // 10**8] + f"{value % 10**8:08d}"

    def mobile_index(self, national: str) -> int:
        """The allocation index of a mobile number this allocator handed out."""
        prefix = MOBILE_PREFIXES.index(national[:3])
        return self._mobile.inverse(prefix * 10**8 + int(national[3:]))

    def fixed_line(self, area: str) -> str:
        """A new fixed-line number in ``area`` (with its 0), e.g. ``02363012345``."""
        if area not in self._fixed:
            self._fixed[area] = Permutation(LOCAL_SPACE, self._rng)
            self._fixed_counts[area] = 0
        value = self._fixed[area](self._fixed_counts[area])
        self._fixed_counts[area] += 1
        return f"{area}6{value:07d}"


def e164(national: str) -> str:
    """The E.164 form of a national number (mobile, fixed line with 0, or a service number)."""
    return "+86" + (national[1:] if national.startswith("0") else national)


# Region codes (province + city + district) used for birthplaces and firm registration.
REGIONS = [
    "110105",
    "110108",
    "120101",
    "130102",
    "140105",
    "150102",
    "210102",
    "220102",
    "230102",
    "310104",
    "310115",
    "320102",
    "320505",
    "330106",
    "330212",
    "340104",
    "350102",
    "350206",
    "360102",
    "370202",
    "370102",
    "410105",
    "420106",
    "430104",
    "440106",
    "440305",
    "441900",
    "450103",
    "460106",
    "500103",
    "500112",
    "510107",
    "510124",
    "520102",
    "530102",
    "610113",
    "620102",
    "640104",
    "650102",
]
BIRTH_FIRST = date(1960, 1, 1)
BIRTH_DAYS = (date(2004, 12, 31) - BIRTH_FIRST).days + 1


class IdAllocator:
    """Hands out distinct, valid 18-digit ID numbers with their sex and birth date."""

    def __init__(self, rng: random.Random) -> None:
        self._perm = Permutation(len(REGIONS) * BIRTH_DAYS * 1000, rng)
        self.count = 0

    def new(self) -> tuple[str, str]:
        """``(id_number, sex)`` with sex ``"M"`` or ``"F"`` as the sequence number says."""
        value = self._perm(self.count)
        self.count += 1
        value, sequence = divmod(value, 1000)
        region, day = divmod(value, BIRTH_DAYS)
        born = BIRTH_FIRST + timedelta(days=day)
        first17 = f"{REGIONS[region]}{born:%Y%m%d}{sequence:03d}"
        return first17 + id_check_digit(first17), "M" if sequence % 2 else "F"


class UsccAllocator:
    """Hands out distinct, valid USCCs: companies (``91``) and law firms (``31``).

    Organisation codes are 8 digits (older firms) or ``MA`` + 6 characters (firms registered
    since 2015, as the codes issued then look).
    """

    def __init__(self, rng: random.Random) -> None:
        self._digits = Permutation(10**8, rng)
        self._letters = Permutation(len(CHARSET) ** 6, rng)
        self.digit_count = 0
        self.letter_count = 0

    def new(self, region: str, year: int, law_firm: bool = False) -> str:
        if year >= 2015:
            value = self._letters(self.letter_count)
            self.letter_count += 1
            chars = []
            for _ in range(6):
                value, rest = divmod(value, len(CHARSET))
                chars.append(CHARSET[rest])
            body = "MA" + "".join(chars)
        else:
            body = f"{self._digits(self.digit_count):08d}"
            self.digit_count += 1
        first17 = ("31" if law_firm else "91") + region + body + org_code_check_char(body)
        return first17 + uscc_check_char(first17)
