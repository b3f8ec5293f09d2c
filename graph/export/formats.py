"""The lead's subgraph for other tools: ``graph.json``, ``graph.graphml`` and ``graph.anx``.

* ``graph.json``: the (masked) bundle with link ids, sorted, for programs.
* ``graph.graphml``: a directed multigraph that Gephi and ``networkx.read_graphml`` open; node ids
  are the stable entity keys, edge ids the link ids; lists (sources, slang terms) are JSON text
  because GraphML attributes are scalars.
* ``graph.anx``: an i2 Analyst's Notebook import chart (ANX XML): ``Chart`` with strength, entity
  type, link type and attribute class collections, then ``ChartItemCollection`` with one
  ``ChartItem`` per entity (``End`` > ``Entity`` > ``Icon`` > ``IconStyle``, plus an
  ``AttributeCollection``) and one per link (``Link`` > ``LinkStyle``). ``EntityId`` is the entity
  key and links name their ends by it (``IdReferenceLinking="false"``). Link strengths follow
  i2's habit: facts are Confirmed (solid), inferences Unconfirmed (dashed), algorithmic matches
  Tentative (dotted), each drawn with its kind's line; entity types carry the colours of the
  domain model (``graph/core/model.yaml``). Each item's ``SourceReference`` lists its sources.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import networkx as nx

from graph.core.model import display_name, kind_name, kind_style, label_style, link_name
from graph.export.common import (
    canonical_json,
    clean,
    display,
    display_lines,
    link_id,
)

# i2's link strengths for LeadGraph's link kinds; each is drawn with the kind's line (the model's).
ANX_STRENGTH = {"fact": "Confirmed", "inference": "Unconfirmed", "match": "Tentative"}
# i2's standard icon names closest to each label.
ANX_ICON = {
    "Phone": "Phone",
    "Firm": "Organisation",
    "Person": "Person",
    "Account": "Internet Account",
    "Complaint": "Document",
    "WeChat": "Internet Account",
    "QQ": "Internet Account",
    "Telegram": "Internet Account",
    "Domain": "Web Site",
    "Email": "Email",
}


def anx_dot_style(kind: str) -> str:
    """The model's line of a link kind in i2's words."""
    line = kind_style(kind).line
    return {"solid": "DotStyleSolid", "dashed": "DotStyleDashed", "dotted": "DotStyleDotted"}[line]


def anx_colour(label: str) -> int:
    """The model's colour of a label (its border, the strong one) as i2 stores colours: a BGR
    integer."""
    rgb = label_style(label).border.lstrip("#")
    red, green, blue = (int(rgb[i : i + 2], 16) for i in (0, 2, 4))
    return blue << 16 | green << 8 | red


def _kind_en(kind: str | None) -> str:
    return kind_name(kind, "en", about=True) if kind else ""


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: Any) -> str:
    """Text that XML 1.0 can carry: characters it forbids are dropped (they cannot be escaped)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return _NOT_XML.sub("", text)


