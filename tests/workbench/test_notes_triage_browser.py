"""Working notes and triage in a real browser (issue 17): Playwright drives Debian's Chromium
against ``leadgraph serve`` on the fixture world.

(a) An officer writes a note on a lead pushed to their unit; a colleague of the same unit sees
it on the same lead; an analyst of another org, whose complaints are in the lead and who can
open it, sees the lead's notes section without it.
(b) An analyst dismisses a candidate with a reason: it leaves the list, and under the
*dismissed* filter its page says who dismissed it and why; restored, it is back in the list.

Every assertion reads the page. Screenshots of each step go to
``test-artifacts/screenshots/issue17/`` (note_written, note_colleague, note_other_org,
triage_dismissed, triage_restored).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import permutations
from pathlib import Path
from typing import Any

import pytest
from support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LENDERS,
    WAIT_MS,
    browser_choose,
    browser_sign_in,
    idle,
    need_browser,
    open_page,
    served_workbench,
    who,
)

from app.i18n import translate
from graph.db.schema import wipe_data
from graph.db.store import GraphStore
from graph.evidence.leads import detect
from graph.evidence.templates import build_templates
from graph.workflow import admin, lifecycle, users
from graph.workflow.auth import operator
from ingest.demo import load_world

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots" / "issue17"
UNIT = "示例市公安局经侦支队"
PASSWORD = "Notes-triage-77"
NOTE = "回访：投诉人称代理人索要服务费 3000 元，已留存转账截图"
REASON = "与已办案件重复，另案处理"


def zh(key: str) -> str:
    return translate(key, "zh")


@pytest.fixture(scope="module")
def world(session_store: GraphStore) -> dict[str, Any]:
    """The fixture world; a lead two lenders' analysts can open (both filed complaints in it),
    accepted by the first and pushed to a unit of two officers; another candidate of the
    second lender's, for triage."""
    need_browser()
    store = session_store
    wipe_data(store)
    load_world(store)
    build_templates(store)
    found = detect(store)["leads"]
    root = operator()
    admin.create_org(store, root, UNIT, "police")
    for org in LENDERS:
        users.add_org(store, org, "enterprise", exist_ok=True)
    accounts = {"officer_p": UNIT, "officer_q": UNIT}
    accounts |= {f"analyst_{n}": org for n, org in enumerate(LENDERS)}
    for username, org in accounts.items():
        role = "officer" if org == UNIT else "analyst"
        admin.create_account(
            store, root, username, role=role, org=org, password=PASSWORD, must_change=False
        )
    lead, owner, other = next(
        (row["id"], a, b)
        for row in found
        for a, b in permutations([f"analyst_{n}" for n in range(len(LENDERS))], 2)
        if lifecycle.may_view(store, who(store, a), row["id"])
        and lifecycle.may_view(store, who(store, b), row["id"])
    )
    lifecycle.accept_lead(store, who(store, owner), lead, "两家机构投诉所涉团伙")
    lifecycle.push_lead(store, who(store, owner), lead, unit=UNIT, note="请核查")
    candidate = next(
        row["id"]
        for row in found
        if row["id"] != lead and lifecycle.may_view(store, who(store, other), row["id"])
    )
    return {"store": store, "lead": lead, "other": other, "candidate": candidate}


