"""The one module that owns the Neo4j driver.

Everything else asks a :class:`GraphStore` to run a (parameterised) query and gets plain Python
data back: lists of dicts, numbers, strings. Writes run in managed write transactions, which the
driver retries on transient errors and lost connections for ``Settings.retry_seconds``, so a store
survives a server restart in the middle of a session. Every session names the database
(``NEO4J_DATABASE``, else the server's default) and carries the bookmarks of the process's earlier
writes (:mod:`graph.db.bookmarks`), so that on a cluster a read sees what was just written.

>>> with GraphStore.open() as store:            # doctest: +SKIP
...     store.write_batches(
...         "UNWIND $rows AS row MERGE (p:Entity {key: row.key})", rows, batch_size=10_000)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import neo4j
from neo4j.exceptions import AuthError, ConfigurationError, Neo4jError, ServiceUnavailable

from graph.core import settings as settings_module
from graph.core.errors import StoreUnavailable, UserError
from graph.db import bookmarks

T = TypeVar("T")

COUNTER_NAMES = (
    "nodes_created",
    "nodes_deleted",
    "relationships_created",
    "relationships_deleted",
    "properties_set",
    "labels_added",
)


@dataclass
class WriteSummary:
    """What a write did: rows sent, transactions committed and the server's counters."""

    rows: int = 0
    batches: int = 0
    counters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTER_NAMES, 0))

    def add(self, counters: Any, rows: int) -> None:
        self.rows += rows
        self.batches += 1
        for name in COUNTER_NAMES:
            self.counters[name] += getattr(counters, name, 0)


def chunked(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Lazily cut an iterable into lists of at most ``size`` items (the last may be shorter)."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def chunked_by_weight(
    items: Iterable[T], weight: Callable[[T], int], limit: int
) -> Iterator[list[T]]:
    """Cut ``items`` into consecutive lists whose weights add up to at most ``limit`` (an item
    heavier than ``limit`` goes alone): many small writes a transaction, never one huge one."""
    batch: list[T] = []
    total = 0
    for item in items:
        if batch and total + weight(item) > limit:
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += weight(item)
    if batch:
        yield batch


class QueryTimeout(UserError):
    """A read ran past its time limit (see ``graph.core.limits``)."""


