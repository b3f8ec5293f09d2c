"""Who sees what: every entity that leaves the graph layer for a person passes :func:`compose`.

Rights (README, "Who sees what"):

* an analyst sees an entity when their org stated it (a submission of the org names it), or
  when a link their org stated reaches it. Co-stating a key grants nothing more: the values
  shown are the org's own Statements only, never another party's, and the entities one link
  further are those the org's own rows link to;
* what an analyst's org did not state comes masked: the phone number as ``138****8000`` and a
  contact found in text likewise (``zx******88``, ``j****.com``: personal data as phones are), no
  values at all (names, texts, bios, addresses are other parties' statements), and an opaque
  key (:func:`pseudonym`) instead of the entity key, so no raw number reaches a page, a
  widget key or a chart tooltip;
* an officer sees the entities of leads pushed to them or their unit, whole, with each party's
  statements; an admin sees everything.

Lookups by exact key or name match only what the principal may see unmasked, so a search is
never an oracle for another org's numbers (:func:`may_look_up`).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict
from functools import cache
from typing import Any

from graph.core import keys
from graph.core.errors import UserError
from graph.core.model import load_model
from graph.db.store import GraphStore
from graph.values.masking import mask_contact, mask_digits, mask_phone
from graph.workflow.auth import Forbidden, Principal

# Bookkeeping a page never needs to show.
HIDDEN = {"sources", "submissions", "values_org"}
# Identity that is still someone's data: left out of a masked entity.
MASKED_OUT = {"key", "pid", "pid_basis", "masked_id", "first_seen", "last_seen"}

ORG_SUBMISSIONS = (
    "MATCH (:Org {name: $org})-[:SUBMITTED]->(s:Submission) RETURN collect(s.id) AS ids"
)

# Stated by the org (raw), or reached by a link the org's own rows state (masked).
REACHED_FROM_ORG = """
UNWIND $keys AS key
MATCH (n:Entity {key: key})
WITH n, any(s IN coalesce(n.submissions, []) WHERE s IN $subs) AS own
WHERE own OR EXISTS {
  MATCH (n)-[r]-(:Entity)
  WHERE any(x IN coalesce(r.sources, []) WHERE split(x, '#')[0] IN $subs)
}
RETURN n.key AS key, own
"""

IN_OFFICER_LEADS = """
UNWIND $keys AS key
MATCH (n:Entity {key: key})<-[:INVOLVES]-(l:Lead)-[:PUSHED_TO]->(t)
WHERE (t:User AND t.username = $username) OR (t:Org AND t.name = $unit)
RETURN DISTINCT n.key AS key, true AS own
"""

STATEMENTS_OF = """
UNWIND $keys AS key
MATCH (s:Statement {entity: key})
WHERE $org IS NULL OR s.org = $org
RETURN key, s.org AS org, s.submission AS submission, s.at AS at,
       s.forwarded_for AS forwarded_for, properties(s) AS props
ORDER BY key, s.at, s.submission
"""

STATEMENT_BOOKKEEPING = {"key", "org", "submission", "entity", "at", "rows", "forwarded_for"}


def rights(store: GraphStore, principal: Principal, keys: list[str]) -> dict[str, bool]:
    """key → may see raw, for each of ``keys`` the principal may see at all."""
    if principal.is_admin:
        return dict.fromkeys(keys, True)
    if principal.role == "analyst":
        subs = store.read_one(ORG_SUBMISSIONS, org=principal.org)
        rows = store.read(REACHED_FROM_ORG, keys=keys, subs=subs["ids"] if subs else [])
    elif principal.role == "officer":
        rows = store.read(
            IN_OFFICER_LEADS, keys=keys, username=principal.username, unit=principal.org
        )
    else:
        raise Forbidden("unknown role")
    return {row["key"]: bool(row["own"]) for row in rows}


def own_submissions(store: GraphStore, principal: Principal) -> set[str] | None:
    """The submission ids of an analyst's org; None for officers and admins, who see every
    party's links."""
    if principal.role != "analyst":
        return None
    row = store.read_one(ORG_SUBMISSIONS, org=principal.org)
    return set(row["ids"]) if row else set()


