"""The interactive link chart: one self-contained pyvis (vis-network) HTML document.

:func:`chart_html` is pure: nodes and links in, one HTML document out, with vis-network inlined
so that it opens offline in a browser. The court package's ``chart.html`` is
:func:`package_chart`: the lead's chart as the package's audience sees it (the masked bundle
``chart.pdf`` is drawn from), with a header, a legend and every link's sources in its hover
title. The workbench keeps its helpers (:func:`node_caption`, :func:`select`,
:func:`spring_positions` …) here too; :mod:`app.views.chart` and :mod:`app.views.cyto` import
them. (``chart.svg``/``chart.pdf`` are Graphviz: :mod:`graph.export.chart`.)

Texts: ``t`` maps the workbench's text keys (``entity.<label>``, ``link.<type>``,
``linkkind.<kind>``, ``chart.masked``) to words; the pages pass their translation, the package
:func:`package_text`, which takes the words from the domain model as the Graphviz chart does.

Safety: user data never becomes markup. Node and link data are embedded as JSON with ``<``,
``>`` and ``&`` written as ``\\u003c``/``\\u003e``/``\\u0026`` (no ``</script>`` can close the
script), labels are drawn on the canvas, and hover titles are plain strings, which
vis-network 9 puts into the tooltip with ``innerText``. The header and legend are escaped text.
pyvis builds the network's data and options and ships the vis-network library; its stock page
template is not used because it fetches Bootstrap from a CDN and switches its tooltips to
``innerHTML`` as soon as any title contains ``href``.

Style: names, shapes, colours and line styles are the domain model's (``graph/core/model.yaml``),
the same the court chart prints; :func:`vis_node_style` and :func:`vis_line_style` put them in
vis-network's words.

Size: at most ``cap`` nodes are drawn (the best connected first). Small charts settle with
physics (vis-network's layout seed fixed) and then freeze; above ``PHYSICS_LIMIT`` nodes the
layout is computed here (networkx, fixed seed) and physics stays off, so the browser only paints.

Determinism: the same nodes and links give the same bytes: nodes are ordered by degree and key,
the layout has a fixed seed, JSON keys are sorted. The package's document carries no export
time (as ``chart.pdf``): its package id ties it to the cover and ``manifest.json``.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx
from pyvis.network import Network

from graph.core.model import kind_style, label_style, link_name, load_model
from graph.export.chart import ChartHeader, kind_legend_name, legend_name
from graph.export.common import AUDIENCE_ZH, clean, display_lines

CAP = 300
PHYSICS_LIMIT = 120
HEIGHT = 620

# The model's shapes in vis-network's words. vis-network has no document or folder shape: a
# square stands for both. Shapes in _LABEL_INSIDE carry their caption inside, the rest below.
_VIS_SHAPES = {
    "box": "box",
    "ellipse": "ellipse",
    "hexagon": "hexagon",
    "diamond": "diamond",
    "document": "square",
    "folder": "square",
    "star": "star",
    "circle": "dot",
}
_LABEL_INSIDE = ("box", "ellipse")
_VIS_DASHES: dict[str, bool | list[int]] = {"solid": False, "dashed": [8, 5], "dotted": [2, 4]}
# the legend's glyph of each of the model's shapes (and its CSS), and of each line; characters
# that common fonts have (an ellipse is a stretched disc)
_GLYPHS = {
    "box": ("■", ""),
    "ellipse": ("●", "display:inline-block;transform:scaleX(1.4);margin:0 2px;"),
    "hexagon": ("⬢", ""),
    "diamond": ("◆", ""),
    "document": ("▪", ""),
    "folder": ("▬", ""),
    "star": ("★", ""),
    "circle": ("●", ""),
}
_LINE_GLYPHS = {"solid": "━━", "dashed": "╍╍", "dotted": "┈┈"}
DETAIL_PROPS = (
    "name", "nickname", "e164", "uscc", "platform", "handle", "carrier", "region",
    "masked_id", "complaint_id", "institution", "channel", "filed_date", "amount",
    "template_cluster", "followers", "first_seen", "last_seen",
)  # fmt: skip
# how many of a link's sources its hover title lists on the pages (a package lists them all)
SOURCES_SHOWN = 8


@lru_cache(maxsize=1)
def vis_node_style(label: str) -> dict[str, Any]:
    """vis-network node options (shape, colours, size) of a label, from the model."""
    style = label_style(label)
    colours = {"background": style.fill, "border": style.border}
    shape = _VIS_SHAPES[style.shape]
    options: dict[str, Any] = {
        "shape": shape,
        "color": {**colours, "highlight": colours, "hover": colours},
        "borderWidth": 2,
    }
    if shape not in _LABEL_INSIDE:
        options["size"] = 14
    return options


def vis_line_style(kind: str) -> dict[str, Any]:
    """vis-network edge options (colour, dashes) of a link kind, from the model."""
    style = kind_style(kind)
    return {"color": style.colour, "dashes": _VIS_DASHES[style.line]}


def kind_of(link: dict[str, Any]) -> str:
    """A link's kind as the bundle says, else as the model declares its type."""
    return str(link.get("kind") or load_model().link(str(link["type"])).kind)


