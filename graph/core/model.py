"""The domain model (``graph/core/model.yaml``) loaded once, as typed data.

Labels and link types are identifiers that Cypher cannot take as parameters; they come from this
model only, never from user input, and :func:`identifier` checks each before it is placed in a
query.

The model also says how each label, link type and link kind is named (Chinese and English) and
drawn; :func:`display_name`, :func:`link_name`, :func:`kind_name`, :func:`label_style` and
:func:`kind_style` read it. Shapes and line styles are LeadGraph's own words (:data:`SHAPES`,
:data:`LINES`); each renderer maps them to its vocabulary in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MODEL_FILE = Path(__file__).with_name("model.yaml")
ENTITY_LABEL = "Entity"
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_COLOUR = re.compile(r"^#[0-9a-f]{6}$")
LANGUAGES = ("zh", "en")
SHAPES = ("box", "ellipse", "hexagon", "diamond", "document", "folder", "star", "circle")
LINES = ("solid", "dashed", "dotted")


@dataclass(frozen=True)
class Names:
    """A concept's display names."""

    zh: str
    en: str

    def get(self, language: str) -> str:
        """The name in ``language`` (``zh`` or ``en``)."""
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; the model has {list(LANGUAGES)}")
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class NodeStyle:
    """How a label is drawn: a shape of :data:`SHAPES`, a fill under the text and a border."""

    shape: str
    fill: str
    border: str


@dataclass(frozen=True)
class LineStyle:
    """How a link kind is drawn: a line of :data:`LINES` in a colour."""

    line: str
    colour: str


@dataclass(frozen=True)
class LinkKind:
    """fact, inference or match: what kind of assertion a link is, and how it is drawn."""

    kind: str
    names: Names
    about: Names  # what the kind means, e.g. "stated by a source row"
    style: LineStyle


@dataclass(frozen=True)
class NodeType:
    label: str
    keys: tuple[str, ...]
    prefix: str
    entity: bool
    indexes: tuple[str, ...]
    names: Names
    style: NodeStyle
    values: tuple[str, ...] = ()  # asserted per party (Statements); the rest is identity


@dataclass(frozen=True)
class LinkType:
    type: str
    starts: tuple[str, ...]
    ends: tuple[str, ...]
    kind: str  # fact | inference | match
    names: Names


@dataclass(frozen=True)
class Model:
    schema_version: int
    nodes: dict[str, NodeType]
    links: dict[str, LinkType]
    kinds: dict[str, LinkKind]
    complaint_group: tuple[Names, NodeStyle]  # the court chart's counted node of complaints

    def node(self, label: str) -> NodeType:
        try:
            return self.nodes[label]
        except KeyError:
            raise ValueError(
                f"unknown label {label!r}; the model has {sorted(self.nodes)}"
            ) from None

    def link(self, link_type: str) -> LinkType:
        try:
            return self.links[link_type]
        except KeyError:
            known = sorted(self.links)
            raise ValueError(f"unknown link type {link_type!r}; the model has {known}") from None

    def entity_key(self, label: str, *parts: str) -> str:
        """The stable key string of an entity: its label's prefix and its key values, e.g.
        ``entity_key("Account", "douyin", "ajie99")`` -> ``account:douyin:ajie99``."""
        return ":".join((self.node(label).prefix, *parts))

    @property
    def key_prefixes(self) -> tuple[str, ...]:
        """``phone:``, ``firm:`` … of every node type, as keys start."""
        return tuple(f"{node.prefix}:" for node in self.nodes.values())

    def kind(self, kind: str) -> LinkKind:
        try:
            return self.kinds[kind]
        except KeyError:
            raise ValueError(
                f"unknown link kind {kind!r}; the model has {list(self.kinds)}"
            ) from None

    def label_of_key(self, key: str) -> str:
        """The label of an entity key such as ``phone:+8613800138000``."""
        prefix = key.split(":", 1)[0]
        for node in self.nodes.values():
            if node.prefix == prefix:
                return node.label
        raise ValueError(f"entity key {key!r} does not start with a known prefix")


