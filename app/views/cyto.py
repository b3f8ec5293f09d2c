"""The pages' link chart as an event-returning component: streamlit-cytoscape (MIT, Cytoscape.js).

The chart answers: a double-click (or the expand button) on a node expands it server-side
through :func:`graph.views.trace_neighbourhood` (rights, masking, hub caps, time limits); delete
(or the remove button) drops nodes from the chart (the screen only); the infopanel's "open
profile" opens the selected node's profile; nodes clicked or shift-clicked gather in a selection
that can be added to the lead as evidence or exported as a CSV (both audited).

What the chart is given: each node's ``id`` is its ``display_key`` (masked where the principal
may not see it raw), ``label`` its translated type, ``caption`` :func:`graph.export.interactive.node_caption`
and the :data:`graph.export.interactive.DETAIL_PROPS` the pages already show; the masked entity's
pseudonym or the key the principal may see sits in ``_key``. Every action names a node by its
``id`` and is looked up in the chart's state kept on the server (``st.session_state``, per chart
key): an id the server did not draw does nothing, so a forged event reaches no more than a page.

Checked in streamlit-cytoscape 0.2.1 (its ``frontend/src`` and the built bundle):

* the infopanel writes every value with ``textContent`` except text shaped like
  ``<a href="http(s)://…">…</a>``, which it rebuilds as a real link. Values are therefore
  defused here (:func:`defuse`: a word joiner after each ``<``), so a link in user data stays
  text; Markdown is never interpreted. tests/workbench/test_chart_browser.py shows an
  ``<img onerror>`` value and both link forms as text in a real browser.
* it fetches nothing from the network: the built page loads its scripts, font and icons from
  the wheel, served by Streamlit; the bundles name no host but React's error-decoder URL in an
  error message. Its toolbar can download the chart's elements (what the browser already has).
* its return value is the last event (``{action, data, timestamp}``) and stays until the next,
  so each event is handled once, by its timestamp. Events are debounced (100 ms): a box select
  reports only its last node, so the selection is gathered click by click (and editable).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streamlit_cytoscape import EdgeStyle, Event, InfopanelAction, NodeStyle

from graph import views
from graph.core.model import kind_style, label_style, load_model
from graph.db.store import GraphStore
from graph.export.interactive import (
    DETAIL_PROPS,
    PHYSICS_LIMIT,
    kind_of,
    node_caption,
    node_id,
    select,
    spring_positions,
)
from graph.workflow.auth import Principal

# The model's shapes in Cytoscape's words (Cytoscape has no folder: a barrel stands for one).
SHAPES = {
    "box": "round-rectangle",
    "ellipse": "ellipse",
    "hexagon": "hexagon",
    "diamond": "diamond",
    "document": "tag",
    "folder": "barrel",
    "star": "star",
    "circle": "ellipse",
}
WORD_JOINER = "\u2060"
EVENTS = [Event("select", "select", "node")]
NODE_ACTIONS: list[Any] = ["remove", "expand"]


def defuse(value: Any) -> str:
    """``value`` as text the infopanel cannot turn into a link: a word joiner after each ``<``
    (``<a href=…>`` no longer reads as a tag; on screen it looks the same)."""
    return str(value).replace("<", "<" + WORD_JOINER)


class _KindStyle(EdgeStyle):
    """An edge style chosen by the link's kind (``_kind``), not by its caption."""

    def dump(self) -> dict[str, Any]:
        dumped = super().dump()
        dumped["selector"] = f"edge[_kind='{self.label}']"
        return dumped


def node_styles(t: Callable[[str], str]) -> list[NodeStyle]:
    """One style per entity type: the model's shape, fill and border (as the court chart)."""
    styles = []
    for label in load_model().nodes:
        style = label_style(label)
        styles.append(
            NodeStyle(
                t("entity." + label),
                color=style.fill,
                caption="caption",
                custom_styles={
                    "shape": SHAPES[style.shape],
                    "border-color": style.border,
                    "border-width": 2,
                    "font-size": 11,
                },
            )
        )
    return styles


def edge_styles() -> list[EdgeStyle]:
    """One style per link kind: the model's colour and line."""
    return [
        _KindStyle(
            kind,
            color=kind_style(kind).colour,
            caption="label",
            directed=True,
            custom_styles={"line-style": kind_style(kind).line, "font-size": 8},
        )
        for kind in load_model().kinds
    ]


def node_element(node: dict[str, Any], t: Callable[[str], str]) -> dict[str, Any]:
    """A node as the chart is given it: only what the page already shows (see the module)."""
    props = node.get("props") or {}
    data: dict[str, Any] = {
        "id": node_id(node),
        "label": t("entity." + str(node.get("label"))),
        "caption": defuse(node_caption(node)),
        "_key": node["key"],
    }
    for name in DETAIL_PROPS:
        if props.get(name):
            data[name] = defuse(props[name])
    if node.get("masked"):
        data[t("chart.masked")] = "✓"
    return {"data": data}


def link_id(link: dict[str, Any]) -> str:
    return f"{link['start']}|{link['type']}|{link['end']}"


