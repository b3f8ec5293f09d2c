"""Watching in the workbench (AppTest): the watch control on the entity profile, the lead page
and the search page; the updates page lists what a later submission added, opens the entity's
profile and stops a watch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from support import (
    CONTACT_ORG,
    WECHAT,
    lead_page_as,
    one_contact_ring,
    page_as,
    rendered,
    search_as,
    write,
)

from app.i18n import translate
from app.views.entity import ENTITY
from graph import views
from graph.db.store import GraphStore
from graph.workflow.auth import Principal
from ingest.submit import submit_file

ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
ENTITY_PAGE = "from app.views.entity import entity_page\nentity_page()\n"
UPDATES_PAGE = "from app.views.updates import updates_page\nupdates_page()\n"


def zh(key: str) -> str:
    return translate(key, "zh")


def click(at: Any, label: str) -> Any:
    [button] = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, at.exception
    return at


def test_watch_from_the_three_pages_then_read_and_stop_on_the_updates_page(
    store: GraphStore, tmp_path: Path
) -> None:
    found = one_contact_ring(store, tmp_path)
    lead = next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"])

    at = page_as(ANALYST, ENTITY_PAGE, **{ENTITY: WECHAT})
    [notify] = [c for c in at.checkbox if c.label == zh("watch.notify")]
    notify.check().run()
    click(at, zh("watch.watch"))
    assert zh("watch.watching_notify") in rendered(at)
    assert any(b.label == zh("watch.unwatch") for b in at.button)
    click(lead_page_as(ANALYST, lead), zh("watch.watch"))
    click(search_as(ANALYST, WECHAT), zh("watch.watch"))
    watches = views.updates(store, ANALYST)["watches"]
    assert [(w["target_type"], w["notify"]) for w in watches] == [
        ("entity", True), ("lead", False), ("search", False),
    ]  # fmt: skip

    at = page_as(ANALYST, UPDATES_PAGE)
    assert zh("updates.none") in rendered(at)
    line = {"platform": "douyin", "handle": "new_helper9", "bio": "加V：fawu_lv88"}
    path = write(tmp_path / "new.jsonl", json.dumps(line, ensure_ascii=False) + "\n")
    submit_file(store, "accounts", path, org=CONTACT_ORG, user="analyst_a")
    at.run()
    table = at.dataframe[0].value.to_string()
    assert "account:douyin:new_helper9" in table and "new.jsonl" in table
    assert table.count(WECHAT) >= 3  # one row per watch, each naming the entity
    at.button(key="updates_entity_open").click().run()
    assert at.session_state[ENTITY] == WECHAT  # the row opens the entity's profile
    at = page_as(ANALYST, UPDATES_PAGE)
    click(at, zh("updates.mark_seen"))
    assert zh("updates.none") in rendered(at)
    for watch in watches:
        at.button(key=f"updates_unwatch_{watch['id']}").click().run()
    assert zh("updates.no_watches") in rendered(at)
    assert views.updates(store, ANALYST)["watches"] == []
