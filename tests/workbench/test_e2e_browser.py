"""The whole story in a real browser: Playwright drives Debian's Chromium against
``leadgraph serve`` (the Streamlit workbench) on the test Neo4j.

An analyst signs in, uploads a clue file (preview, then ingest), opens the top candidate,
accepts it and pushes it to officer_1; officer_1 signs in, sees it unread, answers; the analyst
sees the answer. Screenshots of each page go to ``test-artifacts/screenshots/``. Skipped when
``/usr/bin/chromium`` or Playwright is absent (never downloads a browser).
"""

from __future__ import annotations

from collections.abc import Iterator
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest
from support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    WAIT_MS,
    browser_sign_in,
    demo_world,
    idle,
    need_browser,
    open_page,
    served_workbench,
    who,
)

from app.i18n import translate
from graph.core import settings
from graph.db.store import GraphStore
from graph.workflow import lifecycle
from ingest.demo import FIXTURE_WORLD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
FEEDBACK = "已核实：该团伙 3 人，已立案"


def zh(key: str) -> str:
    return translate(key, "zh")


@pytest.fixture(scope="module")
def world(session_store: GraphStore) -> dict[str, Any]:
    need_browser()
    demo_world(session_store)
    top = lifecycle.visible_leads(session_store, who(session_store, "analyst_a"))[0]
    return {"store": session_store, "lead": top}


@pytest.fixture(scope="module")
def server(world: dict[str, Any]) -> Iterator[str]:
    with served_workbench(ROOT / "test-artifacts" / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(600)  # let the last rerun paint
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def demo_sign_in(page: Any, url: str, username: str) -> None:
    browser_sign_in(page, url, username, f"{username}-demo")


def sign_out(page: Any) -> None:
    page.get_by_role("button", name=zh("session.logout")).click()
    page.get_by_role("button", name=zh("login.submit")).wait_for(timeout=WAIT_MS)


def test_analyst_pushes_officer_answers_analyst_reads(
    world: dict[str, Any], server: str, browser: Any
) -> None:
    lead = world["lead"]
    context = browser.new_context(viewport={"width": 1440, "height": 2200}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)

    page.goto(server)
    page.get_by_role("button", name=zh("login.submit")).wait_for()
    shot(page, "01-login")

    # The analyst submits a small clue file: preview first, then ingest.
    demo_sign_in(page, server, "analyst_a")
    page.get_by_role("heading", name=zh("nav.updates")).wait_for()  # the home page
    open_page(page, "submit")
    page.locator("input[type=file]").set_input_files(str(FIXTURE_WORLD / "phones_blacklist.csv"))
    page.get_by_text(zh("submit.rows_quarantined")).first.wait_for()
    idle(page)
    shot(page, "02-submit-preview")
    page.get_by_role("button", name=zh("submit.ingest")).click()
    page.get_by_text("phones_blacklist.csv：写入").wait_for()
    idle(page)
    shot(page, "03-submit-ingested")
    # The raw upload is gone from the state folder once ingested, and the page (rerun after the
    # ingest, its uploader emptied) did not save it again.
    uploaded = (FIXTURE_WORLD / "phones_blacklist.csv").read_bytes()
    assert not (settings.load().home / "uploads" / sha256(uploaded).hexdigest()[:16]).exists()

    # The top candidate: chart, evidence, texts; accept and push to officer_1.
    open_page(page, "leads")
    page.get_by_role("heading", name=lead["title"]).wait_for()
    page.frame_locator("iframe[title*='streamlit_cytoscape']").first.locator(
        "#cy canvas"
    ).first.wait_for()
    page.wait_for_timeout(2500)  # the chart settles
    shot(page, "04-leads-chart")
    page.get_by_role("tab", name=zh("lead.tab_texts")).click()
    shot(page, "05-lead-texts")
    page.get_by_role("tab", name=zh("lead.tab_evidence")).click()
    shot(page, "06-lead-evidence")
    page.get_by_role("button", name=zh("lead.accept_button")).click()
    page.get_by_text(zh("lead.accepted")).wait_for()
    idle(page)
    page.get_by_label(zh("lead.note")).fill("请核查该团伙")
    page.get_by_role("button", name=zh("lead.push_button")).click()
    page.get_by_text(zh("lead.pushed").format(target="officer_1")).wait_for()
    idle(page)
    shot(page, "07-lead-pushed")
    sign_out(page)

    # The officer sees it unread and answers.
    demo_sign_in(page, server, "officer_1")
    page.get_by_role("heading", name=zh("nav.updates")).wait_for()  # the home page
    open_page(page, "inbox")
    page.get_by_text(zh("inbox.counts").format(total=1, unread=1)).wait_for()
    shot(page, "08-inbox-unread")
    page.get_by_label(zh("inbox.feedback_text")).fill(FEEDBACK)
    page.get_by_role("button", name=zh("inbox.send")).click()
    page.get_by_text(zh("inbox.sent")).wait_for()
    idle(page)
    shot(page, "09-inbox-feedback-sent")
    open_page(page, "search")
    phone = next(k for k in lead["explanation"] if k["entity"].startswith("phone:"))["entity"]
    digits = phone.removeprefix("phone:+86")
    page.get_by_role("textbox", name=zh("search.query")).fill(
        f"0086-{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    )
    page.get_by_role("button", name=zh("search.button")).click()
    page.get_by_text(zh("search.entity")).first.wait_for()
    idle(page)
    page.wait_for_timeout(2000)
    shot(page, "10-search-neighbourhood")
    sign_out(page)

    # The analyst reads the answer.
    demo_sign_in(page, server, "analyst_a")
    open_page(page, "leads")
    page.get_by_role("tab", name=zh("lead.tab_feedback")).click()
    page.get_by_text(FEEDBACK).wait_for()
    shot(page, "11-analyst-reads-feedback")
    context.close()
    assert (SHOTS / "11-analyst-reads-feedback.png").exists()
