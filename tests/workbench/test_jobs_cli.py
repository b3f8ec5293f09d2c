"""The analysis queue as a shell user and an operator meet it: `leadgraph ingest`, then
`leadgraph jobs wait`, and the new candidates are listed — nobody ran `templates` or `detect`;
a worker killed with SIGKILL mid-job, whose job the next worker finishes once; two workers
that never analyse at the same time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from support import CONTACT_ORG, ROOT, WECHAT, contact_ring_files, run_cli

from graph.db.store import GraphStore
from graph.workflow import audit, jobs
from ingest.submit import submit_file

TIMEOUT = 300


def start_worker(*args: str, **env: str) -> subprocess.Popen[str]:
    """`leadgraph jobs run ARGS` as its own process, with ``env`` on top of this one's."""
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "jobs", "run", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until(check: object, seconds: float = TIMEOUT) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


def test_ingest_then_wait_lists_the_new_candidates(store: GraphStore, tmp_path: Path) -> None:
    complaints, accounts = contact_ring_files(tmp_path)
    for kind, path in (("complaints", complaints), ("accounts", accounts)):
        done = run_cli("ingest", kind, str(path), "--org", CONTACT_ORG)
        assert done.returncode == 0, done.stderr
    listed = run_cli("jobs", "list", "--json")
    assert [job["status"] for job in json.loads(listed.stdout)] == ["queued", "queued"]
    # the same file again queues nothing new
    assert run_cli("ingest", "accounts", str(accounts), "--org", CONTACT_ORG).returncode == 0
    assert len(json.loads(run_cli("jobs", "list", "--json").stdout)) == 2

    waited = run_cli("jobs", "wait", "--timeout", str(TIMEOUT), "--json", timeout=TIMEOUT + 60)
    assert waited.returncode == 0, waited.stderr
    assert [job["status"] for job in json.loads(waited.stdout)] == ["done", "done"]
    assert json.loads(run_cli("jobs", "list", "--json").stdout) == []  # nothing open
    assert len(json.loads(run_cli("jobs", "list", "--all", "--json").stdout)) == 2

    leads = json.loads(run_cli("leads", "--json").stdout)
    assert any(WECHAT in lead["entities"] for lead in leads)
    ran = {e.action for e in audit.entries(store, 200)}
    assert {"job_start", "job_finish"} <= ran


def test_a_killed_worker_s_job_is_finished_once_by_the_next(
    store: GraphStore, tmp_path: Path
) -> None:
    complaints, _ = contact_ring_files(tmp_path)
    job = jobs.job_of_submission(
        store, submit_file(store, "complaints", complaints, org=CONTACT_ORG)["submission"]
    )
    assert job is not None and job.status == "queued"
    # The first worker holds its job (LEADGRAPH_JOB_DELAY_SECONDS, a test aid) long enough to
    # be killed in the middle of it.
    slow = start_worker(LEADGRAPH_JOB_DELAY_SECONDS="120", LEADGRAPH_JOB_STALE_SECONDS="3")
    try:
        # running, its start audited, and holding it ("delay" is the job's progress text then)
        wait_until(lambda: jobs.get_job(store, job.id).progress_text == "delay")  # type: ignore[union-attr]
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=30)
    finally:
        slow.kill()
    held = jobs.get_job(store, job.id)
    assert held is not None and held.status == "running" and held.attempts == 1

    again = start_worker("--idle-exit", LEADGRAPH_JOB_STALE_SECONDS="3")
    output, _ = again.communicate(timeout=TIMEOUT)
    assert again.returncode == 0, output
    done = jobs.get_job(store, job.id)
    assert done is not None and done.status == "done" and done.attempts == 2
    assert done.result is not None and done.result["submission"] == job.submission
    entries = [e for e in audit.entries(store, 200) if e.target == f"job:{job.id}"]
    assert sorted(e.action for e in entries) == [
        "job_finish",
        "job_requeue",
        "job_start",
        "job_start",
    ]
    # the body's effect is there: the templates were built (the complaints clustered); the
    # killed worker is forgotten and the second said goodbye
    clustered = store.read_one(
        "MATCH (c:Complaint) WHERE c.template_cluster IS NOT NULL RETURN count(c) AS n"
    )
    assert clustered is not None and clustered["n"] > 0
    assert store.read_one("MATCH (w:JobWorker) RETURN count(w) AS n") == {"n": 0}


def test_two_workers_never_analyse_at_once(store: GraphStore, tmp_path: Path) -> None:
    complaints, accounts = contact_ring_files(tmp_path)
    submitted = [
        submit_file(store, "complaints", complaints, org=CONTACT_ORG),
        submit_file(store, "accounts", accounts, org=CONTACT_ORG),
    ]
    # each holds its job a moment, so that a second claim would overlap if it were allowed
    workers = [start_worker("--idle-exit", LEADGRAPH_JOB_DELAY_SECONDS="2") for _ in range(2)]
    for worker in workers:
        output, _ = worker.communicate(timeout=TIMEOUT)
        assert worker.returncode == 0, output
    ran = [jobs.get_job(store, s["job"]) for s in submitted]
    assert all(job is not None and job.status == "done" for job in ran)
    spans = sorted((job.started_ms, job.finished_ms) for job in ran if job is not None)
    assert spans[0][1] <= spans[1][0], f"two analyses overlapped: {spans}"
    # oldest first
    assert ran[0] is not None and ran[1] is not None and ran[0].started_ms < ran[1].started_ms  # type: ignore[operator]
