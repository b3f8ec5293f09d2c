"""Parse one file on several cores: rows read here, parsed by forked workers in chunks.

Reading a clue file (the ``csv`` module, openpyxl, ``json``) is a small share of parsing; what
costs is after it — validating, phone numbers, the slang scan and context score of each text,
keys. :func:`parsed_in_workers` keeps reading in the calling process and sends the rows, in
chunks of :data:`CHUNK_ROWS`, to a pool of forked workers that each run the file's
:class:`~ingest.pipeline.RowParser`; the items come back and are yielded in file order, with the
row numbers the reader gave, so the caller sees exactly what the one-process path yields (the
test ``tests/ingest/test_parallel.py`` compares both on the fixture world, a 45k world and real
data). At most :data:`AHEAD_CHUNKS` chunks per worker are in flight, so memory stays flat.

Workers are forked (they start with the modules and the compiled slang detector the parent
already has). A process that may not have children (the daemonic parsing child of
:mod:`ingest.background`) or cannot fork parses in one process instead. A worker whose parent
dies (``kill -9`` of ``leadgraph ingest``) ends too: it holds only the reading end of its task
queue, which closes with the parent (``tests/ingest/test_parallel_submit.py``).

The one ingest flow (:func:`ingest.submit.submit_file`) uses workers for a large file and asks
for ``ahead_rows`` of a write batch or more, so that the workers go on parsing while the caller
writes the batch before.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from typing import Any

from ingest.forked import drop_parent_signal_handlers
from ingest.read import RowItem

CHUNK_ROWS = 500  # rows per task: large enough to amortise the pickling, small enough to stream
WARM_ROWS = 100  # rows parsed before the fork (see parsed_in_workers)
AHEAD_CHUNKS = 4  # chunks per worker sent ahead of the one being yielded (bounds memory)

_parser: Any = None  # the worker's RowParser, set at fork


def can_use_workers() -> bool:
    """True when this process may fork a pool (not a daemonic child, fork available)."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


def _start(parser: Any) -> None:
    global _parser
    drop_parent_signal_handlers()
    _parser = parser


def _parse_with(parser: Any, chunk: list[RowItem]) -> list[Any]:
    items: list[Any] = []
    for number, row in chunk:
        items += parser(number, row)
    return items


def _parse_chunk(chunk: list[RowItem]) -> list[Any]:
    return _parse_with(_parser, chunk)


def _chunks(rows: Iterator[RowItem], size: int) -> Iterator[list[RowItem]]:
    chunk: list[RowItem] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def parsed_in_workers(parser: Any, table: Any, workers: int, ahead_rows: int = 0) -> Iterator[Any]:
    """The items ``parser`` makes of every row of ``table``, in file order, parsed by
    ``workers`` forked processes; the table is closed at the end. Up to ``workers *
    AHEAD_CHUNKS`` chunks, or ``ahead_rows`` rows if that is more, are sent ahead of the one
    being yielded: what the workers parse while the caller is busy with what it has."""
    context = multiprocessing.get_context("fork")
    in_flight = max(workers * AHEAD_CHUNKS, -(-ahead_rows // CHUNK_ROWS))
    pending: deque[Any] = deque()
    pool = None
    try:
        with table:
            rows = table.rows()
            # the first rows are parsed here, before the fork: the text models, phone metadata
            # and caches they load are then the workers' too, instead of loaded again by every
            # worker of every file
            warm = _parse_with(parser, next(_chunks(rows, WARM_ROWS), []))
            pool = context.Pool(workers, initializer=_start, initargs=(parser,))
            yield from warm
            for chunk in _chunks(rows, CHUNK_ROWS):
                pending.append(pool.apply_async(_parse_chunk, (chunk,)))
                while len(pending) > in_flight:
                    yield from pending.popleft().get()
            while pending:
                yield from pending.popleft().get()
        pool.close()
        pool.join()
    finally:
        if pool is not None:
            pool.terminate()
