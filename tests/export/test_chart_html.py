"""A package's ``chart.html`` (issue 17): the lead's chart to explore in a browser, offline.

It is drawn from the same masked bundle as ``chart.pdf`` (a partner sees masked phones, never the
raw ones), carries a header and the model's legend, lists every link's sources on hover, fetches
nothing from the network, is byte-for-byte the same for the same bundle, and is covered by the
manifest: ``leadgraph verify`` passes, and a changed ``chart.html`` is NOT INTACT.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import CHROMIUM, CHROMIUM_ARGS, need_browser
from support import run_cli as run_cli_process
from test_export import HOSTILE_SCRIPT, KEY, PHONES, T1, T2, TRUSTED, sample_bundle

from graph.core.model import kind_style, label_style
from graph.export.chart import ChartHeader, kind_legend_name, legend_name
from graph.export.common import sorted_bundle
from graph.export.interactive import package_chart
from graph.export.package import export_package
from graph.export.verify import verify_package

OFFLINE_BREAKERS = ('src="http', "src='http", 'href="http', "href='http", "@import url(http")


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("html")
    return {
        audience: export_package(
            sample_bundle(), out / audience, fmt="dir", audience=audience, user="u", now=T1, key=KEY
        ).path
        for audience in ("court", "partner")
    }


def _dataset(document: str, name: str) -> list[dict[str, Any]]:
    match = re.search(rf"var {name} = new vis\.DataSet\((.*?)\);\n", document)
    assert match, name
    return list(json.loads(match.group(1)))


def test_court_and_partner_packages_carry_a_verified_chart_html(packages: dict[str, Path]) -> None:
    for audience, package in packages.items():
        assert (package / "chart.html").is_file(), audience
        manifest = json.loads((package / "manifest.json").read_text())
        assert "chart.html" in {f["path"] for f in manifest["files"]}, audience
        assert verify_package(package, trusted=TRUSTED).intact, audience


def test_chart_html_has_every_entity_the_legend_header_and_every_source(
    packages: dict[str, Path],
) -> None:
    document = (packages["court"] / "chart.html").read_text("utf-8")
    bundle = sample_bundle()
    nodes, edges = _dataset(document, "nodes"), _dataset(document, "edges")
    assert {n["id"] for n in nodes} == {e["key"] for e in bundle["entities"]}
    assert len(edges) == len(bundle["links"])
    titles = {(e["from"], e["to"]): e["title"] for e in edges}
    for link in bundle["links"]:
        for source in link.get("sources") or []:
            assert source in titles[(link["start"], link["end"])], (link["type"], source)
    legend = document.split("<div id='legend'", 1)[1].split("</div>", 1)[0]
    for label in {e["label"] for e in bundle["entities"]}:
        assert legend_name(label) in legend and label_style(label).fill in legend, label
    for kind in {link["kind"] for link in bundle["links"]}:
        assert kind_legend_name(kind) in legend and kind_style(kind).colour in legend, kind
    header = document.split("<header id='header'", 1)[1].split("</header>", 1)[0]
    manifest = json.loads((packages["court"] / "manifest.json").read_text())
    assert manifest["package_id"] in header and bundle["lead"]["id"] in header
    assert "分析员 Analyst" in header and "court" in header
    # user data is data, never markup
    assert HOSTILE_SCRIPT not in document and "\\u003cscript\\u003ealert(1)" in document


def test_partner_chart_html_shows_masked_phones_only(packages: dict[str, Path]) -> None:
    document = (packages["partner"] / "chart.html").read_text("utf-8")
    for phone in PHONES:
        for raw in (phone, phone[3:], phone[3:6] + " " + phone[6:10] + " " + phone[10:]):
            assert raw not in document, raw
    assert "138****8000" in document
    # the same masked keys chart.pdf's bundle has: every node id is a key of entities.csv
    entities = (packages["partner"] / "entities.csv").read_text("utf-8-sig")
    for node in _dataset(document, "nodes"):
        assert node["id"] in entities, node["id"]


def test_chart_html_opens_offline(packages: dict[str, Path]) -> None:
    for package in packages.values():
        document = (package / "chart.html").read_text("utf-8").lower()
        for breaker in OFFLINE_BREAKERS:
            assert breaker not in document, breaker
        assert "<link" not in document and "vis.network" in document


def test_chart_html_is_the_same_bytes_for_the_same_bundle(
    packages: dict[str, Path], tmp_path: Path
) -> None:
    again = export_package(sample_bundle(), tmp_path, fmt="dir", user="u", now=T2, key=KEY).path
    assert (again / "chart.html").read_bytes() == (packages["court"] / "chart.html").read_bytes()
    # another process with another hash seed draws the same bundle the same
    script = (
        "import sys; sys.path[:0] = ['tests/export', 'tests']\n"
        "from test_chart_html import drawn_hash\n"
        "print(drawn_hash())\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == drawn_hash()


HEADER = ChartHeader("t", "lead-x", None, "analyst_a", None, "pkg-0", "court", "c", None, None)


def _big_bundle(size: int = 150) -> dict[str, Any]:
    """More nodes than vis-network settles with physics: the layout is computed (networkx)."""
    keys = [f"firm:name:f{i:03d}" for i in range(size)]
    entities = [{"key": k, "label": "Firm", "props": {"name": k[10:]}} for k in keys]
    links = [
        {"start": keys[i], "end": keys[(i * 7 + 3) % size], "type": "CONTACT", "kind": "fact",
         "sources": [f"sub-x#{i}"]}
        for i in range(size)
    ]  # fmt: skip
    return {"entities": entities, "links": links}


def drawn_hash() -> str:
    """The SHA-256 of the court chart.html of the sample bundle and of a bundle too big for
    physics, under a fixed header."""
    digest = hashlib.sha256()
    for bundle in (sorted_bundle(sample_bundle()), _big_bundle()):
        digest.update(package_chart(bundle, HEADER))
    return digest.hexdigest()


def test_a_big_chart_html_is_laid_out_here() -> None:
    nodes = _dataset(package_chart(_big_bundle(), HEADER).decode(), "nodes")
    assert len(nodes) == 150 and all("x" in n and "y" in n for n in nodes)


def test_a_changed_chart_html_is_not_intact(packages: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    package = tmp_path / "tampered"
    shutil.copytree(packages["court"], package)
    env = {"LEADGRAPH_HOME": str(tmp_path / "home")}
    (tmp_path / "exporter.pem").write_bytes(KEY.public.pem)
    trusted = run_cli_process(
        "keys", "trust", str(tmp_path / "exporter.pem"), "--name", "t", env=env
    )
    assert trusted.returncode == 0, trusted.stderr
    assert run_cli_process("verify", str(package), env=env).returncode == 0
    chart = package / "chart.html"
    data = bytearray(chart.read_bytes())
    data[len(data) // 2] ^= 0x01
    chart.write_bytes(bytes(data))
    broken = run_cli_process("verify", str(package), env=env)
    assert broken.returncode == 1 and "NOT INTACT" in broken.stdout
    assert "changed: chart.html" in broken.stdout


@pytest.mark.browser
def test_chromium_opens_chart_html_from_a_file_and_draws(packages: dict[str, Path]) -> None:
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            fetched: list[str] = []
            page.on("request", lambda r: fetched.append(r.url))
            page.goto((packages["partner"] / "chart.html").as_uri())
            page.wait_for_selector("body[data-chart-drawn]", timeout=60_000)
            assert page.locator("#legend").inner_text().strip()
        finally:
            browser.close()
    assert all(url.startswith(("file:", "data:")) for url in fetched), fetched
