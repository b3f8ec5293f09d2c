"""The link chart of a court package: ``chart.pdf`` (every page) and ``chart.svg`` (one per page).

How a page is made
------------------
1. **Plan.** One node per entity and one edge per link. A lead with more than
   :data:`MAX_NODES_PER_PAGE` entities is summarised, not shrunk: complaints are collapsed into one
   counted node per contact phone (else per declared agent), together with complainants that
   appear nowhere else; parallel edges between collapsed nodes become one edge with a count. If
   that is still too many, the chart is split into pages by connected component, and a component
   too big for one page keeps its best-connected entities and names how many more are listed in
   ``entities.csv``. Every entity and link stays in the tables, GraphML, JSON and ANX files.
2. **Lay out.** Graphviz ``neato`` (stress majorisation, a fixed start seed) places the nodes
   (``-Tplain``).
3. **Draw.** A second Graphviz run (``neato -n2``) keeps those positions and adds the page
   header (title, case reference, lead, analyst, officer, package id, audience, data snapshot,
   page number), a legend of only the entity types and link kinds used on the page, and a footer.
   Links are straight lines: solid for facts, dashed for inferences, dotted for algorithmic
   matches. All text uses :data:`FONT` (Noto Sans CJK SC); cairo embeds the glyph subsets in the
   PDF.

Names, shapes, colours and line styles are the domain model's (``graph/core/model.yaml``), the
same the workbench's chart draws; :func:`node_style` and :func:`line_style` put them in
Graphviz's words. Each node and legend entry carries its label as an SVG ``class``.

Determinism: the same bundle gives the same bytes. cairo 1.16 writes the current time as the PDF
``/CreationDate`` and ignores ``SOURCE_DATE_EPOCH``, and ``pdfunite`` (poppler) writes a random
``/ID``; both are replaced by fixed values derived from the content. The export time is therefore
not on the chart (it would change the chart's bytes with every export): the package id on every
page ties each page to ``manifest.json`` and the cover, which carry the export time.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.core.errors import UserError
from graph.core.model import kind_name, kind_style, label_style, link_name, load_model
from graph.export.common import (
    AUDIENCE_ZH,
    clean,
    display_lines,
    shorten,
)

FONT = "Noto Sans CJK SC"
SVG_FONT_FAMILY = "Noto Sans CJK SC,Source Han Sans SC,PingFang SC,Microsoft YaHei,sans-serif"
MAX_NODES_PER_PAGE = 150
MAX_LABELLED_EDGES = 90
GROUP = "ComplaintGroup"  # the counted node standing for many complaints (the model's group)
# The model's shapes in Graphviz's words.
_GRAPHVIZ_SHAPES = {
    "box": "box",
    "ellipse": "ellipse",
    "hexagon": "hexagon",
    "diamond": "diamond",
    "document": "note",
    "folder": "folder",
    "star": "star",
    "circle": "circle",
}
_GRAPHVIZ_LINES = {"solid": "solid", "dashed": "dashed", "dotted": "dotted"}


def node_style(kind: str) -> tuple[str, str, str]:
    """Graphviz shape, fill and border of an entity label (or :data:`GROUP`), from the model."""
    style = load_model().complaint_group[1] if kind == GROUP else label_style(kind)
    return _GRAPHVIZ_SHAPES[style.shape], style.fill, style.border


def line_style(kind: str) -> tuple[str, str]:
    """Graphviz line style and colour of a link kind, from the model."""
    style = kind_style(kind)
    return _GRAPHVIZ_LINES[style.line], style.colour


def legend_name(kind: str) -> str:
    """A legend entry's text: ``电话号码 Phone``."""
    names = load_model().complaint_group[0] if kind == GROUP else load_model().node(kind).names
    return f"{names.zh} {names.en}"


def kind_legend_name(kind: str) -> str:
    """A link kind's legend text: ``事实（来源行所述） fact — solid``."""
    return f"{kind_name(kind, about=True)} {kind_name(kind, 'en')} — {kind_style(kind).line}"


