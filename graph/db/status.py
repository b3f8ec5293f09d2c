"""What is in the database: server version, schema version, node and link counts.

Counts use Neo4j's count store (``MATCH (n:Label) RETURN count(n)`` with a literal label), so a
status of a database with millions of nodes answers in milliseconds. Labels and types come from
the model, never from input.
"""

from __future__ import annotations

from typing import Any

from graph.core.model import ENTITY_LABEL, identifier, load_model
from graph.db.schema import recorded_version
from graph.db.store import GraphStore

SERVER_VERSION = (
    "CALL dbms.components() YIELD name, versions, edition "
    "RETURN name, versions[0] AS version, edition"
)
TOTAL_NODES = "MATCH (n) RETURN count(n) AS count"
TOTAL_LINKS = "MATCH ()-[r]->() RETURN count(r) AS count"


def _label_count_query(label: str) -> str:
    return f"MATCH (n:{identifier(label)}) RETURN count(n) AS count"


def _type_count_query(link_type: str) -> str:
    return f"MATCH ()-[r:{identifier(link_type)}]->() RETURN count(r) AS count"


def node_counts(store: GraphStore) -> dict[str, int]:
    labels = [*load_model().nodes, ENTITY_LABEL]
    return {label: store.read(_label_count_query(label))[0]["count"] for label in labels}


def link_counts(store: GraphStore) -> dict[str, int]:
    return {
        link_type: store.read(_type_count_query(link_type))[0]["count"]
        for link_type in load_model().links
    }


def database_status(store: GraphStore) -> dict[str, Any]:
    """Everything `leadgraph db status` reports, as plain data."""
    server = store.read(SERVER_VERSION)[0]
    return {
        "uri": store.uri,
        "server": {
            "name": server["name"],
            "version": server["version"],
            "edition": server["edition"],
        },
        "schema_version": recorded_version(store),
        "nodes_total": store.read(TOTAL_NODES)[0]["count"],
        "relationships_total": store.read(TOTAL_LINKS)[0]["count"],
        "nodes": node_counts(store),
        "relationships": link_counts(store),
    }
