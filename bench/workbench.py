"""Page load of a 300-node lead: building the chart's HTML, and the browser drawing it.

Prints medians over repeats for the workbench's chart (capped at 300 nodes, layout computed in
Python, physics off) against a baseline measured in the same run: the same lead grown to
``--baseline-nodes`` nodes drawn uncapped with physics on (what drawing a big neighbourhood as
is would cost). The browser part uses Debian's Chromium through Playwright when both are there.

    .venv/bin/python bench/workbench.py [--repeats 5] [--baseline-nodes 1200]
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
from app.views.chart import chart_html

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline-nodes", type=int, default=1200)
    args = parser.parse_args()

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
