"""Watching in a real browser (Playwright + Debian's Chromium): an officer opens the profile of
an entity of a lead pushed to him and watches it; an analyst's new submission naming it is
ingested (through the library, as every door does); the officer's updates page — his home —
shows it. Screenshots in test-artifacts/screenshots/issue17/watch_on.png and watch_update.png."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CONTACT_ORG,
    WAIT_MS,
    WECHAT,
    browser_sign_in,
    idle,
    need_browser,
    one_contact_ring,
    served_workbench,
    write,
)

from app.i18n import translate
from graph import views
from graph.db.schema import wipe_data
from graph.db.store import GraphStore
from graph.workflow import auth, lifecycle, users
from graph.workflow.auth import Principal
from ingest.submit import submit_file

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots" / "issue17"
UNIT = "测试经侦支队"
PASSWORD = "watch-officer-pass-1"
ANALYST = Principal("analyst_w", "analyst", CONTACT_ORG, "enterprise")
AGENT = "account:douyin:fawu_helper1"  # an entity of the pushed lead


def zh(key: str) -> str:
    return translate(key, "zh")


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(600)  # let the last rerun paint
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def world(session_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The contact ring's lead, pushed by its org's analyst to officer_w."""
    need_browser()
    wipe_data(session_store)
    folder = tmp_path_factory.mktemp("watch")
    found = one_contact_ring(session_store, folder)
    lead = next(lead["id"] for lead in found["leads"] if AGENT in lead["entities"])
    users.add_org(session_store, CONTACT_ORG, "enterprise", exist_ok=True)
    users.add_org(session_store, UNIT, "police", exist_ok=True)
    users.add_user(session_store, ANALYST.username, role="analyst", org=CONTACT_ORG,
                   password_hash=auth.hash_password("analyst-w-pass-1"))  # fmt: skip
    users.add_user(session_store, "officer_w", role="officer", org=UNIT,
                   password_hash=auth.hash_password(PASSWORD))  # fmt: skip
    lifecycle.accept_lead(session_store, ANALYST, lead)
    lifecycle.push_lead(session_store, ANALYST, lead, officer="officer_w", note="请关注")
    return {"store": session_store, "lead": lead, "folder": folder}


@pytest.fixture(scope="module")
def server(world: dict[str, Any]) -> Iterator[str]:
    with served_workbench(ROOT / "test-artifacts" / "streamlit-watch.log") as url:
        yield url


def test_an_officer_watches_an_entity_and_sees_a_new_submission_on_his_home_page(
    world: dict[str, Any], server: str
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1440, "height": 1800}, locale="zh-CN")
            page = page.new_page()
            page.set_default_timeout(WAIT_MS)
            browser_sign_in(page, server, "officer_w", PASSWORD)
            page.get_by_role("heading", name=zh("nav.updates")).wait_for()  # his home page
            page.get_by_text(zh("updates.no_watches")).wait_for()

            # the entity's profile, from a search, and the watch control on it
            page.get_by_role("link", name=zh("nav.search")).click()
            page.get_by_role("textbox", name=zh("search.query")).fill(AGENT)
            page.get_by_role("button", name=zh("search.button")).click()
            page.get_by_role("button", name=zh("entity.open")).click()
            page.get_by_role("heading", name=zh("nav.entity")).wait_for()
            idle(page)
            page.get_by_text(zh("watch.notify")).click()
            idle(page)
            page.get_by_role("button", name=zh("watch.watch")).click()
            page.get_by_text(zh("watch.watching_notify")).wait_for()
            idle(page)
            shot(page, "watch_on")

            # an analyst's new submission names the entity: a new bio, the same WeChat id
            line = {"platform": "douyin", "handle": "fawu_helper1", "bio": "新简介 vx fawu_lv88"}
            path = write(world["folder"] / "new.jsonl", json.dumps(line, ensure_ascii=False))
            submit_file(world["store"], "accounts", path, org=CONTACT_ORG, user=ANALYST.username)

            page.get_by_role("link", name=zh("nav.updates")).click()
            page.get_by_role("heading", name=zh("nav.updates")).wait_for()
            page.get_by_role("button", name=zh("updates.mark_seen")).wait_for()
            page.get_by_text(AGENT).filter(
                visible=True
            ).first.wait_for()  # the row's entity, to open its profile
            idle(page)
            shot(page, "watch_update")
        finally:
            browser.close()
    officer = users.get_user(world["store"], "officer_w")
    assert officer is not None
    [update] = views.updates(world["store"], Principal.of(officer))["updates"]
    assert update["entity"]["key"] == AGENT
    assert update["statements"][0]["bio"] == "新简介 vx fawu_lv88"
    assert [link["other"]["key"] for link in update["links"]] == [WECHAT]
