"""What each shared set holds: canonical LeadGraph keys, within the asking user's rights.

Items are entity keys (``phone:+8613800138000``, ``firm:<USCC>``, ``account:douyin:lawhelp_01``,
``wechat:<id>`` …), so two installations that normalise with the same code match the same
strings. An analyst's sets hold the entities their org's submissions name; an admin's, every
entity; an officer matches only a watchlist file, since a police unit holds no enterprise data.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from graph.alliance.files import check_size
from graph.core.errors import UserError
from graph.core.limits import FILE_LIMITS
from graph.db.store import GraphStore
from graph.evidence.rights import ORG_SUBMISSIONS
from graph.values.phone import valid_phone
from graph.values.uscc import is_valid_uscc, normalize_uscc
from graph.workflow.auth import Forbidden, Principal

SET_NAMES = ("phones", "accounts", "firms", "contacts", "watchlist")

OWN = "$subs IS NULL OR any(s IN coalesce(n.submissions, []) WHERE s IN $subs)"
QUERIES = {
    "phones": f"MATCH (n:Phone) WHERE {OWN} RETURN n.key AS key",
    "accounts": f"MATCH (n:Account) WHERE {OWN} RETURN n.key AS key",
    "firms": f"MATCH (n:Firm) WHERE {OWN} RETURN n.key AS key",
    "contacts": "MATCH (n:Entity) WHERE (n:WeChat OR n:QQ OR n:Telegram OR n:Domain OR n:Email) "
    f"AND ({OWN}) RETURN n.key AS key",
}
# key prefixes a watchlist line may name, lower-cased after the prefix (as the model keys them)
LOWERED_PREFIXES = ("account", "wechat", "telegram", "domain", "email", "qq")


def collect(
    store: GraphStore, user: Principal, set_name: str, watchlist: Path | None = None
) -> list[str]:
    """The sorted distinct keys of ``set_name`` that ``user`` may share."""
    if set_name not in SET_NAMES:
        raise UserError(f"unknown set {set_name!r}: one of {', '.join(SET_NAMES)}")
    if set_name == "watchlist":
        if watchlist is None:
            raise UserError("the watchlist set needs a watchlist file (--watchlist FILE)")
        return read_watchlist(watchlist)
    if user.is_officer:
        raise Forbidden("a police unit matches a watchlist file, not the graph's sets")
    subs: list[str] | None = None
    if not user.is_admin:
        if not user.org:
            raise Forbidden("an analyst without an org has no set to share")
        row = store.read_one(ORG_SUBMISSIONS, org=user.org)
        subs = list(row["ids"]) if row else []
    return sorted({row["key"] for row in store.stream(QUERIES[set_name], subs=subs)})


def read_watchlist(path: Path) -> list[str]:
    """The keys of a watchlist file (CSV or text): every cell that is a phone number, a USCC or
    an entity key, normalised as LeadGraph normalises them; other cells (headers, notes) are
    skipped."""
    check_size(path, FILE_LIMITS.alliance_max_watchlist_bytes)
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    keys = {key for row in csv.reader(io.StringIO(text)) for key in map(watchlist_key, row) if key}
    return sorted(keys)


def watchlist_key(cell: str) -> str | None:
    """The entity key a watchlist cell names, or None.

    >>> watchlist_key("138 0013 8000"), watchlist_key("phone:+86 13800138000")
    ('phone:+8613800138000', 'phone:+8613800138000')
    >>> watchlist_key("WeChat:ZX_Help88"), watchlist_key("number")
    ('wechat:zx_help88', None)
    """
    text = cell.strip()
    if not text:
        return None
    prefix, _, rest = text.partition(":")
    prefix = prefix.strip().lower()
    if rest and prefix == "phone":
        return _phone_key(rest)
    if rest and prefix == "firm":
        return _firm_key(rest)
    if rest and prefix in LOWERED_PREFIXES:
        return f"{prefix}:{rest.strip().lower()}"
    return _phone_key(text) or _firm_key(text)


def _phone_key(text: str) -> str | None:
    found = valid_phone(text)
    return f"phone:{found[0]}" if found else None


def _firm_key(text: str) -> str | None:
    uscc = normalize_uscc(text)
    return f"firm:{uscc}" if is_valid_uscc(uscc) else None
