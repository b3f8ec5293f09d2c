"""The nodes and links of a bulk load written as ``neo4j-admin database import`` files.

Nodes and links are grouped by their labels (or type) and the exact set of their properties
with each one's type, one CSV file a group with its own header (``key:ID(k),name:string,...``),
so no cell is ever "absent": a property a node lacks is a column its group does not have.
Strings are always quoted (``""`` inside), so an empty string stays one; arrays are joined by
U+001F. What a CSV cell cannot carry exactly — an empty list, a list of mixed types, a string
with a carriage return or NUL, a list element holding the delimiter or empty, a number Java
cannot read back the same — is left out of the file and kept as a *patch*, set by Cypher after
the import (:mod:`graph.db.bulk_import`).
"""

from __future__ import annotations

import math
import os
import pickle
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graph.core.private import FILE_MODE, private_folder

ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_FLAG = "U+001F"
KEYED = "k"  # the id space of nodes found by their ``key``
KEYS_SPACE = "sk"  # SubmissionKeys, found by ``id``
LONG_RANGE = (-(2**63), 2**63 - 1)
MAX_OPEN_FILES = 128
PATCH_CHUNK = 1_000  # patches pickled at once


@dataclass
class Patch:
    """Properties set after the import: a node by label and key, or a link by type and ends."""

    label: str | None  # None for a link
    id_name: str | None  # the node's identifying property: ``key`` (``id`` for SubmissionKeys)
    identifier: str | None
    link: tuple[str, str, str] | None  # (type, start key, end key)
    props: dict[str, Any]


@dataclass
class ImportFiles:
    """The files of one import and what they hold."""

    folder: Path
    nodes: list[tuple[tuple[str, ...], Path]] = field(default_factory=list)
    links: list[tuple[str, Path]] = field(default_factory=list)
    patches: Path = Path()  # a pickle stream of lists of :class:`Patch` (:func:`read_patches`)
    node_count: int = 0
    link_count: int = 0
    patch_count: int = 0


def _scalar_type(value: Any) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long" if LONG_RANGE[0] <= value <= LONG_RANGE[1] else None
    if isinstance(value, float):
        return "double" if math.isfinite(value) else None
    if isinstance(value, str):
        return None if "\r" in value or "\x00" in value else "string"
    return None


def csv_type(value: Any) -> str | None:
    """The import header's type for ``value``, or None when a CSV cell cannot carry it."""
    if isinstance(value, list):
        types = {_scalar_type(item) for item in value}
        if len(types) != 1 or None in types:
            return None  # empty, mixed, or an element of its own that cannot be carried
        (item_type,) = types
        if item_type == "string" and any(not s or ARRAY_DELIMITER in s for s in value):
            return None
        return f"{item_type}[]"
    return _scalar_type(value)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def csv_cell(value: Any, kind: str) -> str:
    if kind == "string":
        return _quote(value)
    if kind.endswith("[]"):
        return _quote(ARRAY_DELIMITER.join(_plain(item) for item in value))
    return _plain(value)


def _open_private_binary(path: Path) -> IO[bytes]:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
    return os.fdopen(fd, "wb")


def _open_private(path: Path, flag: int) -> IO[str]:
    """A text file of mode 600 for writing (``os.O_TRUNC``) or appending (``os.O_APPEND``),
    kept open across many writes (``graph.core.private.open_private`` is a context manager)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | flag | os.O_CLOEXEC, FILE_MODE)
    return os.fdopen(fd, "a" if flag == os.O_APPEND else "w", encoding="utf-8", newline="")


class _Groups:
    """One open file per header; when too many are open, the one written least recently is
    closed (and reopened for appending when its group comes again)."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self.folder = folder
        self.prefix = prefix
        self.paths: dict[tuple[Any, ...], Path] = {}
        self.open: OrderedDict[tuple[Any, ...], IO[str]] = OrderedDict()

    def write(self, group: tuple[Any, ...], header: str, line: str) -> None:
        handle = self.open.get(group)
        if handle is None:
            if len(self.open) >= MAX_OPEN_FILES:
                self.open.popitem(last=False)[1].close()
            path = self.paths.get(group)
            if path is None:
                path = self.paths[group] = self.folder / f"{self.prefix}-{len(self.paths)}.csv"
                handle = self.open[group] = _open_private(path, os.O_TRUNC)
                handle.write(header + "\n")
            else:
                handle = self.open[group] = _open_private(path, os.O_APPEND)
        else:
            self.open.move_to_end(group)
        handle.write(line + "\n")

    def close(self) -> None:
        for handle in self.open.values():
            handle.close()
        self.open.clear()


