"""What the workbench's pages show, checked against the principal and audited.

Pages call these instead of reaching into several graph modules themselves:

* :func:`lead_list` and :func:`lead_page` — the leads a principal may see, and one lead with its
  evidence (the view is audited in :mod:`graph.workflow.lifecycle`); entities the principal may not see
  raw are masked, and so are their numbers and contact handles wherever the lead names them
  (title, explanation, summary), the phone-like digit runs in their free texts and the surface a
  masked handle was found in; an analyst sees the sources of its own org's rows only;
* :func:`push_targets` — the officers and police units a lead can be pushed to;
* :func:`assignees` — the analysts of one's own org a lead can be assigned to (an admin: of
  the orgs that triage it); :func:`assign_lead` and :func:`set_case` — triage's assignment and
  case (:mod:`graph.workflow.triage`), the doors of the admin page's lead control;
* :func:`export_lead` — the court package, through the same code as ``leadgraph export``,
  audited under the principal's own name; a police package carries the working notes the
  principal may read as a labelled annex, a partner package never;
* :func:`entity_profile` — one entity whole, as far as the principal may see it (audited as
  ``view_entity``);
* :func:`notes`, :func:`add_note`, :func:`edit_note`, :func:`delete_note` — working notes on an
  entity or a lead (:mod:`graph.workflow.notes`): read within the author's org or unit, never
  evidence;
* :func:`watch`, :func:`watch_of`, :func:`unwatch`, :func:`updates`, :func:`mark_seen` —
  watching an entity, a lead or a saved search (:mod:`graph.workflow.watch`): the updates show
  only the facts the principal's own pages would;
* :func:`alerts` and :func:`open_alert` — the principal's own alerts (:mod:`graph.workflow.alerts`):
  a candidate over the threshold, new evidence on a pushed lead; opened by their recipient only;
* :func:`trace_neighbourhood` and :func:`trace_paths` — :mod:`graph.evidence.trace` within the
  principal's rights (:func:`graph.evidence.search.apply_rights`): nodes outside them are left out,
  paths through them are dropped, and each trace is audited as a search;
* :func:`lead_timeline`, :func:`entity_timeline` and :func:`installation_timeline` — events on one
  time axis (:mod:`graph.evidence.timeline`): a lead's and an entity's read off what its page
  shows the principal (so audited as that view), the installation's counts a day for admins;
* :func:`entity_bursts` — the complaint bursts of entities (:mod:`graph.evidence.bursts`),
  counting only the complaints the principal may see raw (audited as ``view_bursts``);
* :func:`analysis_job` and :func:`job_queue` — the analysis of one's own org's submission
  (the Submit page's progress) and, for admins, the whole queue (:mod:`graph.workflow.jobs`);
* :func:`add_to_lead` and :func:`export_selection` — a chart's selection added to a lead as
  evidence (:mod:`graph.workflow.members`) or exported as a CSV of masked keys (audited).
* :func:`seal_lead` — the package :func:`export_lead` writes, sealed to a trusted installation
  of the alliance (:mod:`graph.export.sealed`), under the same rule as the export (audited).
* :func:`alliance_overview`, :func:`alliance_request`, :func:`alliance_respond` and
  :func:`alliance_finish` — the alliance page (:mod:`graph.alliance.exchange`), an admin's and an
  analyst's only: files come and go as bytes through a private temporary folder, and the matches
  of a result are shown as the principal may see them (masked where they must be).

Every function here is for a signed-in user who has chosen their own password
(:func:`_password_chosen`): one whose password an admin set reaches nothing until the password
page (:func:`graph.workflow.auth.change_own_password`, not a view) has replaced it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from graph.alliance import matches as match_store
from graph.db.store import GraphStore
from graph.evidence.bursts import complaint_days, find_bursts, strongest, weekly_counts
from graph.evidence.leads import describe_matches, lead_bundle
from graph.evidence.profile import entity_leads, entity_score, entity_submissions
from graph.evidence.rights import (
    compose,
    compose_by_key,
    contact_labels,
    masked_value,
    own_submissions,
    resolve,
    rights,
    shown_link,
    statements,
)
from graph.evidence.scores import WEIGHTS
from graph.evidence.search import entities_by_keys
from graph.evidence.timeline import daily_counts, events_from
from graph.evidence.trace import find_paths, neighbourhood
from graph.values.masking import mask_contact
from graph.workflow import alerts as alerting
from graph.workflow import audit, jobs, lifecycle, members, triage, users
from graph.workflow import notes as working_notes
from graph.workflow import watch as watching
from graph.workflow.auth import Forbidden, Principal, require

P = ParamSpec("P")
R = TypeVar("R")


def _password_chosen(
    view: Callable[Concatenate[GraphStore, Principal, P], R],
) -> Callable[Concatenate[GraphStore, Principal, P], R]:
    """``view``, refused (:class:`Forbidden`, audited as ``view_denied``) to a principal who
    must choose a new password first, as :func:`graph.workflow.auth.require` refuses every
    writing function: the workbench shows such a user only the password page, and this holds
    for whatever reaches a view another way."""

    @functools.wraps(view)
    def checked(store: GraphStore, principal: Principal, *args: P.args, **kwargs: P.kwargs) -> R:
        if principal is not None and principal.must_change_password:
            audit.append(
                store,
                principal.username,
                "view_denied",
                details={"view": view.__name__, "reason": "password_change_due"},
            )
        require(principal, "analyst", "officer", "admin")
        return view(store, principal, *args, **kwargs)

    return checked


def _replace_numbers(value: Any, hidden: dict[str, str]) -> Any:
    """``value`` (text, or lists and dicts of it) with each raw number in ``hidden`` replaced by
    its masked form."""
    if isinstance(value, str):
        for raw, shown in hidden.items():
            value = value.replace(raw, shown)
        return value
    if isinstance(value, list):
        return [_replace_numbers(item, hidden) for item in value]
    if isinstance(value, dict):
        return {key: _replace_numbers(item, hidden) for key, item in value.items()}
    return value


def _numbers_to_hide(
    store: GraphStore, principal: Principal, phone_keys: set[str]
) -> dict[str, str]:
    """Raw value → masked form, for the phones and contacts (``wechat:…``, ``qq:…`` …) among
    ``phone_keys`` that an analyst may not see raw (only another org submitted them). Officers
    and admins see leads raw."""
    if principal.role != "analyst" or not phone_keys:
        return {}
    raw = rights(store, principal, sorted(phone_keys))
    hidden = [key.split(":", 1) for key in sorted(phone_keys) if not raw.get(key)]
    return {value: mask_contact(prefix, value) for prefix, value in hidden}


_NUMBER_PREFIXES = ("phone:", *(f"{prefix}:" for prefix, _ in contact_labels().values()))


@_password_chosen
def lead_list(
    store: GraphStore,
    principal: Principal,
    *,
    statuses: list[str] | None = None,
    assignee: str | None = None,
) -> list[dict[str, Any]]:
    """:func:`graph.workflow.lifecycle.visible_leads`, with the phone numbers in titles and explanations
    masked where the principal may not see them raw (a candidate's ring is built from every
    org's clues; an analyst sees only their own org's numbers raw)."""
    leads = lifecycle.visible_leads(store, principal, statuses=statuses, assignee=assignee)
    return _masked_leads(store, principal, leads)


def _masked_leads(
    store: GraphStore, principal: Principal, leads: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``leads`` with the numbers their titles and explanations name masked where the principal
    may not see them raw, and an analyst's explanation sources cut to its own org's rows."""
    named = {
        str(key)
        for lead in leads
        for item in lead.get("explanation") or []
        for key in [item.get("entity"), *[m.get("key") for m in item.get("members") or []]]
    }
    hidden = _numbers_to_hide(
        store, principal, {k for k in named if k.startswith(_NUMBER_PREFIXES)}
    )
    subs = own_submissions(store, principal)
    if subs is not None:
        leads = [_own_matches(_own_sources(lead, subs), principal.org) for lead in leads]
    return [_replace_numbers(lead, hidden) for lead in leads] if hidden else leads