def vis_library() -> tuple[str, str]:
    """vis-network's script and style as pyvis ships them (no network access needed)."""
    import pyvis

    folder = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    style = (folder / "vis-network.css").read_text(encoding="utf-8")
    return script, style


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element, keys sorted (the same data, the same bytes)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _short(text: Any, limit: int) -> str:
    value = "" if text is None else str(text)
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def node_caption(node: dict[str, Any]) -> str:
    """The short text drawn under a node."""
    props = node.get("props") or {}
    label = node.get("label")
    if label == "Phone":
        return str(props.get("e164") or node.get("display_key") or node["key"])
    if label == "Firm":
        return _short(props.get("name") or props.get("uscc") or node["key"], 18)
    if label == "Account":
        return _short(f"{props.get('platform', '')}:{props.get('handle', '')}", 22)
    if label == "Complaint":
        return _short(props.get("complaint_id") or node["key"], 30)
    if label == "Person":
        return _short(props.get("name") or "?", 10)
    return _short(node.get("display_key") or node["key"], 22)


def node_title(node: dict[str, Any], t: Callable[[str], str]) -> str:
    """The hover text: the entity's key details, as plain text (never markup)."""
    props = node.get("props") or {}
    lines = [f"{t('entity.' + str(node.get('label')))}: {node.get('display_key') or node['key']}"]
    lines += [f"{name}: {_short(props[name], 60)}" for name in DETAIL_PROPS if props.get(name)]
    if props.get("text"):
        lines.append(_short(props["text"], 160))
    if props.get("bio"):
        lines.append(_short(props["bio"], 120))
    if node.get("masked"):
        lines.append(t("chart.masked"))
    return "\n".join(lines)


def link_title(link: dict[str, Any], t: Callable[[str], str], limit: int | None) -> str:
    """A link's hover text: its type and its sources (at most ``limit``, None for all)."""
    sources = [str(s) for s in link.get("sources") or []]
    listed = sources if limit is None else sources[:limit]
    more = ["…"] if len(listed) < len(sources) else []
    return "\n".join([t("link." + str(link["type"])), *listed, *more])


