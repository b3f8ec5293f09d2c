"""The database: the store (the only module that imports the Neo4j driver), schema, the
submission writer, status, snapshots and the local Neo4j launcher."""