def shown_link(
    link: dict[str, Any], subs: set[str] | None, raw_ends: bool
) -> dict[str, Any] | None:
    """A link as the principal may see it, or None. An analyst sees the links its own org's rows
    state — with its own sources only, never another org's submission ids — and derived links
    (template matches, inferences) between two entities it sees unmasked; another party's
    statement that two things are linked is that party's, like its values."""
    if subs is None:
        return link
    sources = [s for s in link.get("sources") or [] if str(s).split("#", 1)[0] in subs]
    if sources:
        return {**link, "sources": sources}
    if link.get("kind") != "fact" and not link.get("sources") and raw_ends:
        return link
    return None


def may_look_up(store: GraphStore, principal: Principal, keys: list[str]) -> set[str]:
    """The keys an exact or name lookup may answer: those the principal may see unmasked."""
    return {key for key, raw in rights(store, principal, keys).items() if raw}


def statements(
    store: GraphStore, keys: list[str], org: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Each entity's Statements, oldest first: ``{org, submission, at, forwarded_for, rows,
    values}``
    (of one org only when ``org`` is given)."""
    found: dict[str, list[dict[str, Any]]] = {key: [] for key in keys}
    for row in store.read(STATEMENTS_OF, keys=keys, org=org) if keys else []:
        values = {k: v for k, v in row["props"].items() if k not in STATEMENT_BOOKKEEPING}
        found[row["key"]].append(
            {
                "org": row["org"],
                "submission": row["submission"],
                "at": row["at"],
                "forwarded_for": row["forwarded_for"],
                "rows": row["props"].get("rows") or [],
                "values": values,
            }
        )
    return found


@cache
def _value_props() -> dict[str, frozenset[str]]:
    return {label: frozenset(node.values) for label, node in load_model().nodes.items()}


@cache
def contact_labels() -> dict[str, tuple[str, str]]:
    """label → (key prefix, the property holding the value) of the contacts read out of texts
    (the ends of ``MENTIONS_CONTACT`` other than Phone: WeChat, QQ, Telegram, Domain, Email)."""
    model = load_model()
    return {
        label: (model.node(label).prefix, model.node(label).keys[0])
        for label in model.link("MENTIONS_CONTACT").ends
        if label != "Phone"
    }


def masked_value(label: str, props: dict[str, Any]) -> tuple[str, str, str] | None:
    """``(property, raw value, masked value)`` of a Phone or a contact entity, None for other
    labels: what a viewer who may not see it raw is shown instead."""
    if label == "Phone" and props.get("e164"):
        return "e164", str(props["e164"]), mask_phone(props["e164"])
    if label in contact_labels():
        prefix, prop = contact_labels()[label]
        if props.get(prop):
            return prop, str(props[prop]), mask_contact(prefix, str(props[prop]))
    return None


# --- pseudonyms -----------------------------------------------------------------------------------

_PSEUDONYMS: OrderedDict[str, str] = OrderedDict()
_PSEUDONYMS_LOCK = threading.Lock()
_PSEUDONYMS_KEPT = 200_000


@cache
def _pseudonym_secret() -> bytes:
    return keys.load_or_create().derived_secret("view-pseudonyms")


def pseudonym(key: str) -> str:
    """An opaque, stable name for an entity shown masked (``~phone:3fa8…``): it says the kind,
    never the value, and cannot be reversed by trying the 10,000 hidden middles of a number.
    The server remembers which entity it names, so a page can ask to expand it."""
    prefix = key.split(":", 1)[0]
    digest = hmac.new(_pseudonym_secret(), key.encode(), hashlib.sha256).hexdigest()[:16]
    name = f"~{prefix}:{digest}"
    with _PSEUDONYMS_LOCK:
        _PSEUDONYMS[name] = key
        _PSEUDONYMS.move_to_end(name)
        while len(_PSEUDONYMS) > _PSEUDONYMS_KEPT:
            _PSEUDONYMS.popitem(last=False)
    return name


def resolve(name: str) -> str:
    """The entity key behind ``name``: a pseudonym this server handed out, or a key itself."""
    if not name.startswith("~"):
        return name
    with _PSEUDONYMS_LOCK:
        key = _PSEUDONYMS.get(name)
    if key is None:
        raise UserError("that masked entity is no longer known to the server; search again")
    return key


# --- composing what a principal sees --------------------------------------------------------------


def _masked(row: dict[str, Any]) -> dict[str, Any]:
    """Identity only, with the number masked; no party's values; an opaque key."""
    label = row["label"]
    values = _value_props().get(label, frozenset())
    props = {
        k: v
        for k, v in row["props"].items()
        if k not in values and k not in HIDDEN and k not in MASKED_OUT
    }
    display = pseudonym(row["key"])
    number = masked_value(label, props)
    if number:
        prop, _, props[prop] = number
        display = f"{row['key'].split(':', 1)[0]}:{props[prop]}"
    elif label == "Complaint" and props.get("complaint_id"):
        props["complaint_id"] = mask_digits(str(props["complaint_id"]))
        props.pop("source", None)
        display = f"complaint:{props['complaint_id']}"
    return {
        "key": pseudonym(row["key"]),
        "label": label,
        "display_key": display,
        "props": props,
        "masked": True,
    }


