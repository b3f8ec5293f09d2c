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
           masked the same way, submitting users' names left out. Firm names, USCCs and
           addresses stay: they are public registry facts. Contacts read out of texts (WeChat,
           QQ, Telegram, domains, e-mail) are personal data as phones are: masked as
           ``zx******88``, ``j****.com`` in their entities, keys, the ``surface`` of their
           ``MENTIONS_CONTACT`` links and inside free text.
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
from graph.text.contacts import extract
from graph.values.masking import mask_contact, mask_name, mask_phone, mask_text

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
        "Contacts read out of texts (WeChat, QQ, Telegram, domains, e-mail) masked the same way "
        "(zx******88, j****.com) in properties, keys, chart labels and free text.",
        "Person names masked as 张* (first character kept); masked_id left out.",
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
) -> Any:
    """Mask every string inside ``value``; entity keys that were renamed get their new name."""
    if isinstance(value, str):
        for old, new in (renamed or {}).items():
            value = value.replace(old, new)
        masked, n = mask_text(value, names)
        counter[what] += n
        return masked
    if isinstance(value, list):
        return [_mask_deep(v, names, counter, what, renamed) for v in value]
    if isinstance(value, dict):
        return {
            _mask_deep(k, names, counter, what, renamed): _mask_deep(
                v, names, counter, what, renamed
            )
            for k, v in value.items()
        }
    return value


# The contacts read out of texts, as graph/core/model.yaml declares them: label → the property
# holding the value.
def _contact_props() -> dict[str, str]:
    model = load_model()
    ends = model.link("MENTIONS_CONTACT").ends
    return {label: model.node(label).keys[0] for label in ends if label != "Phone"}


def mask_contacts_in(text: str) -> tuple[str, int]:
    """``text`` with every contact :func:`graph.text.contacts.extract` finds replaced by its
    masked value (phones too, however disguised)."""
    found = extract(text)
    for contact in reversed(found):
        prefix = contact.key.split(":", 1)[0]
        shown = mask_contact(prefix, contact.value)
        text = text[: contact.start] + shown + text[contact.end :]
    return text, len(found)


def _mask_free_text(text: str, names: tuple[str, ...]) -> tuple[str, int]:
    masked, n = mask_contacts_in(text)
    masked, more = mask_text(masked, names)
    return masked, n + more


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
    renamed: dict[str, str] = {}
    owner = data["lead"].get("org")
    values_of = {node.label: node.values for node in load_model().nodes.values()}
    contact_props = _contact_props()
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
        contact_prop = contact_props.get(str(label))
        if contact_prop and props.get(contact_prop):
            prefix = str(entity["key"]).split(":", 1)[0]
            props[contact_prop] = mask_contact(prefix, str(props[contact_prop]))
            counter[f"{label}.{contact_prop}"] += 1
        if label == "Account":
            for name in ("handle", "nickname", "bio"):
                if isinstance(props.get(name), str):
                    props[name], n = _mask_free_text(props[name], names)
                    counter[f"Account.{name} (digits, contacts and names inside)"] += n
        if label == "Complaint" and isinstance(props.get("text"), str):
            props["text"], n = _mask_free_text(props["text"], names)
            counter["Complaint.text (phone, ID, card numbers, contacts and names inside)"] += n
        for name, value in list(props.items()):
            if name in {"e164", "name", "handle", "nickname", "bio", "text", contact_prop}:
                continue
            if isinstance(value, str | list):
                props[name] = _mask_deep(value, names, counter, f"{label}.{name}")
        masked_key, n = mask_text(entity["key"], names)
        if contact_prop:
            masked_key = f"{str(entity['key']).split(':', 1)[0]}:{props.get(contact_prop)}"
        if n or label == "Phone" or contact_prop:
            new_key = f"{masked_key}~{_pseudonym(secret, entity['key'])}"
            renamed[entity["key"]] = new_key
            if props.get("key") == entity["key"]:  # the node's own copy of its key
                props["key"] = new_key
            entity["key"] = new_key
            counter["entity keys (pseudonymised)"] += 1
    for link in data["links"]:
        link_props = dict(link.get("props") or {})
        if "surface" in link_props:  # the text a contact was read from is the contact itself
            prefix, _, value = str(link["end"]).partition(":")
            link_props["surface"] = mask_contact(prefix, value)
            counter["MENTIONS_CONTACT.surface"] += 1
        link["start"] = renamed.get(link["start"], link["start"])
        link["end"] = renamed.get(link["end"], link["end"])
        link["props"] = _mask_deep(link_props, names, counter, "link properties")
    for match in data.get("matches") or []:  # alliance matches: the key as the entity shows
        match["key"] = renamed.get(match["key"], match["key"])
        match["counterpart_key"] = renamed.get(match["counterpart_key"], match["counterpart_key"])
        if match.get("by"):
            match["by"] = None
            counter["alliance match users (left out)"] += 1
    kept = []
    for statement in data.get("statements") or []:
        if statement.get("org") != owner:
            counter["statements of other organisations (left out)"] += 1
            continue
        statement["entity"] = renamed.get(statement["entity"], statement["entity"])
        statement["values"] = _mask_deep(statement.get("values") or {}, names, counter,
                                         "statement values")  # fmt: skip
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
        lead[name] = _mask_deep(lead.get(name), names, counter, f"lead.{name}", renamed)
    method = lead.get("method") or {}
    for query in method.get("queries") or []:
        query["params"] = _mask_deep(
            query.get("params"), names, counter, "query parameters", renamed
        )
    redactions = [
        Redaction(what, count, "partner audience: not entitled to the raw value")
        for what, count in sorted(counter.items())
        if count
    ]
    return MaskResult(audience, data, redactions, renamed)
