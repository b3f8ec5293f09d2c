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

Identity forms (issue 17):

* an ID number (18 characters; spaces, full-width digits and a lower-case ``x`` are fine) is
  validated (region, birth date, check digit) and becomes the Person key it would have after
  ingest: the keyed hash of :func:`graph.values.person.pid_from_id` under the installation's
  hashing key. The raw number goes no further than this function: it is not kept in the query,
  so it reaches no audit entry. A wrong number raises :class:`UserError` saying why, without
  the number;
* an account as ``platform:handle``, a bare ``@handle`` (any platform) or the profile URL of a
  known platform (``https://weibo.com/u/123``);
* free text is looked up as part of a name (a person's name also with spaces and case folded)
  and, for firms, fuzzily (:func:`graph.evidence.search.find_entities`).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from graph.core import settings
from graph.core.errors import UserError
from graph.core.model import load_model
from graph.text import contacts
from graph.values.accounts import normalize_handle, split_account
from graph.values.idcard import id_problem, normalize_id
from graph.values.person import pid_from_id
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


# What an ID number looks like once folded: 17 digits and a digit or X. Checked before a USCC
# shape would be: an all-digit USCC is valid as a USCC and is taken as one.
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
# Hosts whose profile URLs end in the account's handle (graph.values.accounts.normalize_handle).
PROFILE_HOSTS = {
    "douyin.com": "douyin",
    "weibo.com": "weibo",
    "weibo.cn": "weibo",
    "kuaishou.com": "kuaishou",
    "xiaohongshu.com": "xiaohongshu",
    "space.bilibili.com": "bilibili",
    "bilibili.com": "bilibili",
    "zhihu.com": "zhihu",
    "toutiao.com": "toutiao",
}


@dataclass
class Query:
    keys: list[str] = field(default_factory=list)
    complaint_id: str | None = None
    name: str | None = None
    # an account handle typed without its platform (``@handle``): every platform's
    handle: str | None = None


def id_number_key(text: str, hashing_key: bytes) -> str | None:
    """The Person key of the ID number ``text``, None when ``text`` does not look like one;
    :class:`UserError` when it looks like one but is not valid (the message never repeats the
    number: digits in the reason are hidden)."""
    folded = normalize_id(text)
    if not _ID_SHAPE.match(folded):
        return None
    problem = id_problem(folded)
    if problem:
        reason = re.sub(r"\d{4,}", "…", problem)
        raise UserError(f"not a valid ID number: {reason}; check the number and type it again")
    return load_model().entity_key("Person", pid_from_id(hashing_key, folded))


def profile_account(text: str) -> tuple[str, str] | None:
    """``(platform, handle)`` of a profile URL on a known platform, else None."""
    if "/" not in text or " " in text.strip():
        return None
    url = text.strip() if "://" in text else "https://" + text.strip()
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    platform = PROFILE_HOSTS.get(host)
    if not platform or not urlsplit(url).path.strip("/"):
        return None
    try:
        return platform, normalize_handle(url)
    except ValueError:
        return None


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


def interpret(text: str, hashing_key: bytes | None = None) -> Query:
    """What ``text`` asks for; ``hashing_key`` hashes an ID number (default: this
    installation's, :meth:`graph.core.settings.Settings.hashing_key`)."""
    text = text.strip()
    query = Query()
    if not text:
        return query
    if _ID_SHAPE.match(normalize_id(text)) and not is_valid_uscc(normalize_uscc(text)):
        key = id_number_key(text, hashing_key or settings.load().hashing_key())
        return Query(keys=[key] if key else [])
    if text.startswith("@") and " " not in text:
        with contextlib.suppress(ValueError):
            query.handle = normalize_handle(text)
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
    account = split_account(text) or profile_account(text)
    if account:
        query.keys.append(load_model().entity_key("Account", *account))
    if not query.keys:  # free text: what it says may be a complaint id or a name too
        query.complaint_id = text
        query.name = text
    for found in contacts.extract(text):
        if found.key not in query.keys:
            query.keys.append(found.key)
    return query
