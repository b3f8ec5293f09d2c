"""Causal consistency: every store of this process over one server and database shares one
bookmark manager, so a read sees every write made before it, through any store.

On a single server that holds by itself. On a cluster (``neo4j://`` routing) writes go to the
leader and reads to any member, which may lag: a session that carries the bookmarks of the writes
before it makes that member wait until it has them. The driver's ``execute_query`` shares one
manager per driver, but LeadGraph opens its own sessions and often several drivers at once (the
workbench's store, the job worker's, a CLI command's), so the manager is kept here, keyed by URI
and database name. A process that replaces a server's data (a local server started over another
store, a bulk import) calls :func:`forget_all`, since bookmarks of the old data name transactions
the new data may never reach.
"""

from __future__ import annotations

import threading

import neo4j

_lock = threading.Lock()
_managers: dict[tuple[str, str | None], neo4j.BookmarkManager] = {}


def manager(uri: str, database: str | None) -> neo4j.BookmarkManager:
    """The bookmark manager shared by every store of this process on ``uri`` and ``database``."""
    with _lock:
        key = (uri, database)
        if key not in _managers:
            _managers[key] = neo4j.GraphDatabase.bookmark_manager()
        return _managers[key]


def forget_all() -> None:
    """Drop every kept bookmark; stores opened afterwards start a new causal chain."""
    with _lock:
        _managers.clear()
