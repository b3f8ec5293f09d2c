"""The five clue kinds as data: fields, required fields, and what a valid row asserts.

Every kind honours one contract (``ingest.pipeline``): read → map headers → :func:`validate` →
``build(values, ctx)`` → :class:`~graph.core.records.RowResult`. A kind is one :class:`Kind` row:
its fields (name → check), the groups of which one field is required, and its builder.

What each kind yields (entity keys as in ``graph.core.records``; links per ``graph/core/model.yaml``):

``phones`` (a blacklist or watch list)
    ``Phone{e164, type, carrier, region, list_label?, tags?, note?, reported_date?,
    reported_by?}`` (the list's ``label`` column is stored as ``list_label``).
``firms`` (registry extracts)
    ``Firm`` keyed ``firm:<USCC>`` (``key_strength: "uscc"``) or, with no code, ``firm:name:<name
    key>`` (``key_strength: "name"``, see ``graph.values.names``); props ``uscc?, name?,
    name_key?, address?, status?, country?, registered_date?, business_scope?, external_id?``.
    ``(Firm)-[:HAS_PHONE]->(Phone)`` for every phone; a legal representative becomes
    ``(Person)-[:LEGAL_REP_OF]->(Firm)``, the Person keyed by ID number when given, else by name +
    firm key (``pid_basis: "name_firm"``): a registry gives a name, and the same name at the same
    firm is the same person, while two 张伟 at two firms are not merged.
``complaints``
    ``Complaint{complaint_id, source, channel?, institution?, filed_date?, text?, amount?,
    slang_terms?, disguise_count?}`` keyed ``complaint:<source>:<complaint_id>`` (``source`` from
    the row when the file has a source column, else the submitting org's slug).
    ``FILED_BY`` → the complainant ``Person`` (by ID number; else by name + own phone; no Person
    without either); ``(Person)-[:HAS_PHONE]->(Phone)`` for the complainant's own phone;
    ``CONTACT`` → the contact ``Phone``; ``REPRESENTED_BY`` → the declared agent resolved by
    :func:`resolve_party`.
``accounts``
    ``Account{platform, handle, nickname?, bio?, followers?, url?}``; ``ADVERTISES`` → every
    ``Phone`` in the phone column, the bio or the nickname (prop ``found_in``);
    ``OPERATED_BY`` → the operator (a USCC or firm name → ``Firm``, else a ``Person`` by name
    scoped to the account).
``calls``
    Two ``Phone`` nodes and ``(caller)-[:CALLED {count, first?, last?, total_seconds}]->(callee)``
    for the row; the loader sums count and total_seconds and widens first/last across rows.

Contacts in free text: each kind's ``text_fields`` (complaints ``text`` and ``note``; accounts
``bio``, ``nickname`` and ``note``) are read by :func:`graph.text.contacts.extract`, and every
WeChat id, QQ number, Telegram username, domain (a URL by its host) and e-mail address becomes a
``WeChat``/``QQ``/``Telegram``/``Domain``/``Email`` node keyed as the extractor normalises it,
with ``MENTIONS_CONTACT {field, start, end, surface}`` from the row's subject (the first mention
of each contact in the row: ``text[start:end] == surface`` of that field). A phone in a
complaint's text is a ``Phone`` with ``MENTIONS_CONTACT`` too, unless it is the row's own or
contact phone (those columns already say what the number is); a phone in an account's bio or
nickname is ``ADVERTISES``, as before (what the account shows is an advert), one in its note a
``MENTIONS_CONTACT``. Firms, phone lists and calls have no field read: the model links
contacts from complaints and accounts only, and a call row has no subject to link from.

Person props are ``pid``, ``pid_basis``, ``name`` (as given) and ``masked_id``; never the raw ID.
Node and link records may be shared between rows (cached phone nodes): treat them as read-only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graph.core.errors import UserError
from graph.core.model import load_model
from graph.core.records import LinkRecord, NodeRecord
from graph.text import contacts, slang
from graph.values.accounts import extract_phones, split_account
from graph.values.idcard import mask_id
from graph.values.names import firm_name_key, looks_like_firm
from graph.values.person import pid_from_id, pid_from_name, pid_from_name_firm, pid_from_name_phone
from graph.values.phone import PhoneInfo, parse_phone
from graph.values.uscc import normalize_uscc, uscc_problem
from ingest.validate import CHECKS, Field, RowRejected

Built = tuple[list[NodeRecord], list[LinkRecord]]
MODEL = load_model()


@dataclass(frozen=True)
class Context:
    """What a builder needs besides the row: the source slug and the hashing key."""

    source: str
    hashing_key: bytes


@dataclass(frozen=True)
class Kind:
    """One clue kind. ``subject`` is the label of the node a row of this kind is about (its
    sources name the row); calls assert links only."""

    name: str
    subject: str | None
    fields: tuple[Field, ...]
    required: tuple[tuple[str, ...], ...]
    build: Callable[[dict[str, Any], Context], Built]
    # Fields required on every row when the file has a column for them: a lender's export with
    # an ID column and one row without an ID is a broken row, and keying that one complainant
    # by name + phone instead would split them into two Person nodes.
    required_if_column: tuple[str, ...] = ()
    # Optional fields that say which entity the row names: an identity number (ID number, USCC)
    # or a part of the subject's key. Without the value the row would still assert that entity,
    # under another key (a firm by its name, a legal representative by name and firm, a
    # complaint under the submitting org), and split it from itself; so a bad value here
    # refuses the row, as a bad required field does.
    identifying: tuple[str, ...] = ()
    # Free-text fields read for contacts (graph/text/contacts.py), in the order a contact's
    # first mention is looked for; see the module's docstring for what they become.
    text_fields: tuple[str, ...] = ()

    def drops(self, name: str) -> bool:
        """True when a bad value of field ``name`` is dropped with a warning and the row loads
        without it, as if the cell were empty; False when it refuses the row (a required or
        identifying field, or no field of this kind)."""
        if name not in self.checks or name in self.identifying:
            return False
        return name not in self.required_if_column and all(
            name not in group for group in self.required
        )

    @property
    def checks(self) -> dict[str, Callable[[str], Any]]:
        return {f.name: CHECKS[f.check] for f in self.fields}

    @property
    def multi_fields(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.multi)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


# --- node helpers ------------------------------------------------------------------------------


@lru_cache(maxsize=32_768)
def phone_node(info: PhoneInfo) -> NodeRecord:
    """The Phone node of a number (cached: the same record object for every row)."""
    return NodeRecord("Phone", info.key, info.props())


@lru_cache(maxsize=16_384)  # form letters and adverts repeat word for word
def text_contacts(text: str) -> tuple[contacts.Contact, ...]:
    """The contacts :func:`graph.text.contacts.extract` finds in ``text`` (cached by text)."""
    return tuple(contacts.extract(text)) if text else ()


@lru_cache(maxsize=32_768)
def contact_node(key: str, value: str) -> NodeRecord | None:
    """The node of a contact found in text, keyed as the extractor keys it (``wechat:<id>``,
    ``phone:+86…``); None for a phone that :func:`parse_phone` refuses after all (cached:
    the same record object for every row)."""
    label = MODEL.label_of_key(key)
    if label == "Phone":
        try:
            return phone_node(parse_phone(value))
        except ValueError:
            return None
    return NodeRecord(label, key, {MODEL.node(label).keys[0]: value})


def mentioned_contacts(
    subject: str, values: dict[str, Any], fields: tuple[str, ...], *, skip: frozenset[str]
) -> Built:
    """Nodes and ``MENTIONS_CONTACT`` links for the contacts in the row's ``fields``: one link
    per contact, at its first mention (``field``, ``start``, ``end``, ``surface``); contacts
    whose key is in ``skip`` are left to the caller."""
    nodes: list[NodeRecord] = []
    links: list[LinkRecord] = []
    seen = set(skip)
    for field in fields:
        for found in text_contacts(values.get(field) or ""):
            key = found.key
            if key in seen:
                continue
            seen.add(key)
            node = contact_node(key, found.value)
            if node is None:
                continue
            nodes.append(node)
            props = {"field": field, "start": found.start, "end": found.end,
                     "surface": found.surface}  # fmt: skip
            links.append(LinkRecord("MENTIONS_CONTACT", subject, node.key, props))
    return nodes, links


def _props(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: values[name] for name in names if name in values}


def firm_by_uscc(uscc: str, name: str | None = None) -> NodeRecord:
    props: dict[str, Any] = {"uscc": uscc, "key_strength": "uscc"}
    if name:
        props["name"] = name
        props["name_key"] = firm_name_key(name)
    return NodeRecord("Firm", MODEL.entity_key("Firm", uscc), props)


def firm_by_name(name: str) -> NodeRecord:
    key = firm_name_key(name)
    return NodeRecord(
        "Firm",
        MODEL.entity_key("Firm", "name", key),
        {"name": name, "name_key": key, "key_strength": "name"},
    )


def person_node(pid: str, basis: str, name: str | None = None, id_number: str | None = None
                ) -> NodeRecord:  # fmt: skip
    props: dict[str, Any] = {"pid": pid, "pid_basis": basis}
    if name:
        props["name"] = name
    if id_number:
        props["masked_id"] = mask_id(id_number)
    return NodeRecord("Person", MODEL.entity_key("Person", pid), props)


_USCC_SHAPE = re.compile(r"^[0-9A-Z]{18}$")
_AT_HANDLE = re.compile(r"^@\S+$")


def resolve_party(
    text: str, field: str, ctx: Context, *, phone: str | None = None, scope: str
) -> tuple[list[NodeRecord], list[LinkRecord], str]:
    """Resolve a declared agent or operator to an entity: ``(nodes, links, entity key)``.

    In order: 18 characters of USCC shape → that ``Firm`` (an invalid check character rejects
    the row: no firm under a wrong key); ``platform:handle`` / ``platform @handle`` → that
    ``Account`` (a bare ``@handle`` is refused: without its platform it would be a guess); a
    firm-like name (公司, 事务所, Ltd …) → ``Firm`` by name key; anything else → a ``Person`` by
    name. A phone number written in the text (``王经理 13800138000``) anchors that person
    (``name_phone``) and adds ``(Person)-[:HAS_PHONE]->(Phone)``; otherwise ``phone`` (the row's
    contact number) anchors it; with neither, the person is keyed by name within ``scope``
    (``pid_basis: "name"``, the weakest key).
    """
    folded = unicodedata.normalize("NFKC", text).strip()
    compact = normalize_uscc(folded)
    if _USCC_SHAPE.match(compact) and any(ch.isdigit() for ch in compact):
        problem = uscc_problem(compact)
        if problem:
            raise RowRejected([(field, text, f"USCC: {problem}")])
        firm = firm_by_uscc(compact)
        return [firm], [], firm.key
    account = split_account(folded)
    if account:
        platform, handle = account
        node = NodeRecord(
            "Account",
            MODEL.entity_key("Account", platform, handle),
            {"platform": platform, "handle": handle},
        )
        return [node], [], node.key
    if _AT_HANDLE.match(folded):
        raise RowRejected([(field, text, "account handle without a platform (write 抖音:@handle)")])
    if looks_like_firm(folded):
        firm = firm_by_name(folded)
        return [firm], [], firm.key
    phones = extract_phones(folded)
    nodes: list[NodeRecord] = []
    links: list[LinkRecord] = []
    name = folded
    if phones:
        name = re.sub(r"[\d+\-\s()（）]{7,}", " ", folded).strip(" ,，:：;；") or folded
        person = person_node(pid_from_name_phone(ctx.hashing_key, name, phones[0]),
                             "name_phone", name)  # fmt: skip
        info = parse_phone(phones[0])
        nodes += [person, phone_node(info)]
        links.append(LinkRecord("HAS_PHONE", person.key, info.key))
        return nodes, links, person.key
    if phone:
        person = person_node(pid_from_name_phone(ctx.hashing_key, name, phone), "name_phone", name)
    else:
        person = person_node(pid_from_name(ctx.hashing_key, name, scope), "name", name)
    return [person], [], person.key


# --- builders ----------------------------------------------------------------------------------


def build_phone(values: dict[str, Any], ctx: Context) -> Built:
    info: PhoneInfo = values["phone"]
    props = {
        **info.props(),
        **_props(values, ("tags", "note", "reported_date", "reported_by")),
    }
    if "label" in values:  # not "label": that word is the node's label in every export
        props["list_label"] = values["label"]
    return [NodeRecord("Phone", info.key, props)], []


FIRM_PROPS = ("address", "status", "country", "registered_date", "business_scope",
              "external_id", "note")  # fmt: skip


def build_firm(values: dict[str, Any], ctx: Context) -> Built:
    name: str | None = values.get("name")
    try:
        # without a USCC the required group guarantees a name
        uscc = values.get("uscc")
        firm = firm_by_uscc(uscc, name) if uscc else firm_by_name(name or "")
    except ValueError as error:  # a name with nothing to key on ("...")
        raise RowRejected([("name", name or "", str(error))]) from None
    firm.props.update(_props(values, FIRM_PROPS))
    nodes = [firm]
    links: list[LinkRecord] = []
    for info in values.get("phone", ()):
        nodes.append(phone_node(info))
        links.append(LinkRecord("HAS_PHONE", firm.key, info.key))
    rep_name = values.get("legal_rep")
    rep_id = values.get("legal_rep_id")
    if rep_id:
        person = person_node(pid_from_id(ctx.hashing_key, rep_id), "id", rep_name, rep_id)
    elif rep_name:
        person = person_node(
            pid_from_name_firm(ctx.hashing_key, rep_name, firm.key), "name_firm", rep_name
        )
    else:
        return nodes, links
    nodes.append(person)
    links.append(LinkRecord("LEGAL_REP_OF", person.key, firm.key))
    return nodes, links


# The one hook for complaint text intelligence: graph.text.slang, when it is installed.
@lru_cache(maxsize=16_384)  # form letters repeat word for word
def text_summary(text: str) -> dict[str, Any]:
    """Complaint properties derived from the text (``slang_terms``, ``slang_categories``,
    ``disguise_count``) by the slang scanner of lexicon :func:`graph.text.slang.lexicon_version`,
    which the submission records. Cached by text; the returned dict is shared: never mutate."""
    if not text:
        return {}
    return dict(slang.summarize(slang.scan(text)))


COMPLAINT_PROPS = ("channel", "institution", "filed_date", "text", "amount", "note")


def build_complaint(values: dict[str, Any], ctx: Context) -> Built:
    source = values.get("source") or ctx.source
    complaint_id = values["complaint_id"]
    key = MODEL.entity_key("Complaint", source, complaint_id)
    props = {"complaint_id": complaint_id, "source": source, **_props(values, COMPLAINT_PROPS)}
    if "text" in values:
        props.update(text_summary(values["text"]))
    nodes = [NodeRecord("Complaint", key, props)]
    links: list[LinkRecord] = []
    own: PhoneInfo | None = values.get("complainant_phone")
    contact: PhoneInfo | None = values.get("contact_phone")
    name = values.get("complainant_name")
    id_number = values.get("complainant_id")
    person = None
    if id_number:
        person = person_node(pid_from_id(ctx.hashing_key, id_number), "id", name, id_number)
    elif name and own:
        person = person_node(pid_from_name_phone(ctx.hashing_key, name, own.e164), "name_phone",
                             name)  # fmt: skip
    if person:
        nodes.append(person)
        links.append(LinkRecord("FILED_BY", key, person.key))
    if own:
        nodes.append(phone_node(own))
        if person:
            links.append(LinkRecord("HAS_PHONE", person.key, own.key))
    if contact:
        if contact is not own:
            nodes.append(phone_node(contact))
        links.append(LinkRecord("CONTACT", key, contact.key))
    agent = values.get("agent")
    if agent:
        more_nodes, more_links, agent_key = resolve_party(
            agent, "agent", ctx, phone=contact.e164 if contact else None, scope=f"source:{source}"
        )
        nodes += more_nodes
        links += more_links
        links.append(LinkRecord("REPRESENTED_BY", key, agent_key))
    # a number the row's phone columns give is already said to be the complainant's or the
    # contact number; mentioned in the text as well, it is not a second, weaker link
    columns = frozenset(info.key for info in (own, contact) if info)
    more_nodes, more_links = mentioned_contacts(
        key, values, KINDS["complaints"].text_fields, skip=columns
    )
    return nodes + more_nodes, links + more_links


ACCOUNT_PROPS = ("nickname", "bio", "followers", "url", "note")
ADVERTISING_FIELDS = ("bio", "nickname")  # what the account shows: a phone there is an advert


def build_account(values: dict[str, Any], ctx: Context) -> Built:
    platform, handle = values["platform"], values["handle"]
    key = MODEL.entity_key("Account", platform, handle)
    props = {"platform": platform, "handle": handle, **_props(values, ACCOUNT_PROPS)}
    nodes = [NodeRecord("Account", key, props)]
    links: list[LinkRecord] = []
    advertised: dict[str, str] = {}
    for info in values.get("phone", ()):
        advertised.setdefault(info.e164, "phone")
        nodes.append(phone_node(info))
    for place in ADVERTISING_FIELDS:
        for e164 in extract_phones(values.get(place, "")) if place in values else ():
            if e164 not in advertised:
                advertised[e164] = place
                nodes.append(phone_node(parse_phone(e164)))
    for place in ADVERTISING_FIELDS:  # numbers only the contact extractor reads (l for 1 …)
        for found in text_contacts(values.get(place) or ""):
            node = contact_node(found.key, found.value) if found.kind == "phone" else None
            if node is not None and found.value not in advertised:
                advertised[found.value] = place
                nodes.append(node)
    for e164, place in advertised.items():
        links.append(
            LinkRecord("ADVERTISES", key, MODEL.entity_key("Phone", e164), {"found_in": place})
        )
    more_nodes, more_links = mentioned_contacts(
        key,
        values,
        KINDS["accounts"].text_fields,
        skip=frozenset(MODEL.entity_key("Phone", e164) for e164 in advertised),
    )
    nodes += more_nodes
    links += more_links
    operator_key = None
    if "operator_uscc" in values:
        firm = firm_by_uscc(values["operator_uscc"], values.get("operator"))
        nodes.append(firm)
        operator_key = firm.key
    elif "operator" in values:
        more_nodes, more_links, operator_key = resolve_party(
            values["operator"], "operator", ctx, scope=key
        )
        nodes += more_nodes
        links += more_links
    if operator_key:
        links.append(LinkRecord("OPERATED_BY", key, operator_key))
    return nodes, links


def build_call(values: dict[str, Any], ctx: Context) -> Built:
    caller: PhoneInfo = values["caller"]
    callee: PhoneInfo = values["callee"]
    if caller.e164 == callee.e164:
        raise RowRejected([("callee", callee.e164, "caller and callee are the same number")])
    props: dict[str, Any] = {
        "count": values.get("count", 1),
        "total_seconds": values.get("duration", 0),
    }
    first = values.get("first") or values.get("call_time")
    last = values.get("last") or values.get("call_time")
    if first and last and last < first:
        raise RowRejected([("last", last, f"last call {last} is before first call {first}")])
    if first:
        props["first"] = first
    if last:
        props["last"] = last
    nodes = [phone_node(caller), phone_node(callee)]
    return nodes, [LinkRecord("CALLED", caller.key, callee.key, props)]


# --- the table ---------------------------------------------------------------------------------

F = Field
NOTE = F("note", "text", "free text kept on the main node")

# In the order a first load takes them: registry firms first, so a firm a later file names
# only by name resolves to the registered one; phones and accounts before the complaints and
# calls that name them.
KINDS: dict[str, Kind] = {
    "firms": Kind(
        "firms",
        "Firm",
        (
            F("uscc", "uscc", "统一社会信用代码, check character verified"),
            F("name", "name", "registered name (the weaker key when there is no USCC)"),
            F("phone", "phones", "the firm's phone numbers, several allowed"),
            F("legal_rep", "name", "法定代表人's name"),
            F("legal_rep_id", "id_number", "法定代表人's ID number, check digit verified"),
            F("address", "text"),
            F("status", "text"),
            F("country", "text"),
            F("registered_date", "date"),
            F("business_scope", "text"),
            F("external_id", "text", "the source's own id for the firm"),
            NOTE,
        ),
        (("uscc", "name"),),
        build_firm,
        identifying=("uscc", "legal_rep_id"),
    ),
    "phones": Kind(
        "phones",
        "Phone",
        (
            F("phone", "phone", "the number, any common form"),
            F("label", "text", "what the list says the number is (催收, 代理维权 …)"),
            F("tags", "tags", "several labels separated by ; , 、"),
            F("reported_date", "date", "when the number was listed"),
            F("reported_by", "text", "who listed it"),
            NOTE,
        ),
        (("phone",),),
        build_phone,
    ),
    "accounts": Kind(
        "accounts",
        "Account",
        (
            F("platform", "platform", "抖音 / douyin / 微博 …"),
            F("handle", "handle", "compared case-insensitively, without @"),
            F("nickname", "text"),
            F("bio", "text", "phones here are ADVERTISES links, other contacts MENTIONS_CONTACT"),
            F("phone", "phones", "phones the source lists for the account"),
            F("operator", "text", "who runs it: USCC, firm name or person name"),
            F("operator_uscc", "uscc"),
            F("followers", "count"),
            F("url", "text"),
            NOTE,
        ),
        (("platform",), ("handle",)),
        build_account,
        identifying=("operator_uscc",),
        text_fields=("bio", "nickname", "note"),
    ),
    "complaints": Kind(
        "complaints",
        "Complaint",
        (
            F("complaint_id", "key", "the complaint's number at its source"),
            F("source", "key", "who holds the complaint (default: the submitting org)"),
            F("channel", "text"),
            F("institution", "text", "the lender complained about"),
            F("filed_date", "date"),
            F("text", "text"),
            F("amount", "amount", "yuan; 元, 万, ¥ and separators understood"),
            F("complainant_name", "name"),
            F("complainant_id", "id_number", "hashed into the Person key, stored masked"),
            F("complainant_phone", "phone", "the complainant's own phone"),
            F("contact_phone", "phone", "the number given for contact"),
            F("agent", "text", "a declared agent: USCC, platform:handle, firm or person name"),
            NOTE,
        ),
        (("complaint_id",),),
        build_complaint,
        required_if_column=("complainant_id",),
        identifying=("source",),
        text_fields=("text", "note"),
    ),
    "calls": Kind(
        "calls",
        None,
        (
            F("caller", "phone"),
            F("callee", "phone"),
            F("call_time", "datetime", "one call's start"),
            F("duration", "seconds", "seconds, 1分35秒 or 01:35"),
            F("count", "count", "calls the row stands for (aggregated records)"),
            F("first", "datetime", "first call of an aggregated record"),
            F("last", "datetime", "last call of an aggregated record"),
            NOTE,
        ),
        (("caller",), ("callee",)),
        build_call,
    ),
}


KIND_NAMES = tuple(KINDS)


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise UserError(f"unknown kind {name!r}; the kinds are {', '.join(KINDS)}") from None
