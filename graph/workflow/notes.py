"""Working notes: what an officer or analyst wrote down about an entity or a lead.

A note is not evidence. It is a ``Note`` node that names its target by key (``target``: an
entity key such as ``phone:+8613800138000``, or ``lead:<id>``) and has no link at all, so no
trace, detection, score or export query — they walk and count links between entities — can
reach it or count it in a degree. Notes appear only in their own section of a page and, for an
audience entitled to them, as a labelled annex of a court package (``notes.txt``).

Who reads what:

* a note is read by its author's org (an analyst's enterprise, an officer's police unit) and
  by admins; another org's analyst never sees it, even on an entity both orgs stated;
* one writes or reads notes only on a target one may see (a lead one may view, an entity within
  one's rights), refused and audited as ``view_denied`` otherwise;
* only its author edits a note; its author or an admin deletes it. Adding, editing and
  deleting are audited (``note_add``, ``note_edit``, ``note_delete``); a refused edit or delete
  as ``note_denied``.
"""

from __future__ import annotations

import secrets
from typing import Any

from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.evidence.rights import resolve, rights
from graph.workflow import audit, lifecycle, users
from graph.workflow.auth import Forbidden, Principal, require

MAX_NOTE = 2_000  # characters of one note
LEAD_PREFIX = "lead:"

ADD = """
CREATE (n:Note {id: $id, target: $target, text: $text, author: $author, org: $org,
                created_at: $at})
RETURN n.id AS id
"""

# Readable by the principal: their org's notes, their own, or (admin) every note.
OF_TARGETS = """
MATCH (n:Note) WHERE n.target IN $targets
  AND ($all OR n.author = $username OR ($org IS NOT NULL AND n.org = $org))
RETURN n.id AS id, n.target AS target, n.text AS text, n.author AS author, n.org AS org,
       n.created_at AS created_at, n.edited_at AS edited_at
ORDER BY n.created_at, n.id
"""

ONE = """
MATCH (n:Note {id: $id})
RETURN n.id AS id, n.target AS target, n.author AS author, n.org AS org
"""

EDIT = "MATCH (n:Note {id: $id}) SET n.text = $text, n.edited_at = $at"

DELETE = "MATCH (n:Note {id: $id}) DELETE n"


def clean_text(text: str) -> str:
    """The note as kept: line breaks unified, blank ends trimmed; refused when empty or longer
    than :data:`MAX_NOTE` characters."""
    cleaned = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not cleaned:
        raise UserError("a note needs some text")
    if len(cleaned) > MAX_NOTE:
        raise UserError(f"a note is at most {MAX_NOTE} characters")
    return cleaned


def lead_target(lead_id: str) -> str:
    """The target key of a lead's notes."""
    return f"{LEAD_PREFIX}{lead_id}"


def check_target(store: GraphStore, principal: Principal, target: str) -> str:
    """The target's real key when the principal may see it (a masked entity's pseudonym is
    resolved); :class:`Forbidden` (audited as ``view_denied``) otherwise."""
    require(principal, "analyst", "officer", "admin")
    if target.startswith(LEAD_PREFIX):
        lifecycle.check_view(store, principal, target[len(LEAD_PREFIX) :])  # audits a refusal
        return target
    key = resolve(target)
    if key not in rights(store, principal, [key]):
        audit.append(store, principal.username, "view_denied", key, {"notes": True})
        raise Forbidden(f"{principal.username} may not see {key}")
    return key


def _readable(store: GraphStore, principal: Principal, targets: list[str]) -> list[dict[str, Any]]:
    return store.read(
        OF_TARGETS,
        targets=targets,
        all=principal.is_admin,
        username=principal.username,
        org=principal.org,
    )


def add_note(store: GraphStore, principal: Principal, target: str, text: str) -> dict[str, Any]:
    """Write a note on ``target`` (an entity key, a masked entity's pseudonym or
    ``lead:<id>``); returns it as :func:`list_notes` would."""
    key = check_target(store, principal, target)
    cleaned = clean_text(text)
    note_id = f"note-{secrets.token_hex(8)}"
    at = utc_now()
    store.write(
        ADD, id=note_id, target=key, text=cleaned, author=principal.username,
        org=principal.org, at=at,
    )  # fmt: skip
    audit.append(
        store, principal.username, "note_add", key, {"note": note_id, "chars": len(cleaned)}
    )
    return {
        "id": note_id, "target": key, "text": cleaned, "author": principal.username,
        "org": principal.org, "created_at": at, "edited_at": None,
    }  # fmt: skip


def list_notes(store: GraphStore, principal: Principal, target: str) -> list[dict[str, Any]]:
    """The notes on ``target`` the principal may read (their org's; an admin's: all), oldest
    first. Reading the target itself is checked (and, for a lead, audited as its view is)."""
    key = check_target(store, principal, target)
    return _readable(store, principal, [key])


def notes_on(store: GraphStore, principal: Principal, targets: list[str]) -> list[dict[str, Any]]:
    """The notes the principal may read on any of ``targets`` (real keys the caller has already
    checked, e.g. a lead and the entities of its bundle), oldest first."""
    return _readable(store, principal, targets) if targets else []


def package_annex(
    store: GraphStore, principal: Principal, bundle: dict[str, Any]
) -> list[dict[str, Any]]:
    """The notes a package of ``bundle`` (:func:`graph.evidence.leads.lead_bundle`) made by
    ``principal`` carries: those they may read on the lead and its entities. Whether they go in
    at all is the audience's matter (:func:`graph.export.annex.entitled_notes`)."""
    targets = [lead_target(bundle["lead"]["id"]), *(e["key"] for e in bundle["entities"])]
    return notes_on(store, principal, targets)


def annex_of_user(store: GraphStore, username: str, bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """The notes of a package exported in ``username``'s name from the command line: what
    :func:`package_annex` gives that account when it is active, has chosen its password and
    may see the lead; none otherwise (a name that is no account names no reader)."""
    user = users.get_user(store, username)
    if user is None or user.disabled or user.must_change_password:
        return []
    principal = Principal.of(user)
    if not lifecycle.may_view(store, principal, str(bundle["lead"]["id"])):
        return []
    return package_annex(store, principal, bundle)


def _own(store: GraphStore, principal: Principal, note_id: str, action: str) -> dict[str, Any]:
    """The note when the principal may change it: its author (an admin may also delete)."""
    require(principal, "analyst", "officer", "admin")
    note = store.read_one(ONE, id=note_id)
    if note is None:
        raise UserError(f"no note {note_id}")
    if note["author"] != principal.username and not (principal.is_admin and action == "delete"):
        audit.append(
            store, principal.username, "note_denied", note["target"],
            {"note": note_id, "action": action},
        )  # fmt: skip
        raise Forbidden("only its author changes a note")
    return note


def edit_note(store: GraphStore, principal: Principal, note_id: str, text: str) -> None:
    """Replace the text of one's own note (the audit log keeps that it was edited, and when)."""
    note = _own(store, principal, note_id, "edit")
    cleaned = clean_text(text)
    store.write(EDIT, id=note_id, text=cleaned, at=utc_now())
    audit.append(
        store, principal.username, "note_edit", note["target"],
        {"note": note_id, "chars": len(cleaned)},
    )  # fmt: skip


def delete_note(store: GraphStore, principal: Principal, note_id: str) -> None:
    """Delete one's own note (an admin: any note)."""
    note = _own(store, principal, note_id, "delete")
    store.write(DELETE, id=note_id)
    audit.append(
        store, principal.username, "note_delete", note["target"],
        {"note": note_id, "author": note["author"]},
    )  # fmt: skip
