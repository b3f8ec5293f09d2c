"""Submit clues (analysts): upload files, check them, then ingest them.

For each uploaded file the kind is guessed from its headers (and can be changed); the
validation preview reads every row with :func:`ingest.pipeline.check_file` — nothing is written —
and shows the rows accepted, the rows quarantined and the values dropped (warnings: the row
loads without them), each with its reason (downloadable as CSV). Both read a file nobody has
checked yet, so both run in a child process held to CPU, memory and wall-clock limits
(:func:`ingest.bounded.run_bounded`): a file built to be expensive ends in a message naming the
limit, and only a file whose preview finished can be ingested.
The Ingest button then calls :func:`ingest.submit.submit_file` (the same code as
``leadgraph ingest``) as the analyst's org, with a progress bar and a summary; the uploaded file
is kept in the state folder only until then (``ingest/uploads.py``). Each submission's analysis
job (``graph/workflow/jobs.py``) then shows its progress, refreshed every few seconds until it
ends, and what it found. Below, the org's own
submissions, any of which the analyst may withdraw (``app/views/withdraw.py``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import streamlit as st

from app.session import require_principal, store, t
from app.views.safe import escape_markdown
from app.views.withdraw import withdraw_panel
from graph import views
from graph.core import settings
from graph.core.cells import safe_cell
from graph.core.errors import UserError
from graph.core.limits import size_text
from graph.core.records import FIELD_DROPPED, ROW_REFUSED
from graph.values.masking import mask_id_numbers
from ingest import uploads
from ingest.bounded import PREVIEW, LimitExceeded, run_bounded
from ingest.pipeline import check_file, guess_kind
from ingest.quarantine import FIELDS
from ingest.submit import KINDS, submit_file

PREVIEW_ROWS = 200  # quarantined rows shown on the page (all are in the download)
PREVIEW_BUDGET = PREVIEW  # what guessing and previewing one upload may cost (graph/core/limits.py)
SUMMARIES = "submit_summaries"
ERRORS = "submit_errors"
UPLOADER_ROUND = "submit_uploader_round"  # a new round empties the uploader after an ingest


def save_upload(name: str, data: bytes) -> Path:
    """Keep an uploaded file in the state folder until it is ingested (``ingest/uploads.py``:
    deleted by the ingest, or after its retention; the submission keeps its name and SHA-256)."""
    return uploads.save(name, data)


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def preview(path: str, kind: str, org: str) -> dict[str, Any]:
    """Read and validate every row without writing anything: counts and quarantine entries, or
    ``error`` (the file cannot be read) or ``stopped`` (the limit the reading ran into).
    Not principal-specific beyond the org, which is part of the cache key."""
    try:
        return run_bounded(
            check_file, kind, path, org, settings.load().hashing_key(), budget=PREVIEW_BUDGET
        )
    except LimitExceeded as stopped:
        return {"stopped": stopped.limit}
    except UserError as error:
        return {"error": str(error)}


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def guess(path: str) -> dict[str, Any]:
    """``kind``: the kind the file's headers suggest (None when none fits, or the file cannot be
    read: the preview says why), or ``stopped`` as for :func:`preview`."""
    try:
        return {"kind": run_bounded(guess_kind, path, budget=PREVIEW_BUDGET)}
    except LimitExceeded as stopped:
        return {"stopped": stopped.limit}
    except UserError:
        return {"kind": None}


def stopped_text(limit: str) -> str:
    """The message for a preview a limit stopped, in the session's language."""
    what = {
        "cpu": PREVIEW_BUDGET.cpu_seconds,
        "memory": size_text(PREVIEW_BUDGET.memory_bytes),
        "time": f"{PREVIEW_BUDGET.wall_seconds:g}",
    }[limit]
    return t(f"submit.stopped_{limit}").format(limit=what)