def _own_sources(lead: dict[str, Any], subs: set[str]) -> dict[str, Any]:
    """The lead with the sources its explanation cites cut to the analyst's own org's rows."""

    def own(sources: list[Any]) -> list[Any]:
        return [s for s in sources if str(s).split("#", 1)[0] in subs]

    items = []
    for item in lead.get("explanation") or []:
        if item.get("feature") == "burst":  # counted from every org's complaints: not theirs
            continue
        if "sources" in item:
            item = {**item, "sources": own(item["sources"])}
            item["members"] = [
                {**m, "sources": own(m.get("sources") or [])} for m in item.get("members") or []
            ]
            item.pop("text", None)  # it quotes every source; the page words the item itself
        items.append(item)
    # the learned ranking's table shows each feature's value: the burst is not theirs there either
    features = {k: v for k, v in (lead.get("features") or {}).items() if k != "burst"}
    ranking = dict(lead.get("ranking") or {})
    if isinstance(ranking.get("learned"), dict):
        ranking["learned"] = {k: v for k, v in ranking["learned"].items() if k != "burst"}
    return {**lead, "explanation": items, "features": features, "ranking": ranking}


def _own_matches(lead: dict[str, Any], org: str | None) -> dict[str, Any]:
    """An analyst's view of a lead's ``alliance_match`` feature: only the matches its own org
    ran (another org's reveal what that org suspected and whom it asked); with none, the
    feature leaves the explanation and the learned ranking's table."""
    items, theirs = [], False
    for item in lead.get("explanation") or []:
        if item.get("feature") == "alliance_match":
            mine = [m for m in item.get("value") or [] if m.get("by_org") == org]
            if not mine:
                continue
            theirs = True
            item = {
                **item,
                "value": mine,
                "text": f"{item.get('entity')}: {describe_matches(mine)}",
            }
        items.append(item)
    if theirs:
        return {**lead, "explanation": items}
    features = {k: v for k, v in (lead.get("features") or {}).items() if k != "alliance_match"}
    ranking = dict(lead.get("ranking") or {})
    if isinstance(ranking.get("learned"), dict):
        learned = ranking["learned"]
        ranking["learned"] = {k: v for k, v in learned.items() if k != "alliance_match"}
    return {**lead, "explanation": items, "features": features, "ranking": ranking}


