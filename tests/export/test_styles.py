"""One declaration of names and styles: the domain model's, drawn alike on screen and on paper.

The workbench's chart (vis-network) and the court chart (Graphviz) are built for the sample lead
and each node, link and legend entry is read back from what the renderer is given: the pyvis node
and edge data in the page, the DOT source and the SVG of the package. Every colour must be the
model's, and every shape the model's in that renderer's words. No server is needed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from test_export import sample_bundle

from app.i18n import LANGUAGES as APP_LANGUAGES
from app.i18n import translate
from graph.core.model import (
    LANGUAGES,
    LINES,
    MODEL_FILE,
    SHAPES,
    display_name,
    kind_name,
    kind_style,
    label_style,
    link_name,
    load_model,
)
from graph.export import chart
from graph.export.formats import anx_colour, to_networkx
from graph.export.interactive import chart_html, legend_html, vis_line_style, vis_node_style
from graph.export.tables import entities_csv, links_csv

MODEL = load_model()
# What each renderer calls the model's shapes and lines, written out here so that a change to
# either renderer's mapping shows as a failing test. (vis-network has no document or folder.)
SHAPE_WORDS = {  # model: (vis-network, Graphviz)
    "box": ("box", "box"),
    "ellipse": ("ellipse", "ellipse"),
    "hexagon": ("hexagon", "hexagon"),
    "diamond": ("diamond", "diamond"),
    "document": ("square", "note"),
    "folder": ("square", "folder"),
    "star": ("star", "star"),
    "circle": ("dot", "circle"),
}
LINE_WORDS = {  # model: (vis-network dashes, Graphviz style)
    "solid": (False, "solid"),
    "dashed": ([8, 5], "dashed"),
    "dotted": ([2, 4], "dotted"),
}
HEADER = chart.ChartHeader(
    "样例线索", "lead-x", None, None, None, "pkg-x", "court", "敏感", None, None
)


def _luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# --- the declaration is complete -----------------------------------------------------------------


def test_every_label_link_type_and_kind_has_names_and_a_style() -> None:
    assert set(SHAPE_WORDS) == set(SHAPES) and set(LINE_WORDS) == set(LINES)
    assert set(APP_LANGUAGES) == set(LANGUAGES)
    for label, node in MODEL.nodes.items():
        for language in LANGUAGES:
            assert display_name(label, language).strip(), (label, language)
            assert translate(f"entity.{label}", language) == display_name(label, language)
        style = label_style(label)
        assert style.shape in SHAPES and style is node.style
        assert re.fullmatch(r"#[0-9a-f]{6}", style.fill) and re.fullmatch(
            r"#[0-9a-f]{6}", style.border
        )
    for link_type, link in MODEL.links.items():
        assert link.kind in MODEL.kinds, link_type
        for language in LANGUAGES:
            assert link_name(link_type, language).strip(), (link_type, language)
            assert translate(f"link.{link_type}", language) == link_name(link_type, language)
    for kind in MODEL.kinds:
        assert kind_style(kind).line in LINES
        for language in LANGUAGES:
            assert kind_name(kind, language) and kind_name(kind, language, about=True)
            assert translate(f"linkkind.{kind}", language) == kind_name(kind, language)
    names, style = MODEL.complaint_group
    assert names.zh and names.en and style.shape in SHAPES


def test_the_model_refuses_a_label_without_names_or_style(tmp_path: Path) -> None:
    source = MODEL_FILE.read_text(encoding="utf-8")
    for line, reason in (
        ("    Account:      {zh: 网络账号,", "missing \\['Account'\\]"),
        ("    CALLED:         {zh: 通话,", "missing \\['CALLED'\\]"),
    ):
        broken = "\n".join(row for row in source.splitlines() if not row.startswith(line))
        path = tmp_path / "model.yaml"
        path.write_text(broken, encoding="utf-8")
        with pytest.raises(ValueError, match=reason):
            load_model(path)
    path.write_text(source.replace("shape: hexagon", "shape: blob"), encoding="utf-8")
    with pytest.raises(ValueError, match="shape 'blob'"):
        load_model(path)


def test_entity_types_tell_apart_in_grayscale_and_keep_their_text_legible() -> None:
    entities = [label for label, node in MODEL.nodes.items() if node.entity]
    styles = [label_style(label) for label in entities]
    # shapes, for a grayscale print: one each, but the contacts found in text (WeChat, QQ,
    # Telegram, Domain, Email) share one shape no other entity has, and differ by colour and name
    handles = set(MODEL.link("MENTIONS_CONTACT").ends) - {"Phone"}
    shapes = {label: label_style(label).shape for label in entities}
    assert len({shapes[label] for label in handles}) == 1
    assert len(set(shapes.values())) == len(entities) - len(handles) + 1
    assert len({s.border for s in styles}) == len(entities)  # and colours, on screen
    for label in MODEL.nodes:
        style = label_style(label)
        assert _contrast(style.fill, "#000000") >= 12, label  # black text on the fill
        assert _contrast(style.border, "#ffffff") >= 3, label  # the outline on white paper
    for kind in MODEL.kinds:
        assert _contrast(kind_style(kind).colour, "#ffffff") >= 4.5, kind
    # one line and colour each; the alliance match shares the dashed line of an inference but
    # not its colour, and always ends at an org's box (issue 19: dashed, its own colour)
    assert len({kind_style(kind) for kind in MODEL.kinds}) == len(MODEL.kinds)
    assert len({kind_style(kind).line for kind in MODEL.kinds if kind != "alliance_match"}) == 3


# --- screen and paper draw the declaration --------------------------------------------------------


def _dataset(document: str, name: str) -> list[dict[str, Any]]:
    match = re.search(rf"var {name} = new vis\.DataSet\((.*?)\);\n", document)
    assert match, name
    return json.loads(match.group(1))


def _screen(bundle: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    document, _ = chart_html(bundle["entities"], bundle["links"], lambda k: translate(k, "zh"))
    labels = [e["label"] for e in bundle["entities"]]
    kinds = [link["kind"] for link in bundle["links"]]
    legend = legend_html(labels, lambda k: translate(k, "zh"), kinds)
    return _dataset(document, "nodes"), _dataset(document, "edges"), legend


def _dot_attrs(line: str) -> dict[str, str]:
    return {k: v.strip('"') for k, v in re.findall(r'(\w+)=("[^"]*"|[^\s\]]+)', line)}


def _court(bundle: dict[str, Any]) -> str:
    pages, _ = chart.draw(bundle, HEADER)
    assert len(pages) == 1
    return pages[0].source


def test_screen_and_court_chart_draw_each_label_and_kind_as_the_model_says() -> None:
    bundle = sample_bundle()
    label_of = {e["key"]: e["label"] for e in bundle["entities"]}
    nodes, edges, _ = _screen(bundle)
    assert len(nodes) == len(bundle["entities"])
    for node in nodes:
        style = label_style(label_of[node["id"]])
        assert node["shape"] == SHAPE_WORDS[style.shape][0], node["id"]
        assert node["color"]["background"] == style.fill and node["color"]["border"] == style.border
    kind_of = {(r["start"], r["end"]): r["kind"] for r in bundle["links"]}
    for edge in edges:
        line = kind_style(kind_of[(edge["from"], edge["to"])])
        assert edge["color"] == line.colour and edge["dashes"] == LINE_WORDS[line.line][0]

    source = _court(bundle)
    drawn: dict[str, set[tuple[str, str, str]]] = {}
    for row in source.splitlines():
        attrs = _dot_attrs(row)
        if "->" in row and "class" in attrs and not attrs["class"].startswith("legend"):
            line = kind_style(attrs["class"])
            assert (attrs["style"], attrs["color"]) == (LINE_WORDS[line.line][1], line.colour)
        elif re.match(r"n\d+ \[", row):
            drawn.setdefault(attrs["class"], set()).add(
                (attrs["shape"], attrs["fillcolor"], attrs["color"])
            )
    assert set(drawn) == set(label_of.values())
    for label, seen in drawn.items():
        style = label_style(label)
        assert seen == {(SHAPE_WORDS[style.shape][1], style.fill, style.border)}, label


def test_both_legends_list_the_same_labels_in_the_same_colours() -> None:
    bundle = sample_bundle()
    _, _, screen = _screen(bundle)
    on_screen = {
        label: (fill, border)
        for label, fill, border in re.findall(
            r"data-label='(\w+)' style='color:(#\w+);-webkit-text-stroke:1px (#\w+);", screen
        )
    }
    source = _court(bundle)
    on_paper = {}
    legend_texts = [_dot_attrs(row).get("label", "") for row in source.splitlines()]
    for row in source.splitlines():
        match = re.search(r'class="legend (\w+)"', row)
        if match and row.startswith("lg_n"):
            attrs = _dot_attrs(row)
            on_paper[match.group(1)] = (attrs["fillcolor"], attrs["color"])
    labels = {e["label"] for e in bundle["entities"]}
    assert set(on_screen) == set(on_paper) == labels
    for label in labels:
        style = label_style(label)
        assert on_screen[label] == on_paper[label] == (style.fill, style.border)
        assert display_name(label, "zh") in screen
        assert f"{display_name(label, 'zh')} {display_name(label, 'en')}\\l" in legend_texts
    # the sample lead has links of the three kinds of a ring; alliance matches are drawn in
    # tests/alliance/test_match_links.py
    kinds = sorted({link["kind"] for link in bundle["links"]})
    assert kinds == ["fact", "inference", "match"]
    for kind in kinds:
        line = kind_style(kind)
        assert f"data-kind='{kind}' style='color:{line.colour}'>" in screen
        assert kind_name(kind, "zh") in screen
        assert any(text.startswith(kind_name(kind, about=True)) for text in legend_texts)


def test_the_package_svg_carries_the_model_colours() -> None:
    svg = chart.render(sample_bundle(), HEADER).svgs[0].decode()
    groups = re.findall(
        r'<g id="node\d+" class="node (\w+)">\s*<title>[^<]*</title>\s*<(\w+) ([^>]*)', svg
    )
    assert groups
    for label, _, attrs in groups:
        style = label_style(label)
        assert f'fill="{style.fill}"' in attrs and f'stroke="{style.border}"' in attrs, label


# --- the tables and files other tools read use the same names -----------------------------------


def test_tables_graphml_and_anx_use_the_model_names_and_colours() -> None:
    bundle = sample_bundle()
    for row in csv.DictReader(io.StringIO(entities_csv(bundle).decode("utf-8-sig"))):
        assert row["label_zh"] == display_name(row["label"])
    for row in csv.DictReader(io.StringIO(links_csv(bundle).decode("utf-8-sig"))):
        assert row["type_zh"] == link_name(row["type"])
        assert row["kind_zh"] == kind_name(row["kind"], about=True)
    graph = to_networkx(bundle)
    for _, data in graph.nodes(data=True):
        assert data["entity_type_zh"] == display_name(data["entity_type"])
    for _, _, data in graph.edges(data=True):
        assert data["label"] == link_name(data["type"])
    assert anx_colour("Phone") == 0xA86B1F  # #1f6ba8 as i2's blue-green-red integer


def test_renderer_mappings_cover_every_shape_and_line() -> None:
    for label in MODEL.nodes:
        vis = vis_node_style(label)
        assert vis["shape"] == SHAPE_WORDS[label_style(label).shape][0]
        assert chart.node_style(label)[0] == SHAPE_WORDS[label_style(label).shape][1]
    assert chart.node_style(chart.GROUP)[0] == SHAPE_WORDS[MODEL.complaint_group[1].shape][1]
    for kind in MODEL.kinds:
        assert vis_line_style(kind)["dashes"] == LINE_WORDS[kind_style(kind).line][0]
        assert chart.line_style(kind)[0] == LINE_WORDS[kind_style(kind).line][1]
