"""Sorted runs on disk: how a bulk load's fold keeps its memory bounded whatever the size.

The fold (:mod:`graph.db.bulk_state`) holds the partial state of the nodes and links the last
few batches touched; when it holds too many it writes them, sorted by key, as one *run* file
(:func:`write_run`) and starts afresh. At the end :func:`merged` reads every run at once, a
chunk at a time, and yields their records in key order, those of one key together in the order
the runs were written, for the fold to combine: memory holds one chunk per run, never the graph.

A run is a stream of pickled lists of ``(key, state)`` (the keys of one run all of one type and
distinct), our own file in the load's private state folder (never anything received), deleted
with that folder.

The merge takes, from the chunk each run has read, every record up to the smallest of the
chunks' last keys — nothing later in any run can come before it — and sorts those few thousand
records with one stable ``list.sort``: Timsort finds the runs' sorted stretches and merges them
in C, and keeps equal keys in run order. (``heapq.merge`` with a key did the same one record at
a time in Python, several times slower.)
"""

from __future__ import annotations

import itertools
import os
import pickle
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any

from graph.core.private import FILE_MODE

CHUNK = 2_000  # records pickled at once: few calls to pickle, little memory per open run

Record = tuple[Any, Any]  # (key, partial state)

_key = itemgetter(0)


def write_run(path: Path, records: Iterable[Record]) -> None:
    """Write ``records``, sorted by their distinct keys, as a run file of mode 600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
    with os.fdopen(fd, "wb") as stream:
        for chunk in _chunks(records):
            pickle.dump(chunk, stream, protocol=pickle.HIGHEST_PROTOCOL)


def _chunks(records: Iterable[Record]) -> Iterator[list[Record]]:
    records = iter(records)
    while chunk := list(itertools.islice(records, CHUNK)):
        yield chunk


def read_chunks(path: Path) -> Iterator[list[Record]]:
    """The chunks of one run, in their order."""
    with path.open("rb") as stream:
        while True:
            try:
                yield pickle.load(stream)  # written by write_run above: trusted
            except EOFError:
                return


def read_run(path: Path) -> Iterator[Record]:
    """The records of one run, in their order."""
    for chunk in read_chunks(path):
        yield from chunk


def merged(paths: list[Path], last: Iterable[Record] = ()) -> Iterator[Record]:
    """The records of the runs ``paths`` and of ``last`` (the latest run, still in memory and
    sorted) in key order; the records of one key are consecutive, in the order of the runs."""
    sources = [*(read_chunks(path) for path in paths), _chunks(last)]
    chunks = [next(source, []) for source in sources]  # each run's chunk; [] once read through
    starts = [0] * len(sources)  # where in its chunk each run's next record is
    while live := [i for i, chunk in enumerate(chunks) if chunk]:
        bound = min(chunks[i][-1][0] for i in live)
        batch: list[Record] = []
        for i in live:  # in run order, which the stable sort keeps among equal keys
            chunk, start = chunks[i], starts[i]
            end = bisect_right(chunk, bound, lo=start, key=_key)
            batch += chunk[start:end]
            if end < len(chunk):
                starts[i] = end
            else:
                chunks[i], starts[i] = next(sources[i], []), 0
        batch.sort(key=_key)
        yield from batch
