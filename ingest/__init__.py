"""Reading clue files: readers, validation, normalisation, resolution and text intelligence.

Nothing here talks to Neo4j; the loader hands batches of rows to ``graph.store``.
"""