def _own(row: dict[str, Any], stated: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The entity with its values: all of the node's, or (``stated`` given) only those of the
    viewer's own Statements, newest last."""
    props = {k: v for k, v in row["props"].items() if k not in HIDDEN}
    if stated is not None:
        for name in _value_props().get(row["label"], frozenset()):
            props.pop(name, None)
        for statement in stated:
            props.update(statement["values"])
    return {
        "key": row["key"],
        "label": row["label"],
        "display_key": row["key"],
        "props": props,
        "masked": False,
    }


def compose(
    store: GraphStore,
    principal: Principal,
    rows: list[dict[str, Any]],
    *,
    allowed: dict[str, bool] | None = None,
    with_statements: bool = False,
) -> list[dict[str, Any]]:
    """``rows`` (``{key, label, props}`` as read from the graph) as ``principal`` may see them:
    left out, masked, or whole — an analyst's whole being their own org's statements only.
    ``allowed`` passes rights already computed; ``with_statements`` adds each party's
    statements (``stated``) to what an officer or admin sees whole."""
    return list(
        compose_by_key(
            store, principal, rows, allowed=allowed, with_statements=with_statements
        ).values()
    )


def compose_by_key(
    store: GraphStore,
    principal: Principal,
    rows: list[dict[str, Any]],
    *,
    allowed: dict[str, bool] | None = None,
    with_statements: bool = False,
) -> dict[str, dict[str, Any]]:
    """:func:`compose`, keyed by each kept row's entity key (which a masked entity no longer
    shows), in the rows' order."""
    allowed = allowed if allowed is not None else rights(store, principal, [r["key"] for r in rows])
    own_keys = [row["key"] for row in rows if allowed.get(row["key"])]
    analyst = principal.role == "analyst"
    mine = statements(store, own_keys, org=principal.org) if analyst else {}
    everyone = statements(store, own_keys) if with_statements and not analyst else {}
    shown: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["key"] not in allowed:
            continue
        if not allowed[row["key"]]:
            shown[row["key"]] = _masked(row)
            continue
        entity = _own(row, mine.get(row["key"], []) if analyst else None)
        if row["key"] in everyone:
            entity["stated"] = everyone[row["key"]]
        shown[row["key"]] = entity
    return shown