def select(
    nodes: list[dict[str, Any]], links: list[dict[str, Any]], cap: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """At most ``cap`` nodes, best connected first (ties by key), and the links among them.
    Nodes and links are addressed by ``display_key`` (links' ``start``/``end``)."""
    degree: Counter[str] = Counter()
    for link in links:
        degree[link["start"]] += 1
        degree[link["end"]] += 1
    ordered = sorted(nodes, key=lambda n: (-degree[node_id(n)], node_id(n)))
    kept = ordered[:cap]
    ids = {node_id(n) for n in kept}
    return kept, [link for link in links if link["start"] in ids and link["end"] in ids]


def node_id(node: dict[str, Any]) -> str:
    """How charts address a node: its display key (masked where masked), else its key."""
    return str(node.get("display_key") or node["key"])


def spring_positions(
    nodes: list[dict[str, Any]], links: list[dict[str, Any]]
) -> dict[str, tuple[float, float]]:
    """A force-directed layout with a fixed seed: the same graph, the same positions."""
    graph = nx.Graph()
    graph.add_nodes_from(node_id(n) for n in nodes)
    graph.add_edges_from((link["start"], link["end"]) for link in links)
    scale = 90.0 * max(len(nodes), 1) ** 0.5
    positions = nx.spring_layout(graph, seed=7, iterations=60, scale=scale)
    return {key: (round(float(x), 2), round(float(y), 2)) for key, (x, y) in positions.items()}


def chart_html(
    nodes: list[dict[str, Any]],
    links: list[dict[str, Any]],
    t: Callable[[str], str],
    *,
    cap: int = CAP,
    physics: bool | None = None,
    height: int = HEIGHT,
    caption: Callable[[dict[str, Any]], str] = node_caption,
    sources_shown: int | None = SOURCES_SHOWN,
    top: str = "",
) -> tuple[str, dict[str, int]]:
    """One self-contained HTML document drawing at most ``cap`` nodes; returns it and
    ``{"shown", "total", "links"}``. ``physics`` None chooses by size (see the module);
    ``top`` is markup the caller vouches for (escaped), put above the chart."""
    shown, shown_links = select(nodes, links, cap)
    if physics is None:
        physics = len(shown) <= PHYSICS_LIMIT
    positions = {} if physics else spring_positions(shown, shown_links)
    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line")
    for node in shown:
        extra: dict[str, Any] = vis_node_style(str(node.get("label")))
        key = node_id(node)
        if key in positions:
            extra |= {"x": positions[key][0], "y": positions[key][1]}
        net.add_node(
            key,
            label=caption(node),
            title=node_title(node, t),
            font={"size": 12, "face": "Noto Sans CJK SC, sans-serif"},
            **extra,
        )
    for link in shown_links:
        net.add_edge(
            link["start"],
            link["end"],
            label=t("link." + str(link["type"])),
            title=link_title(link, t, sources_shown),
            arrows="to",
            font={"size": 9, "align": "middle"},
            **vis_line_style(kind_of(link)),
        )
    options: dict[str, Any] = {
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": True},
        "edges": {"smooth": False},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "stabilization": {"enabled": True, "iterations": 250, "fit": True},
        },
        "layout": {"improvedLayout": physics and len(shown) <= 60, "randomSeed": 7},
    }
    data_nodes = [{k: v for k, v in n.items() if v is not None} for n in net.nodes]
    script, style = vis_library()
    document = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>{style}</style>
<style>html,body{{margin:0;padding:0;font-family:sans-serif}}
#chart{{width:100%;height:{int(height)}px;border:1px solid #ddd}}
div.vis-tooltip{{white-space:pre-wrap;max-width:420px;font-size:12px}}</style>
<script>{script}</script></head>
<body>{top}<div id="chart"></div>
<script>
var nodes = new vis.DataSet({_script_json(data_nodes)});
var edges = new vis.DataSet({_script_json(net.edges)});
var network = new vis.Network(document.getElementById("chart"),
    {{nodes: nodes, edges: edges}}, {_script_json(options)});
