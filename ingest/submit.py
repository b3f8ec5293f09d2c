"""Submitting one clue file: the one ingest flow, the same from every door.

read → map headers → validate → records (``ingest.pipeline``) → the graph's
:class:`~graph.db.writer.SubmissionWriter` → quarantine report → one ``ingest`` audit entry →
the notifications of the watches it touches (``graph.workflow.watch``) → its analysis job
queued (``graph.workflow.jobs``) →
the raw file deleted if it was a workbench upload (``ingest.uploads``, audited).

The CLI (``leadgraph ingest``), the workbench's submit page and the demo loader all call
:func:`submit_file`, each naming itself (``via``) and who acts (``actor``), so a submission is
audited the same way whichever door it came through.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.core import settings
from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.db.writer import LoadReport, SubmissionInfo, SubmissionWriter
from graph.text import contacts
from graph.text.context import model_version
from graph.text.slang import lexicon_version
from graph.workflow import audit, jobs, watch
from graph.workflow.auth import operator
from ingest import uploads
from ingest.background import can_fork, iter_file_in_background
from ingest.kinds import KIND_NAMES
from ingest.parallel import can_use_workers
from ingest.pipeline import iter_file
from ingest.quarantine import write_report

KINDS = KIND_NAMES
DOORS = ("cli", "workbench", "demo")
GRADE = re.compile(r"^[A-E][1-5]$")
# Files of at least this size (some 10,000 complaint rows, a write batch) are parsed by
# `config.parse_workers` forked workers (ingest/parallel.py), or with one worker in a child
# process (ingest/background.py), while the batches are written; a smaller file is one batch,
# so nothing would overlap, and forking would cost more than it saves.
BACKGROUND_PARSE_BYTES = 8 * 1024 * 1024
# Rows the workers may parse ahead of the writer, in write batches: the next batch is parsed
# while the one before is written.
AHEAD_BATCHES = 2


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        raise UserError(f"{path}: cannot read the file: {error.strerror}") from None
    return digest.hexdigest()


def submit_file(
    store: GraphStore,
    kind: str,
    path: Path,
    *,
    org: str,
    user: str | None = None,
    actor: str | None = None,
    via: str = "cli",
    mapping: Path | None = None,
    sheet: str | None = None,
    grade: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    config: settings.Settings | None = None,
    background: bool | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """Ingest one file as one submission, audit it, and return its summary (what ``--json``
    prints).

    ``user`` is the submitting analyst the Submission records; ``actor`` who the audit entry
    names (default: ``user``, else the person at the command line, ``cli:<login>``); ``via`` the
    door (``cli``, ``workbench``, ``demo``). ``workers`` above 1 parses the file in that many
    forked workers, ``background`` (with one worker) in a child process, while the batches are
    written; by default a file of at least ``BACKGROUND_PARSE_BYTES`` is parsed by
    ``config.parse_workers`` workers (``LEADGRAPH_PARSE_WORKERS``) where the platform can fork.
    Every way yields the same items in the same order, so the graph and the summary are the
    same.
    """
    config = config or settings.load()
    started = time.perf_counter()
    path = Path(path)
    submission = new_submission(kind, path, org=org, user=user, via=via, grade=grade)
    org = submission.org
    large = path.stat().st_size >= BACKGROUND_PARSE_BYTES
    if workers is None:
        workers = config.parse_workers if large else 1
    if background is None:
        background = can_fork() and large
    options: dict[str, Any] = {"source": org, "hashing_key": config.hashing_key(),
                               "mapping": mapping, "sheet": sheet}  # fmt: skip
    if workers > 1 and can_use_workers():
        items = iter_file(kind, path, workers=workers,
                          ahead_rows=AHEAD_BATCHES * store.batch_size, **options)  # fmt: skip
    elif background:
        items = iter_file_in_background(kind, path, **options)
    else:
        items = iter_file(kind, path, **options)
    with SubmissionWriter(store, submission, on_progress=on_progress) as writer:
        # the writer knows the submission's id: a new generation if an earlier one was withdrawn
        submission = writer.submission
        for item in items:
            writer.add(item)
        report_folder = config.state_folder("submissions", submission.id)
        csv_path, _ = write_report(writer.report.quarantine, report_folder)
        writer.quarantine_report = str(csv_path)
    summary = summarise(path, submission, writer.report, csv_path, started)
    after_landing(
        store,
        path,
        submission,
        summary,
        writer.report,
        who=actor or user or operator().username,
        via=via,
        config=config,
    )
    return summary


def new_submission(
    kind: str,
    path: Path,
    *,
    org: str,
    user: str | None = None,
    via: str = "cli",
    grade: str | None = None,
) -> SubmissionInfo:
    """The submission of ``path`` (received now), after checking the kind, door, org and grade."""
    if kind not in KINDS:
        raise UserError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    if via not in DOORS:
        raise ValueError(f"via {via!r} is not one of {DOORS}")
    org = org.strip()
    if not org:
        raise UserError("--org names the submitting organisation and cannot be empty")
    if grade and not GRADE.match(grade.strip().upper()):
        raise UserError(f"grade {grade!r} is not a source grade A-E with information 1-5, e.g. B2")
    return SubmissionInfo(
        org=org,
        kind=kind,
        file_name=path.name,
        sha256=file_sha256(path),
        received_at=utc_now(),
        user=user,
        grade=grade.strip().upper() if grade else None,
        lexicon_version=lexicon_version(),
        contacts_version=contacts.version(),
        context_version=model_version(),
    )


def summarise(
    path: Path, submission: SubmissionInfo, report: LoadReport, csv_path: Path, started: float
) -> dict[str, Any]:
    """What ``--json`` prints of one submission."""
    return {
        "file": str(path),
        "kind": submission.kind,
        "org": submission.org,
        "submission": submission.id,
        "sha256": submission.sha256,
        "lexicon_version": submission.lexicon_version,
        "contacts_version": submission.contacts_version,
        "context_version": submission.context_version,
        "rows_read": report.rows_loaded + report.rows_quarantined,
        "rows_loaded": report.rows_loaded,
        "rows_quarantined": report.rows_quarantined,
        "fields_dropped": report.fields_dropped,
        "seconds": round(time.perf_counter() - started, 3),
        "entities": report.entities(),
        "links": report.links(),
        "write_seconds": {name: round(t, 3) for name, t in report.write_seconds.items()},
        "quarantine_report": str(csv_path),
        "quarantine": [entry.as_dict() for entry in report.quarantine],
    }


def after_landing(
    store: GraphStore,
    path: Path,
    submission: SubmissionInfo,
    summary: dict[str, Any],
    report: LoadReport,
    *,
    who: str,
    via: str,
    config: settings.Settings,
) -> None:
    """Everything after a submission's rows are in the graph, the same for ``ingest`` and
    ``bulk-load`` (``ingest.bulk``): its audit entry, the watches it touches, its analysis job
    (``summary["job"]``), the upload it came from (``summary["upload_deleted"]``)."""
    audit.append(
        store,
        who,
        "ingest",
        submission.key,
        {
            "via": via,
            "file": path.name,
            "kind": submission.kind,
            "org": submission.org,
            "sha256": submission.sha256,
            "lexicon_version": submission.lexicon_version,
            "contacts_version": submission.contacts_version,
            "context_version": submission.context_version,
            **{
                k: summary[k]
                for k in ("rows_read", "rows_loaded", "rows_quarantined", "fields_dropped")
            },
        },
    )
    # the watches this submission touches are told, once, through the outbox
    watch.after_submission(store, submission.id, config=config)
    # templates, scores and candidate leads are brought up to date in the background, once per
    # submission: again only when this run changed the graph (graph/workflow/jobs.py)
    changed = any(report.nodes_created.values()) or any(report.links_created.values())
    summary["job"] = jobs.enqueue_analysis(store, submission.id, again=changed).id
    # the raw file has served: a workbench upload goes (unless a retention keeps it), and so
    # does any upload past its time, whichever door this ingest came through
    summary["upload_deleted"] = uploads.discard_ingested(
        store,
        path,
        actor=who,
        submission_key=submission.key,
        sha256=submission.sha256,
        config=config,
    )
    uploads.prune(store, actor=who, config=config)
