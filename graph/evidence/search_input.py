"""What a user typed in the search box → the entity keys, complaint id or name to look for.

A phone in any form people type (``0086-138-0013-8000``, full-width digits …), a USCC, an
account (``douyin:@handle`` or ``抖音：handle``), an entity key, a complaint id or part of a
firm's or account's name.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from graph.core.model import load_model
from graph.values.accounts import split_account
from graph.values.phone import parse_phone
from graph.values.uscc import is_valid_uscc, normalize_uscc

# The key prefixes a user may type: entities and leads (not users, orgs or audit entries).
SEARCHABLE = {"phone", "firm", "account", "person", "complaint", "lead"}
KEY_PREFIXES = tuple(
    prefix for prefix in load_model().key_prefixes if prefix.rstrip(":") in SEARCHABLE
)


@dataclass
class Query:
    keys: list[str] = field(default_factory=list)
    complaint_id: str | None = None
    name: str | None = None


def interpret(text: str) -> Query:
    text = text.strip()
    query = Query()
    if not text:
        return query
    if text.startswith(KEY_PREFIXES):
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
    if not query.keys:
        query.complaint_id = text
        query.name = text
    return query
