"""Run ``neo4j-admin database import full`` on the local server's store, and the steps around it.

The importer writes a whole database at once from files, with the server stopped, so a bulk
load is only for LeadGraph's own local server (it needs the store files) and only into an empty
database (the import replaces it). :func:`require_local` and :func:`check_empty` refuse anything else before a single
file is read; :func:`import_files` stops the server, imports, starts it again on the same port;
:func:`apply_patches` sets what the CSV files could not carry (:mod:`graph.db.bulk_files`).

The importer runs with the same Java, jars and JVM flags as the server
(:mod:`graph.db.local_neo4j`), its heap and off-heap memory capped (``heap``,
``max_off_heap``) so that it cannot take the machine.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graph.core.errors import UserError
from graph.core.model import ENTITY_LABEL, identifier
from graph.core.private import private_folder, write_private
from graph.core.settings import Settings
from graph.db import local_neo4j
from graph.db.bulk_files import ARRAY_DELIMITER_FLAG, ImportFiles, Patch
from graph.db.schema import META_LABEL
from graph.db.store import GraphStore

DATABASE = "neo4j"  # the local server's one user database
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
PATCH_BATCH = 5_000
OWN_LABELS = {"Statement", "Org", "Submission", "SubmissionKeys"}  # not entities

ANY_NODE = f"MATCH (n) WHERE NOT n:{META_LABEL} RETURN labels(n) AS labels LIMIT 1"
NODE_COUNT = f"MATCH (n) WHERE NOT n:{META_LABEL} RETURN count(n) AS n"


@dataclass(frozen=True)
class ImportMemory:
    """The importer's memory caps: its JVM heap and its off-heap (page cache and buffers)."""

    heap: str = "1g"
    max_off_heap: str = "2g"


def require_local(config: Settings) -> None:
    """Refuse a bulk load into a server LeadGraph did not start: the importer writes the store
    files, with the server stopped."""
    if not config.uses_local_server:
        raise UserError(
            f"bulk-load needs LeadGraph's own local Neo4j (its store files, the server stopped); "
            f"NEO4J_URI names another server ({config.neo4j_uri}): use `leadgraph ingest` there"
        )


def check_empty(store: GraphStore) -> None:
    """Refuse a database that holds anything but the schema: the import would replace it all."""
    found = store.read_one(ANY_NODE)
    if found is not None:
        count = store.read_one(NODE_COUNT)
        total = count["n"] if count else "some"
        raise UserError(
            f"bulk-load writes a new database and this one is not empty ({total} nodes, e.g. "
            f"{':'.join(found['labels'])}); load more files with `leadgraph ingest`, or start "
            "from an empty LeadGraph home"
        )


def import_command(config: Settings, files: ImportFiles, memory: ImportMemory) -> list[str]:
    lib = local_neo4j.ensure_jars()
    command = [
        config.java,
        *local_neo4j.JVM_FLAGS,
        f"-Xmx{memory.heap}",
        "-cp",
        f"{lib}/*",
        ADMIN_TOOL,
        "database",
        "import",
        "full",
        DATABASE,
        "--overwrite-destination=true",
        "--multiline-fields=true",
        f"--array-delimiter={ARRAY_DELIMITER_FLAG}",
        f"--max-off-heap-memory={memory.max_off_heap}",
        f"--report-file={files.folder / 'import.report'}",
    ]
    command += [f"--nodes={':'.join(labels)}={path}" for labels, path in files.nodes]
    command += [f"--relationships={link_type}={path}" for link_type, path in files.links]
    return command


def import_files(
    config: Settings, files: ImportFiles, memory: ImportMemory | None = None
) -> dict[str, float]:
    """Stop the local server, import ``files`` as its database, start it again on the same
    port; returns the seconds of each (``stop``, ``import``, ``start``). The importer's output
    goes to ``import.log`` beside the files, and its last lines into the error when it fails."""
    memory = memory or ImportMemory()
    port = local_neo4j.state(config).port or config.local_port
    phases: dict[str, float] = {}
    started = time.perf_counter()
    local_neo4j.stop(config)
    phases["stop"] = time.perf_counter() - started
    conf = private_folder(files.folder / "conf")
    write_private(conf / "neo4j.conf", "")  # the defaults: the store under NEO4J_HOME/data
    env = {**os.environ, "NEO4J_HOME": str(config.server_dir), "NEO4J_CONF": str(conf)}
    log = files.folder / "import.log"
    started = time.perf_counter()
    with log.open("wb") as out:
        done = subprocess.run(
            import_command(config, files, memory),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            umask=local_neo4j.SERVER_UMASK,
            check=False,
        )
    phases["import"] = time.perf_counter() - started
    started = time.perf_counter()
    local_neo4j.start(config, port=port)  # after a failure, on the old (empty) database
    phases["start"] = time.perf_counter() - started
    if done.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:])
        raise UserError(f"neo4j-admin import failed (exit {done.returncode}); see {log}:\n{tail}")
    return phases


def _node_patch_query(label: str, id_name: str) -> str:
    match = label if label in OWN_LABELS else ENTITY_LABEL
    return f"""
UNWIND $rows AS row
MATCH (n:{identifier(match)} {{{identifier(id_name)}: row.id}})
SET n += row.props
"""


def _link_patch_query(link_type: str) -> str:
    return f"""
UNWIND $rows AS row
MATCH (a:{ENTITY_LABEL} {{key: row.start}})-[r:{identifier(link_type)}]->(b:{ENTITY_LABEL} {{key: row.end}})
SET r += row.props
"""


def apply_patches(store: GraphStore, patches: Iterable[Patch]) -> int:
    """Set the properties the import files could not carry (streamed: ``PATCH_BATCH`` rows of
    a query at a time); returns how many were set."""
    by_query: dict[str, list[dict[str, Any]]] = {}
    count = 0
    for patch in patches:
        count += 1
        if patch.link is not None:
            link_type, start, end = patch.link
            row: dict[str, Any] = {"start": start, "end": end, "props": patch.props}
            query = _link_patch_query(link_type)
        else:
            assert patch.label and patch.id_name
            row = {"id": patch.identifier, "props": patch.props}
            query = _node_patch_query(patch.label, patch.id_name)
        rows = by_query.setdefault(query, [])
        rows.append(row)
        if len(rows) >= PATCH_BATCH:
            store.write(query, rows=rows)
            by_query[query] = []
    for query, rows in by_query.items():
        if rows:
            store.write(query, rows=rows)
    return count
