"""The graph store and schema against the real Neo4j."""

from __future__ import annotations

import pytest
from support import is_server_version

from graph.core import settings
from graph.core.model import load_model
from graph.db import local_neo4j
from graph.db.schema import (
    existing_constraints,
    init_schema,
    natural_key_constraint,
    recorded_version,
)
from graph.db.status import database_status
from graph.db.store import ConstraintError, GraphStore, QueryTimeout, chunked, chunked_by_weight

# Merged by the entity key, which the schema indexes (entity_key), as the writer merges.
MERGE_PHONES = (
    "UNWIND $rows AS row MERGE (p:Entity {key: 'phone:' + row.e164}) "
    "SET p:Phone, p.e164 = row.e164, p.n = row.n"
)
COUNT_PHONES = "MATCH (p:Phone) RETURN count(p) AS n, count(DISTINCT p.e164) AS distinct_keys"


def phone_rows(count: int) -> list[dict[str, object]]:
    return [{"e164": f"+86138{n:08d}", "n": n} for n in range(count)]


def test_every_model_key_has_a_constraint(store: GraphStore) -> None:
    constraints = existing_constraints(store)
    covered = {(tuple(c["labelsOrTypes"]), tuple(c["properties"])) for c in constraints}
    for node in load_model().nodes.values():
        # an entity's key is its prefix and model keys, unique by the one Entity constraint
        assert node.entity or ((node.label,), node.keys) in covered, node.label
        assert not node.entity or ((node.label,), node.keys) not in covered, node.label
    assert (("Entity",), ("key",)) in covered


def test_constraint_rejects_a_duplicate_key(store: GraphStore) -> None:
    phone = "CREATE (:Entity:Phone {key: 'phone:' + $e164, e164: $e164})"
    store.write(phone, e164="+8613800138000")
    with pytest.raises(ConstraintError):
        store.write(phone, e164="+8613800138000")
    with pytest.raises(ConstraintError):
        store.write("CREATE (:Entity {key: $k}), (:Entity {key: $k})", k="phone:+861")
    store.write("CREATE (:Lead {id: 'l1', key: 'lead:l1'})")
    with pytest.raises(ConstraintError):
        store.write("CREATE (:Lead {id: 'l1', key: 'lead:other'})")


def test_a_database_made_before_loses_the_redundant_constraints(store: GraphStore) -> None:
    store.run_autocommit(natural_key_constraint("Phone", ("e164",))[1])
    assert any(c["name"] == "phone_e164" for c in existing_constraints(store))
    init_schema(store)
    assert not any(c["name"] == "phone_e164" for c in existing_constraints(store))


def test_init_twice_changes_nothing(store: GraphStore) -> None:
    before = existing_constraints(store)
    report = init_schema(store)
    assert report.version_before == load_model().schema_version
    assert existing_constraints(store) == before
    assert recorded_version(store) == load_model().schema_version
    assert database_status(store)["nodes_total"] == 1  # only the schema version node


def test_init_refuses_a_newer_database(store: GraphStore) -> None:
    from graph.core.errors import UserError

    store.write("MATCH (m:LeadGraphMeta {id: 'schema'}) SET m.version = 999")
    try:
        with pytest.raises(UserError, match="newer"):
            init_schema(store)
    finally:
        store.write(
            "MATCH (m:LeadGraphMeta {id: 'schema'}) SET m.version = $v",
            v=load_model().schema_version,
        )


def test_hundred_thousand_rows_land_exactly_once(store: GraphStore) -> None:
    rows = phone_rows(100_000)
    first = store.write_batches(MERGE_PHONES, iter(rows), batch_size=7_777)
    assert first.rows == 100_000
    assert first.batches == 13  # 12 full batches of 7,777 and one of 6,676
    assert first.counters["nodes_created"] == 100_000
    again = store.write_batches(MERGE_PHONES, rows, batch_size=20_000)
    assert again.counters["nodes_created"] == 0
    assert store.read(COUNT_PHONES) == [{"n": 100_000, "distinct_keys": 100_000}]


