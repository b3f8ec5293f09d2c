"""Brushing the timeline in a real browser (issue 17, "Time"): an officer opens a lead pushed to
them, drags over part of its timeline (mouse down, move, up on the Vega chart), and the lead's
chart and entity table shrink to what happened in that period.

Screenshots: ``test-artifacts/screenshots/issue17/timeline_before.png`` (the lead as pushed,
whole) and ``timeline_brushed.png`` (after the drag: the period's dates, fewer entities).
Skipped when ``/usr/bin/chromium`` or Playwright is absent (never downloads a browser).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
from graph.db.store import GraphStore
from graph.workflow import lifecycle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots" / "issue17"


def zh(key: str) -> str:
    return translate(key, "zh")


@pytest.fixture
def pushed(session_store: GraphStore) -> Iterator[str]:
    """The fixture world's top candidate, accepted by analyst_a and pushed to officer_1."""
    need_browser()
    demo_world(session_store)
    me = who(session_store, "analyst_a")
    lead = lifecycle.visible_leads(session_store, me)[0]["id"]
    lifecycle.accept_lead(session_store, me, lead)
    lifecycle.push_lead(session_store, me, lead, officer="officer_1")
    yield lead


def caption(key: str) -> re.Pattern[str]:
    """A caption of the interface (zh) with its numbers and dates as groups."""
    pattern = re.escape(zh(key))
    for name in re.findall(r"\{(\w+)\}", zh(key)):
        pattern = pattern.replace(re.escape("{" + name + "}"), r"([0-9-]+)")
    return re.compile(pattern)


def _counts(page: Any) -> tuple[int, int]:
    """The chart's caption: entities drawn, entities given to the chart."""
    text = page.get_by_text(caption("chart.shown")).first.inner_text()
    shown, total, _ = caption("chart.shown").search(text).groups()  # type: ignore[union-attr]
    return int(shown), int(total)


def test_brushing_the_timeline_filters_the_lead(pushed: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with (
        served_workbench(ROOT / "test-artifacts" / "streamlit-timeline.log") as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 2000}, locale="zh-CN")
        page.set_default_timeout(WAIT_MS)
        browser_sign_in(page, url, "officer_1", "officer_1-demo")
        open_page(page, "inbox")  # from the home page (updates)
        page.get_by_text(zh("timeline.header")).first.wait_for()
        chart = page.locator("[data-testid='stVegaLiteChart'] canvas, "
                             "[data-testid='stVegaLiteChart'] svg.marks").first  # fmt: skip
        chart.wait_for()
        idle(page)
        page.wait_for_timeout(1500)
        before = _counts(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "timeline_before.png"), full_page=True)

        box = chart.bounding_box()
        assert box is not None
        y = box["y"] + box["height"] * 0.45
        page.mouse.move(box["x"] + box["width"] * 0.12, y)
        page.mouse.down()
        for step in range(1, 11):
            page.mouse.move(box["x"] + box["width"] * (0.12 + 0.03 * step), y)
        page.mouse.up()
        period = caption("timeline.filtered")
        page.get_by_text(period).first.wait_for()
        idle(page)
        page.wait_for_timeout(1500)
        after = _counts(page)
        filtered = page.get_by_text(period).first.inner_text()
        page.screenshot(path=str(SHOTS / "timeline_brushed.png"), full_page=True)
        browser.close()

    start, end, shown, total = period.search(filtered).groups()  # type: ignore[union-attr]
    assert start < end
    assert int(shown) < int(total) == before[1]  # the entity table: the period's of all
    assert after[1] == int(shown) < before[1]  # the chart: only those
