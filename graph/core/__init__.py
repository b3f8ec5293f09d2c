"""The pure core every layer may use: settings, errors, limits, the clock, the domain model,
the records ingest hands to the writer, and the installation's signing key. Nothing here talks
to Neo4j."""
