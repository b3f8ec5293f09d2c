"""Page load of a 300-node lead: building the chart's HTML, and the browser drawing it; the
pages' chart component; the server-side expansion of a node.

Prints medians over repeats for the workbench's chart (capped at 300 nodes, layout computed in
Python, physics off) against a baseline measured in the same run: the same lead grown to
``--baseline-nodes`` nodes drawn uncapped with physics on (what drawing a big neighbourhood as
is would cost). The browser part uses Debian's Chromium through Playwright when both are there.

With ``--component`` it also serves the pages' chart (streamlit-cytoscape, 300 nodes, preset
layout computed in Python) from a throwaway Streamlit script and times, in Chromium, navigation to
Cytoscape holding every node, against the old pyvis chart (the same 300 nodes, drawn) in the
same run. With ``--expand`` it loads the fixture world into the benchmark database (or uses
what is there with ``--keep``) and times a node's expansion as the chart does it
(``trace_neighbourhood`` hops=1 as an officer the lead was pushed to, then the merge into the
chart's state), median and p95 over every entity of the pushed leads.

    .venv/bin/python bench/workbench.py [--repeats 5] [--baseline-nodes 1200] [--component]
        [--expand [--keep]]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.i18n import translate
from graph.export.interactive import chart_html

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def synthetic_lead(size: int, seed: int = 7) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A ring-shaped lead: a few agent phones and firms, accounts advertising the phones and
    many templated complaints naming them, as detect finds them."""
    rng = random.Random(seed)
    hubs = max(4, size // 25)
    nodes: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    phones = [f"phone:+86137{i:08d}" for i in range(hubs)]
    firms = [f"firm:9144010{i:011d}" for i in range(hubs // 2)]
    for key in phones:
        nodes.append({"key": key, "label": "Phone", "props": {"e164": key[6:], "carrier": "移动"}})
    for key in firms:
        nodes.append({"key": key, "label": "Firm", "props": {"name": f"<b>协商</b>咨询{key[-4:]}"}})
        links.append({"start": key, "end": rng.choice(phones), "type": "HAS_PHONE",
                      "sources": ["sub-x#2"]})  # fmt: skip
    accounts = [f"account:douyin:agent{i}" for i in range(hubs)]
    for key in accounts:
        nodes.append({"key": key, "label": "Account", "props": {"handle": key[15:]}})
        links.append({"start": key, "end": rng.choice(phones), "type": "ADVERTISES",
                      "sources": ["sub-y#3"]})  # fmt: skip
    previous = None
    for i in range(size - len(nodes)):
        key = f"complaint:bank:C{i:06d}"
        nodes.append({"key": key, "label": "Complaint",
                      "props": {"complaint_id": f"C{i:06d}", "text": "本人申请停息挂账" * 4}})  # fmt: skip
        links.append({"start": key, "end": rng.choice(phones), "type": "CONTACT",
                      "sources": [f"sub-z#{i + 2}"]})  # fmt: skip
        if rng.random() < 0.5:
            links.append({"start": key, "end": rng.choice(firms), "type": "REPRESENTED_BY",
                          "sources": [f"sub-z#{i + 2}"]})  # fmt: skip
        if previous and rng.random() < 0.6:
            links.append({"start": previous, "end": key, "type": "SAME_TEMPLATE", "sources": []})
        previous = key
    return nodes, links


def t(key: str) -> str:
    return translate(key, "zh")


def build_seconds(nodes: list[dict[str, Any]], links: list[dict[str, Any]], repeats: int,
                  **options: Any) -> tuple[float, str]:  # fmt: skip
    times, document = [], ""
    for _ in range(repeats):
        start = time.perf_counter()
        document, _ = chart_html(nodes, links, t, **options)
        times.append(time.perf_counter() - start)
    return statistics.median(times), document


def render_seconds(document: str, repeats: int, settle: bool) -> float | None:
    """Median time from navigation to the chart's first drawing (``settle``: to the end of
    physics stabilisation), in Chromium."""
    if not CHROMIUM.exists():
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        path = Path(folder) / "chart.html"
        marker = "data-chart-drawn"
        if settle:
            document = document.replace(
                'network.once("stabilizationIterationsDone", function () {',
                'network.once("stabilizationIterationsDone", function () {\n'
                '  document.body.setAttribute("data-chart-settled", String(performance.now()));',
            )
            marker = "data-chart-settled"
        path.write_text(document, encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        times = []
        for _ in range(repeats):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(path.as_uri())
            page.wait_for_selector(f"body[{marker}]", timeout=300_000)
            times.append(float(page.get_attribute("body", marker) or 0) / 1000)
            page.close()
        browser.close()
    return statistics.median(times)


COMPONENT_PAGE = """
import json, sys
import streamlit as st
from streamlit_cytoscape import streamlit_cytoscape
sys.path.insert(0, {root!r})
from app.views import cyto
from app.i18n import translate
if st.query_params.get("open") or st.button("open", key="open"):
    nodes, links = json.load(open({data!r}))
    t = lambda key: translate(key, "zh")
    drawn, layout, info = cyto.elements(cyto.new_state(nodes, links, 300), t)
    streamlit_cytoscape(drawn, layout=layout, node_styles=cyto.node_styles(t),
                        edge_styles=cyto.edge_styles(), height=620, key="bench",
                        node_actions=cyto.NODE_ACTIONS, events=cyto.EVENTS,
                        infopanel_actions=cyto.infopanel_actions(t))
"""


def component_seconds(nodes: list[dict[str, Any]], links: list[dict[str, Any]],
                      repeats: int) -> tuple[float, float] | None:  # fmt: skip
    """Medians of (a) opening the chart in a running workbench page — from the click that asks
    for it to every node in Cytoscape (what a signed-in user waits for when opening a lead) — and
    (b) a cold navigation to a page that draws it at once (Streamlit's own start included). One
    browser context, so the component's files are in the browser's cache after the first run,
    as they are for a user."""
    import json
    import socket
    import subprocess
    import urllib.request

    if not CHROMIUM.exists():
        return None
    from playwright.sync_api import sync_playwright

    cy = "document.getElementById('cy') && document.getElementById('cy')._cyreg"
    every_node = f"() => {cy} && {cy}.cy.nodes().length >= 300"
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "lead.json"
        data.write_text(json.dumps([nodes, links], ensure_ascii=False), encoding="utf-8")
        script = Path(folder) / "page.py"
        root = str(Path(__file__).resolve().parent.parent)
        script.write_text(COMPONENT_PAGE.format(root=root, data=str(data)), encoding="utf-8")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
             f"--server.port={port}", "--browser.gatherUsageStats=false"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).close()
                    break
                except OSError:
                    time.sleep(0.5)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                opened, cold = [], []
                for _ in range(repeats + 1):  # the first run warms the server and the cache
                    page = context.new_page()
                    page.goto(url)
                    button = page.get_by_role("button", name="open")
                    button.wait_for(timeout=300_000)
                    start = time.perf_counter()
                    button.click()
                    frame = page.frame_locator("iframe").first
                    frame.locator("#cy").wait_for(state="attached", timeout=300_000)
                    page.frames[-1].wait_for_function(every_node, timeout=300_000)
                    opened.append(time.perf_counter() - start)
                    page.close()
                    page = context.new_page()
                    start = time.perf_counter()
                    page.goto(f"{url}/?open=1")
                    element = page.wait_for_selector("iframe", timeout=300_000)
                    inner = element.content_frame() if element else None
                    assert inner is not None
                    inner.wait_for_function(every_node, timeout=300_000)
                    cold.append(time.perf_counter() - start)
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    return statistics.median(opened[1:]), statistics.median(cold[1:])


def expand_figures(keep: bool, scale: int | None = None) -> None:
    """Median and p95 of one expansion as the chart does it: as officer_1 on five pushed leads of
    the fixture world, or (``scale``) as an admin on the top leads' entities of a synthetic world
    of that many complaints."""
    from common import bench_store, world_folder

    from graph import views
    from graph.db.schema import wipe_data
    from graph.evidence.leads import detect
    from graph.evidence.templates import build_templates
    from graph.workflow import admin, auth, lifecycle, users
    from graph.workflow.auth import Principal
    from ingest.demo import FIXTURE_WORLD, load_world

    with bench_store() as store:
        if not keep:
            folder = world_folder(scale, 11) if scale else None
            print(f"loading {folder or 'the fixture world'} ...", flush=True)
            wipe_data(store)
            load_world(store, folder or FIXTURE_WORLD)
            build_templates(store)
            detect(store)
            admin.ensure_demo_accounts(store, auth.operator())
        if scale:
            expand_as_admin(store)
            return
        analyst = users.get_user(store, "analyst_a")
        officer = users.get_user(store, "officer_1")
        assert analyst is not None and officer is not None
        me = Principal.of(officer)
        entities: list[dict[str, Any]] = []
        for lead in lifecycle.visible_leads(store, Principal.of(analyst))[:5]:
            if not lifecycle.may_view(store, me, lead["id"]):
                lifecycle.accept_lead(store, Principal.of(analyst), lead["id"], "")
                lifecycle.push_lead(store, Principal.of(analyst), lead["id"], officer="officer_1")
            page = views.lead_page(store, me, lead["id"])
            entities += page["entities"]
        times = expansion_ms(store, me, entities)
        print(f"expand (trace_neighbourhood hops=1 + merge), {len(times)} nodes of 5 pushed "
              f"leads: {spread(times)}")  # fmt: skip


def expansion_ms(store: Any, me: Any, entities: list[dict[str, Any]]) -> list[float]:
    """Milliseconds of expanding each entity in a chart holding them all, as the page does;
    sorted."""
    from app.views import cyto

    times = []
    for entity in entities:
        state = cyto.new_state(entities, [], 300)
        start = time.perf_counter()
        cyto.expand(store, me, state, entity["display_key"])
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)


def spread(times: list[float]) -> str:
    """Median, p95 and max of sorted milliseconds."""
    p95 = times[int(0.95 * (len(times) - 1))]
    return f"median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, max {times[-1]:.0f} ms"


def expand_as_admin(store: Any) -> None:
    """Expansion times as an admin over the entities of the ten best leads."""
    from graph import views
    from graph.db.status import database_status
    from graph.workflow import lifecycle
    from graph.workflow.auth import Principal

    me = Principal("admin", "admin", None, None)
    complaints = database_status(store)["nodes"].get("Complaint", 0)
    entities: list[dict[str, Any]] = []
    for lead in lifecycle.visible_leads(store, me)[:10]:
        entities += views.lead_page(store, me, lead["id"])["entities"]
    entities = [e for e in entities if e["label"] != "Complaint"] + [
        e for e in entities if e["label"] == "Complaint"
    ][:100]
    times = expansion_ms(store, me, entities)
    print(f"expand (trace_neighbourhood hops=1 + merge) in a world of {complaints:,} complaints, "
          f"{len(times)} entities of the 10 best leads: {spread(times)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline-nodes", type=int, default=1200)
    parser.add_argument("--component", action="store_true", help="time the pages' chart too")
    parser.add_argument("--expand", action="store_true", help="time a node's expansion")
    parser.add_argument("--keep", action="store_true", help="--expand on the loaded world")
    parser.add_argument("--scale", type=int, help="--expand on a synthetic world of N complaints")
    args = parser.parse_args()
    if args.expand:
        expand_figures(args.keep, args.scale)
        return
    if args.component:
        nodes, links = synthetic_lead(300)
        chart_html(nodes[:10], links[:5], t)
        pyvis_document = build_seconds(nodes, links, 1)[1]
        pyvis_drawn = render_seconds(pyvis_document, args.repeats, settle=False)
        figures = component_seconds(nodes, links, args.repeats)
        if figures is None:
            print("pages' chart: skipped (no /usr/bin/chromium or Playwright)")
            return
        opened, cold = figures
        print(f"pages' chart (streamlit-cytoscape), 300 nodes: opened in a running page, click to "
              f"every node interactive: median {opened * 1000:.0f} ms (target < 2 s); a cold "
              f"navigation with Streamlit's start: median {cold * 1000:.0f} ms; old pyvis chart "
              f"drawn from a static file: median {(pyvis_drawn or 0) * 1000:.0f} ms")  # fmt: skip
        return

    nodes, links = synthetic_lead(300)
    big_nodes, big_links = synthetic_lead(args.baseline_nodes)
    chart_html(nodes[:10], links[:5], t)  # load vis-network once, outside the timings
    ours, document = build_seconds(nodes, links, args.repeats)
    base, base_document = build_seconds(
        big_nodes, big_links, args.repeats, cap=len(big_nodes), physics=True
    )
    print(f"chart HTML, 300-node lead (cap 300, precomputed layout): median {ours * 1000:.0f} ms")
    print(
        f"baseline, {len(big_nodes)} nodes uncapped, physics on:        median {base * 1000:.0f} ms"
    )
    drawn = render_seconds(document, args.repeats, settle=False)
    if drawn is None:
        print("browser render: skipped (no /usr/bin/chromium or Playwright)")
        return
    base_drawn = render_seconds(base_document, max(1, args.repeats // 2), settle=True)
    if base_drawn is None:
        print("baseline render: skipped (the browser did not draw it)")
        return
    print(f"browser, 300-node chart drawn:                 median {drawn * 1000:.0f} ms")
    print(
        f"baseline, {len(big_nodes)} nodes settled with physics: median {base_drawn * 1000:.0f} ms"
    )
    total = ours + drawn
    print(f"page load of the 300-node chart (build + draw): {total:.2f} s (target < 2 s); "
          f"baseline {base + base_drawn:.2f} s, ratio {(base + base_drawn) / total:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
