"""The bulk first load: every file of a new installation through ``neo4j-admin import``.

``leadgraph bulk-load`` gives the same graph as ``leadgraph ingest`` of the same files in the
same order, in a fraction of the time, but only into an empty database of the local server:

1. refuse an external server or a database that is not empty (before reading any file);
2. read every file through the one ingest pipeline (``ingest.pipeline.iter_file``: validation,
   normalisation, entity resolution, quarantine), each file one submission with its quarantine
   report, the rows folded by :class:`graph.db.bulk_state.BulkWriter` as the transactional
   writer would write them, spilling to sorted runs on disk so memory stays bounded;
3. write the import files (:mod:`graph.db.bulk_files`), stop the server, import, start it
   (:mod:`graph.db.bulk_import`), create the schema, set what the files could not carry;
4. for each submission, in order, what ``ingest.submit`` does once the rows are in: its
   ``ingest`` audit entry (through ``graph.workflow.audit``, so the chain holds), the watches,
   its analysis job.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.core import settings
from graph.core.errors import UserError
from graph.db import local_neo4j
from graph.db.bulk_files import read_patches
from graph.db.bulk_import import (
    ImportMemory,
    apply_patches,
    check_empty,
    import_files,
    require_local,
)
from graph.db.bulk_state import BulkGraph, BulkWriter, set_created
from graph.db.schema import init_schema
from graph.db.store import GraphStore
from graph.workflow.auth import operator
from ingest.pipeline import iter_file
from ingest.quarantine import write_report
from ingest.submit import after_landing, new_submission, summarise

PARSE_WORKERS = 2  # the machine's cores: rows are parsed in forked workers, in file order


@dataclass(frozen=True)
class Step:
    """One file of a bulk load: what it holds, and which organisation submits it."""

    kind: str
    path: Path
    org: str


def bulk_load(
    steps: Sequence[Step],
    *,
    user: str | None = None,
    actor: str | None = None,
    via: str = "cli",
    mapping: Path | None = None,
    grade: str | None = None,
    config: settings.Settings | None = None,
    memory: ImportMemory | None = None,
    workers: int = PARSE_WORKERS,
    on_file: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Load ``steps`` (in this order) into the empty database of the local server; returns
    the summaries of the files (as ``ingest --json`` gives them) and the seconds of each phase.
    ``on_file`` is told each file's summary once it is read."""
    config = config or settings.load()
    started = time.perf_counter()
    if not steps:
        raise UserError("bulk-load needs at least one KIND=FILE")
    require_local(config)
    submissions = []
    seen: dict[str, Path] = {}
    for step in steps:
        if not step.path.is_file():
            raise UserError(f"{step.path}: no such file")
        info = new_submission(step.kind, step.path, org=step.org, user=user, via=via, grade=grade)
        if info.id in seen:
            raise UserError(
                f"{step.path}: the same file as {seen[info.id]} (same kind, org and content); "
                "give each file once"
            )
        seen[info.id] = step.path
        submissions.append(info)
    local_neo4j.start(config)  # or find it running
    with GraphStore.open(config) as store:
        check_empty(store)

    folder = config.state_folder("bulk-load")
    try:
        graph = BulkGraph(folder / "runs")
        summaries, reports = [], []
        for step, info in zip(steps, submissions, strict=True):
            file_started = time.perf_counter()
            items = iter_file(
                step.kind,
                step.path,
                source=info.org,
                hashing_key=config.hashing_key(),
                mapping=mapping,
                workers=workers,
            )
            with BulkWriter(graph, info, batch_rows=config.batch_size) as writer:
                for item in items:
                    writer.add(item)
                report_folder = config.state_folder("submissions", info.id)
                csv_path, _ = write_report(writer.report.quarantine, report_folder)
                writer.quarantine_report = str(csv_path)
            summary = summarise(step.path, info, writer.report, csv_path, file_started)
            summaries.append(summary)
            reports.append(writer.report)
            if on_file:
                on_file(summary)
        parsed = time.perf_counter()

        files = graph.write_files(folder / "files")
        for info, report in zip(submissions, reports, strict=True):
            set_created(graph, info.id, report)
        del graph  # the import files hold it now
        prepared = time.perf_counter()
        phases = import_files(config, files, memory)
        imported = time.perf_counter()
        with GraphStore.open(config) as store:
            init_schema(store)
            apply_patches(store, read_patches(files))
            who = actor or user or operator().username
            for step, info, summary, report in zip(
                steps, submissions, summaries, reports, strict=True
            ):
                after_landing(
                    store, step.path, info, summary, report, who=who, via=via, config=config
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    done = time.perf_counter()
    return {
        "files": summaries,
        "nodes": files.node_count,
        "links": files.link_count,
        "patched": files.patch_count,
        "seconds": {
            "parse": round(parsed - started, 3),
            "prepare": round(prepared - parsed, 3),
            "stop": round(phases["stop"], 3),
            "import": round(phases["import"], 3),
            "start": round(phases["start"], 3),
            "schema_and_rest": round(done - imported, 3),
            "total": round(done - started, 3),
        },
    }
