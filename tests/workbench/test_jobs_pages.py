"""The analysis jobs on the pages (AppTest, no worker thread: LEADGRAPH_WORKER is off in tests):
the Submit page's progress of the submissions just ingested, the status page's queue for admins,
and an analyst who asks for another org's job or the queue is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support import CONTACT_ORG, as_read, contact_ring_files, page_as, page_text, who

from app.i18n import translate
from graph import views
from graph.db.store import GraphStore
from graph.workflow import admin, jobs
from graph.workflow.auth import Forbidden, operator
from ingest.submit import submit_file

SUBMIT = "from app.views.submit import submit_page\nsubmit_page()\n"
STATUS = "from app.views.status import status_page\nstatus_page()\n"


def zh(key: str) -> str:
    return translate(key, "zh")


@pytest.fixture
def world(store: GraphStore, tmp_path: Path) -> dict[str, Any]:
    admin.ensure_demo_accounts(store, operator())
    complaints, accounts = contact_ring_files(tmp_path)
    return {
        "complaints": submit_file(store, "complaints", complaints, org=CONTACT_ORG),
        "accounts": submit_file(store, "accounts", accounts, org=CONTACT_ORG),
    }


def finish(store: GraphStore, submission: str, created: list[str]) -> None:
    """The job of ``submission`` as a worker leaves it, with ``created`` new candidates."""
    job = jobs.job_of_submission(store, submission)
    assert job is not None
    store.write(
        "MATCH (j:Job {id: $id}) SET j.status = 'done', j.progress = 1.0, j.result_json = $r",
        id=job.id,
        r=json.dumps({"created": created, "updated": [], "stale": []}),
    )


def test_the_submit_page_shows_each_submissions_analysis(
    store: GraphStore, world: dict[str, Any]
) -> None:
    finish(store, world["complaints"]["submission"], ["L1", "L2"])
    summaries = [world["complaints"], world["accounts"]]
    at = page_as(who(store, "analyst_a"), SUBMIT, submit_summaries=summaries)
    text = page_text(at) + "\n".join(as_read(box.value) for box in at.info)
    assert zh("submit.analysis") in text
    assert (
        zh("submit.analysis_done").format(file="complaints.csv", created=2, updated=0, stale=0)
        in text
    )
    assert zh("submit.analysis_queued").format(file="accounts.jsonl") in text


def test_the_status_page_lists_the_queue_for_admins(
    store: GraphStore, world: dict[str, Any]
) -> None:
    finish(store, world["complaints"]["submission"], ["L1"])
    at = page_as(who(store, "admin"), STATUS)
    table = next(
        frame.value for frame in at.dataframe if zh("jobs.status") in list(frame.value.columns)
    )
    assert sorted(table[zh("jobs.status")]) == sorted(
        [zh("jobstatus.done"), zh("jobstatus.queued")]
    )


def test_another_orgs_analyst_reads_neither_the_job_nor_the_queue(
    store: GraphStore, world: dict[str, Any]
) -> None:
    own, other = who(store, "analyst_a"), who(store, "analyst_b")
    submission = world["complaints"]["submission"]
    assert views.analysis_job(store, own, submission)["status"] == "queued"  # type: ignore[index]
    assert other.org != own.org
    with pytest.raises(Forbidden):
        views.analysis_job(store, other, submission)
    # the same answer as for a submission that does not exist
    with pytest.raises(Forbidden, match="no submission"):
        views.analysis_job(store, other, "sub-none")
    for analyst in (own, other):
        with pytest.raises(Forbidden):
            views.job_queue(store, analyst)