network.once("stabilizationIterationsDone", function () {{
  network.setOptions({{physics: {{enabled: false}}}});
}});
network.once("afterDrawing", function () {{
  document.body.setAttribute("data-chart-drawn", String(performance.now()));
}});
document.body.setAttribute("data-chart-ready", "1");
</script></body></html>"""
    return document, {"shown": len(shown), "total": len(nodes), "links": len(shown_links)}


def legend_html(labels: list[str], t: Callable[[str], str], kinds: list[str] | None = None) -> str:
    """A one-line legend (HTML, our own texts escaped) of the entity types present (the model's
    shape and colour each, in the order of the model) and of the link kinds present (their
    lines)."""
    model = load_model()
    parts = []
    for label in [label for label in model.nodes if label in set(labels)]:
        style = label_style(label)
        glyph, css = _GLYPHS[style.shape]
        parts.append(
            f"<span data-label='{label}' style='color:{style.fill};"
            f"-webkit-text-stroke:1px {style.border};{css}'>{glyph}</span> "
            f"{html.escape(t('entity.' + label))}"
        )
    for kind in [kind for kind in model.kinds if kind in set(kinds or [])]:
        line = kind_style(kind)
        parts.append(
            f"<span data-kind='{kind}' style='color:{line.colour}'>"
            f"{_LINE_GLYPHS[line.line]}</span> {html.escape(t('linkkind.' + kind))}"
        )
    return " &nbsp; ".join(parts)


# --- the package's chart.html -------------------------------------------------------------------

MASKED_TEXT = "（部分信息已脱敏 partly masked）"


def package_text(key: str) -> str:
    """The package's words for a text key, from the domain model (as ``chart.pdf``'s legend):
    ``entity.Phone`` -> ``电话号码 Phone``, ``link.CONTACT`` -> ``联系电话``,
    ``linkkind.fact`` -> ``事实（来源行所述） fact — solid``."""
    group, _, name = key.partition(".")
    if group == "entity":
        return legend_name(name)
    if group == "link":
        return link_name(name)
    if group == "linkkind":
        return kind_legend_name(name)
    if key == "chart.masked":
        return MASKED_TEXT
    return key


def package_caption(entity: dict[str, Any]) -> str:
    """A node's caption in the package: the lines ``chart.pdf`` prints (masked as there)."""
    return "\n".join(_short(line, 30) for line in display_lines(entity)[:2])


def _header(header: ChartHeader, info: dict[str, int]) -> str:
    """The chart's header as escaped text: what ``chart.pdf`` says on every page."""

    def value(text: str | None) -> str:
        return html.escape(clean(text)) if text else "—"

    audience = f"{AUDIENCE_ZH.get(header.audience, header.audience)} {header.audience}"
    shown = (
        f"显示 {info['shown']} / {info['total']} 个实体，{info['links']} 条关系"
        f" showing {info['shown']} of {info['total']} entities, {info['links']} links"
    )
    if info["shown"] < info["total"]:
        shown += "；其余见 entities.csv (the rest are in entities.csv)"
    rows = [
        f"<h1 style='font-size:18px;margin:0 0 4px'>{value(header.title)}</h1>",
        f"案件编号 Case: {value(header.case_ref)}　线索 Lead: {value(header.lead_id)}　"
        f"分析员 Analyst: {value(header.analyst)}　审核民警 Officer: {value(header.officer)}",
        f"证据包 Package: {value(header.package_id)}　受众 Audience: {value(audience)}　"
        f"{value(header.classification)}",
        f"数据快照 Data snapshot: {value(header.snapshot)}　导出时间 Export time: 见封面与 "
        "manifest.json（同一证据包编号 same package id）",
        html.escape(shown),
    ]
    return "<br>".join(rows)


def package_chart(bundle: dict[str, Any], header: ChartHeader) -> bytes:
    """``chart.html`` of a package: the (masked, sorted) bundle's chart, offline, deterministic."""
    entities, links = bundle["entities"], bundle["links"]
    shown, shown_links = select(entities, links, CAP)
    info = {"shown": len(shown), "total": len(entities), "links": len(shown_links)}
    legend = legend_html(
        [str(e.get("label")) for e in shown], package_text, [kind_of(r) for r in shown_links]
    )
    top = (
        f"<header id='header' style='padding:8px;font-size:12px'>{_header(header, info)}</header>"
        f"<div id='legend' style='padding:0 8px 8px;font-size:12px'>{legend}</div>"
    )
    document, _ = chart_html(
        entities,
        links,
        package_text,
        caption=package_caption,
        sources_shown=None,
        top=top,
    )
    return document.encode("utf-8")
