"""The analysis job queue (graph/workflow/jobs.py) against the real Neo4j: one job per
submission, atomic claims, one analysis at a time, stale jobs taken back, failures and retries.
The end-to-end runs through `leadgraph` processes are in tests/workbench/test_jobs_cli.py."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from support import WECHAT, contact_ring_files

from graph.core import settings
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.evidence.leads import list_leads
from graph.workflow import audit, jobs
from graph.workflow.auth import operator
from graph.workflow.withdraw import withdraw_submission
from ingest.submit import submit_file


def quick(store: GraphStore, job: jobs.Job, progress: jobs.Progress) -> dict[str, Any]:
    """A body that does nothing but report."""
    progress(0.5, "half")
    return {"submission": job.submission, "created": ["L1"], "updated": [], "stale": []}


def age_heartbeat(store: GraphStore, job_id: str, seconds: float) -> None:
    """Make a running job look as if its worker stopped answering ``seconds`` ago."""
    store.write(
        "MATCH (j:Job {id: $id}) SET j.heartbeat_ms = timestamp() - $ms",
        id=job_id,
        ms=int(seconds * 1000),
    )


def test_enqueue_is_idempotent(store: GraphStore) -> None:
    first = jobs.enqueue_analysis(store, "sub-a")
    again = jobs.enqueue_analysis(store, "sub-a")
    assert first.id == again.id == jobs.job_id("analyse", "sub-a")
    assert store.read_one("MATCH (j:Job) RETURN count(j) AS n") == {"n": 1}
    assert again.status == "queued" and again.attempts == 0


def test_a_done_job_is_queued_again_only_when_the_graph_changed(store: GraphStore) -> None:
    job = jobs.enqueue_analysis(store, "sub-a")
    worker = jobs.Worker(store, body=quick)
    assert worker.run(once=True) == 1
    assert jobs.enqueue_analysis(store, "sub-a").status == "done"  # a re-run that added nothing
    assert jobs.enqueue_analysis(store, "sub-a", again=True).status == "queued"
    # while it runs, a change marks it to run once more
    claimed = jobs.claim(store, "w1", stale_seconds=60)
    assert claimed is not None and claimed.id == job.id
    jobs.enqueue_analysis(store, "sub-a", again=True)
    store.write(jobs.FINISH, id=job.id, worker="w1", now="2026-01-01T00:00:00Z", result="{}")
    assert jobs.get_job(store, job.id).status == "queued"  # type: ignore[union-attr]


def test_claims_take_the_oldest_and_only_one_runs(store: GraphStore) -> None:
    for name in ("sub-1", "sub-2", "sub-3"):
        jobs.enqueue_analysis(store, name)
    got: list[jobs.Job | None] = []
    threads = [
        threading.Thread(target=lambda n=n: got.append(jobs.claim(store, n, stale_seconds=60)))
        for n in ("w1", "w2", "w3", "w4")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [job for job in got if job is not None]
    assert len(claimed) == 1 and claimed[0].submission == "sub-1"
    assert [j.status for j in jobs.list_jobs(store)] == ["running", "queued", "queued"]


def test_a_stale_job_is_taken_back_then_failed_after_three_attempts(store: GraphStore) -> None:
    job = jobs.enqueue_analysis(store, "sub-a")
    for attempt in (1, 2, 3):
        claimed = jobs.claim(store, f"w{attempt}", stale_seconds=60)
        assert claimed is not None and claimed.attempts == attempt
        assert jobs.claim(store, "other", stale_seconds=60) is None  # its heartbeat is fresh
        age_heartbeat(store, job.id, 61)
    assert jobs.claim(store, "w4", stale_seconds=60) is None
    failed = jobs.get_job(store, job.id)
    assert failed is not None and failed.status == "failed" and failed.attempts == 3
    assert "stopped answering" in (failed.error or "")
    actions = [e.action for e in audit.entries(store, 20) if e.target == f"job:{job.id}"]
    assert sorted(actions) == ["job_fail", "job_requeue", "job_requeue"]
    # an admin queues it again
    assert jobs.retry(store, job.id, actor=operator().username).status == "queued"
    with pytest.raises(UserError):
        jobs.retry(store, job.id, actor=operator().username)


def test_a_body_that_raises_fails_its_job(store: GraphStore) -> None:
    def broken(store: GraphStore, job: jobs.Job, progress: jobs.Progress) -> dict[str, Any]:
        raise RuntimeError("no luck")

    job = jobs.enqueue_analysis(store, "sub-a")
    assert jobs.Worker(store, body=broken).run(idle_exit=True) == 0
    failed = jobs.get_job(store, job.id)
    assert failed is not None and failed.status == "failed"
    assert failed.error == "RuntimeError: no luck"
    assert not store.read("MATCH (w:JobWorker) RETURN w.id")  # the worker said goodbye


def test_a_stopped_worker_hands_its_job_back(store: GraphStore) -> None:
    job = jobs.enqueue_analysis(store, "sub-a")
    worker = jobs.Worker(store)
    claimed = jobs.claim(store, worker.id, stale_seconds=60)
    worker.current = claimed
    worker.stop()
    back = jobs.get_job(store, job.id)
    assert back is not None and back.status == "queued" and back.attempts == 0


def test_ingest_queues_the_analysis_and_the_worker_finds_the_lead(
    store: GraphStore, tmp_path: Path
) -> None:
    complaints, accounts = contact_ring_files(tmp_path)
    first = submit_file(store, "complaints", complaints, org="星河消费金融股份有限公司")
    second = submit_file(store, "accounts", accounts, org="星河消费金融股份有限公司")
    assert first["job"] != second["job"]
    assert [j.status for j in jobs.list_jobs(store)] == ["queued", "queued"]
    # a re-run of a file queues nothing new
    assert (
        submit_file(store, "accounts", accounts, org="星河消费金融股份有限公司")["job"]
        == (second["job"])
    )
    assert len(jobs.list_jobs(store)) == 2
    seen: list[float] = []
    progress_of = jobs.Worker._progress

    def recording(self: jobs.Worker, job: jobs.Job) -> jobs.Progress:
        write = progress_of(self, job)
        return lambda fraction, what: (seen.append(fraction), write(fraction, what))[1]

    jobs.Worker._progress = recording  # type: ignore[method-assign]
    try:
        ended = jobs.wait(store, timeout=300)
    finally:
        jobs.Worker._progress = progress_of  # type: ignore[method-assign]
    assert [j.status for j in ended] == ["done", "done"] and seen and seen[-1] == 1.0
    leads = list_leads(store, statuses=["candidate"])
    assert any(WECHAT in lead["entities"] for lead in leads)
    assert ended[0].result is not None and ended[0].result["created"]
    # withdrawing the accounts queues its analysis again
    withdraw_submission(store, operator(), second["submission"], reason="test")
    again = jobs.get_job(store, second["job"])
    assert again is not None and again.status == "queued" and again.cause == "withdraw"


def test_wait_leaves_the_queue_to_a_live_worker(store: GraphStore) -> None:
    config = settings.load()
    assert jobs.live_workers(store, config) == 0
    worker = jobs.Worker(store, config, body=quick)
    worker.announce()
    assert jobs.live_workers(store, config) == 1
    job = jobs.enqueue_analysis(store, "sub-a")
    with pytest.raises(UserError, match="still queued"):
        jobs.wait(store, timeout=1.5, config=config)  # the "live" worker never takes it
    assert jobs.get_job(store, job.id).status == "queued"  # type: ignore[union-attr]