def quarantine_csv(entries: list[dict[str, Any]]) -> bytes:
    """The quarantine entries as CSV (UTF-8 with BOM, as ``quarantine.csv``)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS)
    writer.writeheader()
    writer.writerows(
        {name: safe_cell(mask_id_numbers(str(entry.get(name) or ""))) for name in FIELDS}
        for entry in entries
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def submit_page() -> None:
    me = require_principal()
    st.header(t("nav.submit"))
    if not me.org:
        st.error(t("submit.no_org"))
        return
    st.caption(escape_markdown(t("submit.intro").format(org=me.org)))
    files = st.file_uploader(
        t("submit.files"),
        type=["csv", "xlsx", "json", "jsonl"],
        accept_multiple_files=True,
        key=f"submit_files_{st.session_state.get(UPLOADER_ROUND, 0)}",
    )
    plans: list[tuple[Path, str]] = []
    for index, upload in enumerate(files or []):
        path = save_upload(upload.name, upload.getvalue())
        inspected = guess(str(path))
        st.subheader(escape_markdown(upload.name), anchor=f"upload-{index}")  # not from data
        if "stopped" in inspected:
            st.error(f"{t('common.failed')}: {stopped_text(inspected['stopped'])}")
            continue
        guessed = inspected["kind"]
        kind = st.selectbox(
            t("submit.kind"),
            KINDS,
            index=KINDS.index(guessed) if guessed in KINDS else 0,
            format_func=lambda k: t(f"clue.{k}"),
            key=f"submit_kind_{index}",
            help=t("submit.kind_guessed").format(kind=t(f"clue.{guessed}")) if guessed else None,
        )
        if guessed is None:
            st.warning(t("submit.no_guess"))
        result = preview(str(path), kind, me.org)
        if "stopped" in result:
            st.error(f"{t('common.failed')}: {stopped_text(result['stopped'])}")
            continue
        if "error" in result:
            st.error(escape_markdown(f"{t('common.failed')}: {result['error']}"))
            continue
        show_preview(result, upload.name, index)
        plans.append((path, kind))

    ingest = plans and st.button(t("submit.ingest"), type="primary", key="submit_ingest")
    if ingest and _ingest(me.org, me.username, plans):
        # The ingest deleted the files it read (ingest/uploads.py); an uploader still holding
        # them would save them again at the next rerun: it is replaced by an empty one.
        st.session_state[UPLOADER_ROUND] = st.session_state.get(UPLOADER_ROUND, 0) + 1
        st.rerun()
    for error in st.session_state.get(ERRORS, []):
        st.error(error)
    for summary in st.session_state.get(SUMMARIES, []):
        _show_summary(summary)
    if st.session_state.get(SUMMARIES):
        analysis_panel(me, st.session_state[SUMMARIES])
    st.divider()
    st.subheader(t("withdraw.own_header"))
    withdraw_panel(me, "submit_withdraw")  # the org's own submissions only (checked in graph/)


OUTCOMES = {ROW_REFUSED: "quarantine.refused", FIELD_DROPPED: "quarantine.dropped"}


def show_preview(result: dict[str, Any], name: str, index: int) -> None:
    """One file's preview: rows read, accepted and quarantined, values dropped (warnings), and
    the entries, each with what it cost its row."""
    cols = st.columns(4)
    cols[0].metric(t("submit.rows_read"), result["rows_read"])
    cols[1].metric(t("submit.rows_accepted"), result["rows_loaded"])
    cols[2].metric(t("submit.rows_quarantined"), result["rows_quarantined"])
    cols[3].metric(t("submit.fields_dropped"), result["fields_dropped"])
    if not result["quarantine"]:
        return
    shown = []
    for entry in result["quarantine"][:PREVIEW_ROWS]:
        row = {t(f"quarantine.{field}"): entry.get(field) for field in FIELDS}
        row[t("quarantine.outcome")] = t(OUTCOMES.get(entry["outcome"], "quarantine.refused"))
        shown.append(row)
    st.dataframe(shown, hide_index=True, width="stretch", key=f"submit_quarantine_{index}")
    st.download_button(
        t("submit.download_quarantine"),
        quarantine_csv(result["quarantine"]),
        file_name=f"{Path(name).stem}.quarantine.csv",
        mime="text/csv",
        key=f"submit_download_{index}",
    )


def _ingest(org: str, user: str, plans: list[tuple[Path, str]]) -> int:
    """Ingest each planned file; keep the summaries and errors for the page; return how many
    files were ingested."""
    bar = st.progress(0.0, text=t("submit.ingesting"))
    totals = [max(preview(str(path), kind, org).get("rows_read", 1), 1) for path, kind in plans]
    done = 0
    summaries: list[dict[str, Any]] = []
    errors: list[str] = []
    for (path, kind), total in zip(plans, totals, strict=True):

        def progress(
            rows: int, base: int = done, total: int = total, name: str = path.name
        ) -> None:
            share = min((base + rows) / max(sum(totals), 1), 1.0)
            bar.progress(share, text=f"{t('submit.ingesting')} {name}: {rows}/{total}")

        try:
            summary = submit_file(
                store(), kind, path, org=org, user=user, via="workbench", on_progress=progress
            )
        except UserError as error:
            errors.append(escape_markdown(f"{t('common.failed')}: {path.name}: {error}"))
            continue
        summaries.append(summary)
        done += total
    bar.progress(1.0, text=t("submit.done"))
    st.session_state[SUMMARIES] = summaries
    st.session_state[ERRORS] = errors
    return len(summaries)


def _show_summary(summary: dict[str, Any]) -> None:
    st.success(
        escape_markdown(
            t("submit.summary").format(
                file=Path(summary["file"]).name,
                loaded=summary["rows_loaded"],
                quarantined=summary["rows_quarantined"],
                dropped=summary.get("fields_dropped", 0),
                seconds=summary["seconds"],
                submission=summary["submission"],
            )
        )
    )
    entities = summary.get("entities") or {}
    if entities:
        st.dataframe(
            [
                {t("common.label"): t(f"entity.{label}"), t("submit.records"): count}
                for label, count in entities.items()
            ],
            hide_index=True,
        )


ANALYSIS_REFRESH_SECONDS = 2.0


def analysis_panel(me: Any, summaries: list[dict[str, Any]]) -> None:
    """The analysis job of each submission just ingested: refreshed every few seconds while
    one is queued or running, then once more for the whole page (the leads it found)."""
    st.subheader(t("submit.analysis"))
    jobs = _analysis_jobs(me, summaries)
    if any(job and job["status"] in ("queued", "running") for _, job in jobs):
        _live_analysis(me, summaries)
    else:
        _show_analysis(jobs)


@st.fragment(run_every=ANALYSIS_REFRESH_SECONDS)
def _live_analysis(me: Any, summaries: list[dict[str, Any]]) -> None:
    jobs = _analysis_jobs(me, summaries)
    _show_analysis(jobs)
    st.button(t("submit.analysis_refresh"), key="submit_analysis_refresh")
    if not any(job and job["status"] in ("queued", "running") for _, job in jobs):
        st.rerun(scope="app")  # the jobs ended: stop refreshing


def _analysis_jobs(
    me: Any, summaries: list[dict[str, Any]]
) -> list[tuple[str, dict[str, Any] | None]]:
    return [
        (Path(s["file"]).name, views.analysis_job(store(), me, s["submission"])) for s in summaries
    ]


def _show_analysis(jobs: list[tuple[str, dict[str, Any] | None]]) -> None:
    for name, job in jobs:
        status = job["status"] if job else "none"
        if job and status == "running":
            text = t("submit.analysis_running").format(
                file=name, percent=round(job["progress"] * 100)
            )
            st.progress(min(max(job["progress"], 0.0), 1.0), text=escape_markdown(text))
        elif job and status == "done":
            st.info(escape_markdown(t("submit.analysis_done").format(file=name, **job)))
        elif status == "failed":
            st.error(escape_markdown(t("submit.analysis_failed").format(file=name)))
        else:
            st.caption(escape_markdown(t(f"submit.analysis_{status}").format(file=name)))