_ORDER = {"Firm": 0, "Account": 1, "Phone": 2, "Person": 3, "Complaint": 4, GROUP: 5}


@dataclass(frozen=True)
class ChartHeader:
    """What every page says about itself."""

    title: str
    lead_id: str
    case_ref: str | None
    analyst: str | None
    officer: str | None
    package_id: str
    audience: str
    classification: str
    snapshot: str | None
    software: str | None


@dataclass
class Node:
    id: str
    kind: str  # an entity label, or GROUP
    lines: list[str]
    members: list[str] = field(default_factory=list)  # entity keys this node stands for


@dataclass
class Edge:
    start: str
    end: str
    type: str
    kind: str
    count: int = 1
    detail: str = ""


@dataclass
class Page:
    nodes: list[Node]
    edges: list[Edge]
    notes: list[str] = field(default_factory=list)


@dataclass
class Chart:
    pdf: bytes
    svgs: list[bytes]
    notes: list[str]
    # entity key -> (x, y) in points with y down, pages side by side; for the ANX file
    positions: dict[str, tuple[float, float]]


# --- plan ---------------------------------------------------------------------------------------


def _edge_detail(link: dict[str, Any]) -> str:
    props = link.get("props") or {}
    if link["type"] == "CALLED" and props.get("count") is not None:
        return f"{props['count']}次"
    if link["type"] == "SAME_TEMPLATE" and isinstance(props.get("similarity"), int | float):
        return f"{props['similarity']:.2f}"
    if link["type"] == "MENTIONS_CONTACT" and props.get("surface"):
        surface = " ".join(clean(props["surface"]).split())  # the text as written, one line
        return surface if len(surface) <= 24 else surface[:23] + "…"
    return ""


def _collapse(bundle: dict[str, Any]) -> tuple[list[Node], list[Edge], list[str]]:
    entities = {e["key"]: e for e in bundle["entities"]}
    links = bundle["links"]
    contact: dict[str, list[str]] = defaultdict(list)
    agents: dict[str, list[str]] = defaultdict(list)
    links_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for link in links:
        links_of[link["start"]].append(link)
        links_of[link["end"]].append(link)
        if entities[link["start"]]["label"] == "Complaint":
            if link["type"] == "CONTACT":
                contact[link["start"]].append(link["end"])
            elif link["type"] == "REPRESENTED_BY":
                agents[link["start"]].append(link["end"])
    groups: dict[str, list[str]] = defaultdict(list)
    for key, entity in entities.items():
        if entity["label"] != "Complaint":
            continue
        if contact.get(key):
            anchor = min(contact[key])
        elif agents.get(key):
            anchor = min(agents[key])
        else:
            anchor = ""
        groups[anchor].append(key)
    node_of: dict[str, str] = {}
    nodes: list[Node] = []
    absorbed = 0
    grouped_complaints = 0
    for anchor, members in sorted(groups.items()):
        if len(members) < 2:
            continue
        group_id = f"group:{anchor or 'other'}"
        member_set = set(members)
        complainants = sorted(
            {
                link["end"]
                for key in members
                for link in links_of[key]
                if link["type"] == "FILED_BY"
                and link["start"] == key
                and all(
                    other["type"] == "FILED_BY" and other["start"] in member_set
                    for other in links_of[link["end"]]
                )
            }
        )
        dates = sorted(
            clean(entities[k]["props"].get("filed_date"))
            for k in members
            if entities[k]["props"].get("filed_date")
        )
        same_template = sum(
            1
            for link in links
            if link["type"] == "SAME_TEMPLATE"
            and link["start"] in member_set
            and link["end"] in member_set
        )
        anchor_lines = display_lines(entities[anchor]) if anchor in entities else []
        lines = [f"投诉 {len(members)} 件"]
        if anchor_lines:
            via = "联系" if entities[anchor]["label"] == "Phone" else "代理"
            lines.append(f"{via} {anchor_lines[0]}")
        else:
            lines.append("无联系电话或代理")
        if dates:
            lines.append(f"{dates[0]} — {dates[-1]}")
        if complainants:
            lines.append(f"投诉人 {len(complainants)} 名")
        if same_template:
            lines.append(f"同一模板 {same_template} 对")
        nodes.append(Node(group_id, GROUP, lines, [*sorted(members), *complainants]))
        for key in [*members, *complainants]:
            node_of[key] = group_id
        absorbed += len(complainants)
        grouped_complaints += len(members)
    for key, entity in sorted(entities.items()):
        if key not in node_of:
            node_of[key] = key
            nodes.append(Node(key, entity["label"], display_lines(entity), [key]))
    counts: Counter[tuple[str, str, str, str]] = Counter()
    details: dict[tuple[str, str, str, str], str] = {}
    for link in links:
        start, end = node_of[link["start"]], node_of[link["end"]]
        if start == end and start.startswith("group:"):
            continue
        edge_key = (start, end, link["type"], link.get("kind") or "fact")
        counts[edge_key] += 1
        details[edge_key] = _edge_detail(link)
    edges = [
        Edge(s, e, t, k, n, details[(s, e, t, k)] if n == 1 else "")
        for (s, e, t, k), n in sorted(counts.items())
    ]
    notes = []
    if grouped_complaints:
        group_count = sum(1 for n in nodes if n.kind == GROUP)
        notes.append(
            f"{grouped_complaints} complaints drawn as {group_count} counted nodes, one per contact "
            f"phone (else per declared agent), with {absorbed} complainants who appear nowhere "
            "else; each is listed in entities.csv, links.csv and excerpts/"
        )
    return nodes, edges, notes


