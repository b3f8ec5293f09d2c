"""Constraints, indexes and the recorded schema version, all derived from ``graph/core/model.yaml``.

``init_schema`` is idempotent: every statement uses ``IF NOT EXISTS`` and the version node is
MERGEd, so running it twice changes nothing. A database whose recorded version is newer than this
code refuses to start rather than be written by an older LeadGraph; a future version adds a step
to ``MIGRATIONS`` to move data explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graph.core import settings
from graph.core.errors import UserError
from graph.core.model import ENTITY_LABEL, Model, identifier, load_model
from graph.db.store import GraphStore

META_LABEL = "LeadGraphMeta"

READ_VERSION = f"MATCH (m:{META_LABEL} {{id: 'schema'}}) RETURN m.version AS version"
WRITE_VERSION = (
    f"MERGE (m:{META_LABEL} {{id: 'schema'}}) "
    "ON CREATE SET m.created_at = datetime() "
    "SET m.version = $version"
)


def _statements_query(label: str, values: tuple[str, ...]) -> str:
    """Version 1 kept one set of values on each entity, written by whoever wrote last. Version 2
    keeps each party's values in its own Statement: the values found on a version-1 node become
    a Statement of the org whose submission first named the node (the closest the old data can
    say), with the rows its sources give; the node's values are then that org's."""
    projection = ", ".join(f".{identifier(v)}" for v in values)
    return f"""
MATCH (n:{identifier(label)})
WHERE n.values_org IS NULL AND size(coalesce(n.submissions, [])) > 0
  AND any(v IN {list(values)!r} WHERE n[v] IS NOT NULL)
CALL (n) {{
  MATCH (s:Submission {{id: n.submissions[0]}})
  MERGE (st:Statement {{key: 'stmt:' + s.id + ':' + n.key}})
    ON CREATE SET st.org = s.org, st.submission = s.id, st.entity = n.key,
                  st.at = s.received_at, st.migrated_from = 1
  SET st += n {{{projection}}},
      st.rows = [x IN coalesce(n.sources, []) WHERE x STARTS WITH s.id + '#'
                 | toInteger(split(x, '#')[1])]
  MERGE (st)-[:ABOUT]->(n)
  SET n.values_org = s.org
}} IN TRANSACTIONS OF 5000 ROWS
"""


def _migrate_to_statements(store: GraphStore) -> None:
    for node in load_model().nodes.values():
        if node.entity and node.values:
            store.run_autocommit(_statements_query(node.label, node.values))


# version -> step that moves a database from version-1 to version.
MIGRATIONS: dict[int, Callable[[GraphStore], None]] = {2: _migrate_to_statements}


@dataclass(frozen=True)
class SchemaReport:
    version_before: int | None
    version_after: int
    statements: int


def natural_key_constraint(label: str, keys: tuple[str, ...]) -> tuple[str, str]:
    """The name of the uniqueness constraint on a label's model keys, and its statement."""
    name = f"{label.lower()}_{'_'.join(keys)}"
    columns = ", ".join(f"n.{identifier(k)}" for k in keys)
    target = columns if len(keys) == 1 else f"({columns})"
    return (
        name,
        f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE {target} IS UNIQUE",
    )


