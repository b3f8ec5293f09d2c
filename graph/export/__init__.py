"""Court-ready export packages: a lead bundle in, a signed folder or zip out, and its verifier.

Nothing here talks to Neo4j: ``graph.evidence.leads.lead_bundle`` gathers the plain data, and
:func:`graph.export.package.export_package` turns it into files.
"""
