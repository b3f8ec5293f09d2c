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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graph.core.private import FILE_MODE, private_folder

ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_FLAG = "U+001F"
KEYED = "k"  # the id space of nodes found by their ``key``
KEYS_SPACE = "sk"  # SubmissionKeys, found by ``id``
LONG_RANGE = (-(2**63), 2**63 - 1)
GROUP_LINES = 500  # a group's lines appended to its file at once
WAITING_LINES = 50_000  # lines of every group waiting at most (then all are appended)
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


def _string_cell(value: str) -> tuple[str, str] | None:
    if "\r" in value or "\x00" in value:
        return None
    return "string", '"' + value.replace('"', '""') + '"'


def _long_cell(value: int) -> tuple[str, str] | None:
    return ("long", str(value)) if LONG_RANGE[0] <= value <= LONG_RANGE[1] else None


def _list_cell(value: list[Any]) -> tuple[str, str] | None:
    types = set(map(type, value))
    if types == {str}:  # the common list: sources, submissions, names
        joined = ARRAY_DELIMITER.join(value)
        if (
            "" in value
            or joined.count(ARRAY_DELIMITER) != len(value) - 1
            or "\r" in joined
            or "\x00" in joined
        ):
            return None
        return "string[]", '"' + joined.replace('"', '""') + '"'
    if types == {int} and LONG_RANGE[0] <= min(value) and max(value) <= LONG_RANGE[1]:
        return "long[]", '"' + ARRAY_DELIMITER.join(map(str, value)) + '"'
    return _any_cell(value)


def _any_cell(value: Any) -> tuple[str, str] | None:
    kind = csv_type(value)
    return None if kind is None else (kind, csv_cell(value, kind))


# the cell of a value of exactly these types, without csv_type's chain of isinstance
_CELL_OF_TYPE: dict[type, Callable[[Any], tuple[str, str] | None]] = {
    str: _string_cell,
    int: _long_cell,
    bool: lambda value: ("boolean", "true" if value else "false"),
    float: lambda value: ("double", repr(value)) if math.isfinite(value) else None,
    list: _list_cell,
}


def typed_cell(value: Any) -> tuple[str, str] | None:
    """``(csv_type(value), csv_cell(value, that type))``, or None when a cell cannot carry it:
    the same, in one pass."""
    return _CELL_OF_TYPE.get(type(value), _any_cell)(value)


def _open_private_binary(path: Path) -> IO[bytes]:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
    return os.fdopen(fd, "wb")


def _open_private(path: Path, flag: int) -> IO[str]:
    """A text file of mode 600 for writing (``os.O_TRUNC``) or appending (``os.O_APPEND``)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | flag | os.O_CLOEXEC, FILE_MODE)
    return os.fdopen(fd, "a" if flag == os.O_APPEND else "w", encoding="utf-8", newline="")


Columns = tuple[tuple[str, str], ...]  # (name, type) of each property column, sorted by name


class _Groups:
    """One file per group (its header first), numbered in the order the groups first come.
    Each group's lines wait in memory and are appended a few hundred at a time (the file opened
    and closed again), so no file stays open and a line costs no write call of its own."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self.folder = folder
        self.prefix = prefix
        self.paths: dict[tuple[Any, ...], Path] = {}
        self.waiting: dict[tuple[Any, ...], list[str]] = {}
        self.waiting_lines = 0

    def new(self, group: tuple[Any, ...], header: str) -> None:
        """Start the file of a group not met before."""
        path = self.paths[group] = self.folder / f"{self.prefix}-{len(self.paths)}.csv"
        with _open_private(path, os.O_TRUNC) as handle:
            handle.write(header + "\n")
        self.waiting[group] = []

    def write(self, group: tuple[Any, ...], line: str) -> None:
        lines = self.waiting[group]
        lines.append(line)
        if len(lines) >= GROUP_LINES:
            self._append(group)
        self.waiting_lines += 1
        if self.waiting_lines >= WAITING_LINES:
            self.flush()

    def _append(self, group: tuple[Any, ...]) -> None:
        lines = self.waiting[group]
        if lines:
            with _open_private(self.paths[group], os.O_APPEND) as handle:
                handle.write("\n".join(lines) + "\n")
            self.waiting_lines -= len(lines)
            lines.clear()

    def flush(self) -> None:
        for group in self.waiting:
            self._append(group)


def _cells(props: dict[str, Any], skip: str | None) -> tuple[Columns, list[str], dict[str, Any]]:
    """The columns and cells of the properties a cell carries, sorted by name (but ``skip``
    and those that are None); and the rest, left to a patch."""
    columns, cells, rest = [], [], {}
    for name in sorted(props):
        value = props[name]
        if value is None or name == skip:
            continue
        if type(value) is str and "\r" not in value and "\x00" not in value:  # most are
            columns.append((name, "string"))
            cells.append('"' + value.replace('"', '""') + '"')
            continue
        typed = typed_cell(value)
        if typed is None:
            rest[name] = value
        else:
            columns.append((name, typed[0]))
            cells.append(typed[1])
    return tuple(columns), cells, rest


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
        columns, cells, rest = _cells(props, id_name)
        group = (labels, space, columns)
        if group not in self._labels_of:
            header = [f"{id_name}:ID({space})", *(f"{name}:{kind}" for name, kind in columns)]
            self._nodes.new(group, ",".join(header))
            self._labels_of[group] = labels
        self._nodes.write(group, ",".join([_quote(identifier), *cells]))
        self.files.node_count += 1
        if rest:
            self._patch(Patch(labels[-1], id_name, identifier, None, rest))

    def link(self, link_type: str, start: str, end: str, props: dict[str, Any]) -> None:
        """One link between two keyed nodes, with every property."""
        columns, cells, rest = _cells(props, None)
        group = (link_type, columns)
        if group not in self._type_of:
            header = [f":START_ID({KEYED})", f":END_ID({KEYED})"]
            self._links.new(group, ",".join(header + [f"{n}:{k}" for n, k in columns]))
            self._type_of[group] = link_type
        self._links.write(group, ",".join([_quote(start), _quote(end), *cells]))
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
        self._nodes.flush()
        self._links.flush()
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
