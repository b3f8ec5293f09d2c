"""Database status (admin): server, schema version, counts by label and link type, the analysis
job queue (:func:`graph.views.job_queue`) and the installation's timeline (events a day by type,
:func:`graph.views.installation_timeline`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import streamlit as st

from app.session import require_principal, store, t
from app.views.safe import escape_markdown
from app.views.timeline import timeline_panel
from graph import views
from graph.core.errors import UserError
from graph.db.status import database_status
from graph.workflow.auth import Principal, require


@st.cache_data(ttl=10)
def cached_status() -> dict[str, Any]:
    return database_status(store())


def status_page() -> None:
    me = require_principal()
    require(me, "admin")
    st.header(t("status.header"))
    try:
        status = cached_status()
    except UserError as error:
        st.error(escape_markdown(f"{t('status.unavailable')}: {error}"))
        return
    server = status["server"]
    columns = st.columns(4)
    columns[0].metric(t("status.server"), f"Neo4j {server['version']}")
    columns[1].metric(t("status.schema"), str(status["schema_version"]))
    columns[2].metric(t("status.nodes"), f"{status['nodes_total']:,}")
    columns[3].metric(t("status.links"), f"{status['relationships_total']:,}")
    left, right = st.columns(2)
    left.subheader(t("status.by_label"))
    left.dataframe(
        [{t("common.label"): k, t("common.count"): v} for k, v in status["nodes"].items()],
        hide_index=True,
    )
    right.subheader(t("status.by_type"))
    right.dataframe(
        [{t("common.label"): k, t("common.count"): v} for k, v in status["relationships"].items()],
        hide_index=True,
    )
    job_queue(me)
    installation_timeline(me)
    retrain_button(me)


def retrain_button(me: Principal) -> None:
    """Retrain the ranking from the outcomes and dismissals now recorded
    (:func:`graph.views.retrain_ranking`, which refuses anyone but an admin and audits)."""
    st.subheader(t("rerank.title"))
    if not st.button(t("rerank.train_button"), key="rerank_train"):
        return
    try:
        model = views.retrain_ranking(store(), me)
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    st.success(
        escape_markdown(
            t("rerank.trained").format(
                version=model["version"], labels=model["labels"], reason=model["reason"] or ""
            )
        )
    )


def job_queue(me: Principal) -> None:
    """Queued, running and failed analysis jobs, then the last finished ones."""
    st.subheader(t("status.jobs"))
    rows = views.job_queue(store(), me)
    if not rows:
        st.caption(t("status.jobs_empty"))
        return
    st.dataframe(
        [
            {
                t("jobs.status"): t(f"jobstatus.{job['status']}"),
                t("jobs.submission"): job["submission"],
                t("jobs.progress"): f"{job['progress']:.0%}",
                t("jobs.attempts"): job["attempts"],
                t("jobs.queued_at"): job["queued_at"],
                t("jobs.finished_at"): job["finished_at"],
                t("jobs.created"): job["created"],
                t("jobs.error"): job["error"] or "",
            }
            for job in rows
        ],
        hide_index=True,
        key="status_jobs",
    )


WINDOW_DAYS = 730  # the installation timeline's default window, up to today


def installation_timeline(me: Principal) -> None:
    """Events a day over a window of days the admin chooses (two years up to today at first)."""
    st.subheader(t("timeline.installation"))
    today = date.today()
    window = st.date_input(
        t("timeline.window"),
        value=(today - timedelta(days=WINDOW_DAYS), today),
        key="installation_window",
    )
    if not (isinstance(window, tuple) and len(window) == 2):
        return
    try:
        rows = views.installation_timeline(store(), me, window[0], window[1])
    except UserError as error:
        st.error(escape_markdown(f"{t('common.failed')}: {error}"))
        return
    timeline_panel(rows, t, key="installation_timeline")
