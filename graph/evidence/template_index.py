"""The template index on disk, and its stamp in the graph.

``leadgraph templates`` (:func:`graph.evidence.templates.build_templates`) writes, as a by-product,
the :class:`graph.text.template_index.TemplateIndex` of every complaint text into the state folder
(``<home>/templates``): the signatures and LSH bucket keys as raw arrays that only ever grow
(``signatures.u32``, memory-mapped; ``keys.u64``), the rest (ids, places in write order, write
and id order, short texts, ids without a text, verified pairs, hubs, components) in one ``state-<version>.npz``, and
``meta.json`` naming the version, the parameters, the row count and the number of complaints
(with a text or not). The same version, parameters and count are stamped on a ``TemplateIndex``
node in Neo4j, and a refresh compares that count with :func:`count_complaints` — the number of
``Complaint`` nodes, which Neo4j answers from its count store without reading a node — to see
complaints added or removed without a refresh. :func:`load_index` returns the index only when
the files are whole and both stamps agree, so an index from another host, of a wiped or
rebuilt database, or of other parameters is never used: the caller rebuilds fully.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from graph.core import settings
from graph.core.private import open_private, write_private
from graph.db.store import GraphStore
from graph.text.template_index import TemplateIndex
from graph.text.templates import _fold_lut

READ_STAMP = """
MATCH (t:TemplateIndex {id: 'complaints'})
RETURN t.version AS version, t.params AS params, t.count AS count
"""
WRITE_STAMP = """
MERGE (t:TemplateIndex {id: 'complaints'})
SET t.version = $version, t.params = $params, t.count = $count
"""
COUNT_COMPLAINTS = "MATCH (c:Complaint) RETURN count(c) AS n"  # the count store: instant
UPDATING = "updating"  # the stamp while the graph and the files are being changed

# ``written`` and ``by_id`` came with write order: an index saved before lacks them, and
# :func:`load_index` then answers None (the caller rebuilds once)
ARRAYS = (
    "ids",
    "order",
    "short",
    "left",
    "right",
    "similarity",
    "hub_of",
    "comp",
    "written",
    "by_id",
)
OPTIONAL = ("bare",)  # an index written before it had none: then its count is of texts only
GROWING = {"sig": ("signatures.u32", np.uint32), "keys": ("keys.u64", np.uint64)}


def index_folder(config: settings.Settings | None = None) -> Path:
    return (config or settings.load()).state_folder("templates")


def stamp_params(params: dict[str, Any]) -> str:
    """The parameters that decide the result, and the folding table, as one string."""
    fold = hashlib.sha256(_fold_lut().tobytes()).hexdigest()[:16]
    kept = {key: params[key] for key in sorted(params) if key not in ("rounds", "unplaced")}
    return json.dumps({**kept, "fold": fold}, sort_keys=True)


def read_stamp(store: GraphStore) -> dict[str, Any] | None:
    return store.read_one(READ_STAMP)


def write_stamp(store: GraphStore, version: str, params: str, count: int) -> None:
    store.write(WRITE_STAMP, version=version, params=params, count=count)


def count_complaints(store: GraphStore) -> int:
    row = store.read_one(COUNT_COMPLAINTS)
    return int(row["n"]) if row else 0


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One writer of the index at a time (a full build and a refresh, two workers)."""
    with open_private(folder / ".lock", "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def save_index(folder: Path, index: TemplateIndex, *, whole: bool) -> str:
    """Write the index under a new version and return it. ``whole`` rewrites the growing
    files; otherwise they already hold every row (see :func:`load_index`'s ``grow``)."""
    version = uuid.uuid4().hex
    if whole:
        for name, (file_name, dtype) in GROWING.items():
            with open_private(folder / file_name, "wb") as handle:
                handle.write(np.ascontiguousarray(getattr(index, name), dtype=dtype).tobytes())
    buffer = io.BytesIO()
    np.savez(buffer, **{name: getattr(index, name) for name in ARRAYS + OPTIONAL})
    write_private(folder / f"state-{version}.npz", buffer.getvalue())
    meta = {
        "version": version,
        "params": stamp_params(index.params),
        "rows": index.rows,
        "count": index.count,
    }
    write_private(folder / "meta.json", json.dumps(meta))
    for old in folder.glob("state-*.npz"):
        if old.name != f"state-{version}.npz":
            old.unlink(missing_ok=True)
    return version


def read_meta(folder: Path) -> dict[str, Any] | None:
    try:
        meta: dict[str, Any] = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta


def load_index(
    folder: Path, params: dict[str, Any], stamp: dict[str, Any] | None
) -> TemplateIndex | None:
    """The index in ``folder`` when it is whole and matches ``params`` and the graph's
    ``stamp``; else None. New rows are appended to its growing files (memory-mapped)."""
    meta = read_meta(folder)
    if (
        meta is None
        or stamp is None
        or meta.get("params") != stamp_params(params)
        or stamp.get("version") != meta.get("version")
        or stamp.get("params") != meta.get("params")
        or stamp.get("count") != meta.get("count")
    ):
        return None
    rows = int(meta["rows"])
    widths = {"sig": params["num_perm"], "keys": params["bands"]}
    try:
        with np.load(folder / f"state-{meta['version']}.npz") as state:
            arrays = {name: state[name] for name in ARRAYS}
            arrays |= {name: state[name] for name in OPTIONAL if name in state.files}
        growing = {}
        for name, (file_name, dtype) in GROWING.items():
            path = folder / file_name
            size = rows * widths[name] * np.dtype(dtype).itemsize
            if path.stat().st_size < size:
                return None
            os.truncate(path, size)  # rows a failed update appended
            growing[name] = _map(path, dtype, rows, widths[name])
    except (OSError, KeyError, ValueError):
        return None
    if len(arrays["ids"]) != rows:
        return None

    def grow(name: str, old: np.ndarray, new: np.ndarray) -> np.ndarray:
        file_name, dtype = GROWING[name]
        with open_private(folder / file_name, "ab") as handle:
            handle.write(np.ascontiguousarray(new, dtype=dtype).tobytes())
        return _map(folder / file_name, dtype, len(old) + len(new), widths[name])

    return TemplateIndex(params=params, grow=grow, **growing, **arrays)


def _map(path: Path, dtype: Any, rows: int, width: int) -> np.ndarray:
    if rows == 0:
        return np.empty((0, width), dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r", shape=(rows, width))
