"""A user whose password an admin set must choose a new one before anything else — and not only
on the pages: every function of :mod:`graph.views` refuses them, reading ones included.

The attacker knows the password an admin gave (a reset after a suspected leak, read off a
screen) and signs in with it. The workbench then shows only the password page; here the attacker
reaches the views anyway (a page that forgot to check, a script with the session) and asks for
the lead, its notes, the trace, the profile and the package. Each is refused and audited as
``view_denied``; the same calls work once the user has chosen their own password. The table of
calls covers every public function of :mod:`graph.views`, so a new view must be listed here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from support import CONTACT_ORG, WECHAT, one_contact_ring

from graph import views
from graph.db.store import GraphStore
from graph.workflow import admin, audit, auth, users
from graph.workflow.auth import Forbidden, Principal, operator
from graph.workflow.lifecycle import accept_lead

GIVEN = "Admin-given-pw-1"  # what the admin set, and the attacker knows
CHOSEN = "Chosen-by-me-22"
ACCOUNT = "account:douyin:fawu_helper1"  # another end for a trace: it advertises WECHAT


@pytest.fixture
def world(store: GraphStore, tmp_path: Path) -> dict[str, Any]:
    found = one_contact_ring(store, tmp_path)
    lead_id = str(next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"]))
    users.add_org(store, CONTACT_ORG, "enterprise", exist_ok=True)
    root = operator()
    admin.create_account(
        store, root, "analyst_r", role="analyst", org=CONTACT_ORG, password=CHOSEN + "x",
        must_change=False,
    )  # fmt: skip
    before = auth.authenticate(store, "analyst_r", CHOSEN + "x")
    accept_lead(store, before, lead_id, "ours")
    note = views.add_note(store, before, f"lead:{lead_id}", "PWNOTE written before the reset")
    admin.set_password(store, root, "analyst_r", GIVEN)  # the reset: a new password is due
    return {"lead": lead_id, "note": note["id"], "folder": tmp_path}


def calls(world: dict[str, Any]) -> dict[str, Callable[[GraphStore, Principal], Any]]:
    """One call of every public view, as a page would make it."""
    lead, note, out = world["lead"], world["note"], world["folder"] / "out"
    return {
        "lead_list": lambda s, p: views.lead_list(s, p),
        "lead_page": lambda s, p: views.lead_page(s, p, lead),
        "push_targets": lambda s, p: views.push_targets(s, p),
        "assignees": lambda s, p: views.assignees(s, p),
        "assign_lead": lambda s, p: views.assign_lead(s, p, lead, p.username),
        "set_case": lambda s, p: views.set_case(s, p, lead, "案 1", "王警官"),
        "export_lead": lambda s, p: views.export_lead(s, p, lead, out),
        "notes": lambda s, p: views.notes(s, p, f"lead:{lead}"),
        "add_note": lambda s, p: views.add_note(s, p, WECHAT, "PWNOTE2"),
        "edit_note": lambda s, p: views.edit_note(s, p, note, "PWNOTE edited"),
        "delete_note": lambda s, p: views.delete_note(s, p, note),
        "trace_neighbourhood": lambda s, p: views.trace_neighbourhood(s, p, WECHAT),
        "trace_paths": lambda s, p: views.trace_paths(s, p, WECHAT, ACCOUNT),
        "entity_profile": lambda s, p: views.entity_profile(s, p, WECHAT),
        "lead_timeline": lambda s, p: views.lead_timeline(s, p, lead),
        "entity_timeline": lambda s, p: views.entity_timeline(s, p, WECHAT),
        "installation_timeline": lambda s, p: views.installation_timeline(
            s, p, date(2020, 1, 1), date(2027, 1, 1)
        ),
        "entity_bursts": lambda s, p: views.entity_bursts(s, p, [WECHAT]),
        "watch": lambda s, p: views.watch(s, p, "entity", WECHAT),
        "watch_of": lambda s, p: views.watch_of(s, p, "entity", WECHAT),
        "unwatch": lambda s, p: views.unwatch(s, p, "w-none"),
        "updates": lambda s, p: views.updates(s, p),
        "mark_seen": lambda s, p: views.mark_seen(s, p, "w-none"),
        "add_to_lead": lambda s, p: views.add_to_lead(s, p, lead, [ACCOUNT]),
        "retrain_ranking": lambda s, p: views.retrain_ranking(s, p),
        "export_selection": lambda s, p: views.export_selection(
            s, p, [{"key": WECHAT, "label": "WeChat"}], context=f"lead:{lead}"
        ),
        "alerts": lambda s, p: views.alerts(s, p),
        "open_alert": lambda s, p: views.open_alert(s, p, "a-none"),
        "analysis_job": lambda s, p: views.analysis_job(s, p, "sub-none"),
        "job_queue": lambda s, p: views.job_queue(s, p),
        "seal_lead": lambda s, p: views.seal_lead(s, p, lead, "B", out),
        "alliance_overview": lambda s, p: views.alliance_overview(s, p),
        "alliance_request": lambda s, p: views.alliance_request(s, p, "phones", "cardinality", "B"),
        "alliance_respond": lambda s, p: views.alliance_respond(s, p, b"{}", "phones"),
        "alliance_finish": lambda s, p: views.alliance_finish(s, p, b"{}"),
    }


def public_views() -> set[str]:
    """The functions :mod:`graph.views` offers pages: public, taking a principal."""
    return {
        name
        for name, function in inspect.getmembers(views, inspect.isfunction)
        if function.__module__ == views.__name__
        and not name.startswith("_")
        and "principal" in inspect.signature(function).parameters
    }


def test_every_view_is_in_the_table(world: dict[str, Any]) -> None:
    assert set(calls(world)) == public_views()


def test_a_password_due_refuses_every_view(store: GraphStore, world: dict[str, Any]) -> None:
    attacker = auth.authenticate(store, "analyst_r", GIVEN)
    assert attacker.must_change_password
    got: dict[str, Any] = {}
    for name, call in calls(world).items():
        try:
            got[name] = call(store, attacker)
        except Forbidden:
            continue
    assert not got, f"answered a user who must choose a password first: {sorted(got)}"
    denied = audit.entries(store, 100, actor="analyst_r", action="view_denied")
    assert {e.details.get("view") for e in denied if e.details} == set(calls(world))
    assert all(e.details.get("reason") == "password_change_due" for e in denied if e.details)
    # nothing was seen or changed on the attacker's behalf
    assert not audit.entries(store, 100, actor="analyst_r", action="view_lead")
    assert not audit.entries(store, 100, actor="analyst_r", action="export")
    assert [n["text"] for n in views.notes(store, operator(), f"lead:{world['lead']}")] == [
        "PWNOTE written before the reset"
    ]


def test_the_views_answer_once_the_password_is_chosen(
    store: GraphStore, world: dict[str, Any]
) -> None:
    attacker = auth.authenticate(store, "analyst_r", GIVEN)
    me = auth.change_own_password(store, attacker, GIVEN, CHOSEN)
    assert not me.must_change_password
    assert views.lead_page(store, me, world["lead"])["lead"]["id"] == world["lead"]
    assert views.entity_profile(store, me, WECHAT)["entity"]["key"] == WECHAT
    assert [n["id"] for n in views.notes(store, me, f"lead:{world['lead']}")] == [world["note"]]