def _split(props: dict[str, Any]) -> tuple[list[tuple[str, str, Any]], dict[str, Any]]:
    """(name, type, value) of the properties a cell carries, sorted by name; and the rest."""
    carried, rest = [], {}
    for name in sorted(props):
        value = props[name]
        if value is None:
            continue
        kind = csv_type(value)
        if kind is None:
            rest[name] = value
        else:
            carried.append((name, kind, value))
    return carried, rest


class ImportWriter:
    """The import files, written one node or link at a time (a node's or a link's whole
    properties at once); :meth:`close` returns what they hold. Patches go to a file of their
    own as they come (:func:`read_patches`), so nothing grows with the graph in memory."""

    def __init__(self, folder: Path) -> None:
        private_folder(folder)
        self.files = ImportFiles(folder, patches=folder / "patches.pickle")
        self._nodes = _Groups(folder, "nodes")
        self._links = _Groups(folder, "links")
        self._labels_of: dict[tuple[Any, ...], tuple[str, ...]] = {}
        self._type_of: dict[tuple[Any, ...], str] = {}
        self._patches: list[Patch] = []
        self._patch_file = _open_private_binary(self.files.patches)

    def node(
        self, labels: tuple[str, ...], space: str, id_name: str, props: dict[str, Any]
    ) -> None:
        """One node: its labels, id space, identifying property, and every property."""
        identifier = props[id_name]
        carried, rest = _split({k: v for k, v in props.items() if k != id_name})
        group = (labels, space, tuple((name, kind) for name, kind, _ in carried))
        header = ",".join(
            [f"{id_name}:ID({space})", *(f"{name}:{kind}" for name, kind, _ in carried)]
        )
        line = ",".join(
            [_quote(identifier), *(csv_cell(value, kind) for _, kind, value in carried)]
        )
        self._nodes.write(group, header, line)
        self._labels_of[group] = labels
        self.files.node_count += 1
        if rest:
            self._patch(Patch(labels[-1], id_name, identifier, None, rest))

    def link(self, link_type: str, start: str, end: str, props: dict[str, Any]) -> None:
        """One link between two keyed nodes, with every property."""
        carried, rest = _split(props)
        link_group = (link_type, tuple((name, kind) for name, kind, _ in carried))
        header = ",".join(
            [f":START_ID({KEYED})", f":END_ID({KEYED})"]
            + [f"{name}:{kind}" for name, kind, _ in carried]
        )
        line = ",".join(
            [_quote(start), _quote(end), *(csv_cell(value, kind) for _, kind, value in carried)]
        )
        self._links.write(link_group, header, line)
        self._type_of[link_group] = link_type
        self.files.link_count += 1
        if rest:
            self._patch(Patch(None, None, None, (link_type, start, end), rest))

    def _patch(self, patch: Patch) -> None:
        self._patches.append(patch)
        self.files.patch_count += 1
        if len(self._patches) >= PATCH_CHUNK:
            pickle.dump(self._patches, self._patch_file, protocol=pickle.HIGHEST_PROTOCOL)
            self._patches = []

    def close(self) -> ImportFiles:
        """Close every file; what they hold."""
        self._nodes.close()
        self._links.close()
        if self._patches:
            pickle.dump(self._patches, self._patch_file, protocol=pickle.HIGHEST_PROTOCOL)
            self._patches = []
        self._patch_file.close()
        files = self.files
        files.nodes = [(self._labels_of[g], path) for g, path in self._nodes.paths.items()]
        files.links = [(self._type_of[g], path) for g, path in self._links.paths.items()]
        return files


def read_patches(files: ImportFiles) -> Iterator[Patch]:
    """The patches :class:`ImportWriter` kept, in the order it met them."""
    with files.patches.open("rb") as stream:
        while True:
            try:
                chunk = pickle.load(stream)  # our own file, written above: trusted
            except EOFError:
                return
            yield from chunk
