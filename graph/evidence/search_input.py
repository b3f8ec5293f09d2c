"""What a user typed in the search box → the entity keys, complaint id or name to look for.

A phone in any form people type (``0086-138-0013-8000``, full-width digits …), a USCC, an
account (``douyin:@handle`` or ``抖音：handle``), an entity key, a complaint id or part of a
firm's or account's name.

Contacts: a contact key as the model writes it (``wechat:abc123``, ``qq:12345678``,
``telegram:@name``, ``domain:jr773.com``, ``email:a@b.cn``; case, ``@``, ``www.`` and a URL's
path do not matter), or free text carrying one as an advert writes it (``加微 abc123``,
``VX: abc123``, a URL, ``扣扣 12345678``): :func:`graph.text.contacts.extract` reads the text
and every contact it finds is looked up by its key. ``wechat:…`` and ``qq:…`` are also tried as
accounts on those platforms, as before.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from graph.core.model import load_model
from graph.text import contacts
from graph.values.accounts import split_account
from graph.values.phone import parse_phone
from graph.values.uscc import is_valid_uscc, normalize_uscc

# The key prefixes a user may type: entities and leads (not users, orgs or audit entries).
SEARCHABLE = {"phone", "firm", "account", "person", "complaint", "lead"}
# Contacts found in free text (graph/core/model.yaml): typed as keys, normalised as ingest keys
# them (graph/text/contacts.py).
CONTACT_PREFIXES = ("wechat", "qq", "telegram", "domain", "email")
SEARCHABLE |= set(CONTACT_PREFIXES)
KEY_PREFIXES = tuple(
    prefix for prefix in load_model().key_prefixes if prefix.rstrip(":") in SEARCHABLE
)


@dataclass
class Query:
    keys: list[str] = field(default_factory=list)
    complaint_id: str | None = None
    name: str | None = None


def contact_key(text: str) -> str | None:
    """``wechat:ABC123`` → ``wechat:abc123``, ``domain:https://www.JR773.com/x`` →
    ``domain:jr773.com``, ``telegram:@Name`` → ``telegram:name``: a typed contact key as ingest
    keys the contact; None when ``text`` is no contact key or its value is empty."""
    prefix, _, value = text.partition(":")
    prefix = prefix.strip().lower()
    value = contacts.fold(value).strip().lower()
    if prefix not in CONTACT_PREFIXES or not value:
        return None
    if prefix == "telegram":
        value = value.removeprefix("https://").removeprefix("t.me/").lstrip("@")
    elif prefix == "domain":
        found = [c for c in contacts.extract(value) if c.kind in ("domain", "url")]
        value = found[0].value if found else value.removeprefix("www.")
    elif prefix == "qq":
        value = "".join(value.split())
    return f"{prefix}:{value}" if value else None


def interpret(text: str) -> Query:
    text = text.strip()
    query = Query()
    if not text:
        return query
    typed = contact_key(text)
    if typed:
        query.keys.append(typed)
    elif text.startswith(KEY_PREFIXES):
        query.keys.append(text)
        return query
    with contextlib.suppress(ValueError):
        query.keys.append(parse_phone(text).key)
    code = normalize_uscc(text)
    if len(code) == 18 and is_valid_uscc(code):
        query.keys.append(load_model().entity_key("Firm", code))
    account = split_account(text)
    if account:
        query.keys.append(load_model().entity_key("Account", *account))
    if not query.keys:  # free text: what it says may be a complaint id or a name too
        query.complaint_id = text
        query.name = text
    for found in contacts.extract(text):
        if found.key not in query.keys:
            query.keys.append(found.key)
    return query