def _shown_props(link: dict[str, Any], by_key: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A link's properties as the viewer sees them: the ``surface`` a contact was read from
    (``加微：Zx_Agent88``) is the contact itself, so when either end is masked it shows as the
    masked entity does."""
    props = dict(link.get("props") or {})
    ends = [by_key.get(link["start"]), by_key.get(link["end"])]
    if "surface" in props and any(end is None or end["masked"] for end in ends):
        end = by_key.get(link["end"])
        shown = end["display_key"].split(":", 1)[-1] if end and end["masked"] else "***"
        props["surface"] = shown
    return props


def _without_matches(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle without its alliance matches (those the owning org ran), which a page shows
    by the viewer's rights instead (:func:`_visible_matches`)."""
    return {
        **bundle,
        "entities": [e for e in bundle["entities"] if e["label"] != "Org"],
        "links": [link for link in bundle["links"] if link["type"] != match_store.LINK_TYPE],
        "matches": [],
    }


def _visible_matches(
    store: GraphStore, principal: Principal, owner: str | None, keys: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The counterpart orgs and match links of ``keys`` the principal may see: an analyst the
    matches its own org ran (another org's reveal what that org suspected), an officer those of
    the org that owns the lead pushed to them, an admin every one."""
    if principal.is_admin:
        orgs = None
    elif principal.role == "analyst":
        orgs = [str(principal.org)]
    else:
        orgs = [owner] if owner else []
    counterparts, links = match_store.match_links(match_store.matches_of(store, keys, orgs))
    shown = [{**org, "display_key": org["key"], "masked": False} for org in counterparts]
    return shown, links


@_password_chosen
def lead_page(store: GraphStore, principal: Principal, lead_id: str) -> dict[str, Any]:
    """A lead as its page shows it: ``lead`` (its node's properties, decoded), ``entities``
    (each with ``display_key`` and ``masked``), ``links`` (ends as display keys) and
    ``submissions``. Raises :class:`graph.workflow.auth.Forbidden` when the principal may not see it."""
    lead = lifecycle.view_lead(store, principal, lead_id)  # checked and audited
    bundle = _without_matches(lead_bundle(store, lead_id))
    keys = [e["key"] for e in bundle["entities"]]
    if principal.role == "analyst":
        # every entity of a lead it may see, whole where its org stated it, masked otherwise
        raw = {key: bool(own) for key, own in rights(store, principal, keys).items()}
        raw = {key: raw.get(key, False) for key in keys}
    else:  # officers the lead was pushed to, and admins
        raw = dict.fromkeys(keys, True)
    by_key = compose_by_key(store, principal, bundle["entities"], allowed=raw, with_statements=True)
    entities = list(by_key.values())
    shown = {key: entity["display_key"] for key, entity in by_key.items()}
    # the title, explanation and summary (its ties, its template clusters) name ring entities
    # too: each masked one by its display key, and a masked number as the entity shows it
    hidden = {key: entity["display_key"] for key, entity in by_key.items() if entity["masked"]}
    # (a phone or a contact read out of a text: its raw value as the masked entity shows it)
    rows = {row["key"]: row for row in bundle["entities"]}
    for key, entity in by_key.items():
        number = masked_value(entity["label"], rows[key]["props"]) if entity["masked"] else None
        if number:
            hidden[number[1]] = number[2]
    subs = own_submissions(store, principal)
    if subs is not None:
        lead = _own_matches(_own_sources(lead, subs), principal.org)
    lead = _replace_numbers(lead, hidden)
    links = [
        {**link, "start": shown.get(link["start"], link["start"]),
         "end": shown.get(link["end"], link["end"]),
         "props": _shown_props(link, by_key),
         "sources": [s for s in link.get("sources") or []
                     if subs is None or str(s).split("#", 1)[0] in subs]}
        for link in bundle["links"]
    ]  # fmt: skip
    counterparts, matched = _visible_matches(store, principal, bundle["lead"].get("org"), keys)
    entities += counterparts
    links += [{**link, "start": shown.get(link["start"], link["start"])} for link in matched]
    submissions = bundle["submissions"]
    if subs is not None:  # an analyst: another org's files, users and rows are not theirs to know
        submissions = [
            s if s.get("id") in subs else {"id": s.get("id"), "org": s.get("org")}
            for s in submissions
        ]
    return {
        "lead": lead,
        "entities": entities,
        "links": links,
        "submissions": submissions,
    }


@_password_chosen
def push_targets(store: GraphStore, principal: Principal) -> dict[str, list[str]]:
    """The officers (usernames) and police units (names) an analyst may push to."""
    if principal.role != "analyst":
        raise Forbidden("only an analyst pushes leads")
    officers = [u.username for u in users.list_users(store, role="officer") if not u.disabled]
    units = [o.name for o in users.list_orgs(store, kind="police")]
    return {"officers": sorted(officers), "units": sorted(units)}


@_password_chosen
def assignees(store: GraphStore, principal: Principal, lead_id: str | None = None) -> list[str]:
    """The analysts a lead can be assigned to: for an analyst, the active ones of their own org;
    for an admin, those of the orgs that triage ``lead_id`` (its owner, else the orgs whose
    complaints it rests on), as :func:`graph.workflow.triage.assign_lead` allows."""
    if principal.is_admin and lead_id is not None:
        orgs = triage.triaging_orgs(lifecycle.check_view(store, principal, lead_id))
    elif principal.role == "analyst":
        orgs = [str(principal.org)]
    else:
        raise Forbidden("only an analyst, or an admin for one lead, assigns leads")
    found = [u for org in orgs for u in users.list_users(store, role="analyst", org=org)]
    return sorted({u.username for u in found if not u.disabled})


@_password_chosen
def assign_lead(
    store: GraphStore, principal: Principal, lead_id: str, username: str | None
) -> None:
    """:func:`graph.workflow.triage.assign_lead`: an analyst assigns within their own org; an
    admin (the admin page's lead control) to an analyst of an org that triages the lead. Each
    refusal is audited as ``triage_denied``."""
    triage.assign_lead(store, principal, lead_id, username)


@_password_chosen
def set_case(
    store: GraphStore,
    principal: Principal,
    lead_id: str,
    case_ref: str | None,
    reviewing_officer: str | None,
) -> None:
    """:func:`graph.workflow.triage.set_case`: the case number and the reviewing officer, set by
    the officer or unit the lead was pushed to, or an admin, once it is pushed (audited)."""
    triage.set_case(store, principal, lead_id, case_ref, reviewing_officer)


@_password_chosen
def export_lead(
    store: GraphStore, principal: Principal, lead_id: str, out_dir: Path
) -> dict[str, Any]:
    """Write the lead's court package (zip) into ``out_dir`` and audit it under the principal.

    Officers receive the ``police`` package (full values); analysts of the owning org the
    ``partner`` one (masked). Returns the package's facts (``ExportResult.to_dict()``)."""
    from graph.export.audited import export_and_audit  # heavy: fonts, Graphviz

    access = lifecycle.check_view(store, principal, lead_id)
    if principal.role == "officer" or principal.is_admin:
        audience = "police"
    elif principal.role == "analyst" and access["owner"] == principal.org:
        audience = "partner"
    else:
        raise Forbidden("only the owning org's analysts and the officers it was pushed to export")
    bundle = lead_bundle(store, lead_id)
    annex: list[dict[str, Any]] = []
    if audience != "partner":  # a partner is never entitled to working notes
        annex = working_notes.package_annex(store, principal, bundle)
    result = export_and_audit(
        store,
        bundle,
        out_dir,
        actor=principal.username,
        user=principal.username,
        audience=audience,
        via="workbench",
        notes=annex,
    )
    return result.to_dict()


@_password_chosen
def notes(store: GraphStore, principal: Principal, target: str) -> list[dict[str, Any]]:
    """The working notes on ``target`` (an entity key or pseudonym, or ``lead:<id>``) that the
    principal may read: their own org's or unit's (an admin's: all)."""
    return working_notes.list_notes(store, principal, target)


@_password_chosen
def add_note(store: GraphStore, principal: Principal, target: str, text: str) -> dict[str, Any]:
    """Write a working note on a target the principal may see (audited)."""
    return working_notes.add_note(store, principal, target, text)


@_password_chosen
def edit_note(store: GraphStore, principal: Principal, note_id: str, text: str) -> None:
    """Change one's own note (audited)."""
    working_notes.edit_note(store, principal, note_id, text)


@_password_chosen
def delete_note(store: GraphStore, principal: Principal, note_id: str) -> None:
    """Delete one's own note; an admin, any (audited)."""
    working_notes.delete_note(store, principal, note_id)


def _entity_rows(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"key": n["key"], "label": n["label"], "props": n["props"]} for n in nodes]


def _visible(store: GraphStore, principal: Principal, key: str) -> None:
    if not rights(store, principal, [key]):
        audit.append(store, principal.username, "view_denied", key)
        raise Forbidden(f"{principal.username} may not see {key}")


def _shown_hubs(
    store: GraphStore, principal: Principal, hubs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The set-aside hubs the principal may see, as display keys (masked where they must be)
    with their degree: a search must say which hubs it did not walk through, without showing
    a number the principal may only see masked."""
    degree = {hub["key"]: hub["degree"] for hub in hubs}
    rows = compose(store, principal, entities_by_keys(store, list(degree)))
    return [{"key": row["display_key"], "degree": degree[row["key"]]} for row in rows]


@_password_chosen
def trace_neighbourhood(
    store: GraphStore, principal: Principal, key: str, *, hops: int = 1, limit: int = 300
) -> dict[str, Any]:
    """The neighbourhood of ``key`` as far as the principal may see it: ``nodes`` (masked where
    they must be), ``links`` between them (ends as display keys), ``hidden`` (how many nodes
    were left out), ``truncated`` and ``set_aside`` (hubs not expanded)."""
    key = resolve(key)
    _visible(store, principal, key)
    graph = neighbourhood(store, key, hops=hops, limit=limit)
    by_key = compose_by_key(
        store, principal, _entity_rows([n.as_dict() for n in graph.nodes.values()])
    )
    nodes = list(by_key.values())
    shown = {key: entity["display_key"] for key, entity in by_key.items()}
    subs = own_submissions(store, principal)
    links = []
    for link in graph.links.values():
        if link.start not in shown or link.end not in shown:
            continue
        raw_ends = not (by_key[link.start]["masked"] or by_key[link.end]["masked"])
        visible = shown_link(link.as_dict(), subs, raw_ends)
        if visible is not None:
            links.append({**visible, "start": shown[link.start], "end": shown[link.end]})
    if subs is not None:  # an analyst: only what its own rows link; how much else is there is
        linked = {link["start"] for link in links} | {link["end"] for link in links}  # not said
        nodes = [n for n in nodes if n["display_key"] in linked or n["display_key"] == shown[key]]
    audit.append(
        store,
        principal.username,
        "search",
        key,
        {"trace": "neighbourhood", "hops": hops, "results": len(nodes)},
    )
    return {
        "nodes": nodes,
        "links": links,
        "hidden": 0 if subs is not None else len(graph.nodes) - len(nodes),
        "truncated": graph.truncated,
        "set_aside": _shown_hubs(store, principal, graph.set_aside),
    }


@_password_chosen
def trace_paths(
    store: GraphStore,
    principal: Principal,
    a: str,
    b: str,
    *,
    max_hops: int = 4,
    k: int = 3,
    time_ordered: bool = False,
    max_gap_days: int | None = None,
) -> dict[str, Any]:
    """The shortest paths from ``a`` to ``b`` that stay within the principal's rights; each
    path's ``nodes`` masked where they must be and each step with its sources. ``hidden`` counts
    the paths left out because they pass through something the principal may not see.
    ``time_ordered`` and ``max_gap_days`` are :func:`graph.evidence.trace.find_paths`'s (as
    ``leadgraph trace --in-time-order``)."""
    a, b = resolve(a), resolve(b)
    _visible(store, principal, a)
    _visible(store, principal, b)
    found = find_paths(
        store, a, b, max_hops=max_hops, k=k, time_ordered=time_ordered, max_gap_days=max_gap_days
    )
    rows = _entity_rows(list({n["key"]: n for p in found["paths"] for n in p["nodes"]}.values()))
    allowed = compose_by_key(store, principal, rows)
    subs = own_submissions(store, principal)
    paths = []
    for path in found["paths"]:
        if not all(n["key"] in allowed for n in path["nodes"]):
            continue
        shown = {n["key"]: allowed[n["key"]]["display_key"] for n in path["nodes"]}
        steps = [
            shown_link(
                step,
                subs,
                not (allowed[step["start"]]["masked"] or allowed[step["end"]]["masked"]),
            )
            for step in path["steps"]
        ]
        if any(step is None for step in steps):
            continue
        paths.append(
            {
                "hops": path["hops"],
                "nodes": [allowed[n["key"]] for n in path["nodes"]],
                "steps": [
                    {**s, "start": shown[s["start"]], "end": shown[s["end"]]}
                    for s in steps
                    if s is not None
                ],
            }
        )
    audit.append(
        store,
        principal.username,
        "search",
        a,
        {"trace": "paths", "to": b, "max_hops": max_hops, "results": len(paths)}
        | ({"time_ordered": True, "max_gap_days": max_gap_days} if time_ordered else {}),
    )
    return {
        "paths": paths,
        "hidden": 0 if subs is not None else len(found["paths"]) - len(paths),
        "set_aside": _shown_hubs(store, principal, found["set_aside"]),
        "search": found["search"],
    }


@_password_chosen
def entity_profile(
    store: GraphStore, principal: Principal, key: str, *, limit: int = 300
) -> dict[str, Any]:
    """One entity as its profile page shows it, within the principal's rights (those of search
    and trace; an entity the principal may not see at all is refused and the attempt audited,
    whether it exists or not):

    * ``entity``: its identity, masked where the principal may not see it raw;
    * ``statements``: who said which value and when — each party's for officers and admins, the
      analyst's own org's only (another party's values are theirs, as everywhere);
    * ``links``: link type → its links, each with the other end (masked where it must be), the
      direction and the sources (an analyst's own org's rows only, as on the lead page);
      ``truncated`` and ``set_aside`` when the entity is a hub (its links are capped at ``limit``);
    * ``submissions``: those whose rows name it (an analyst's own org's only);
    * ``leads``: the leads it is in that the principal may open, titles masked as in lists;
    * ``score``: its intermediary score with each feature's contribution, or None (not scored,
      or not the principal's to see: an analyst sees the score of what its org stated only).

    The view is audited (``view_entity``)."""
    asked, key = key, resolve(key)
    raw = rights(store, principal, [key])
    if key not in raw:  # the message names what was asked: a pseudonym stays one
        audit.append(store, principal.username, "view_denied", key)
        raise Forbidden(f"{principal.username} may not see {asked}")
    graph = neighbourhood(store, key, hops=1, limit=limit)
    rows = _entity_rows([n.as_dict() for n in graph.nodes.values()])
    by_key = compose_by_key(store, principal, rows)
    entity = by_key[key]
    subs = own_submissions(store, principal)
    if subs is None:  # officers and admins: every party's statements
        stated = statements(store, [key])[key]
    else:
        stated = statements(store, [key], org=principal.org)[key] if raw[key] else []
    groups: dict[str, list[dict[str, Any]]] = {}
    for link in graph.links.values():
        other = link.end if link.start == key else link.start
        if other not in by_key:
            continue
        raw_ends = not (entity["masked"] or by_key[other]["masked"])
        shown = shown_link(link.as_dict(), subs, raw_ends)
        if shown is None:
            continue
        groups.setdefault(link.type, []).append(
            {
                **shown,
                "start": by_key[link.start]["display_key"],
                "end": by_key[link.end]["display_key"],
                "props": _shown_props(link.as_dict(), by_key),
                "direction": "out" if link.start == key else "in",
                "other": by_key[other],
            }
        )
    submissions = entity_submissions(store, key)
    if subs is not None:
        submissions = [s for s in submissions if s["id"] in subs]
    leads = [
        lead
        for lead in entity_leads(store, key)
        if lifecycle.may_view(store, principal, lead["id"])
    ]
    leads = [
        {k: v for k, v in lead.items() if k != "explanation"}
        for lead in _masked_leads(store, principal, leads)
    ]
    bursts = _visible_bursts(store, principal, [key]).get(key, [])
    score: dict[str, Any] | None = None
    if raw[key] or subs is None:
        found = entity_score(store, key)
        if found is not None and not isinstance(found, dict):
            score = {
                "score": found.score,
                "contributions": found.contributions,
                "features": found.features,
                "templates": found.templates,
            }
        elif found is not None:
            score = {"service": found}
    if subs is not None and score is not None and "features" in score:
        score = _own_match(_own_burst(score, bursts), principal.org)
    audit.append(
        store,
        principal.username,
        "view_entity",
        key,
        {"links": sum(len(g) for g in groups.values()), "leads": len(leads)},
    )
    return {
        "entity": entity,
        "statements": stated,
        "links": dict(sorted(groups.items())),
        "truncated": graph.truncated,
        "set_aside": _shown_hubs(store, principal, graph.set_aside),
        "submissions": submissions,
        "leads": leads,
        "score": score,
        "bursts": bursts,
    }


@_password_chosen
def lead_timeline(store: GraphStore, principal: Principal, lead_id: str) -> list[dict[str, Any]]:
    """The lead's events (:func:`graph.evidence.timeline.events_from`), oldest first: its
    complaints, the calls between its phones, its accounts' activity, the submissions the page
    shows with a time, its own history and feedback — read off :func:`lead_page`, so checked,
    masked and audited (``view_lead``) as the page is: nothing the page hides is on it."""
    page = lead_page(store, principal, lead_id)
    return events_from(page["entities"], page["links"], page["submissions"], page["lead"])


@_password_chosen
def entity_timeline(
    store: GraphStore, principal: Principal, key: str, *, limit: int = 300
) -> list[dict[str, Any]]:
    """One entity's events and its neighbours' (its complaints, its calls, the submissions that
    name it), read off :func:`entity_profile` (checked, masked and audited as ``view_entity``)."""
    profile = entity_profile(store, principal, key, limit=limit)
    entities, links = profile_parts(profile)
    return events_from(entities, links, profile["submissions"])


def profile_parts(profile: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """An :func:`entity_profile`'s entities (itself, then each other end once) and links."""
    links = [link for group in profile["links"].values() for link in group]
    others = {link["other"]["display_key"]: link["other"] for link in links}
    return [profile["entity"], *others.values()], links


@_password_chosen
def installation_timeline(
    store: GraphStore, principal: Principal, since: date, until: date
) -> list[dict[str, Any]]:
    """Events a day by type over the whole installation (:func:`graph.evidence.timeline.
    daily_counts`, at most ten years of days): an admin's view, audited (``view_timeline``).
    Counting every org's complaints is more than any analyst or officer may see."""
    if not principal.is_admin:
        audit.append(store, principal.username, "view_denied", "timeline:installation")
        raise Forbidden("only an admin sees the installation's timeline")
    rows = daily_counts(store, since, until)
    audit.append(
        store,
        principal.username,
        "view_timeline",
        "timeline:installation",
        {
            "since": since.isoformat(),
            "until": until.isoformat(),
            "days": len({r["time"] for r in rows}),
        },
    )
    return rows


def _visible_bursts(
    store: GraphStore, principal: Principal, keys: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """Each key's burst periods, counting only the complaints the principal may see raw: a
    burst made of another org's complaints is that org's to know."""
    days = complaint_days(store, keys)
    complaints = sorted({complaint for rows in days.values() for complaint, _ in rows})
    raw = rights(store, principal, complaints) if complaints else {}
    return {
        key: find_bursts(weekly_counts((day, 1) for complaint, day in rows if raw.get(complaint)))
        for key, rows in days.items()
    }


def _own_burst(score: dict[str, Any], bursts: list[dict[str, Any]]) -> dict[str, Any]:
    """An analyst's view of a score: its ``burst`` feature as the analyst's own complaints give
    it (``bursts``), the total changed to match."""
    contributions = {**score["contributions"], "burst": WEIGHTS["burst"] if bursts else 0.0}
    return {
        **score,
        "score": min(100.0, round(sum(contributions.values()), 2)),
        "contributions": contributions,
        "features": {**score["features"], "burst": strongest(bursts)},
    }


def _own_match(score: dict[str, Any], org: str | None) -> dict[str, Any]:
    """An analyst's view of a score: its ``alliance_match`` feature as its own org's matches
    give it (another org's are that org's to know), the total changed to match."""
    mine = [m for m in score["features"].get("alliance_match") or [] if m.get("by_org") == org]
    weight = WEIGHTS["alliance_match"] if mine else 0.0
    contributions = {**score["contributions"], "alliance_match": weight}
    return {
        **score,
        "score": min(100.0, round(sum(contributions.values()), 2)),
        "contributions": contributions,
        "features": {**score["features"], "alliance_match": mine},
    }


@_password_chosen
def entity_bursts(
    store: GraphStore, principal: Principal, keys: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """The complaint bursts of each of ``keys`` (keys, or pseudonyms of masked entities) that
    the principal may see at all, for a timeline: ``{asked key: [{key, start, end, weeks,
    count, peak, baseline, ratio}]}`` (an empty list: no burst), counting only the complaints
    the principal may see raw. Keys it may not see are left out. Audited (``view_bursts``)."""
    asked = {resolve(name): name for name in keys}
    visible = sorted(rights(store, principal, list(asked)))
    found = _visible_bursts(store, principal, visible)
    result = {
        asked[key]: [{"key": asked[key], **period} for period in found.get(key, [])]
        for key in visible
    }
    audit.append(
        store,
        principal.username,
        "view_bursts",
        f"entities:{len(keys)}",
        {"shown": len(result), "periods": sum(len(p) for p in result.values())},
    )
    return result


@_password_chosen
def watch(
    store: GraphStore, principal: Principal, target_type: str, target: str, *, notify: bool = False
) -> dict[str, Any]:
    """Watch an entity, a lead or a saved search the principal may see (audited); see
    :mod:`graph.workflow.watch`."""
    return watching.add_watch(store, principal, target_type, target, notify=notify)


@_password_chosen
def watch_of(
    store: GraphStore, principal: Principal, target_type: str, target: str
) -> dict[str, Any] | None:
    """The principal's watch on ``target``, or None."""
    return watching.find_watch(store, principal, target_type, target)


@_password_chosen
def unwatch(store: GraphStore, principal: Principal, watch_id: str) -> None:
    """Stop one's own watch (audited)."""
    watching.remove_watch(store, principal, watch_id)


@_password_chosen
def updates(store: GraphStore, principal: Principal) -> dict[str, Any]:
    """The principal's watches and what is new for them, within their rights (audited)."""
    return watching.updates(store, principal)


@_password_chosen
def mark_seen(
    store: GraphStore, principal: Principal, watch_id: str, at: str | None = None
) -> None:
    """Count what one's own watch has shown until ``at`` as seen."""
    watching.mark_seen(store, principal, watch_id, at)


@_password_chosen
def add_to_lead(
    store: GraphStore, principal: Principal, lead_id: str, keys: list[str]
) -> list[str]:
    """Add entities picked on a chart (keys or pseudonyms) to the lead as evidence: an analyst
    of the owning org only (:mod:`graph.workflow.members`, audited)."""
    return members.add_members(store, principal, lead_id, keys)


@_password_chosen
def export_selection(
    store: GraphStore, principal: Principal, entities: list[dict[str, Any]], *, context: str
) -> str:
    """A CSV of chart entities as the principal was shown them (``display_key``, so a masked
    one by its masked key or pseudonym; label; caption), audited as an export of ``context``."""
    import csv
    import io

    from graph.core.cells import safe_cell

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["key", "label", "caption"])
    for entity in entities:
        cells = (entity["display_key"], entity["label"], entity.get("caption") or "")
        writer.writerow([safe_cell(str(cell)) for cell in cells])
    audit.append(
        store,
        principal.username,
        "export",
        context,
        {"what": "chart_selection", "entities": len(entities)},
    )
    return out.getvalue()


@_password_chosen
def alerts(store: GraphStore, principal: Principal) -> list[dict[str, Any]]:
    """The principal's own alerts, unread first: kind, lead id, score, counts, when."""
    return alerting.list_alerts(store, principal)


@_password_chosen
def open_alert(store: GraphStore, principal: Principal, alert_id: str) -> dict[str, Any]:
    """Open one's own alert (marked read, audited); another's is refused (audited)."""
    return alerting.read_alert(store, principal, alert_id)


def _job_shown(job: jobs.Job, *, error: bool) -> dict[str, Any]:
    """A job as a page shows it: what changed counted, the error only when ``error``."""
    result = job.result or {}
    return {
        "id": job.id,
        "submission": job.submission,
        "cause": job.cause,
        "status": job.status,
        "progress": job.progress,
        "progress_text": job.progress_text,
        "queued_at": job.queued_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "attempts": job.attempts,
        "worker": job.worker,
        "error": job.error if error else None,
        **{name: len(result.get(name) or []) for name in ("created", "updated", "stale")},
    }


@_password_chosen
def analysis_job(
    store: GraphStore, principal: Principal, submission_id: str
) -> dict[str, Any] | None:
    """The analysis job of a submission of the principal's own org (an admin's: any), None
    before it is queued. Another org's submission is refused as an unknown one would be, so the
    answer does not confirm what other orgs submitted. The error is an admin's to read."""
    if not principal.is_admin and (
        not principal.org or jobs.submission_org(store, submission_id) != principal.org
    ):
        raise Forbidden(f"no submission {submission_id!r} of {principal.org or 'your org'}")
    job = jobs.job_of_submission(store, submission_id)
    return _job_shown(job, error=principal.is_admin) if job else None


JOBS_DONE_SHOWN = 20


@_password_chosen
def job_queue(store: GraphStore, principal: Principal) -> list[dict[str, Any]]:
    """Queued, running and failed jobs and the last finished ones: an admin's view."""
    if not principal.is_admin:
        audit.append(store, principal.username, "view_denied", "jobs")
        raise Forbidden("only an admin sees the job queue")
    return [_job_shown(job, error=True) for job in jobs.list_jobs(store, done=JOBS_DONE_SHOWN)]


@_password_chosen
def retrain_ranking(store: GraphStore, principal: Principal) -> dict[str, Any]:
    """The admin's retrain button: :func:`graph.evidence.rerank.train` on the labels now
    recorded (audited there as ``rerank_train`` by this admin). Anyone else is refused and the
    attempt audited (``view_denied``): a re-ranking re-orders every org's candidates."""
    if not principal.is_admin:
        audit.append(store, principal.username, "view_denied", "rank_model:train")
        raise Forbidden("only an admin retrains the ranking")
    from graph.evidence import rerank

    return rerank.train(store, principal.username)


@_password_chosen
def seal_lead(
    store: GraphStore, principal: Principal, lead_id: str, to: str, out_dir: Path
) -> dict[str, Any]:
    """The lead's package, exported as :func:`export_lead` would for the principal (who may
    seal exactly what they may export), sealed to the trusted installation ``to`` into
    ``out_dir``. The plain package never leaves a private temporary folder. Both the export and
    the seal are audited under the principal."""
    import tempfile

    from graph.alliance.identity import find_trusted
    from graph.export.sealed import SUFFIX, seal_and_audit

    find_trusted(to)  # an unknown recipient is refused before anything is exported
    with tempfile.TemporaryDirectory(prefix="leadgraph-seal-") as folder:
        exported = export_lead(store, principal, lead_id, Path(folder))
        package = Path(exported["path"])
        out_dir.mkdir(parents=True, exist_ok=True)
        out = out_dir / f"{package.stem}{SUFFIX}"
        result = seal_and_audit(store, package, to, out, actor=principal.username, via="workbench")
    return result.to_dict()


ALLIANCE_ROLES = ("admin", "analyst")


def _alliance_member(store: GraphStore, principal: Principal) -> None:
    """The alliance page is an admin's and an analyst's: an officer is refused (audited)."""
    if principal.role not in ALLIANCE_ROLES:
        audit.append(store, principal.username, "view_denied", "alliance")
        raise Forbidden("the alliance page is an admin's and an analyst's")


def _spill(folder: Path, name: str, data: bytes | None) -> Path | None:
    """An uploaded file's bytes into the private temporary ``folder`` (None stays None)."""
    if data is None:
        return None
    path = folder / name
    path.write_bytes(data)
    return path


@_password_chosen
def alliance_overview(store: GraphStore, principal: Principal) -> dict[str, Any]:
    """This installation's alliance identity (name, fingerprint), the installations it trusts
    and the runs it asked — an analyst's own, an admin's all (facts only: no key, no item)."""
    from graph.alliance import identity, runs

    _alliance_member(store, principal)
    own = identity.load_or_create()
    trusted = [
        {"name": t.name, "fingerprint": t.fingerprint, "trusted_at": t.trusted_at}
        for t in identity.trusted()
    ]
    shown = ("run_id", "created", "counterpart", "mode", "set", "size", "finished", "count", "by")
    asked = [
        {name: meta.get(name) for name in shown}
        for meta in runs.listed()
        if principal.is_admin or meta.get("by") == principal.username
    ]
    return {"name": own.name, "fingerprint": own.fingerprint, "trusted": trusted, "runs": asked}


@_password_chosen
def alliance_request(
    store: GraphStore,
    principal: Principal,
    set_name: str,
    mode: str,
    counterpart: str,
    *,
    watchlist: bytes | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """A request about ``set_name`` for the trusted ``counterpart``
    (:func:`graph.alliance.exchange.make_request`): its facts and the file's bytes (``file``)."""
    import tempfile

    from graph.alliance import exchange

    _alliance_member(store, principal)
    with tempfile.TemporaryDirectory(prefix="leadgraph-alliance-") as name:
        folder = Path(name)
        out = folder / "request.json"
        result = exchange.make_request(
            store, principal, set_name, mode=mode, counterpart=counterpart, out=out,
            watchlist=_spill(folder, "watchlist.csv", watchlist), force=force,
        )  # fmt: skip
        data = out.read_bytes()
    run_id = result["run_id"]
    return {**result, "out": None, "file": data, "file_name": f"alliance-request-{run_id}.json"}


@_password_chosen
def alliance_respond(
    store: GraphStore,
    principal: Principal,
    request: bytes,
    set_name: str,
    *,
    watchlist: bytes | None = None,
) -> dict[str, Any]:
    """The answer to an uploaded request (:func:`graph.alliance.exchange.respond`): its facts
    (what this side learns: the sender and the request's size) and the file's bytes."""
    import tempfile

    from graph.alliance import exchange

    _alliance_member(store, principal)
    with tempfile.TemporaryDirectory(prefix="leadgraph-alliance-") as name:
        folder = Path(name)
        asked = _spill(folder, "request.json", request)
        assert asked is not None
        out = folder / "response.json"
        result = exchange.respond(
            store, principal, asked, set_name, out=out,
            watchlist=_spill(folder, "watchlist.csv", watchlist),
        )  # fmt: skip
        data = out.read_bytes()
    run_id = result["run_id"]
    return {**result, "out": None, "file": data, "file_name": f"alliance-response-{run_id}.json"}


@_password_chosen
def alliance_finish(store: GraphStore, principal: Principal, response: bytes) -> dict[str, Any]:
    """The result of one of this installation's runs from an uploaded response
    (:func:`graph.alliance.exchange.finish`): the count, and in intersection mode the matched
    entities as the principal may see them (``matched``: key — a pseudonym when masked —, label,
    display key). A matched key the graph does not hold came from the principal's own watchlist
    file and is shown as given (``listed``); one the principal may not see is only counted
    (``hidden``)."""
    import tempfile

    from graph.alliance import exchange

    _alliance_member(store, principal)
    with tempfile.TemporaryDirectory(prefix="leadgraph-alliance-") as name:
        answered = _spill(Path(name), "response.json", response)
        assert answered is not None
        result = exchange.finish(store, principal, answered)
    found = entities_by_keys(store, result["matched"])
    held = {row["key"] for row in found}
    matched = [
        {"key": row["key"], "label": row["label"], "display_key": row["display_key"]}
        for row in compose(store, principal, found)
    ]
    listed = [key for key in result["matched"] if key not in held]
    hidden = len(held) - len(matched)  # matches the principal may not see: counted, not named
    return {**result, "matched": matched, "listed": listed, "hidden": hidden}