def _scalar(value: Any) -> str | int | float | bool:
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return xml_safe(value)
    return xml_safe(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


def graph_json(bundle: dict[str, Any], package_id: str, audience: str) -> bytes:
    data = {
        "format": "leadgraph-subgraph/1",
        "package_id": package_id,
        "audience": audience,
        "lead": bundle["lead"],
        "snapshot": bundle["snapshot"],
        "entities": [{**e, "display": display(e)} for e in bundle["entities"]],
        "links": [{"id": link_id(link), **link} for link in bundle["links"]],
        "submissions": bundle["submissions"],
    }
    return canonical_json(data).encode()


def to_networkx(bundle: dict[str, Any]) -> nx.MultiDiGraph:
    """The subgraph as networkx sees it: nodes by key, one keyed edge per link."""
    graph = nx.MultiDiGraph(lead_id=bundle["lead"]["id"])
    for entity in bundle["entities"]:
        attrs: dict[str, Any] = {
            "label": display(entity),
            "entity_type": entity["label"],
            "entity_type_zh": display_name(entity["label"]),
        }
        for name, value in sorted((entity.get("props") or {}).items()):
            if value is not None and name not in attrs:
                attrs[f"p_{name}"] = _scalar(value)
        graph.add_node(entity["key"], **attrs)
    for link in bundle["links"]:
        attrs = {
            "type": link["type"],
            "label": link_name(link["type"]),
            "kind": link.get("kind") or "",
            "sources": json.dumps(link.get("sources") or [], ensure_ascii=False),
            "first_seen": link.get("first_seen") or "",
            "last_seen": link.get("last_seen") or "",
        }
        for name, value in sorted((link.get("props") or {}).items()):
            if value is not None:
                attrs[f"p_{name}"] = _scalar(value)
        graph.add_edge(link["start"], link["end"], key=link_id(link), **attrs)
    return graph


def graphml(bundle: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    # The plain-XML writer, not lxml's, so the bytes do not depend on what else is installed.
    nx.write_graphml_xml(to_networkx(bundle), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def _grid_positions(bundle: dict[str, Any]) -> dict[str, tuple[int, int]]:
    columns = ["Firm", "Account", "Person", "Phone", "Complaint"]
    positions: dict[str, tuple[int, int]] = {}
    counts: dict[str, int] = {}
    for entity in bundle["entities"]:
        label = entity["label"]
        column = columns.index(label) if label in columns else len(columns)
        row = counts.get(label, 0)
        counts[label] = row + 1
        positions[entity["key"]] = (column * 260 + (row // 40) * 120, (row % 40) * 90)
    return positions


def anx(
    bundle: dict[str, Any],
    package_id: str,
    positions: dict[str, tuple[float, float]] | None = None,
) -> bytes:
    """An i2 Analyst's Notebook chart carrying every entity and link of the bundle.

    ``positions`` (key -> x, y in points, y down) place entities as on ``chart.pdf``; the rest go
    on a grid by type.
    """
    placed = {key: (round(x), round(y)) for key, (x, y) in (positions or {}).items()}
    below = max((y for _, y in placed.values()), default=-200) + 200
    grid = {key: (x, y + below) for key, (x, y) in _grid_positions(bundle).items()}
    submissions = {s["id"]: s for s in bundle["submissions"]}
    chart = ET.Element(
        "Chart",
        {
            "IdReferenceLinking": "false",
            "Rigorous": "true",
            "UseLocalTimeZone": "false",
            "BlankLinkLabels": "false",
            "LabelRule": "LabelRuleMerge",
        },
    )
    fields = ET.SubElement(ET.SubElement(chart, "Summary"), "FieldCollection")
    title = clean(bundle["lead"].get("title")) or bundle["lead"]["id"]
    ET.SubElement(fields, "Field", {"Type": "SummaryFieldTitle", "Value": title})
    strengths = ET.SubElement(chart, "StrengthCollection")
    for kind, name in ANX_STRENGTH.items():
        style = anx_dot_style(kind)
        ET.SubElement(strengths, "Strength", {"Id": name, "Name": name, "DotStyle": style})
    labels = sorted({e["label"] for e in bundle["entities"]})
    types = ET.SubElement(chart, "EntityTypeCollection")
    for label in labels:
        ET.SubElement(
            types,
            "EntityType",
            {
                "Name": label,
                "IconFile": ANX_ICON.get(label, "General"),
                "Colour": str(anx_colour(label)),
                "PreferredRepresentation": "RepresentAsIcon",
            },
        )
    link_types = ET.SubElement(chart, "LinkTypeCollection")
    for link_type in sorted({link["type"] for link in bundle["links"]}):
        ET.SubElement(link_types, "LinkType", {"Name": link_type, "Colour": "0"})
    prop_names = sorted({n for e in bundle["entities"] for n in (e.get("props") or {})})
    classes = ET.SubElement(chart, "AttributeClassCollection")
    for name in ["key", "entity_type", *prop_names]:
        ET.SubElement(
            classes,
            "AttributeClass",
            {"Name": name, "Type": "AttText", "ShowValue": "true", "Visible": "false"},
        )
    items = ET.SubElement(chart, "ChartItemCollection")
    for entity in bundle["entities"]:
        x, y = placed.get(entity["key"], grid[entity["key"]])
        lines = display_lines(entity)
        item = ET.SubElement(
            items,
            "ChartItem",
            {
                "Label": lines[0] if lines else entity["key"],
                "Description": " / ".join(lines[1:]),
                "DateSet": "false",
                "XPosition": str(x),
                "SourceType": "LeadGraph entity",
                "SourceReference": entity["key"],
            },
        )
        end = ET.SubElement(item, "End", {"X": str(x), "Y": str(y), "Z": "0"})
        entity_el = ET.SubElement(
            end,
            "Entity",
            {"EntityId": entity["key"], "Identity": entity["key"], "LabelIsIdentity": "false"},
        )
        icon = ET.SubElement(entity_el, "Icon")
        ET.SubElement(
            icon, "IconStyle", {"Type": entity["label"], "Enlargement": "ICEnlargeSingle"}
        )
        attributes = ET.SubElement(item, "AttributeCollection")
        values = {"key": entity["key"], "entity_type": entity["label"]}
        for name, value in sorted((entity.get("props") or {}).items()):
            if value is not None:
                values[name] = clean(value) if not isinstance(value, str) else value
        for name, value in values.items():
            ET.SubElement(attributes, "Attribute", {"AttributeClass": name, "Value": str(value)})
    for link in bundle["links"]:
        strength = ANX_STRENGTH.get(link.get("kind") or "", "Unconfirmed")
        sources = link.get("sources") or []
        files = sorted(
            {
                clean(submissions[s.split("#", 1)[0]].get("file_name"))
                for s in sources
                if s.split("#", 1)[0] in submissions
            }
        )
        item = ET.SubElement(
            items,
            "ChartItem",
            {
                "Label": link_name(link["type"]),
                "Description": (
                    f"{link['type']}; {_kind_en(link.get('kind'))}; "
                    f"first {link.get('first_seen') or '-'}; last {link.get('last_seen') or '-'}"
                    + (f"; files {', '.join(files)}" if files else "")
                ),
                "DateSet": "false",
                "XPosition": "0",
                "SourceType": link.get("kind") or "",
                "SourceReference": "; ".join(sources),
            },
        )
        link_el = ET.SubElement(
            item,
            "Link",
            {"End1Id": link["start"], "End2Id": link["end"], "LinkId": link_id(link)},
        )
        ET.SubElement(
            link_el,
            "LinkStyle",
            {"ArrowStyle": "ArrowOnHead", "Strength": strength, "Type": link["type"]},
        )
    note = f" LeadGraph court package {package_id}; lead {bundle['lead']['id']} "
    chart.insert(0, ET.Comment(xml_safe(note).replace("--", "- -")))
    for element in chart.iter():
        element.attrib = {k: xml_safe(v) for k, v in element.attrib.items()}
    ET.indent(chart)
    return ET.tostring(chart, encoding="utf-8", xml_declaration=True) + b"\n"
