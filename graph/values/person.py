"""Person keys: a keyed hash, never the raw ID number.

``pid`` is HMAC-SHA256 under the installation's hashing key (``graph.core.settings.load().hashing_key()``,
passed in by the caller: these functions are pure and read no settings), hex, first 32 characters
(128 bits). The message names its basis, so keys of different bases can never collide:

=================  =======================================  ===================================
basis              message                                  used for
=================  =======================================  ===================================
``id``             ``id:<ID number, X upper-case>``           anyone with a valid ID number
``name_phone``     ``name_phone:<name>|<E.164>``              a complainant with name + own phone
``name_firm``      ``name_firm:<name>|<firm key>``            a firm's legal representative
``name``           ``name:<name>|<scope>``                    a named agent with nothing else
=================  =======================================  ===================================

Names are folded before hashing (NFKC, inner spaces removed, Latin case-folded, the middle dots
of transliterated names written ``·``) so ``张 三`` and ``张三`` are one person; the displayed
``name`` property keeps the spelling the row gave. The same person reached through different
bases (an ID in one file, name + phone in another) stays two nodes: nothing here can prove they
are one.
"""

from __future__ import annotations

import hmac
import re
import unicodedata

from graph.values.idcard import normalize_id

BASES = ("id", "name_phone", "name_firm", "name")
PID_HEX_CHARS = 32
_DOTS = re.compile(r"[•・‧∙⋅･.]")


def fold_person_name(name: str) -> str:
    """The form of a person's name that goes into a hash."""
    text = unicodedata.normalize("NFKC", name)
    text = _DOTS.sub("·", text)
    return "".join(text.split()).casefold()


def make_pid(hashing_key: bytes, basis: str, *parts: str) -> str:
    """The pid for ``basis`` and its already-normalised ``parts``."""
    if basis not in BASES:
        raise ValueError(f"unknown pid basis {basis!r}")
    message = f"{basis}:{'|'.join(parts)}".encode()
    return hmac.digest(hashing_key, message, "sha256").hex()[:PID_HEX_CHARS]


def pid_from_id(hashing_key: bytes, id_number: str) -> str:
    return make_pid(hashing_key, "id", normalize_id(id_number))


def pid_from_name_phone(hashing_key: bytes, name: str, e164: str) -> str:
    return make_pid(hashing_key, "name_phone", fold_person_name(name), e164)


def pid_from_name_firm(hashing_key: bytes, name: str, firm_key: str) -> str:
    return make_pid(hashing_key, "name_firm", fold_person_name(name), firm_key)


def pid_from_name(hashing_key: bytes, name: str, scope: str) -> str:
    return make_pid(hashing_key, "name", fold_person_name(name), scope)
