"""What each audience of a court package may see, applied to a lead bundle before anything is drawn.

=========  ========================================================================================
audience   sees
=========  ========================================================================================
court      everything the bundle holds: full phone numbers, names, complaint texts, analysts'
           user names. ID numbers are never stored raw (only ``masked_id``), so none can leak.
police     the same as court (officers are entitled to the raw values); only the classification
           line of the cover differs.
partner    an enterprise partner: phone numbers masked as ``138****8000`` everywhere (properties,
           keys, labels and inside free text), person names as ``张*``, ``masked_id`` left out,
           ID-, card- and phone-like digit runs inside texts masked, account nicknames and bios
           masked the same way, contact handles (WeChat ids, QQ numbers, Telegram usernames,
           e-mail addresses) as ``ti****v`` in properties, keys, the surfaces of the links that
           found them and inside every text, submitting users' names left out. Firm names,
           USCCs and addresses stay: they are public registry facts; so do domains, a site
           being public.
=========  ========================================================================================

Keys that would show a masked value (``phone:+8613800138000``) are replaced by the masked text
plus a keyed pseudonym (``phone:+86138****8000~3fa81c``): stable for one installation, so two
packages for the same partner agree, yet not reversible by trying the 10,000 possible middles.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graph.core.model import load_model
from graph.values.masking import HANDLE_PROPS, mask_handle, mask_name, mask_phone, mask_text

AUDIENCES = ("court", "police", "partner")

AUDIENCE_RULES: dict[str, list[str]] = {
    "court": [
        "Full phone numbers, names and complaint texts as held in the graph.",
        "ID numbers are never stored raw: only masked_id (first four and last four characters).",
    ],
    "police": [
        "Full phone numbers, names and complaint texts as held in the graph.",
        "ID numbers are never stored raw: only masked_id (first four and last four characters).",
    ],
    "partner": [
        "Phone numbers masked as 138****8000 in properties, keys, chart labels and free text.",
        "Person names masked as 张* (first character kept); masked_id left out.",
        "Contact handles (WeChat ids, QQ numbers, Telegram usernames, e-mail addresses) masked "
        "as ti****v in properties, keys, the surfaces where they were found and inside texts; "
        "domains kept: a site is public.",
        "ID-, bank-card- and phone-like digit runs inside complaint texts, account nicknames and "
        "bios, lead texts and query parameters masked.",
        "Entity keys that contained a masked value replaced by the masked text plus a keyed "
        "pseudonym (~xxxxxx), stable for this installation and not reversible.",
        "Names of submitting users left out; organisations kept.",
        "Values other organisations stated (complaint texts, names, bios, addresses …) left "
        "out, and their statements too: the package carries the owning organisation's own.",
        "Firm names, USCCs and addresses kept: public registry facts.",
    ],
}


@dataclass(frozen=True)
class Redaction:
    """One kind of thing masked or left out, how often, and why."""

    what: str
    count: int
    reason: str


@dataclass
class MaskResult:
    audience: str
    bundle: dict[str, Any]
    redactions: list[Redaction] = field(default_factory=list)
    # original entity key -> key in the package (only keys that changed)
    renamed_keys: dict[str, str] = field(default_factory=dict)


def _pseudonym(secret: bytes, key: str) -> str:
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()[:6]


def _mask_deep(
    value: Any,
    names: tuple[str, ...],
    counter: Counter[str],
    what: str,
    renamed: dict[str, str] | None = None,
    handles: tuple[str, ...] = (),
) -> Any:
    """Mask every string inside ``value``; entity keys that were renamed get their new name."""
    if isinstance(value, str):
        for old, new in (renamed or {}).items():
            value = value.replace(old, new)
        masked, n = mask_text(value, names, handles)
        counter[what] += n
        return masked
    if isinstance(value, list):
        return [_mask_deep(v, names, counter, what, renamed, handles) for v in value]
    if isinstance(value, dict):
        return {
            _mask_deep(k, names, counter, what, renamed, handles): _mask_deep(
                v, names, counter, what, renamed, handles
            )
            for k, v in value.items()
        }
    return value


def _handles(bundle: dict[str, Any]) -> tuple[str, ...]:
    """The handle values of the bundle's WeChat, QQ, Telegram and Email entities, and the
    surfaces that gave them where the value is not written out in them (``扣扣 6OO…``)."""
    labels = {e["key"]: e.get("label") for e in bundle["entities"]}
    values = {
        str(e["props"][HANDLE_PROPS[label]])
        for e in bundle["entities"]
        if (label := e.get("label")) in HANDLE_PROPS
        and (e.get("props") or {}).get(HANDLE_PROPS[label])
    }
    values |= {
        e["key"].split(":", 1)[1] for e in bundle["entities"] if e.get("label") in HANDLE_PROPS
    }
    surfaces = {
        str(link["props"]["surface"])
        for link in bundle["links"]
        if labels.get(link["end"]) in HANDLE_PROPS and (link.get("props") or {}).get("surface")
    }
    surfaces = {s for s in surfaces if not any(v.lower() in s.lower() for v in values)}
    return tuple(sorted(values | surfaces))


def mask_bundle(bundle: dict[str, Any], audience: str, secret: bytes) -> MaskResult:
    """A deep copy of ``bundle`` with what ``audience`` may not see masked or left out.

    ``secret`` keys the pseudonyms of masked entity keys (see the module docstring).
    """
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; choose one of {', '.join(AUDIENCES)}")
    data = copy.deepcopy(bundle)
    if audience != "partner":
        return MaskResult(audience, data, [])

    counter: Counter[str] = Counter()
    names = tuple(
        str(e["props"]["name"])
        for e in data["entities"]
        if e.get("label") == "Person" and e.get("props", {}).get("name")
    )
    handles = _handles(data)
    renamed: dict[str, str] = {}
    owner = data["lead"].get("org")
    values_of = {node.label: node.values for node in load_model().nodes.values()}
    for entity in data["entities"]:
        props = entity.setdefault("props", {})
        label = entity.get("label")
        if props.get("values_org") and props["values_org"] != owner:
            # another organisation's values are its own: a partner package carries the
            # identity of such an entity (masked as below), not what that party said of it
            for name in values_of.get(str(label), ()):
                if props.pop(name, None) is not None:
                    counter["values stated by other organisations (left out)"] += 1
        if label == "Phone" and props.get("e164"):
            props["e164"] = mask_phone(props["e164"])
            counter["Phone.e164"] += 1
        if label == "Person":
            if props.get("name"):
                props["name"] = mask_name(props["name"])
                counter["Person.name"] += 1
            if props.pop("masked_id", None) is not None:
                counter["Person.masked_id (left out)"] += 1
        if label in HANDLE_PROPS and props.get(HANDLE_PROPS[label]):
            props[HANDLE_PROPS[label]] = mask_handle(props[HANDLE_PROPS[label]])
            counter[f"{label}.{HANDLE_PROPS[label]}"] += 1
        if label == "Account":
            for name in ("handle", "nickname", "bio"):
                if isinstance(props.get(name), str):
                    props[name], n = mask_text(props[name], names, handles)
                    counter[f"Account.{name} (digits and names inside)"] += n
        if label == "Complaint" and isinstance(props.get("text"), str):
            props["text"], n = mask_text(props["text"], names, handles)
            counter["Complaint.text (phone, ID, card numbers and names inside)"] += n
        for name, value in list(props.items()):
            if name in {
                "e164",
                "name",
                "handle",
                "nickname",
                "bio",
                "text",
                *HANDLE_PROPS.values(),
            }:
                continue
            if isinstance(value, str | list):
                props[name] = _mask_deep(value, names, counter, f"{label}.{name}", None, handles)
        masked_key, n = mask_text(entity["key"], names, handles)
        if n or label == "Phone" or label in HANDLE_PROPS:
            new_key = f"{masked_key}~{_pseudonym(secret, entity['key'])}"
            renamed[entity["key"]] = new_key
            entity["key"] = new_key
            counter["entity keys (pseudonymised)"] += 1
    for link in data["links"]:
        link["start"] = renamed.get(link["start"], link["start"])
        link["end"] = renamed.get(link["end"], link["end"])
        link["props"] = _mask_deep(
            link.get("props") or {}, names, counter, "link properties", None, handles
        )
    kept = []
    for statement in data.get("statements") or []:
        if statement.get("org") != owner:
            counter["statements of other organisations (left out)"] += 1
            continue
        statement["entity"] = renamed.get(statement["entity"], statement["entity"])
        statement["values"] = _mask_deep(statement.get("values") or {}, names, counter,
                                         "statement values", None, handles)  # fmt: skip
        kept.append(statement)
    if "statements" in data:
        data["statements"] = kept
    for submission in data["submissions"]:
        if submission.get("user"):
            submission["user"] = None
            counter["Submission.user (left out)"] += 1
        if submission.get("file_name"):
            submission["file_name"] = _mask_deep(
                submission["file_name"], names, counter, "Submission.file_name"
            )
    lead = data["lead"]
    for name in ("title", "summary", "explanation"):
        lead[name] = _mask_deep(lead.get(name), names, counter, f"lead.{name}", renamed, handles)
    method = lead.get("method") or {}
    for query in method.get("queries") or []:
        query["params"] = _mask_deep(
            query.get("params"), names, counter, "query parameters", renamed, handles
        )
    redactions = [
        Redaction(what, count, "partner audience: not entitled to the raw value")
        for what, count in sorted(counter.items())
        if count
    ]
    return MaskResult(audience, data, redactions, renamed)
