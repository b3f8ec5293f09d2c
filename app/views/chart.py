"""The link chart of the pages, and the pyvis (vis-network) chart document.

:func:`chart_panel` shows the pages' chart: the event-returning streamlit-cytoscape component
(:mod:`app.views.cyto`: what it is given, how its events are handled, what was checked of it),
with a legend, "show more" and the selection's actions, in a fragment. :func:`chart_html` is a
pure function (nodes and links in, one self-contained pyvis HTML document out), no longer on
the pages; the benchmark measures it as the old chart's baseline and the tests keep its safety
and styles in check. (The court package's ``chart.svg``/``chart.pdf`` are Graphviz:
:mod:`graph.export.chart`.) :func:`node_caption`, :func:`select` and the layout serve both.

Safety: user data never becomes markup. Node and link data are embedded as JSON with ``<``,
``>`` and ``&`` written as ``\\u003c``/``\\u003e``/``\\u0026`` (no ``</script>`` can close the
script), labels are drawn on the canvas, and hover titles are plain strings, which
vis-network 9 puts into the tooltip with ``innerText``. pyvis builds the network's data and
options and ships the vis-network library; its stock page template is not used because it
fetches Bootstrap from a CDN (the workbench runs offline) and switches its tooltips to
``innerHTML`` as soon as any title contains ``href``.

Style: names, shapes, colours and line styles are the domain model's (``graph/core/model.yaml``),
the same the court chart prints; :func:`vis_node_style` and :func:`vis_line_style` put them in
vis-network's words.

Size: at most ``cap`` nodes are drawn (the best connected first); the panel offers more in
steps. Small charts settle with physics and then freeze; above ``PHYSICS_LIMIT`` nodes the
layout is computed here (networkx) and physics stays off, so the browser only paints.
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
import streamlit as st
from pyvis.network import Network

from app.views.safe import escape_markdown
from graph import views
from graph.core.errors import UserError
from graph.core.model import kind_style, label_style, load_model
from graph.workflow.auth import Principal

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


def _kind_of(link: dict[str, Any]) -> str:
    """A link's kind as the bundle says, else as the model declares its type."""
    return str(link.get("kind") or load_model().link(str(link["type"])).kind)


def _vis_library() -> tuple[str, str]:
    """vis-network's script and style as pyvis ships them (no network access needed)."""
    import pyvis

    folder = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    style = (folder / "vis-network.css").read_text(encoding="utf-8")
    return script, style


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False)
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


def select(
    nodes: list[dict[str, Any]], links: list[dict[str, Any]], cap: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """At most ``cap`` nodes, best connected first (ties by key), and the links among them.
    Nodes and links are addressed by ``display_key`` (links' ``start``/``end``)."""
    degree: Counter[str] = Counter()
    for link in links:
        degree[link["start"]] += 1
        degree[link["end"]] += 1
    ordered = sorted(nodes, key=lambda n: (-degree[_id(n)], _id(n)))
    kept = ordered[:cap]
    ids = {_id(n) for n in kept}
    return kept, [link for link in links if link["start"] in ids and link["end"] in ids]


def _id(node: dict[str, Any]) -> str:
    return str(node.get("display_key") or node["key"])


def _layout(
    nodes: list[dict[str, Any]], links: list[dict[str, Any]]
) -> dict[str, tuple[float, float]]:
    graph = nx.Graph()
    graph.add_nodes_from(_id(n) for n in nodes)
    graph.add_edges_from((link["start"], link["end"]) for link in links)
    scale = 90.0 * max(len(nodes), 1) ** 0.5
    positions = nx.spring_layout(graph, seed=7, iterations=60, scale=scale)
    return {key: (float(x), float(y)) for key, (x, y) in positions.items()}


def chart_html(
    nodes: list[dict[str, Any]],
    links: list[dict[str, Any]],
    t: Callable[[str], str],
    *,
    cap: int = CAP,
    physics: bool | None = None,
    height: int = HEIGHT,
) -> tuple[str, dict[str, int]]:
    """One self-contained HTML document drawing at most ``cap`` nodes; returns it and
    ``{"shown", "total", "links"}``. ``physics`` None chooses by size (see the module)."""
    shown, shown_links = select(nodes, links, cap)
    if physics is None:
        physics = len(shown) <= PHYSICS_LIMIT
    positions = {} if physics else _layout(shown, shown_links)
    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line")
    for node in shown:
        extra: dict[str, Any] = vis_node_style(str(node.get("label")))
        key = _id(node)
        if key in positions:
            extra |= {"x": positions[key][0], "y": positions[key][1]}
        net.add_node(
            key,
            label=node_caption(node),
            title=node_title(node, t),
            font={"size": 12, "face": "Noto Sans CJK SC, sans-serif"},
            **extra,
        )
    for link in shown_links:
        sources = link.get("sources") or []
        title = f"{t('link.' + str(link['type']))}\n" + "\n".join(str(s) for s in sources[:8])
        net.add_edge(
            link["start"],
            link["end"],
            label=t("link." + str(link["type"])),
            title=title + ("\n…" if len(sources) > 8 else ""),
            arrows="to",
            font={"size": 9, "align": "middle"},
            **vis_line_style(_kind_of(link)),
        )
    options: dict[str, Any] = {
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": True},
        "edges": {"smooth": False},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "stabilization": {"enabled": True, "iterations": 250, "fit": True},
        },
        "layout": {"improvedLayout": physics and len(shown) <= 60},
    }
    data_nodes = [{k: v for k, v in n.items() if v is not None} for n in net.nodes]
    script, style = _vis_library()
    document = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>{style}</style>
