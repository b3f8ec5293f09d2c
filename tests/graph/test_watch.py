"""Watching (graph/workflow/watch.py) against a real graph, through real ingest: a watch on an
entity, a lead and a saved search shows the new facts of later submissions the watcher may read,
and, when asked, queues one notification per watch and submission, delivered once to a real
local webhook receiver. Another org's rows never show, not even as a count."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import (
    CONTACT_ORG,
    LENDERS,
    WECHAT,
    WebhookReceiver,
    one_contact_ring,
    webhook_configured,
    write,
)

from graph import views
from graph.db.store import GraphStore
from graph.workflow import audit, notify, outbox, users
from graph.workflow import watch as watching
from graph.workflow.auth import Forbidden, Principal
from ingest.submit import submit_file

ANALYST = Principal("analyst_w", "analyst", CONTACT_ORG, "enterprise")
OTHER_ORG = LENDERS[1]
OTHER = Principal("analyst_o", "analyst", OTHER_ORG, "enterprise")
SECRET = "watch-webhook-secret"
PUBLIC_URL = "http://127.0.0.1:8501"
AGENT = "account:douyin:fawu_helper1"


def account_line(handle: str, bio: str) -> str:
    return json.dumps(
        {"platform": "douyin", "handle": handle, "nickname": "新号", "bio": bio, "followers": 7},
        ensure_ascii=False,
    )


def submit_accounts(store: GraphStore, folder: Path, name: str, lines: list[str], org: str) -> str:
    """Submit an accounts file as ``org``; returns its submission id."""
    path = write(folder / name, "\n".join(lines) + "\n")
    return str(submit_file(store, "accounts", path, org=org, user="someone")["submission"])


@pytest.fixture
def world(store: GraphStore, tmp_path: Path) -> dict[str, Any]:
    found = one_contact_ring(store, tmp_path)
    for org in (CONTACT_ORG, OTHER_ORG):
        users.add_org(store, org, "enterprise", exist_ok=True)
    users.add_user(store, ANALYST.username, role="analyst", org=CONTACT_ORG, password_hash="x")
    users.add_user(store, OTHER.username, role="analyst", org=OTHER_ORG, password_hash="x")
    lead = next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"])
    return {"lead": lead, "folder": tmp_path}


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookReceiver]:
    with webhook_configured(monkeypatch, SECRET, PUBLIC_URL) as server:
        yield server


def watch_notifications(store: GraphStore) -> list[outbox.Notification]:
    return [n for n in outbox.list_notifications(store) if n.payload.get("event") == "watch.update"]


def test_an_entity_watch_lists_a_later_submission_naming_it_until_seen_or_unwatched(
    store: GraphStore, world: dict[str, Any]
) -> None:
    watch = views.watch(store, ANALYST, "entity", WECHAT)
    assert views.updates(store, ANALYST)["updates"] == []
    sub = submit_accounts(
        store, world["folder"], "new.jsonl", [account_line("new_helper9", "加V：fawu_lv88")],
        CONTACT_ORG,
    )  # fmt: skip
    [update] = views.updates(store, ANALYST)["updates"]
    assert update["watch"] == watch["id"] and update["submission"] == sub
    assert update["entity"]["key"] == WECHAT and not update["entity"]["masked"]
    [link] = update["links"]
    assert link["type"] == "MENTIONS_CONTACT" and link["direction"] == "in"
    assert link["other"]["key"] == "account:douyin:new_helper9"
    assert all(s.startswith(f"{sub}#") for s in link["sources"])
    views.mark_seen(store, ANALYST, watch["id"])
    assert views.updates(store, ANALYST)["updates"] == []  # seen
    later = submit_accounts(
        store, world["folder"], "newer.jsonl", [account_line("new_helper10", "vx fawu_lv88")],
        CONTACT_ORG,
    )  # fmt: skip
    assert [u["submission"] for u in views.updates(store, ANALYST)["updates"]] == [later]
    views.unwatch(store, ANALYST, watch["id"])
    after = views.updates(store, ANALYST)
    assert after["watches"] == [] and after["updates"] == []
    actions = [e.action for e in audit.entries(store, 100, actor=ANALYST.username)]
    assert {"watch_add", "view_updates", "watch_remove"} <= set(actions)


def test_a_lead_watch_and_a_search_watch_list_new_facts_on_their_entities(
    store: GraphStore, world: dict[str, Any]
) -> None:
    lead_watch = views.watch(store, ANALYST, "lead", world["lead"])
    search_watch = views.watch(store, ANALYST, "search", "wechat:Fawu_Lv88")
    assert search_watch["label"].split(", ")[0] == WECHAT  # interpreted, not as typed
    assert views.watch_of(store, ANALYST, "search", "wechat:fawu_lv88") == search_watch
    sub = submit_accounts(
        store, world["folder"], "new.jsonl", [account_line("new_helper9", "加V：fawu_lv88")],
        CONTACT_ORG,
    )  # fmt: skip
    found = views.updates(store, ANALYST)["updates"]
    by_watch = {u["watch"]: u for u in found}
    assert set(by_watch) == {lead_watch["id"], search_watch["id"]}
    assert by_watch[lead_watch["id"]]["entity"]["key"] == WECHAT
    assert by_watch[search_watch["id"]]["submission"] == sub


def test_another_orgs_unshared_submission_never_shows_in_my_updates(
    store: GraphStore, world: dict[str, Any], receiver: WebhookReceiver
) -> None:
    """Hostile: org B submits a file naming the entity I watch; my updates, my watch list and
    the outbox say nothing of it — no row, no count, no notification."""
    views.watch(store, ANALYST, "entity", WECHAT, notify=True)
    views.watch(store, ANALYST, "entity", AGENT, notify=True)  # my org stated it too
    views.watch(store, ANALYST, "lead", world["lead"], notify=True)
    views.watch(store, ANALYST, "search", WECHAT, notify=True)
    theirs = submit_accounts(
        store, world["folder"], "theirs.jsonl",
        [account_line("fawu_helper1", "SECRETBIO 加V：fawu_lv88"),
         account_line("their_agent1", "加V：fawu_lv88 13800138000")], OTHER_ORG,
    )  # fmt: skip
    seen = views.updates(store, ANALYST)
    assert seen["updates"] == []
    said = json.dumps(seen, ensure_ascii=False, default=str)
    assert theirs not in said and "SECRETBIO" not in said and "their_agent1" not in said
    assert watch_notifications(store) == []
    # the other org sees its own facts on an entity it now stated, and not mine later
    views.watch(store, OTHER, "entity", WECHAT)
    submit_accounts(
        store, world["folder"], "mine.jsonl", [account_line("my_agent2", "vx fawu_lv88")],
        CONTACT_ORG,
    )  # fmt: skip
    assert views.updates(store, OTHER)["updates"] == []
    assert len(views.updates(store, ANALYST)["updates"]) == 3  # mine: entity, lead, search


def test_one_notification_per_watch_and_submission_delivered_once(
    store: GraphStore, world: dict[str, Any], receiver: WebhookReceiver
) -> None:
    watch = views.watch(store, ANALYST, "entity", WECHAT, notify=True)
    views.watch(store, ANALYST, "search", "fawu", notify=False)  # not asked: never notified
    lines = [account_line("new_helper9", "加V：fawu_lv88"), account_line("x2", "vx fawu_lv88")]
    sub = submit_accounts(store, world["folder"], "new.jsonl", lines, CONTACT_ORG)
    submit_accounts(store, world["folder"], "new.jsonl", lines, CONTACT_ORG)  # the same again
    assert watching.after_submission(store, sub) == []  # already queued
    [queued] = watch_notifications(store)
    assert queued.channel == "webhook" and queued.status == "pending"
    report = notify.deliver_due(store, notify.channels_from_settings())
    assert report.delivered == 1
    assert notify.deliver_due(store, notify.channels_from_settings()).delivered == 0
    [accepted] = receiver.accepted
    body = accepted["body"]
    assert body["event"] == "watch.update" and body["watch_id"] == watch["id"]
    assert body["submission"] == sub and body["links"] == 2
    assert body["url"] == f"{PUBLIC_URL}/updates"
    assert "fawu_lv88" not in json.dumps(body, ensure_ascii=False)  # masked: fa******88
    assert body["target"].startswith("wechat:") and "*" in body["target"]
    [entry] = audit.entries(store, 5, action="watch_notify")
    assert entry.target == f"watch:{watch['id']}" and entry.details["submission"] == sub


def test_only_its_owner_removes_a_watch_and_only_what_one_sees_is_watched(
    store: GraphStore, world: dict[str, Any]
) -> None:
    watch = views.watch(store, ANALYST, "entity", WECHAT)
    with pytest.raises(Forbidden):
        views.unwatch(store, OTHER, watch["id"])
    with pytest.raises(Forbidden):
        views.mark_seen(store, OTHER, watch["id"])
    assert audit.entries(store, 1, action="watch_denied")[0].actor == OTHER.username
    with pytest.raises(Forbidden):  # OTHER's org never stated it, nor links to it
        views.watch(store, OTHER, "entity", WECHAT)
    with pytest.raises(Forbidden):
        views.watch(store, OTHER, "lead", world["lead"])
    assert [w["id"] for w in views.updates(store, ANALYST)["watches"]] == [watch["id"]]
    assert views.updates(store, OTHER)["watches"] == []