def _components(nodes: list[Node], edges: list[Edge]) -> list[list[str]]:
    parent = {n.id: n.id for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for edge in edges:
        a, b = find(edge.start), find(edge.end)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = defaultdict(list)
    for node in nodes:
        members[find(node.id)].append(node.id)
    return sorted(members.values(), key=lambda c: (-len(c), min(c)))


def plan(
    bundle: dict[str, Any], max_nodes: int = MAX_NODES_PER_PAGE
) -> tuple[list[Page], list[str]]:
    """The pages of the chart and notes on what was summarised (for redactions and method)."""
    entities = bundle["entities"]
    if len(entities) <= max_nodes:
        nodes = [Node(e["key"], e["label"], display_lines(e), [e["key"]]) for e in entities]
        edges_by_key: Counter[tuple[str, str, str, str]] = Counter()
        details: dict[tuple[str, str, str, str], str] = {}
        for link in bundle["links"]:
            key = (link["start"], link["end"], link["type"], link.get("kind") or "fact")
            edges_by_key[key] += 1
            details[key] = _edge_detail(link)
        edges = [Edge(*k, n, details[k]) for k, n in sorted(edges_by_key.items())]
        return [Page(nodes, edges)], []
    nodes, edges, notes = _collapse(bundle)
    if len(nodes) <= max_nodes:
        return [Page(nodes, edges)], notes
    by_id = {n.id: n for n in nodes}
    degree: Counter[str] = Counter()
    for edge in edges:
        degree[edge.start] += edge.count
        degree[edge.end] += edge.count
    pages_ids: list[list[str]] = []
    dropped = 0
    for component in _components(nodes, edges):
        if len(component) > max_nodes:
            ranked = sorted(component, key=lambda i: (-degree[i], _ORDER.get(by_id[i].kind, 9), i))
            dropped += len(component) - max_nodes
            pages_ids.append(sorted(ranked[:max_nodes]))
            continue
        for page in pages_ids:
            if len(page) + len(component) <= max_nodes and len(page) < max_nodes:
                page.extend(component)
                break
        else:
            pages_ids.append(list(component))
    pages = []
    for ids in pages_ids:
        keep = set(ids)
        page_nodes = [by_id[i] for i in sorted(ids)]
        page_edges = [e for e in edges if e.start in keep and e.end in keep]
        pages.append(Page(page_nodes, page_edges))
    notes.append(f"chart split into {len(pages)} pages by connected component")
    if dropped:
        notes.append(
            f"{dropped} less-connected entities of the largest component are not drawn; "
            "they are listed in entities.csv and links.csv"
        )
        pages[0].notes.append(f"本图略去 {dropped} 个关联较少的实体，详见 entities.csv")
    return pages, notes


# --- draw ---------------------------------------------------------------------------------------


def _q(text: str) -> str:
    """A DOT double-quoted string (for our own attribute values, never for data)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _left(text: str) -> str:
    """A DOT label of our own constant text, left-justified in its node (``\\l``)."""
    return '"' + text.replace('"', "'") + '\\l"'


def _h(text: str) -> str:
    """Data as text inside an HTML-like Graphviz label: escaped, no control characters."""
    return html.escape(clean(text), quote=True)


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _node_label(node: Node) -> str:
    first, *rest = node.lines or [node.id]
    parts = [f'<FONT POINT-SIZE="10">{"<BR/>".join(_h(p) for p in _wrap(first, 20)[:3])}</FONT>']
    for line in rest[:4]:
        parts.append(f'<FONT POINT-SIZE="8" COLOR="#444444">{_h(shorten(line, 24))}</FONT>')
    return "<" + "<BR/>".join(parts) + ">"


def _node_attrs(node: Node) -> str:
    shape, fill, border = node_style(node.kind)
    penwidth = "1.6" if node.kind == GROUP else "1.1"
    return (
        f"shape={shape} style=filled fillcolor={_q(fill)} color={_q(border)} "
        f"penwidth={penwidth} margin={_q('0.10,0.05')} class={_q(node.kind)} "
        f"label={_node_label(node)}"
    )


def run_graphviz(engine: str, fmt: str, source: str, extra: tuple[str, ...] = ()) -> bytes:
    binary = shutil.which("dot")
    if binary is None:
        raise UserError("Graphviz is not installed (the 'dot' program); run make system-deps")
    result = subprocess.run(
        [binary, f"-K{engine}", f"-T{fmt}", *extra],
        input=source.encode(),
        capture_output=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"graphviz {engine} -T{fmt} failed: {result.stderr.decode()[:500]}")
    return result.stdout


def _layout(page: Page, ids: dict[str, str]) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Node centres in points (y up) and the width and height of the drawing."""
    lines = [
        "graph L {",
        f'graph [overlap=vpsc sep="+10" splines=false start=7 mode=major fontname={_q(FONT)}];',
        f"node [fontname={_q(FONT)}];",
    ]
    for node in page.nodes:
        lines.append(f"{ids[node.id]} [{_node_attrs(node)}];")
    kinds = {node.id: node.kind for node in page.nodes}
    seen = set()
    for edge in page.edges:
        pair = tuple(sorted((ids[edge.start], ids[edge.end])))
        if pair[0] != pair[1] and pair not in seen:
            seen.add(pair)
            length = "2.4" if GROUP in (kinds[edge.start], kinds[edge.end]) else "2.0"
            lines.append(f"{pair[0]} -- {pair[1]} [len={length}];")
    lines.append("}")
    plain = run_graphviz("neato", "plain", "\n".join(lines)).decode()
    positions: dict[str, tuple[float, float]] = {}
    width = height = 0.0
    for row in plain.splitlines():
        parts = row.split()
        if parts and parts[0] == "graph":
            width, height = float(parts[2]) * 72, float(parts[3]) * 72
        elif parts and parts[0] == "node":
            positions[parts[1]] = (float(parts[2]) * 72, float(parts[3]) * 72)
    return positions, width, height


def _header_label(header: ChartHeader, number: int, total: int) -> str:
    def cell(text: str, size: int, bold: bool = False, colour: str = "#000000") -> str:
        body = f'<FONT POINT-SIZE="{size}" COLOR="{colour}">{text}</FONT>'
        return f'<TR><TD ALIGN="LEFT">{"<B>" + body + "</B>" if bold else body}</TD></TR>'

    def dash(value: str | None) -> str:
        return _h(value) if value else "—"

    audience = f"{AUDIENCE_ZH.get(header.audience, header.audience)} {header.audience}"
    rows = [
        cell(_h(shorten(clean(header.title), 60)), 16, bold=True),
        cell(
            f"案件编号 Case: {dash(header.case_ref)}　　线索 Lead: {_h(header.lead_id)}　　"
            f"分析员 Analyst: {dash(header.analyst)}　　审核民警 Officer: {dash(header.officer)}",
            10,
        ),
        cell(
            f"证据包 Package: {_h(header.package_id)}　　受众 Audience: {_h(audience)}　　"
            f"{_h(header.classification)}",
            10,
        ),
        cell(
            f"数据快照 Data snapshot: {dash(header.snapshot)}　　导出时间 Export time: 见封面与 "
            f"manifest.json（同一证据包编号 same package id）　　第 {number}/{total} 页 "
            f"page {number} of {total}",
            9,
            colour="#444444",
        ),
    ]
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1">' + "".join(rows) + "</TABLE>>"


def _text_width(text: str, size: float) -> float:
    """About how wide ``text`` is in points: CJK characters are square, Latin ones about half."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.56 for c in text)


def _legend(
    kinds_used: list[str], edge_kinds: list[str], left: float, top: float
) -> tuple[list[str], float, float]:
    """DOT lines of the legend, pinned with its top-left corner at (left, top), and its size."""
    lines = []
    row = 24.0
    texts = [legend_name(k) for k in kinds_used] + [kind_legend_name(k) for k in edge_kinds]
    width = max([250.0, *(66 + _text_width(text, 9) + 12 for text in texts)])
    entries = len(kinds_used) + len(edge_kinds) + 1
    height = entries * row + 20
    cx, cy = left + width / 2, top - height / 2
    lines.append(
        f'lg_frame [shape=box style=rounded color={_q("#777777")} label="" fixedsize=true '
        f'width={width / 72:.3f} height={height / 72:.3f} pos="{cx:.1f},{cy:.1f}!"];'
    )
    y = top - 18
    lines.append(
        f"lg_title [shape=plaintext label={_left('图例 Legend')} fontsize=11 fixedsize=true "
        f'width={(width - 20) / 72:.3f} height=0.25 pos="{left + width / 2:.1f},{y:.1f}!"];'
    )
    for index, kind in enumerate(kinds_used):
        y -= row
        shape, fill, border = node_style(kind)
        lines.append(
            f"lg_n{index} [shape={shape} style=filled fillcolor={_q(fill)} color={_q(border)} "
            f'class={_q("legend " + kind)} label="" fixedsize=true width=0.42 height=0.26 '
            f'pos="{left + 28:.1f},{y:.1f}!"];'
        )
        lines.append(
            f"lg_t{index} [shape=plaintext label={_left(legend_name(kind))} fontsize=9 "
            f"fixedsize=true width={(width - 66) / 72:.3f} height=0.25 "
            f'pos="{left + 56 + (width - 66) / 2:.1f},{y:.1f}!"];'
        )
    for index, kind in enumerate(edge_kinds):
        y -= row
        style, colour = line_style(kind)
        lines.append(
            f'lg_a{index} [shape=point width=0.01 style=invis pos="{left + 10:.1f},{y:.1f}!"];'
        )
        lines.append(
            f'lg_b{index} [shape=point width=0.01 style=invis pos="{left + 48:.1f},{y:.1f}!"];'
        )
        lines.append(
            f"lg_a{index} -> lg_b{index} [style={style} color={_q(colour)} penwidth=1.6 "
            f"class={_q('legend ' + kind)} arrowhead=none];"
        )
        lines.append(
            f"lg_k{index} [shape=plaintext label={_left(kind_legend_name(kind))} fontsize=9 "
            f"fixedsize=true width={(width - 66) / 72:.3f} height=0.25 "
            f'pos="{left + 56 + (width - 66) / 2:.1f},{y:.1f}!"];'
        )
    return lines, width, height


def _page_source(
    page: Page, header: ChartHeader, number: int, total: int
) -> tuple[str, dict[str, tuple[float, float]], float]:
    """The DOT of one finished page, entity positions (y down) and the page's width."""
    ids = {node.id: f"n{i}" for i, node in enumerate(page.nodes)}
    positions, width, height = _layout(page, ids)
    margin = 20.0
    lines = [
        "digraph C {",
        f"graph [bgcolor=white pad=0.25 splines=false outputorder=edgesfirst fontname={_q(FONT)}];",
        f"node [fontname={_q(FONT)}];",
        f"edge [fontname={_q(FONT)} fontsize=8 arrowsize=0.6];",
    ]
    # the header above the drawing, centred; the legend to its right; notes below
    header_y = height + margin + 40
    lines.append(
        f"hdr [shape=plaintext label={_header_label(header, number, total)} "
        f'pos="{max(width / 2, 330):.1f},{header_y:.1f}!"];'
    )
    kinds_used = sorted({n.kind for n in page.nodes}, key=lambda k: _ORDER.get(k, 9))
    edge_kinds = [k for k in load_model().kinds if any(e.kind == k for e in page.edges)]
    legend, legend_width, _ = _legend(kinds_used, edge_kinds, width + margin + 10, height)
    lines += legend
    footer = [*page.notes]
    if len(page.edges) > MAX_LABELLED_EDGES:
        footer.append("连线较多，未标注类型；各连线类型与来源见 links.csv")
    footer.append(
        f"来源与原文见 links.csv、excerpts/；{header.software or ''}　证据包 {header.package_id}"
    )
    footer_label = "<" + "<BR/>".join(_h(f) for f in footer) + ">"
    lines.append(
        f'ftr [shape=plaintext fontsize=8 fontcolor="#444444" label={footer_label} '
        f'pos="{max(width / 2, 330):.1f},{-margin - 6 * len(footer):.1f}!"];'
    )
    for node in page.nodes:
        x, y = positions[ids[node.id]]
        lines.append(f'{ids[node.id]} [{_node_attrs(node)} pos="{x:.1f},{y:.1f}!"];')
    with_labels = len(page.edges) <= MAX_LABELLED_EDGES
    for edge in page.edges:
        style, colour = line_style(edge.kind)
        attrs = (
            f"style={style} color={_q(colour)} penwidth={'1.8' if edge.count > 1 else '1.2'} "
            f"class={_q(edge.kind)}"
        )
        if with_labels:
            text = link_name(edge.type)
            if edge.count > 1:
                text += f" ×{edge.count}"
            elif edge.detail:
                text += f" {edge.detail}"
            attrs += f' label=<{_h(text)}> fontcolor="#333333"'
        lines.append(f"{ids[edge.start]} -> {ids[edge.end]} [{attrs}];")
    lines.append("}")
    by_key = {}
    for node in page.nodes:
        x, y = positions[ids[node.id]]
        for offset, key in enumerate(node.members):
            by_key[key] = (x + (offset % 8) * 12.0, height - y + (offset // 8) * 12.0)
    return "\n".join(lines), by_key, width + margin + legend_width + 30


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")


def fix_pdf_dates(pdf: bytes) -> bytes:
    """Replace cairo's creation time by a fixed one of the same length (xref offsets stay valid)."""

    def repl(match: re.Match[bytes]) -> bytes:
        suffix = re.sub(rb"\d", b"0", match.group(3))
        return b"/" + match.group(1) + b" (D:19700101000000" + suffix + b")"

    return _PDF_DATE.sub(repl, pdf)


def fix_pdf_id(pdf: bytes) -> bytes:
    """Replace the random trailer ``/ID`` that ``pdfunite`` writes by a hash of the content.

    The trailer follows the cross-reference table, so changing its length moves no offset.
    """
    start = pdf.rfind(b"trailer")
    id_at = pdf.find(b"/ID", start) if start >= 0 else -1
    if id_at < 0:
        return pdf
    open_at = pdf.find(b"[", id_at)
    i, depth, in_string = open_at + 1, 0, False
    while i < len(pdf):
        char = pdf[i : i + 1]
        if in_string:
            if char == b"\\":
                i += 2
                continue
            if char == b"(":
                depth += 1
            elif char == b")":
                depth -= 1
                in_string = depth > 0
        elif char == b"(":
            in_string, depth = True, 1
        elif char == b"]":
            break
        i += 1
    digest = hashlib.md5(pdf[:start], usedforsecurity=False).hexdigest().encode()
    return pdf[:id_at] + b"/ID [<" + digest + b"> <" + digest + b">]" + pdf[i + 1 :]


def _unite(pages: list[bytes]) -> bytes:
    if len(pages) == 1:
        return pages[0]
    binary = shutil.which("pdfunite")
    if binary is None:
        raise UserError("poppler-utils is not installed (the 'pdfunite' program); run make")
    with tempfile.TemporaryDirectory(prefix="leadgraph-chart-") as temp:
        names = []
        for index, data in enumerate(pages):
            path = Path(temp) / f"page-{index:04d}.pdf"
            path.write_bytes(data)
            names.append(str(path))
        out = Path(temp) / "chart.pdf"
        subprocess.run([binary, *names, str(out)], check=True, capture_output=True, timeout=600)
        return fix_pdf_id(out.read_bytes())


def _svg(svg: bytes) -> bytes:
    return svg.replace(
        f'font-family="{FONT}"'.encode(), f'font-family="{SVG_FONT_FAMILY}"'.encode()
    )


@dataclass
class DrawnPage:
    """One page laid out and ready for Graphviz to draw."""

    source: str  # the page's DOT, every node pinned
    positions: dict[str, tuple[float, float]]  # entity key -> (x, y) in points, y down
    width: float


def draw(
    bundle: dict[str, Any], header: ChartHeader, max_nodes: int = MAX_NODES_PER_PAGE
) -> tuple[list[DrawnPage], list[str]]:
    """Plan and lay out the chart of a (masked) bundle: each page's DOT, and the plan's notes."""
    pages, notes = plan(bundle, max_nodes)
    drawn = []
    for number, page in enumerate(pages, start=1):
        if not page.nodes:
            page.notes.append("本线索没有可绘制的实体 no entities to draw")
        source, by_key, page_width = _page_source(page, header, number, len(pages))
        drawn.append(DrawnPage(source, by_key, page_width))
    return drawn, notes


def render(
    bundle: dict[str, Any], header: ChartHeader, max_nodes: int = MAX_NODES_PER_PAGE
) -> Chart:
    """Plan, lay out and draw the chart of a (masked) bundle."""
    pages, notes = draw(bundle, header, max_nodes)
    pdfs, svgs = [], []
    positions: dict[str, tuple[float, float]] = {}
    x_offset = 0.0
    for page in pages:
        pdfs.append(fix_pdf_dates(run_graphviz("neato", "pdf:cairo", page.source, ("-n2",))))
        svgs.append(_svg(run_graphviz("neato", "svg", page.source, ("-n2",))))
        for key, (x, y) in page.positions.items():
            positions.setdefault(key, (x + x_offset, y))
        x_offset += page.width
    return Chart(_unite(pdfs), svgs, notes, positions)
