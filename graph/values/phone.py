"""Phone numbers: any form people type → one E.164 key, with type, carrier and region.

Parsing is phonenumbers' (with China as the default region), not regexes of our own: it already
understands ``+86`` / ``0086`` / ``86`` prefixes, spaces, dashes, brackets and full-width digits.
Short service numbers (95xxx bank lines, 96xxx, 12xxx government lines, 100xx carrier lines) are
not valid subscriber numbers for phonenumbers; they are accepted when its short-number metadata
says they are valid short numbers in China, keyed ``+86`` + the short number and typed
``service``.

:func:`parse_phone` is cached by the raw string (refusals too): the same number in the same form is parsed once
per process, which matters when a million complaints share ten thousand agent phones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType, ValidationResult, carrier, shortnumberinfo

DEFAULT_REGION = "CN"
LOCALE = "zh"

# A note in brackets with no digits in it ("138 0013 8000（张经理）") and a label before a colon
# ("手机：138…", "Tel: …") are dropped before parsing; phonenumbers refuses text it can't read.
_NOTE = re.compile(r"[(（\[【][^0-9()（）\[\]【】]*[)）\]】]")
_LABEL = re.compile(r"^[^0-9+(（]*[:：]\s*")
MIN_SERVICE_DIGITS = 5  # 95588, 12315, 10086; 110/120 are emergency numbers, not contacts

_TYPE_NAMES = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}


@dataclass(frozen=True)
class PhoneInfo:
    """A valid phone number: the E.164 key and what the number itself tells."""

    e164: str
    type: str  # mobile, fixed_line, service, toll_free, shared_cost (400), ...
    carrier: str  # e.g. 中国移动; "" when unknown (fixed lines, ported numbers)
    region: str  # e.g. 北京市; "" when unknown

    @property
    def key(self) -> str:
        return f"phone:{self.e164}"

    def props(self) -> dict[str, str]:
        """The Phone node properties (natural key first)."""
        return {
            "e164": self.e164,
            "type": self.type,
            "carrier": self.carrier,
            "region": self.region,
        }


def _digit_count(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


# Fast path for the commonest input, a Chinese mobile written in ASCII digits. What
# phonenumbers says about such a number depends on its first seven digits only: the validity
# patterns of CN mobiles look at no more than six, and the carrier and geocoder tables key CN
# numbers by at most seven national digits (their longest prefixes are nine digits with the 86).
# So the full parse runs once per six-digit block, the carrier and region lookups once per
# seven-digit block, and every other number of the block reuses the answers.
# tests/test_phone.py checks the equivalence on a sample of blocks.
_FAST_MOBILE = re.compile(r"(?:\+86|0086|86)?[ -]?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})")


@lru_cache(maxsize=131_072)
def _mobile_type(prefix6: str) -> str | None:
    """The type of the numbers ``prefix6`` + 5 digits, None when they are not valid."""
    number = phonenumbers.PhoneNumber(country_code=86, national_number=int(prefix6 + "00000"))
    if not phonenumbers.is_valid_number(number):
        return None
    return _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown")


@lru_cache(maxsize=131_072)
def _mobile_block(prefix7: str) -> tuple[str, str, str] | None:
    """(type, carrier, region) of the numbers ``prefix7`` + 4 digits, None when not valid."""
    kind = _mobile_type(prefix7[:6])
    if kind is None:
        return None
    from phonenumbers import geocoder  # half a second to load: only when a region is asked for

    number = phonenumbers.PhoneNumber(country_code=86, national_number=int(prefix7 + "0000"))
    return (
        kind,
        carrier.name_for_valid_number(number, LOCALE),
        geocoder.description_for_valid_number(number, LOCALE),
    )


def parse_phone(raw: str) -> PhoneInfo:
    """Parse ``raw`` into a :class:`PhoneInfo`; raise ``ValueError`` with the reason in words.

    >>> parse_phone("0086-138-0013-8000").e164
    '+8613800138000'
    """
    result = _parse_cached(raw)
    if type(result) is str:
        raise ValueError(result)
    return result  # type: ignore[return-value]


@lru_cache(maxsize=65_536)
def _parse_cached(raw: str) -> PhoneInfo | str:
    """The PhoneInfo or the reason, cached by the raw string (refusals are cached too: the same
    wrong agent number on ten thousand rows is parsed once)."""
    match = _FAST_MOBILE.fullmatch(raw.strip())
    if match:
        national = match[1] + match[2] + match[3]
        block = _mobile_block(national[:7])
        if block is not None:
            return PhoneInfo("+86" + national, *block)
    try:
        return _parse_slow(raw)
    except ValueError as error:
        return str(error)


def _parse_slow(raw: str) -> PhoneInfo:
    text = _LABEL.sub("", _NOTE.sub("", raw)).strip()
    if not text:
        raise ValueError("phone is empty")
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        digits = _digit_count(text)
        if digits == 0:
            raise ValueError("phone has no digits") from None
        if error.error_type == phonenumbers.NumberParseException.TOO_SHORT_NSN:
            raise ValueError(f"phone too short: {digits} digits") from None
        if error.error_type == phonenumbers.NumberParseException.TOO_LONG:
            raise ValueError(f"phone too long: {digits} digits") from None
        raise ValueError(f"not a phone number ({error._msg})") from None
    national = str(number.national_number)
    size = len(national)
    if number.country_code == 86 and shortnumberinfo.is_valid_short_number_for_region(
        number, DEFAULT_REGION
    ):
        if size < MIN_SERVICE_DIGITS:
            raise ValueError(f"phone too short: {size} digits")
        return PhoneInfo(f"+86{national}", "service", "", "")
    if not phonenumbers.is_valid_number(number):
        if number.country_code == 86 and re.match(r"1[3-9]", national) and size != 11:
            # a mobile prefix: the length rule is exact (11 digits), say so plainly
            raise ValueError(f"phone too {'short' if size < 11 else 'long'}: {size} digits")
        reason = phonenumbers.is_possible_number_with_reason(number)
        if reason == ValidationResult.TOO_SHORT:
            raise ValueError(f"phone too short: {size} digits")
        if reason == ValidationResult.TOO_LONG:
            raise ValueError(f"phone too long: {size} digits")
        if reason == ValidationResult.INVALID_COUNTRY_CODE:
            raise ValueError(f"unknown country code +{number.country_code}")
        if number.country_code == 86 and national[0] in "23456789" and size in (7, 8):
            raise ValueError(f"fixed-line number without area code: {size} digits")
        if number.country_code == 86 and size < 9:
            raise ValueError(f"phone too short: {size} digits")
        raise ValueError(
            f"not a valid number for {phonenumbers.region_code_for_number(number) or 'any region'}:"
            f" {size} digits"
        )
    from phonenumbers import geocoder

    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    kind = _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown")
    return PhoneInfo(
        e164,
        kind,
        carrier.name_for_number(number, LOCALE),
        geocoder.description_for_number(number, LOCALE),
    )


@lru_cache(maxsize=65_536)
def valid_phone(raw: str) -> tuple[str, str] | None:
    """(E.164, type) of ``raw`` when it is a valid number, else None: :func:`parse_phone`'s
    verdict without the carrier and region, whose tables take half a second to load — for
    reading numbers out of free text (:mod:`graph.text.contacts`, ``leadgraph scan``).

    >>> valid_phone("138 0013 8000"), valid_phone("95588"), valid_phone("1380013800")
    (('+8613800138000', 'mobile'), ('+8695588', 'service'), None)
    """
    match = _FAST_MOBILE.fullmatch(raw.strip())
    if match:
        national = match[1] + match[2] + match[3]
        kind = _mobile_type(national[:6])
        return None if kind is None else ("+86" + national, kind)
    try:
        number = phonenumbers.parse(_LABEL.sub("", _NOTE.sub("", raw)).strip(), DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    national = str(number.national_number)
    if number.country_code == 86 and shortnumberinfo.is_valid_short_number_for_region(
        number, DEFAULT_REGION
    ):
        return (f"+86{national}", "service") if len(national) >= MIN_SERVICE_DIGITS else None
    if not phonenumbers.is_valid_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown")


def phone_problem(raw: str) -> str | None:
    """The reason ``raw`` is not a usable phone number, or None when it is one."""
    try:
        parse_phone(raw)
    except ValueError as error:
        return str(error)
    return None


def national_phone(e164: str) -> str:
    """A number as people in China write it: ``+8613800138000`` -> ``13800138000``; numbers of
    other countries keep their ``+`` (``+85221234567``). Masked forms pass through the same way
    (``+86138****8000`` -> ``138****8000``)."""
    text = e164.strip()
    return text[3:] if text.startswith("+86") else text
