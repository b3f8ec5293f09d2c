"""Neo4j side of LeadGraph: settings, the store, schema, queries, analytics and the local server."""
