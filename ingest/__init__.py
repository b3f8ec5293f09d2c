"""Clue files into the graph: read (CSV/XLSX/JSON, any encoding), map headers, validate and
normalise each row into records, then :func:`ingest.submit.submit_file` writes them through the
graph's writer, keeps the quarantine report and audits the submission.

Readers and validators know nothing of Neo4j; only ``submit`` holds a writer.
"""
