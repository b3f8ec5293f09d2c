"""Read and validate a clue file in a child process while the caller writes what it yields.

Ingestion has two halves that each keep one core busy: parsing (reading, validating, phone and
text work, in Python) and writing (Neo4j merging the batches). Run in one process, they take
turns; :func:`iter_file_in_background` yields exactly what :func:`ingest.pipeline.iter_file`
yields, in the same order, but a forked child produces it, a few thousand items ahead of the
consumer, so the two halves overlap on a machine with two cores or more.

The child is forked (not spawned) so that it starts at once with the modules and the compiled
slang detector the parent already has; it touches no database and no thread of the parent.
A file that cannot be read, or has unknown headers, raises :class:`~graph.core.errors.UserError` at
the call, as ``iter_file`` does; a failure inside the child is raised in the parent with the
child's traceback; a consumer that stops early stops the child.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph.core.errors import UserError
from ingest.forked import drop_parent_signal_handlers
from ingest.pipeline import Item, iter_file

CHUNK_ITEMS = 2_000  # items per message from the child: large enough to amortise the pickling
AHEAD_CHUNKS = 4  # chunks the child may run ahead of the consumer (bounds memory)
POLL_SECONDS = 1.0


class ParseFailed(RuntimeError):
    """The parsing child failed with an unexpected error (its traceback is the message)."""


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def iter_file_in_background(
    kind: str, path: str | Path, *, chunk_items: int = CHUNK_ITEMS, **options: Any
) -> Iterator[Item]:
    """The items of ``iter_file(kind, path, **options)``, produced by a child process."""
    context = multiprocessing.get_context("fork")
    messages: Any = context.Queue(maxsize=AHEAD_CHUNKS)
    child = context.Process(
        target=_produce,
        args=(messages, kind, Path(path), options, chunk_items),
        name=f"leadgraph-parse-{Path(path).name}",
        daemon=True,
    )
    child.start()
    try:
        tag, payload = _receive(messages, child)
    except BaseException:
        _stop(child)
        raise
    if tag == "error":
        _stop(child)
        raise UserError(payload)
    if tag == "crash":
        _stop(child)
        raise ParseFailed(payload)
    return _consume(messages, child)


def _consume(messages: Any, child: Any) -> Iterator[Item]:
    try:
        while True:
            tag, payload = _receive(messages, child)
            if tag == "items":
                yield from payload
            elif tag == "done":
                return
            elif tag == "error":
                raise UserError(payload)
            else:
                raise ParseFailed(payload)
    finally:
        _stop(child)


def _receive(messages: Any, child: Any) -> tuple[str, Any]:
    """The child's next message; a child that died without a word is a failure, not a hang."""
    while True:
        try:
            return messages.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if not child.is_alive():
                raise ParseFailed(
                    f"the parsing process ended unexpectedly (exit code {child.exitcode})"
                ) from None


def _stop(child: Any) -> None:
    if child.is_alive():
        child.terminate()
    child.join(timeout=10)


class _ParentGone(Exception):
    pass


def _produce(messages: Any, kind: str, path: Path, options: dict[str, Any], size: int) -> None:
    """The child: run ``iter_file`` and send its items in chunks, then ``done``."""
    drop_parent_signal_handlers()
    parent = os.getppid()

    def send(tag: str, payload: Any) -> None:
        # A parent killed outright (kill -9, a crash) cannot stop us; waiting on its full queue
        # would keep this process forever, so it gives up once it has been handed to another.
        while True:
            try:
                messages.put((tag, payload), timeout=POLL_SECONDS)
                return
            except queue.Full:
                if os.getppid() != parent:
                    raise _ParentGone from None

    try:
        items = iter_file(kind, path, **options)
        send("ready", None)
        chunk: list[Item] = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= size:
                send("items", chunk)
                chunk = []
        if chunk:
            send("items", chunk)
        send("done", None)
    except _ParentGone:
        messages.cancel_join_thread()  # nobody will read what is still buffered
        return
    except UserError as error:
        send("error", str(error))
    except BaseException:
        send("crash", f"parsing {path.name} failed in process {os.getpid()}:\n"
                      + traceback.format_exc())  # fmt: skip
    messages.close()
    messages.join_thread()
