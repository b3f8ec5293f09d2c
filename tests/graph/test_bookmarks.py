"""Causal consistency across stores (issue 20, "any Neo4j"): a read sees a write just made
through another store of the process, on whichever server the tests are given — under
``make test`` a server they did not start, reached over ``neo4j://`` routing, where a read may go
to a cluster member other than the writer's unless it carries the write's bookmarks."""

from __future__ import annotations

from graph.core import settings
from graph.db import bookmarks
from graph.db.store import GraphStore

SET_PROBE = "MERGE (p:Phone {e164: '+8613800000000'}) SET p.n = $n"
READ_PROBE = "MATCH (p:Phone {e164: '+8613800000000'}) RETURN p.n AS n"


def test_a_second_store_reads_the_write_of_the_first(
    store: GraphStore, neo4j_server: settings.Settings
) -> None:
    with GraphStore.open(neo4j_server) as writer, GraphStore.open(neo4j_server) as reader:
        assert writer.bookmark_manager is reader.bookmark_manager
        seen = set(reader.bookmark_manager.get_bookmarks())
        for n in range(20):
            writer.write(SET_PROBE, n=n)
            now = set(reader.bookmark_manager.get_bookmarks())
            assert now and now != seen, "the write left no new bookmark for the reader"
            seen = now
            assert reader.read_one(READ_PROBE) == {"n": n}
            assert list(reader.stream(READ_PROBE)) == [{"n": n}]


def test_each_server_and_database_keeps_its_own_chain() -> None:
    """Bookmarks name one database's transactions: stores of other servers or databases keep
    their own, and a forgotten chain (a local server started over other data) is not reused."""
    auth = ("neo4j", "unused")
    stores = [
        GraphStore("neo4j://127.0.0.1:1", auth, database="neo4j"),
        GraphStore("neo4j://127.0.0.1:1", auth, database="neo4j"),
        GraphStore("neo4j://127.0.0.1:1", auth, database="other"),
        GraphStore("bolt://127.0.0.1:1", auth, database="neo4j"),
    ]
    try:
        first, same, other_database, other_server = (s.bookmark_manager for s in stores)
        assert first is same
        assert first is not other_database and first is not other_server
        bookmarks.forget_all()
        assert stores[0].bookmark_manager is not first
        assert stores[0].bookmark_manager is stores[1].bookmark_manager
    finally:
        for one in stores:
            one.close()