@pytest.fixture(scope="module")
def browser(world: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    from playwright.sync_api import sync_playwright

    with (
        served_workbench(ROOT / "test-artifacts" / "streamlit-issue17.log") as url,
        sync_playwright() as playwright,
    ):
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield url, chromium
        finally:
            chromium.close()


def signed_in(browser: tuple[str, Any], username: str) -> Any:
    url, chromium = browser
    context = chromium.new_context(viewport={"width": 1440, "height": 2000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    browser_sign_in(page, url, username, PASSWORD)
    return page


def shot(page: Any, step: str) -> None:
    idle(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{step}.png"), full_page=True)


def open_leads(page: Any) -> None:
    page.get_by_role("link", name=zh("nav.leads")).click()
    page.get_by_role("heading", name=zh("nav.leads")).first.wait_for()
    idle(page)


def open_inbox_lead(page: Any) -> None:
    """The inbox opens on its one lead (the only one pushed to the unit); wait for its notes."""
    open_page(page, "inbox")  # from the home page (updates)
    page.get_by_role("heading", name=zh("notes.header")).first.wait_for()
    page.get_by_role("heading", name=zh("notes.header")).first.scroll_into_view_if_needed()
    idle(page)


def test_a_note_is_read_by_the_unit_and_not_by_another_org(
    world: dict[str, Any], browser: tuple[str, Any]
) -> None:
    lead = world["lead"]
    writer = signed_in(browser, "officer_p")
    open_inbox_lead(writer)
    box = writer.get_by_role("textbox", name=zh("notes.new")).first
    box.scroll_into_view_if_needed()
    box.fill(NOTE)
    writer.get_by_role("button", name=zh("notes.add")).first.click()
    idle(writer)
    writer.get_by_text(NOTE, exact=True).first.wait_for()
    writer.get_by_text(f"officer_p ({UNIT})").first.wait_for()  # the note's author line
    shot(writer, "note_written")
    writer.context.close()

    colleague = signed_in(browser, "officer_q")
    open_inbox_lead(colleague)
    colleague.get_by_text(NOTE, exact=True).first.wait_for()
    colleague.get_by_text(f"officer_p ({UNIT})").first.wait_for()
    shot(colleague, "note_colleague")
    colleague.context.close()

    outsider = signed_in(browser, world["other"])
    open_leads(outsider)
    browser_choose(outsider, "leads_selected", lead)
    outsider.get_by_role("heading", name=zh("notes.header")).first.wait_for()
    outsider.get_by_text(zh("notes.none")).first.wait_for()
    assert NOTE not in outsider.content()
    outsider.get_by_text(lead).filter(
        visible=True
    ).first.wait_for()  # the same lead (its id under the title)
    shot(outsider, "note_other_org")
    outsider.context.close()


def test_an_analyst_dismisses_a_candidate_and_restores_it(
    world: dict[str, Any], browser: tuple[str, Any]
) -> None:
    lead = world["candidate"]
    page = signed_in(browser, world["other"])
    open_leads(page)
    browser_choose(page, "leads_selected", lead)
    page.locator(f".st-key-dismiss_reason_{lead} input").fill(REASON)
    page.keyboard.press("Enter")
    idle(page)
    page.get_by_role("button", name=zh("lead.dismiss_button"), exact=True).click()
    page.get_by_text(zh("lead.dismissed")).first.wait_for()
    assert page.get_by_text(lead).count() == 0  # gone from the list: another lead is shown
    browser_choose(page, "leads_statuses", zh("status.dismissed"))
    browser_choose(page, "leads_selected", lead)
    page.get_by_text(lead).filter(visible=True).first.wait_for()
    said = zh("lead.dismissed_by").format(by=world["other"], reason=REASON)
    page.get_by_text(said).filter(visible=True).first.wait_for()
    page.get_by_role("button", name=zh("lead.restore_button")).wait_for()
    shot(page, "triage_dismissed")

    page.get_by_role("button", name=zh("lead.restore_button")).click()
    page.get_by_text(zh("lead.restored")).first.wait_for()
    statuses = page.locator(".st-key-leads_statuses input").first
    statuses.click()
    page.keyboard.press("Backspace")  # the dismissed filter off: the default list again
    page.keyboard.press("Escape")
    idle(page)
    browser_choose(page, "leads_selected", lead)
    page.get_by_text(lead).filter(visible=True).first.wait_for()
    page.get_by_role("button", name=zh("lead.dismiss_button"), exact=True).wait_for()
    assert REASON not in page.content()
    shot(page, "triage_restored")
    page.context.close()