def test_write_batches_needs_rows_parameter(store: GraphStore) -> None:
    with pytest.raises(ValueError, match=r"\$rows"):
        store.write_batches("MERGE (p:Phone {e164: '1'})", [{}])


def test_chunked_by_weight_keeps_order_and_the_limit() -> None:
    weights = [3, 4, 2, 9, 1, 1, 5]
    batches = list(chunked_by_weight(weights, lambda w: w, 7))
    assert batches == [[3, 4], [2], [9], [1, 1, 5]]  # 9 is over the limit: alone
    assert [w for batch in batches for w in batch] == weights
    assert list(chunked_by_weight([], len, 5)) == []


def test_chunked_is_lazy_and_exact() -> None:
    assert [len(b) for b in chunked(iter(range(10)), 4)] == [4, 4, 2]
    assert list(chunked([], 3)) == []
    with pytest.raises(ValueError):
        list(chunked([1], 0))


def test_hostile_strings_are_data(store: GraphStore) -> None:
    hostile = "'}) MATCH (n) DETACH DELETE n //<script>alert(1)</script>"
    store.write_batches(MERGE_PHONES, [{"e164": hostile, "n": 1}, {"e164": "+1", "n": 2}])
    assert store.read(COUNT_PHONES)[0]["n"] == 2
    assert store.read("MATCH (p:Phone {e164: $e}) RETURN p.n AS n", e=hostile) == [{"n": 1}]


def test_store_recovers_when_the_server_restarts(neo4j_server: settings.Settings) -> None:
    if not neo4j_server.uses_local_server:
        pytest.skip("restarts only the local server this session owns")
    with GraphStore.open(neo4j_server) as store:
        store.write("MERGE (:LeadGraphMeta {id: 'restart-probe'})")
        port = local_neo4j.state(neo4j_server).port
        local_neo4j.stop(neo4j_server)
        local_neo4j.start(neo4j_server, port=port)
        # The same store object: the driver reconnects and the managed transaction retries.
        store.write("MATCH (m:LeadGraphMeta {id: 'restart-probe'}) SET m.seen = true")
        row = store.read_one("MATCH (m:LeadGraphMeta {id: 'restart-probe'}) RETURN m.seen AS seen")
        assert row == {"seen": True}
        store.write("MATCH (m:LeadGraphMeta {id: 'restart-probe'}) DELETE m")


def test_local_server_refuses_the_default_password(neo4j_server: settings.Settings) -> None:
    if not neo4j_server.uses_local_server:
        pytest.skip("only the local server's password is generated here")
    from graph.core.errors import StoreUnavailable

    uri = local_neo4j.state(neo4j_server).uri
    assert uri
    store = GraphStore(uri, ("neo4j", "neo4j"))
    try:
        with pytest.raises(StoreUnavailable, match="refused"):
            store.verify()
    finally:
        store.close()
    assert neo4j_server.password_file.stat().st_mode & 0o777 == 0o600
    assert len(neo4j_server.password_file.read_text().strip()) >= 32


def test_status_reports_version_and_counts(store: GraphStore) -> None:
    store.write_batches(MERGE_PHONES, phone_rows(3))
    status = database_status(store)
    assert is_server_version(status["server"]["version"])
    assert status["nodes"]["Phone"] == 3
    assert status["relationships"]["CALLED"] == 0
    assert status["schema_version"] == load_model().schema_version


def test_a_read_past_its_time_limit_is_a_query_timeout(store: GraphStore) -> None:
    """A trace stopped by its time limit must reach the user as one clear line (a UserError),
    not as an internal error."""
    slow = "UNWIND range(1, 200000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS n"
    with pytest.raises(QueryTimeout, match=r"longer than 0\.2 s"):
        store.read(slow, timeout=0.2)
    assert store.read("RETURN 1 AS one") == [{"one": 1}]  # the store is still usable