def schema_statements(model: Model) -> list[str]:
    """One CREATE CONSTRAINT / INDEX statement for each key and index in the model.

    An entity's model keys get no constraint of their own: its ``key`` is the label's prefix and
    those keys (``phone:+86…``, ``complaint:<source>:<id>``), unique by ``entity_key``, so a second
    uniqueness index on them would only cost every write (bench/incremental_writes.py measures it)
    and no reader looks an entity up by them. Databases made before drop theirs."""
    statements = [
        f"CREATE CONSTRAINT entity_key IF NOT EXISTS "
        f"FOR (n:{ENTITY_LABEL}) REQUIRE n.key IS UNIQUE",
        f"CREATE CONSTRAINT meta_id IF NOT EXISTS FOR (n:{META_LABEL}) REQUIRE n.id IS UNIQUE",
    ]
    for node in model.nodes.values():
        label = identifier(node.label)
        name, create = natural_key_constraint(label, node.keys)
        statements.append(f"DROP CONSTRAINT {name} IF EXISTS" if node.entity else create)
        if not node.entity:
            # Non-entity nodes are found by their key string too (e.g. `lead:<id>`).
            statements.append(
                f"CREATE CONSTRAINT {label.lower()}_key IF NOT EXISTS "
                f"FOR (n:{label}) REQUIRE n.key IS UNIQUE"
            )
        for prop in node.indexes:
            statements.append(
                f"CREATE INDEX {label.lower()}_{identifier(prop)} IF NOT EXISTS "
                f"FOR (n:{label}) ON (n.{prop})"
            )
    # Fuzzy name search (graph/evidence/search.py): each party's stated names, Chinese read as
    # overlapping character pairs.
    statements.append(
        "CREATE FULLTEXT INDEX statement_name IF NOT EXISTS FOR (n:Statement) ON EACH [n.name] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
    )
    # The intermediary scores as last computed (graph/evidence/scorestate.py): found by key,
    # and the seeds by score.
    statements += [
        "CREATE CONSTRAINT entityscore_key IF NOT EXISTS FOR (n:EntityScore) REQUIRE n.key IS UNIQUE",
        "CREATE INDEX entityscore_score IF NOT EXISTS FOR (n:EntityScore) ON (n.score)",
    ]
    # The facts ring finding keeps about each entity, and the communities of each component of the
    # ring graph (graph/evidence/ringfacts.py), by key and by signature.
    statements.append(
        "CREATE CONSTRAINT ringfacts_key IF NOT EXISTS FOR (n:RingFacts) REQUIRE n.key IS UNIQUE"
    )
    statements.append(
        "CREATE CONSTRAINT ringcommunities_signature IF NOT EXISTS "
        "FOR (n:RingCommunities) REQUIRE n.signature IS UNIQUE"
    )
    # The kept ring index (graph/evidence/ringregion.py): its nodes by key and by component, its
    # items by key.
    statements += [
        "CREATE CONSTRAINT ringnode_key IF NOT EXISTS FOR (n:RingNode) REQUIRE n.key IS UNIQUE",
        "CREATE INDEX ringnode_component IF NOT EXISTS FOR (n:RingNode) ON (n.component)",
        "CREATE CONSTRAINT ringitem_key IF NOT EXISTS FOR (n:RingItem) REQUIRE n.key IS UNIQUE",
    ]
    # The keys each submission's batches wrote (graph/db/writer.py RECORD_KEYS), by submission.
    statements += [
        "CREATE CONSTRAINT submissionkeys_id IF NOT EXISTS "
        "FOR (n:SubmissionKeys) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX submissionkeys_submission IF NOT EXISTS "
        "FOR (n:SubmissionKeys) ON (n.submission)",
    ]
    return statements


def recorded_version(store: GraphStore) -> int | None:
    row = store.read_one(READ_VERSION)
    return None if row is None or row["version"] is None else int(row["version"])


def init_schema(store: GraphStore, model: Model | None = None) -> SchemaReport:
    """Create every constraint and index, run pending migrations, record the version."""
    model = model or load_model()
    before = recorded_version(store)
    if before is not None and before > model.schema_version:
        raise UserError(
            f"the database has schema version {before}, newer than this LeadGraph "
            f"({model.schema_version}); upgrade LeadGraph before writing to it"
        )
    statements = schema_statements(model)
    for statement in statements:
        store.run_autocommit(statement)
    store.run_autocommit("CALL db.awaitIndexes(300)")
    for version in range((before or 0) + 1, model.schema_version + 1):
        if before is not None and version in MIGRATIONS:
            MIGRATIONS[version](store)
    store.write(WRITE_VERSION, version=model.schema_version)
    return SchemaReport(before, model.schema_version, len(statements))


def existing_constraints(store: GraphStore) -> list[dict[str, object]]:
    return store.read(
        "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties, type "
        "RETURN name, labelsOrTypes, properties, type ORDER BY name"
    )


WIPE_DATA = (
    f"MATCH (n) WHERE NOT n:{META_LABEL} "
    "CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
)


def wipe_data(store: GraphStore, config: settings.Settings | None = None) -> None:
    """Delete every node and link but keep the schema and its version (tests, benchmarks).

    The audit log goes with the data, so its seal in the state folder goes too and the next
    append starts a fresh log. (Whoever deletes the log with Cypher cannot remove the seal, and
    ``leadgraph audit verify`` then names what is missing.)
    """
    store.run_autocommit(WIPE_DATA)
    (config or settings.load()).audit_seal_file.unlink(missing_ok=True)