<style>html,body{{margin:0;padding:0;font-family:sans-serif}}
#chart{{width:100%;height:{int(height)}px;border:1px solid #ddd}}
div.vis-tooltip{{white-space:pre-wrap;max-width:420px;font-size:12px}}</style>
<script>{script}</script></head>
<body><div id="chart"></div>
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


def legend_markdown(
    labels: list[str], t: Callable[[str], str], kinds: list[str] | None = None
) -> str:
    """A one-line legend of the entity types present (the model's shape and colour each, in the
    order of the model) and of the link kinds present (their lines)."""
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


def chart_panel(
    nodes: list[dict[str, Any]],
    links: list[dict[str, Any]],
    t: Callable[[str], str],
    *,
    key: str,
    principal: Principal | None = None,
    lead_id: str | None = None,
) -> None:
    """The chart with its legend, "show more", and its selection's actions, in a fragment so
    that an event redraws only the chart. Its state starts from ``nodes``/``links`` once per
    ``key``; ``lead_id`` offers "add to lead as evidence" to an analyst."""
    from streamlit_cytoscape import streamlit_cytoscape

    from app.session import require_principal, store
    from app.views import cyto

    @st.fragment
    def panel() -> None:
        me = principal or require_principal()
        state_key, pick_key = f"{key}_state", f"{key}_selection"
        state = st.session_state.get(state_key)
        if state is None:
            state = st.session_state[state_key] = cyto.new_state(nodes, links, CAP)
        # The chart's last event is its session-state entry: handled (once) before drawing, so
        # that what it changed is drawn in this run.
        try:
            step = cyto.handle(store(), me, state, st.session_state.get(key))
        except UserError as error:  # Forbidden included
            st.error(escape_markdown(f"{t('common.failed')}: {error}"))
            step = None
        if step and step.startswith("profile:"):
            from app.views.entity import open_profile

            open_profile(step.removeprefix("profile:"))
        if step == "redraw":
            st.session_state[pick_key] = [i for i in state["selection"] if i in state["nodes"]]
        drawn, layout, info = cyto.elements(state, t)
        # The legend holds only our own texts (escaped), never user data.
        legend = legend_markdown(
            [str(n.get("label")) for n in state["nodes"].values()],
            t,
            [_kind_of(link) for link in state["links"].values()],
        )
        st.markdown(legend, unsafe_allow_html=True)
        st.caption(t("chart.help"))
        streamlit_cytoscape(
            drawn,
            layout=layout,
            node_styles=cyto.node_styles(t),
            edge_styles=cyto.edge_styles(),
            height=HEIGHT,
            key=key,
            node_actions=cyto.NODE_ACTIONS,
            events=cyto.EVENTS,
            infopanel_actions=cyto.infopanel_actions(t),
        )
        for note, values in state["notes"]:
            st.caption(escape_markdown(t(note).format(**values)))
        st.caption(
            t("chart.shown").format(shown=info["shown"], total=info["total"], links=info["links"])
        )
        if info["shown"] < info["total"]:
            st.button(t("chart.more"), key=f"{key}_more", on_click=_more, args=(state,))
        _selection(me, state, t, key=key, lead_id=lead_id)

    panel()


def _more(state: dict[str, Any]) -> None:
    state["cap"] += CAP


def _selection(
    me: Principal, state: dict[str, Any], t: Callable[[str], str], *, key: str, lead_id: str | None
) -> None:
    """The chart's selection (gathered from clicks, editable) and its two actions."""
    from app.session import store

    pick_key = f"{key}_selection"
    picked = [i for i in st.session_state.get(pick_key, []) if i in state["nodes"]]
    picked += [i for i in state["selection"] if i not in picked and i in state["nodes"]]
    st.session_state[pick_key] = picked
    chosen = st.multiselect(
        t("chart.selection"),
        list(state["nodes"]),
        key=pick_key,
        placeholder=t("chart.selection_none"),
        format_func=lambda i: (
            f"{t('entity.' + str(state['nodes'][i].get('label')))} · {node_caption(state['nodes'][i])}"
        ),
    )
    state["selection"] = list(chosen)
    if not chosen:
        return
    entities = [{**state["nodes"][i], "caption": node_caption(state["nodes"][i])} for i in chosen]
    left, right = st.columns(2)
    offered = bool(lead_id) and me.role == "analyst"
    if offered and left.button(t("chart.add_to_lead"), key=f"{key}_add"):
        try:
            added = views.add_to_lead(store(), me, str(lead_id), [e["key"] for e in entities])
        except UserError as error:  # Forbidden included
            st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        else:
            st.session_state.pop(f"lead_page:{lead_id}", None)  # reload the lead
            st.success(t("chart.added").format(count=len(added)))
    right.download_button(
        t("chart.export"),
        data=lambda: views.export_selection(store(), me, entities, context=_context(key, lead_id)),
        file_name="selection.csv",
        mime="text/csv",
        key=f"{key}_export",
        on_click="ignore",
    )


def _context(key: str, lead_id: str | None) -> str:
    """What an exported selection is audited against: the lead, else the chart."""
    return f"lead:{lead_id}" if lead_id else f"chart:{key}"
