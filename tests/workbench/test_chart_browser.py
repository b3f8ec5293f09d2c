"""The chart that answers, in a real browser (issue 17): Playwright drives Debian's Chromium
against ``leadgraph serve`` on the test Neo4j.

officer_1 opens the lead pushed to them; the chart (streamlit-cytoscape) draws it. An officer
sees only what the leads pushed to them hold, and the chart already draws all of it: so they
first take a phone's complaints off the chart (select, Delete), then double-click the phone (its
position read from the component frame's Cytoscape instance) and the phone's complaints appear
again, fetched by the server's expansion; they click it: the infopanel shows its values as text (a hostile
carrier name with an ``<img onerror>`` and two link forms stays text, and no dialog opens); they
press "open profile" and the entity profile page shows the phone. Screenshots in
``test-artifacts/screenshots/issue17/``: chart_lead.png, chart_expanded.png, chart_profile.png.
"""

from __future__ import annotations

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
from graph import views
from graph.db.store import GraphStore
from graph.workflow import lifecycle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots" / "issue17"
HOSTILE = (
    '<img src=x onerror=alert(1)> <a href="https://example.invalid/">a</a> [m](https://x.invalid)'
)
CY = "document.getElementById('cy') && document.getElementById('cy')._cyreg.cy"


def zh(key: str) -> str:
    return translate(key, "zh")


@pytest.fixture(scope="module")
def world(session_store: GraphStore) -> dict[str, Any]:
    """The fixture world; analyst_a's top candidate accepted and pushed to officer_1; the phone
    of it whose expansion brings the most new entities, with a hostile carrier name."""
    need_browser()
    store = session_store
    demo_world(store)
    analyst, officer = who(store, "analyst_a"), who(store, "officer_1")
    lead = lifecycle.visible_leads(store, analyst)[0]["id"]
    lifecycle.accept_lead(store, analyst, lead, "")
    lifecycle.push_lead(store, analyst, lead, officer="officer_1")
    entities = views.lead_page(store, officer, lead)["entities"]
    shown = {e["display_key"] for e in entities}
    best: tuple[int, str, set[str]] = (0, "", set())
    for phone in (e["key"] for e in entities if e["label"] == "Phone"):
        found = views.trace_neighbourhood(store, officer, phone, hops=1)
        complaints = {n["display_key"] for n in found["nodes"] if n["label"] == "Complaint"}
        if len(complaints & shown) > best[0]:
            best = (len(complaints & shown), phone, complaints & shown)
    assert best[0], "no phone of the lead is named by its complaints"
    store.write(
        "MATCH (p:Phone {key: $key}) SET p.carrier = $hostile", key=best[1], hostile=HOSTILE
    )
    return {"lead": lead, "phone": best[1], "complaints": best[2]}


@pytest.fixture(scope="module")
def browser(world: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with (
        served_workbench(ROOT / "test-artifacts" / "streamlit-chart.log") as url,
        sync_playwright() as playwright,
    ):
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium, url
        finally:
            chromium.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(800)  # let the last rerun paint
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def chart_frame(page: Any) -> tuple[Any, Any]:
    """The chart component's frame once Cytoscape has drawn it, and its iframe element."""
    element = page.locator("iframe[title*='streamlit_cytoscape']").first
    element.wait_for(timeout=WAIT_MS)
    element.scroll_into_view_if_needed()
    frame = element.element_handle().content_frame()
    frame.wait_for_function(f"() => {CY} && ({CY}).nodes().length > 0", timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # the layout settles
    return frame, element


def node_ids(frame: Any) -> set[str]:
    return set(frame.evaluate(f"() => ({CY}).nodes().map(n => n.id())"))


def node_point(frame: Any, element: Any, node_id: str) -> tuple[float, float]:
    """Where ``node_id`` is drawn, in the page's coordinates."""
    inner = frame.evaluate(
        """([id]) => {
          const cy = document.getElementById('cy')._cyreg.cy;
          const node = cy.getElementById(id);
          cy.center(node);
          const p = node.renderedPosition();
          const box = document.getElementById('cy').getBoundingClientRect();
          return {x: box.left + p.x, y: box.top + p.y};
        }""",
        [node_id],
    )
    box = element.bounding_box()
    return box["x"] + inner["x"], box["y"] + inner["y"]


def test_an_officer_expands_a_phone_and_opens_its_profile(
    world: dict[str, Any], browser: tuple[Any, str]
) -> None:
    chromium, url = browser
    context = chromium.new_context(viewport={"width": 1440, "height": 1800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    browser_sign_in(page, url, "officer_1", "officer_1-demo")
    open_page(page, "inbox")  # from the home page (updates)
    frame, element = chart_frame(page)
    before = node_ids(frame)
    phone = world["phone"]
    assert phone in before
    shot(page, "chart_lead")

    # An officer sees only what the leads pushed to them hold, all of it drawn already: the
    # phone's complaints are first taken off the chart (selected, then the Delete key) ...
    complaints = sorted(world["complaints"])
    frame.evaluate(
        "([ids]) => { const cy = document.getElementById('cy')._cyreg.cy;"
        " cy.$(':selected').unselect(); ids.forEach(id => cy.getElementById(id).select()); }",
        [complaints],
    )
    page.wait_for_timeout(600)  # the component notes the selection (debounced)
    frame.locator("body").press("Delete")
    frame.wait_for_function(
        f"([n]) => ({CY}).nodes().length === n", arg=[len(before) - len(complaints)]
    )
    idle(page)
    page.wait_for_timeout(1000)
    assert not set(complaints) & node_ids(frame)

    # ... and a double-click on the phone expands it on the server: its complaints come back
    x, y = node_point(frame, element, phone)
    page.mouse.dblclick(x, y)
    frame.wait_for_function(
        f"([n]) => ({CY}).nodes().length >= n", arg=[len(before)], timeout=WAIT_MS
    )
    idle(page)
    page.wait_for_timeout(1500)
    after = node_ids(frame)
    assert set(complaints) <= after and len(after) == len(before)
    page.get_by_text(zh("chart.expanded").split("{")[0]).first.wait_for()
    shot(page, "chart_expanded")

    # click it: the infopanel shows its values as text, a hostile one included
    x, y = node_point(frame, element, phone)
    page.mouse.click(x, y)
    frame.wait_for_selector("#infopanel[data-expanded='true']", timeout=WAIT_MS)
    panel = frame.evaluate(
        """() => {
          const props = document.getElementById('infopanelProps');
          return {tags: [...props.querySelectorAll('img, a, script, iframe')].map(e => e.tagName),
                  text: props.innerText};
        }"""
    )
    assert panel["tags"] == [] and "<img src=x onerror=alert(1)>" in panel["text"].replace(
        "\u2060", ""
    )
    assert "[m](https://x.invalid)" in panel["text"]
    page.wait_for_timeout(500)
    assert dialogs == []

    # "open profile" in the infopanel: the phone's profile page
    frame.locator("button[data-action-name='profile']").click()
    page.get_by_role("heading", name=zh("nav.entity")).wait_for(timeout=WAIT_MS)
    idle(page)
    page.get_by_text(phone.removeprefix("phone:")).filter(visible=True).first.wait_for(
        timeout=WAIT_MS
    )
    shot(page, "chart_profile")
    assert dialogs == []
    context.close()