def identifier(name: str) -> str:
    """Return ``name`` if it is a safe Cypher identifier (a label, type or property name)."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a safe identifier: {name!r}")
    return name


def _names(spec: dict[str, Any], where: str, prefix: str = "") -> Names:
    values = [spec.get(prefix + language) for language in LANGUAGES]
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise ValueError(f"{where} needs names {[prefix + lang for lang in LANGUAGES]}")
    zh, en = (str(v) for v in values)
    return Names(zh, en)


def _colour(spec: dict[str, Any], name: str, where: str) -> str:
    value = str(spec.get(name, "")).lower()
    if not _COLOUR.match(value):
        raise ValueError(f"{where}: {name} must be a colour like '#1f6ba8', not {value!r}")
    return value


def _node_style(spec: dict[str, Any], where: str) -> NodeStyle:
    if spec.get("shape") not in SHAPES:
        raise ValueError(f"{where}: shape {spec.get('shape')!r} is not one of {list(SHAPES)}")
    return NodeStyle(spec["shape"], _colour(spec, "fill", where), _colour(spec, "border", where))


def _line(spec: dict[str, Any], kind: str) -> str:
    if spec.get("line") not in LINES:
        raise ValueError(f"kind {kind}: line {spec.get('line')!r} is not one of {list(LINES)}")
    return str(spec["line"])


def _display_of(section: dict[str, Any], declared: list[str], what: str) -> dict[str, Any]:
    """The display entries of ``what``; exactly one for each declared name."""
    missing = [name for name in declared if name not in section]
    extra = [name for name in section if name not in declared]
    if missing or extra:
        raise ValueError(f"display.{what}: missing {missing}, not in the model {extra}")
    return section


@cache
def load_model(path: Path = MODEL_FILE) -> Model:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    display = raw["display"]
    kinds = {
        kind: LinkKind(
            kind=kind,
            names=_names(spec, f"kind {kind}"),
            about=_names(spec, f"kind {kind}", "about_"),
            style=LineStyle(_line(spec, kind), _colour(spec, "colour", f"kind {kind}")),
        )
        for kind, spec in display["kinds"].items()
    }
    shown = _display_of(display["nodes"], list(raw["nodes"]), "nodes")
    nodes = {
        identifier(label): NodeType(
            label=label,
            keys=tuple(identifier(k) for k in spec["keys"]),
            prefix=spec["prefix"],
            entity=bool(spec.get("entity", False)),
            indexes=tuple(identifier(i) for i in spec.get("indexes", [])),
            values=tuple(identifier(v) for v in spec.get("values", [])),
            names=_names(shown[label], f"label {label}"),
            style=_node_style(shown[label], f"label {label}"),
        )
        for label, spec in raw["nodes"].items()
    }
    link_names = _display_of(display["links"], list(raw["links"]), "links")
    links = {}
    for link_type, spec in raw["links"].items():
        unknown = [label for label in (*spec["from"], *spec["to"]) if label not in nodes]
        if unknown:
            raise ValueError(f"link {link_type} names unknown labels {unknown}")
        if spec["kind"] not in kinds:
            raise ValueError(
                f"link {link_type} has kind {spec['kind']!r}, not one of {list(kinds)}"
            )
        links[identifier(link_type)] = LinkType(
            type=link_type,
            starts=tuple(spec["from"]),
            ends=tuple(spec["to"]),
            kind=spec["kind"],
            names=_names(link_names[link_type], f"link {link_type}"),
        )
    group = display["complaint_group"]
    return Model(
        schema_version=int(raw["schema_version"]),
        nodes=nodes,
        links=links,
        kinds=kinds,
        complaint_group=(_names(group, "complaint_group"), _node_style(group, "complaint_group")),
    )


# --- names and styles, as the pages, charts and exports ask for them --------------------------


def display_name(label: str, language: str = "zh") -> str:
    """A label's name: ``display_name("Firm")`` -> ``"公司"``; ``(…, "en")`` -> ``"Firm"``."""
    return load_model().node(label).names.get(language)


def link_name(link_type: str, language: str = "zh") -> str:
    """A link type's name: ``link_name("CONTACT")`` -> ``"联系电话"``."""
    return load_model().link(link_type).names.get(language)


def kind_name(kind: str, language: str = "zh", *, about: bool = False) -> str:
    """A link kind's name (``"推断"``), or with ``about`` its name and meaning
    (``"推断（由事实推得）"``, ``"inference (derived from facts)"``)."""
    entry = load_model().kind(kind)
    name = entry.names.get(language)
    if not about:
        return name
    meaning = entry.about.get(language)
    return f"{name}（{meaning}）" if language == "zh" else f"{name} ({meaning})"


def label_style(label: str) -> NodeStyle:
    """How a label is drawn on every chart."""
    return load_model().node(label).style


def kind_style(kind: str) -> LineStyle:
    """How links of a kind are drawn on every chart."""
    return load_model().kind(kind).style
