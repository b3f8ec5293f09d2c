"""Sorted runs on disk: how a bulk load's fold keeps its memory bounded whatever the size.

The fold (:mod:`graph.db.bulk_state`) holds the partial state of the nodes and links the last
few batches touched; when it holds too many it writes them, sorted by key, as one *run* file
(:func:`write_run`) and starts afresh. At the end :func:`merged` reads every run at once, a
chunk at a time, and yields each key with its partial states in the order the runs were
written, for the fold to combine: memory holds one chunk per run, never the graph.

A run is a stream of pickled lists of ``(sort key, state)``, our own file in the load's
private state folder (never anything received), deleted with that folder.
"""

from __future__ import annotations

import heapq
import itertools
import os
import pickle
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any

from graph.core.private import FILE_MODE

CHUNK = 2_000  # records pickled at once: few calls to pickle, little memory per open run

Record = tuple[Any, Any]  # (sort key, partial state)


def write_run(path: Path, records: Iterable[Record]) -> None:
    """Write ``records``, already sorted by their key, as a run file of mode 600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
    with os.fdopen(fd, "wb") as stream:
        records = iter(records)
        while chunk := list(itertools.islice(records, CHUNK)):
            pickle.dump(chunk, stream, protocol=pickle.HIGHEST_PROTOCOL)


def read_run(path: Path) -> Iterator[Record]:
    """The records of one run, in their order."""
    with path.open("rb") as stream:
        while True:
            try:
                chunk = pickle.load(stream)  # written by write_run above: trusted
            except EOFError:
                return
            yield from chunk


def merged(paths: list[Path], last: Iterable[Record] = ()) -> Iterator[tuple[Any, list[Any]]]:
    """Every key of the runs ``paths`` and of ``last`` (the latest run, still in memory and
    sorted) in key order, with its states in the order of the runs (``heapq.merge`` keeps the
    order of its inputs among equal keys)."""
    streams = [*(read_run(path) for path in paths), iter(last)]
    for key, group in itertools.groupby(heapq.merge(*streams, key=itemgetter(0)), itemgetter(0)):
        yield key, [state for _, state in group]
