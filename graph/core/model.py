"""The domain model (``graph/core/model.yaml``) loaded once, as typed data.

Labels and link types are identifiers that Cypher cannot take as parameters; they come from this
model only, never from user input, and :func:`identifier` checks each before it is placed in a
query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

MODEL_FILE = Path(__file__).with_name("model.yaml")
ENTITY_LABEL = "Entity"
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class NodeType:
    label: str
    keys: tuple[str, ...]
    prefix: str
    entity: bool
    indexes: tuple[str, ...]
    values: tuple[str, ...] = ()  # asserted per party (Statements); the rest is identity


@dataclass(frozen=True)
class LinkType:
    type: str
    starts: tuple[str, ...]
    ends: tuple[str, ...]
    kind: str  # fact | inference | match


@dataclass(frozen=True)
class Model:
    schema_version: int
    nodes: dict[str, NodeType]
    links: dict[str, LinkType]

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


@cache
def load_model(path: Path = MODEL_FILE) -> Model:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    nodes = {
        identifier(label): NodeType(
            label=label,
            keys=tuple(identifier(k) for k in spec["keys"]),
            prefix=spec["prefix"],
            entity=bool(spec.get("entity", False)),
            indexes=tuple(identifier(i) for i in spec.get("indexes", [])),
            values=tuple(identifier(v) for v in spec.get("values", [])),
        )
        for label, spec in raw["nodes"].items()
    }
    links = {}
    for link_type, spec in raw["links"].items():
        unknown = [label for label in (*spec["from"], *spec["to"]) if label not in nodes]
        if unknown:
            raise ValueError(f"link {link_type} names unknown labels {unknown}")
        links[identifier(link_type)] = LinkType(
            type=link_type, starts=tuple(spec["from"]), ends=tuple(spec["to"]), kind=spec["kind"]
        )
    return Model(schema_version=int(raw["schema_version"]), nodes=nodes, links=links)