class GraphStore:
    """A connection to one Neo4j database, from settings or explicit credentials."""

    def __init__(
        self,
        uri: str,
        auth: tuple[str, str],
        *,
        database: str | None = None,
        batch_size: int = 10_000,
        retry_seconds: float = 60.0,
        write_threads: int = 1,
    ) -> None:
        self.uri = uri
        self.database = database
        self.batch_size = batch_size
        self.write_threads = write_threads  # independent batched writes that may run at once
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri,
                auth=auth,
                max_transaction_retry_time=retry_seconds,
                connection_acquisition_timeout=retry_seconds,
                connection_timeout=10.0,
                notifications_min_severity="OFF",
            )
        except (ConfigurationError, ValueError) as error:
            raise UserError(f"invalid Neo4j URI {uri!r}: {error}") from None

    @classmethod
    def open(cls, config: settings_module.Settings | None = None) -> GraphStore:
        """Connect with the settings (``NEO4J_URI`` or the local server) and check the server
        answers, raising :class:`StoreUnavailable` with a one-line reason when it does not."""
        config = config or settings_module.load()
        uri = config.bolt_uri()
        if config.uses_local_server:
            from graph.db import local_neo4j  # the local server knows the port it was started on

            uri = local_neo4j.state(config).uri or uri
        store = cls(
            uri,
            config.credentials(),
            database=config.neo4j_database,
            batch_size=config.batch_size,
            retry_seconds=config.retry_seconds,
            write_threads=config.write_threads,
        )
        try:
            store.verify()
        except StoreUnavailable:
            store.close()
            if config.uses_local_server:
                raise StoreUnavailable(
                    f"the local Neo4j at {store.uri} is not answering; "
                    "start it with `leadgraph db start`"
                ) from None
            raise
        return store

    def verify(self) -> None:
        """Fail fast, with one line, when the server cannot be reached or refuses the login."""
        try:
            self._driver.verify_connectivity()
        except AuthError:
            raise StoreUnavailable(f"Neo4j at {self.uri} refused the user or password") from None
        except (ServiceUnavailable, OSError) as error:
            reason = " ".join(str(error).split()) or type(error).__name__
            raise StoreUnavailable(f"Neo4j at {self.uri} cannot be reached: {reason}") from None

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def bookmark_manager(self) -> neo4j.BookmarkManager:
        """The bookmarks of this process's writes to the same server and database
        (:mod:`graph.db.bookmarks`): looked up for each session, so that a forgotten chain
        (a local server started over other data) is not carried on."""
        return bookmarks.manager(self.uri, self.database)

    def _session(self) -> neo4j.Session:
        # Every session carries the bookmarks of the writes before it, through any store of
        # this process, and adds its own: a read on a cluster member waits for them.
        return self._driver.session(database=self.database, bookmark_manager=self.bookmark_manager)

    def read(
        self, query: str, *, timeout: float | None = None, **params: Any
    ) -> list[dict[str, Any]]:
        """Run a read query in a managed read transaction; each record becomes a dict.

        ``timeout`` (seconds) makes the server stop the query, raising :class:`QueryTimeout`."""

        @neo4j.unit_of_work(timeout=timeout)
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(query, params)]

        with self._session() as session:
            try:
                return session.execute_read(work)
            except neo4j.exceptions.ClientError as error:
                # Neo4j 5 says TransactionTimedOut, or TransactionTimedOutClientConfiguration
                # for a limit the client set
                if timeout and "TimedOut" in (error.code or ""):
                    raise QueryTimeout(f"the query took longer than {timeout} s") from None
                raise

    def stream(self, query: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Yield the records of a large read one at a time, without holding them all."""
        with self._session() as session:
            for record in session.run(query, params):  # type: ignore[arg-type]
                yield record.data()

    def read_one(self, query: str, **params: Any) -> dict[str, Any] | None:
        rows = self.read(query, **params)
        return rows[0] if rows else None

    def write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run one write query in a managed write transaction and return its records."""

        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(query, params)]

        with self._session() as session:
            return session.execute_write(work)

    def write_all(
        self,
        statements: Sequence[tuple[str, dict[str, Any]]],
        *,
        check: Callable[[int, list[dict[str, Any]]], None] | None = None,
    ) -> list[list[dict[str, Any]]]:
        """Run ``statements`` (query, parameters) in order in one write transaction: all of them
        take effect or none does. ``check(index, records)`` runs after each statement; an
        exception it raises rolls the transaction back and reaches the caller."""

        def work(tx: neo4j.ManagedTransaction) -> list[list[dict[str, Any]]]:
            results = []
            for index, (query, params) in enumerate(statements):
                records = [record.data() for record in tx.run(query, params)]
                if check:
                    check(index, records)
                results.append(records)
            return results

        with self._session() as session:
            return session.execute_write(work)

    def run_autocommit(self, query: str, **params: Any) -> None:
        """Run a query in an auto-commit transaction, as Neo4j requires for schema commands and
        for ``CALL { … } IN TRANSACTIONS``."""
        with self._session() as session:
            session.run(query, params).consume()  # type: ignore[arg-type]

    def write_batches(
        self,
        query: str,
        rows: Iterable[dict[str, Any]],
        *,
        batch_size: int | None = None,
        **params: Any,
    ) -> WriteSummary:
        """Write ``rows`` with ``query`` (which reads them as ``UNWIND $rows AS row``), one
        explicit write transaction a batch. A failed batch is retried whole by the driver; the
        query should MERGE so that a retried or repeated batch changes nothing twice."""
        if "$rows" not in query:
            raise ValueError("a batched write query must read its rows from $rows")
        summary = WriteSummary()

        def work(tx: neo4j.ManagedTransaction, batch: list[dict[str, Any]]) -> Any:
            return tx.run(query, {**params, "rows": batch}).consume().counters

        with self._session() as session:
            for batch in chunked(rows, batch_size or self.batch_size):
                summary.add(session.execute_write(work, batch), len(batch))
        return summary


def is_client_error(error: Exception) -> bool:
    """True for a Neo4j error caused by the query or data (a constraint, a syntax error)."""
    return isinstance(error, Neo4jError) and (error.code or "").startswith("Neo.ClientError")


ConstraintError = neo4j.exceptions.ConstraintError