def edge_element(link: dict[str, Any], t: Callable[[str], str]) -> dict[str, Any]:
    sources = [str(s) for s in link.get("sources") or []]
    data = {
        "id": link_id(link),
        "source": link["start"],
        "target": link["end"],
        "label": t("link." + str(link["type"])),
        "_kind": kind_of(link),
    }
    if sources:
        data["sources"] = defuse(", ".join(sources[:8]) + (" …" if len(sources) > 8 else ""))
    return {"data": data}


def new_state(nodes: list[dict[str, Any]], links: list[dict[str, Any]], cap: int) -> dict[str, Any]:
    """A chart's state: its nodes by id, its links by id, the cap, the last event handled, the
    selection (ids) and the notes of the last expansion."""
    state: dict[str, Any] = {
        "nodes": {},
        "links": {},
        "cap": cap,
        "handled": None,
        "selection": [],
        "notes": [],
    }
    merge(state, nodes, links)
    return state


def merge(state: dict[str, Any], nodes: list[dict[str, Any]], links: list[dict[str, Any]]) -> int:
    """Add nodes and links not yet in the chart; returns how many nodes were new."""
    new = 0
    for node in nodes:
        if node_id(node) not in state["nodes"]:
            state["nodes"][node_id(node)] = node
            new += 1
    for link in links:
        ends = link["start"] in state["nodes"] and link["end"] in state["nodes"]
        if ends:
            state["links"].setdefault(link_id(link), link)
    return new


def remove(state: dict[str, Any], ids: list[str]) -> None:
    """Drop nodes (and their links) from the chart: the screen only, nothing else changes."""
    gone = {str(i) for i in ids}
    for key in gone:
        state["nodes"].pop(key, None)
    state["links"] = {
        k: link
        for k, link in state["links"].items()
        if link["start"] not in gone and link["end"] not in gone
    }
    state["selection"] = [i for i in state["selection"] if i not in gone]


def expand(
    store: GraphStore, principal: Principal, state: dict[str, Any], drawn_id: str
) -> list[tuple[str, dict[str, Any]]]:
    """Expand one drawn node by a hop, within the principal's rights, into the chart's state;
    returns what to tell the user as ``(i18n key, values)``: how many nodes came, each hub set
    aside (named, with its degree: offered, not walked into), a capped or hidden neighbourhood."""
    node = state["nodes"].get(str(drawn_id))
    if node is None:  # not drawn by the server: a stale or forged event
        return []
    found = views.trace_neighbourhood(store, principal, node["key"], hops=1)
    added = merge(state, found["nodes"], found["links"])
    state["cap"] += added
    notes: list[tuple[str, dict[str, Any]]] = [
        ("chart.expanded", {"key": node_id(node), "count": added})
    ]
    notes += [("chart.hub", {"key": h["key"], "degree": h["degree"]}) for h in found["set_aside"]]
    if found["truncated"]:
        notes.append(("search.truncated", {}))
    if found["hidden"]:
        notes.append(("search.hidden", {"count": found["hidden"]}))
    state["notes"] = notes
    return notes


def elements(
    state: dict[str, Any], t: Callable[[str], str]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """The elements to draw (at most the cap, best connected first), the layout (a preset one
    computed here above :data:`graph.export.interactive.PHYSICS_LIMIT` nodes, so the browser
    only paints) and ``{"shown", "total", "links"}``."""
    nodes = list(state["nodes"].values())
    shown, shown_links = select(nodes, list(state["links"].values()), state["cap"])
    drawn = {"nodes": [node_element(n, t) for n in shown],
             "edges": [edge_element(link, t) for link in shown_links]}  # fmt: skip
    layout: dict[str, Any] = {"name": "cose", "animate": False, "fit": True, "padding": 20,
                              "nodeDimensionsIncludeLabels": True, "nodeRepulsion": 4000}  # fmt: skip
    if len(shown) > PHYSICS_LIMIT:
        positions = spring_positions(shown, shown_links)
        for element in drawn["nodes"]:
            x, y = positions[element["data"]["id"]]
            element["position"] = {"x": x, "y": y}
        layout = {"name": "preset", "fit": True, "padding": 20, "animate": False}
    info = {"shown": len(shown), "total": len(nodes), "links": len(shown_links)}
    return drawn, layout, info


def infopanel_actions(t: Callable[[str], str]) -> list[InfopanelAction]:
    return [InfopanelAction("profile", t("chart.open_profile"), icon="badge")]


def handle(
    store: GraphStore,
    principal: Principal,
    state: dict[str, Any],
    event: dict[str, Any] | None,
) -> str | None:
    """Apply one event the chart returned to its state, once (by its timestamp); returns what
    the page must do next: ``"redraw"``, ``"profile:<key>"``, or None."""
    if not isinstance(event, dict) or event.get("timestamp") == state["handled"]:
        return None
    state["handled"] = event.get("timestamp")
    action = event.get("action")
    data = event.get("data") or {}
    if action == "expand":
        for picked in data.get("node_ids") or []:
            expand(store, principal, state, str(picked))
        return "redraw"
    if action == "remove":
        remove(state, [str(i) for i in data.get("node_ids") or []])
        return "redraw"
    if action == "select":
        node_id = str(data.get("target_id"))
        if node_id in state["nodes"] and node_id not in state["selection"]:
            state["selection"].append(node_id)
        return None
    if action == "profile":
        node = state["nodes"].get(str(data.get("element_id")))
        return f"profile:{node['key']}" if node is not None else None
    return None
