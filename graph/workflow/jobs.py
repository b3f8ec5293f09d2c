"""The job queue: every landed submission is analysed in the background, one analysis at a time.

A job is a ``(:Job)`` node ``{id, key, kind ('analyse'), submission, cause ('ingest' |
'withdraw'), status queued|running|done|failed, progress (0..1), progress_text, queued_at,
started_at, finished_at, heartbeat (ISO times, graph.core.clock), queued_ms, started_ms,
finished_ms, heartbeat_ms (the server's ``timestamp()``: what ordering and staleness compare, so
workers on several machines agree), worker, attempts, error, result_json, again}``. Because it
lives in Neo4j it survives a restart of the workbench, of the worker and of the server.

* **One job per submission.** The id hashes kind and submission, and enqueueing MERGEs it: the
  same file ingested again queues nothing new. A run that did change the graph (``again``: an
  ingest whose writer created nodes or links — the rest of a file whose first run crashed, say —
  or a withdrawal) queues a done or failed job again; a running one is marked ``again`` and goes
  back to the queue when it finishes, so it is analysed once more after the change.
* **Claiming is atomic, and one analysis runs at a time** across all processes: a claim is one
  write transaction that first takes the write lock of the queue's ``JobQueue`` node (so claims
  line up), then takes back stale jobs, then sets the oldest queued job running — only if no
  job is running.
* **Restart-safe.** A worker beats its job's heartbeat from a thread every few seconds (and with
  each progress report). A running job whose heartbeat is older than
  ``LEADGRAPH_JOB_STALE_SECONDS`` (default 60) belonged to a worker that died: the next claim
  queues it again, or after ``MAX_ATTEMPTS`` attempts fails it with the reason. A worker stopped
  cleanly (Ctrl-C, SIGTERM, the workbench shutting down) hands its job back at once. A body that
  raises fails its job with the error (it would most likely raise again);
  ``leadgraph jobs retry`` queues it again.
* **Workers announce themselves** as ``(:JobWorker {id, seen_ms})`` nodes, so that
  ``leadgraph jobs wait`` knows whether anyone will work the queue — and works it itself if not.

Each job's start, finish, failure, take-back and retry is audited (``job_*``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graph.core import settings as settings_module
from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.workflow import audit

log = logging.getLogger(__name__)

KINDS = ("analyse",)
STATUSES = ("queued", "running", "done", "failed")
OPEN = ("queued", "running")
MAX_ATTEMPTS = 3
MAX_ERROR = 500
POLL_SECONDS = 2.0  # an idle worker looks at the queue this often
PROGRESS_EVERY = 0.5  # seconds between two progress writes (the last one always goes)

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Job:
    """One job as the lists and the worker see it."""

    id: str
    kind: str
    submission: str
    status: str
    progress: float
    progress_text: str | None
    queued_at: str | None
    started_at: str | None
    finished_at: str | None
    heartbeat: str | None
    worker: str | None
    attempts: int
    error: str | None
    result: dict[str, Any] | None
    cause: str | None = None
    started_ms: int | None = None
    finished_ms: int | None = None

    @classmethod
    def of(cls, props: dict[str, Any]) -> Job:
        result = json.loads(props["result_json"]) if props.get("result_json") else None
        return cls(
            id=props["id"],
            kind=props["kind"],
            submission=props["submission"],
            status=props["status"],
            progress=float(props.get("progress") or 0.0),
            progress_text=props.get("progress_text"),
            queued_at=props.get("queued_at"),
            started_at=props.get("started_at"),
            finished_at=props.get("finished_at"),
            heartbeat=props.get("heartbeat"),
            worker=props.get("worker"),
            attempts=int(props.get("attempts") or 0),
            error=props.get("error"),
            result=result,
            cause=props.get("cause"),
            started_ms=props.get("started_ms"),
            finished_ms=props.get("finished_ms"),
        )

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def job_id(kind: str, submission: str) -> str:
    """The one id of ``kind``'s job for ``submission``: enqueueing it twice finds the same."""
    digest = hashlib.sha256(f"{kind}\x1f{submission}".encode()).hexdigest()
    return f"job-{digest[:20]}"


def _audit_target(job: Job) -> str:
    return f"job:{job.id}"


# --- enqueue ------------------------------------------------------------------------------------

# A new job is queued; an existing one is queued again only when ``$again`` says the graph
# changed since (a done or failed one at once, a running one when it finishes).
ENQUEUE = """
MERGE (j:Job {id: $id})
  ON CREATE SET j.key = 'job:' + $id, j.kind = $kind, j.submission = $submission,
                j.status = 'new'
WITH j, j.status = 'new' OR ($again AND j.status IN ['done', 'failed']) AS queue
FOREACH (_ IN CASE WHEN queue THEN [1] ELSE [] END |
  SET j.status = 'queued', j.cause = $cause, j.queued_at = $now, j.queued_ms = timestamp(),
      j.progress = 0.0, j.progress_text = null, j.started_at = null, j.started_ms = null,
      j.finished_at = null, j.finished_ms = null, j.worker = null, j.attempts = 0,
      j.error = null, j.again = false)
FOREACH (_ IN CASE WHEN $again AND j.status = 'running' THEN [1] ELSE [] END |
  SET j.again = true)
RETURN properties(j) AS job
"""


def enqueue_analysis(
    store: GraphStore, submission: str, *, again: bool = False, cause: str = "ingest"
) -> Job:
    """Queue the analysis of ``submission`` (once; see the module's docstring for ``again``)."""
    kind = "analyse"
    row = store.write(
        ENQUEUE,
        id=job_id(kind, submission),
        kind=kind,
        submission=submission,
        again=again,
        cause=cause,
        now=utc_now(),
    )
    return Job.of(row[0]["job"])


# --- claim --------------------------------------------------------------------------------------

# Claims line up on this node's write lock: read-committed reads alone would let two claims
# each see no running job and start two analyses.
LOCK = """
MERGE (q:JobQueue {id: 'analyse'}) ON CREATE SET q.key = 'jobqueue:analyse'
SET q.claimed_ms = timestamp()
"""

TAKE_BACK = """
MATCH (j:Job {status: 'running'})
WHERE coalesce(j.heartbeat_ms, 0) < timestamp() - $stale_ms
WITH j, j.worker AS worker, j.attempts >= $max_attempts AS spent
SET j.status = CASE WHEN spent THEN 'failed' ELSE 'queued' END,
    j.error = 'worker ' + coalesce(worker, '?') + ' stopped answering (no heartbeat for '
              + toString($stale_seconds) + ' s, attempt ' + toString(j.attempts) + ')',
    j.finished_at = CASE WHEN spent THEN $now END,
    j.finished_ms = CASE WHEN spent THEN timestamp() END,
    j.worker = null
RETURN properties(j) AS job, worker
"""

# workers gone without a word (killed, their machine lost) are forgotten like their jobs
FORGET_WORKERS = """
MATCH (w:JobWorker) WHERE w.seen_ms < timestamp() - $stale_ms
DELETE w
"""

CLAIM = """
OPTIONAL MATCH (busy:Job {status: 'running'})
WITH count(busy) AS running
MATCH (j:Job {status: 'queued'})
WHERE running = 0
WITH j ORDER BY j.queued_ms, j.id LIMIT 1
SET j.status = 'running', j.worker = $worker, j.attempts = coalesce(j.attempts, 0) + 1,
    j.started_at = $now, j.started_ms = timestamp(), j.heartbeat = $now,
    j.heartbeat_ms = timestamp(), j.progress = 0.0, j.progress_text = null,
    j.finished_at = null, j.finished_ms = null
RETURN properties(j) AS job
"""


def claim(store: GraphStore, worker: str, *, stale_seconds: float) -> Job | None:
    """Take the oldest queued job for ``worker``, unless a job is running; first take back the
    running jobs whose worker stopped answering. None when there is nothing to do now."""
    stale_ms = int(stale_seconds * 1000)
    _, _, taken_back, claimed = store.write_all(
        [
            (LOCK, {}),
            (FORGET_WORKERS, {"stale_ms": stale_ms}),
            (
                TAKE_BACK,
                {
                    "stale_ms": stale_ms,
                    "stale_seconds": stale_seconds,
                    "max_attempts": MAX_ATTEMPTS,
                    "now": utc_now(),
                },
            ),
            (CLAIM, {"worker": worker, "now": utc_now()}),
        ]
    )
    for row in taken_back:
        job = Job.of(row["job"])
        action = "job_fail" if job.status == "failed" else "job_requeue"
        audit.append(
            store,
            worker,
            action,
            _audit_target(job),
            {"submission": job.submission, "attempts": job.attempts, "error": job.error},
        )
    return Job.of(claimed[0]["job"]) if claimed else None


# --- while a job runs ---------------------------------------------------------------------------

BEAT = """
MATCH (j:Job {id: $id, worker: $worker, status: 'running'})
SET j.heartbeat = $now, j.heartbeat_ms = timestamp()
RETURN count(j) AS held
"""

PROGRESS = """
MATCH (j:Job {id: $id, worker: $worker, status: 'running'})
SET j.progress = $fraction, j.progress_text = $what,
    j.heartbeat = $now, j.heartbeat_ms = timestamp()
"""

FINISH = """
MATCH (j:Job {id: $id, worker: $worker, status: 'running'})
WITH j, coalesce(j.again, false) AS again
SET j.status = CASE WHEN again THEN 'queued' ELSE 'done' END,
    j.attempts = CASE WHEN again THEN 0 ELSE j.attempts END,
    j.again = false, j.progress = 1.0, j.progress_text = null, j.worker = null,
    j.finished_at = $now, j.finished_ms = timestamp(), j.result_json = $result, j.error = null
RETURN properties(j) AS job
"""

FAIL = """
MATCH (j:Job {id: $id, worker: $worker, status: 'running'})
SET j.status = 'failed', j.error = $error, j.worker = null, j.again = false,
    j.finished_at = $now, j.finished_ms = timestamp()
RETURN properties(j) AS job
"""

# A worker stopping cleanly hands its job back; the attempt it had does not count.
RELEASE = """
MATCH (j:Job {id: $id, worker: $worker, status: 'running'})
SET j.status = 'queued', j.worker = null, j.attempts = j.attempts - 1,
    j.error = 'worker ' + $worker + ' stopped before finishing; queued again'
RETURN properties(j) AS job
"""

PRESENT = """
MERGE (w:JobWorker {id: $worker})
  ON CREATE SET w.key = 'jobworker:' + $worker, w.started_at = $now
SET w.seen_at = $now, w.seen_ms = timestamp()
"""

ABSENT = "MATCH (w:JobWorker {id: $worker}) DELETE w"

LIVE_WORKERS = """
MATCH (w:JobWorker)
WHERE w.seen_ms >= timestamp() - $stale_ms
RETURN count(w) AS live
"""


def run_analysis(store: GraphStore, job: Job, progress: Progress) -> dict[str, Any]:
    """The body of an ``analyse`` job: bring templates, scores and candidate leads up to date
    after ``job.submission`` (interface 1, :mod:`graph.evidence.incremental`). The result is
    stored as the job's ``result_json``, with ``alerts``: how many alerts the changes raised
    (:func:`graph.workflow.alerts.after_analysis`: new candidates over the threshold, new
    evidence on pushed leads)."""
    from graph.evidence.incremental import analyse_submission  # the evidence layer is heavy
    from graph.workflow.alerts import after_analysis

    changes = analyse_submission(store, job.submission, progress)
    changes["alerts"] = after_analysis(store, job.submission, changes)
    return changes


class Worker:
    """Works the queue in this process: :meth:`run` in the foreground (``leadgraph jobs run``,
    ``wait``), or :meth:`start_thread` in the background (``leadgraph serve``)."""

    def __init__(
        self,
        store: GraphStore,
        config: settings_module.Settings | None = None,
        *,
        body: Callable[[GraphStore, Job, Progress], dict[str, Any]] = run_analysis,
    ) -> None:
        self.store = store
        self.config = config or settings_module.load()
        self.body = body
        self.id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.stop_event = threading.Event()
        self.current: Job | None = None
        self.thread: threading.Thread | None = None

    @property
    def beat_seconds(self) -> float:
        return max(0.5, min(5.0, self.config.job_stale_seconds / 6))

    def announce(self) -> None:
        self.store.write(PRESENT, worker=self.id, now=utc_now())

    def run(self, *, once: bool = False, idle_exit: bool = False) -> int:
        """Claim and run jobs until stopped; ``once``: after one job; ``idle_exit``: when no job
        is queued or running. Returns how many jobs this worker finished."""
        finished = 0
        try:
            while not self.stop_event.is_set():
                self.announce()
                job = claim(self.store, self.id, stale_seconds=self.config.job_stale_seconds)
                if job is not None:
                    finished += self.run_job(job) == "done"
                    if once:
                        break
                    continue
                if (once or idle_exit) and not open_jobs(self.store):
                    break
                self.stop_event.wait(POLL_SECONDS)
        finally:
            self.release()
            self.store.write(ABSENT, worker=self.id)
        return finished

    def run_job(self, job: Job) -> str:
        """Run one claimed job to its end; returns its status afterwards."""
        self.current = job
        audit.append(
            self.store,
            self.id,
            "job_start",
            _audit_target(job),
            {"submission": job.submission, "attempt": job.attempts, "cause": job.cause},
        )
        beating = threading.Event()
        beater = threading.Thread(
            target=self._beat, args=(job, beating), name="leadgraph-job-heartbeat", daemon=True
        )
        beater.start()
        try:
            self._delay(job)
            result = self.body(self.store, job, self._progress(job))
        except Exception as error:  # the job fails with the error; the worker goes on
            log.exception("job %s failed", job.id)
            return self._fail(job, f"{type(error).__name__}: {error}")
        finally:
            beating.set()
        done = self.store.write(
            FINISH,
            id=job.id,
            worker=self.id,
            now=utc_now(),
            result=json.dumps(result, ensure_ascii=False, sort_keys=True, default=str),
        )
        self.current = None
        if not done:  # taken back meanwhile: another worker runs it again
            return "lost"
        finished = Job.of(done[0]["job"])
        audit.append(
            self.store,
            self.id,
            "job_finish",
            _audit_target(job),
            {
                "submission": job.submission,
                "attempt": job.attempts,
                **{k: len(result.get(k) or []) for k in ("created", "updated", "stale")},
                "seconds": result.get("seconds"),
            },
        )
        return finished.status

    def _fail(self, job: Job, error: str) -> str:
        self.current = None
        self.store.write(FAIL, id=job.id, worker=self.id, error=error[:MAX_ERROR], now=utc_now())
        audit.append(
            self.store,
            self.id,
            "job_fail",
            _audit_target(job),
            {"submission": job.submission, "attempt": job.attempts, "error": error[:MAX_ERROR]},
        )
        return "failed"

    def _beat(self, job: Job, stop: threading.Event) -> None:
        while not stop.wait(self.beat_seconds):
            try:
                held = self.store.write(BEAT, id=job.id, worker=self.id, now=utc_now())
                self.announce()
            except Exception:  # a missed beat is retried at the next; staleness takes minutes
                log.warning("heartbeat of job %s failed", job.id, exc_info=True)
                continue
            if not held[0]["held"]:
                log.warning("job %s was taken back from worker %s", job.id, self.id)
                return

    def _progress(self, job: Job) -> Progress:
        last = [0.0]

        def progress(fraction: float, what: str) -> None:
            now = time.monotonic()
            if fraction < 1.0 and now - last[0] < PROGRESS_EVERY:
                return
            last[0] = now
            self.store.write(
                PROGRESS,
                id=job.id,
                worker=self.id,
                fraction=max(0.0, min(float(fraction), 1.0)),
                what=str(what)[:200],
                now=utc_now(),
            )

        return progress

    def _delay(self, job: Job) -> None:
        """``LEADGRAPH_JOB_DELAY_SECONDS`` (tests only): hold the claimed job before the body."""
        if self.config.job_delay_seconds > 0:
            self._progress(job)(0.0, "delay")
            time.sleep(self.config.job_delay_seconds)

    def release(self) -> None:
        """Hand the job this worker holds back to the queue (a clean stop)."""
        job, self.current = self.current, None
        if job is not None:
            self.store.write(RELEASE, id=job.id, worker=self.id)

    def start_thread(self) -> Worker:
        """Run :meth:`run` in a daemon thread of this process; :meth:`stop` ends it."""
        self.thread = threading.Thread(target=self._serve, name="leadgraph-jobs", daemon=True)
        self.thread.start()
        return self

    def _serve(self) -> None:
        while not self.stop_event.is_set():
            try:
                self.run()
            except Exception:  # the database went away: try again a little later
                log.warning("job worker %s: the queue is unreachable", self.id, exc_info=True)
                self.stop_event.wait(POLL_SECONDS * 5)

    def stop(self) -> None:
        """Stop taking jobs and hand back the one in hand (the process is going away)."""
        self.stop_event.set()
        try:
            self.release()
            self.store.write(ABSENT, worker=self.id)
        except Exception:  # the server may be gone already; the heartbeat then goes stale
            log.warning("job worker %s could not hand its job back", self.id, exc_info=True)


# --- reading the queue --------------------------------------------------------------------------

OPEN_JOBS = """
MATCH (j:Job) WHERE j.status IN ['queued', 'running']
RETURN properties(j) AS job ORDER BY j.queued_ms, j.id
"""

LIST = """
MATCH (j:Job) WHERE j.status IN ['queued', 'running', 'failed']
RETURN properties(j) AS job ORDER BY j.queued_ms, j.id
"""

LIST_DONE = """
MATCH (j:Job {status: 'done'})
RETURN properties(j) AS job ORDER BY j.finished_ms DESC, j.id LIMIT $limit
"""

ONE = "MATCH (j:Job {id: $id}) RETURN properties(j) AS job"


def open_jobs(store: GraphStore) -> list[Job]:
    return [Job.of(row["job"]) for row in store.read(OPEN_JOBS)]


def list_jobs(store: GraphStore, *, done: int = 0) -> list[Job]:
    """Queued, running and failed jobs, oldest first, then the ``done`` newest finished ones."""
    rows = store.read(LIST) + (store.read(LIST_DONE, limit=done) if done > 0 else [])
    return [Job.of(row["job"]) for row in rows]


def get_job(store: GraphStore, identifier: str) -> Job | None:
    row = store.read_one(ONE, id=identifier)
    return Job.of(row["job"]) if row else None


SUBMISSION_ORG = "MATCH (s:Submission {id: $id}) RETURN s.org AS org"


def submission_org(store: GraphStore, submission: str) -> str | None:
    """The org that made ``submission`` (None for an unknown one): whose job it is."""
    row = store.read_one(SUBMISSION_ORG, id=submission)
    return row["org"] if row else None


def job_of_submission(store: GraphStore, submission: str, kind: str = "analyse") -> Job | None:
    return get_job(store, job_id(kind, submission))


def live_workers(store: GraphStore, config: settings_module.Settings | None = None) -> int:
    """Workers that announced themselves within the stale time."""
    config = config or settings_module.load()
    row = store.read_one(LIVE_WORKERS, stale_ms=int(config.job_stale_seconds * 1000))
    return int(row["live"]) if row else 0


def wait(
    store: GraphStore,
    *,
    timeout: float | None = None,
    config: settings_module.Settings | None = None,
) -> list[Job]:
    """Block until no job is queued or running, and return the jobs that were open when the wait
    began, as they ended. While no worker is alive this process works the queue itself, so a
    shell user never waits for a worker that does not exist. A job this process runs is not
    interrupted by ``timeout``; the wait ends at the next look."""
    config = config or settings_module.load()
    watched = [job.id for job in open_jobs(store)]
    deadline = None if timeout is None else time.monotonic() + timeout
    while open_jobs(store):
        if deadline is not None and time.monotonic() > deadline:
            raise UserError(f"jobs still queued or running after {timeout:g} s")
        if live_workers(store, config) == 0:
            Worker(store, config).run(idle_exit=True)
            continue
        time.sleep(POLL_SECONDS / 2)
    return [job for job in (get_job(store, i) for i in watched) if job is not None]


# --- an admin's retry ---------------------------------------------------------------------------

RETRY = """
MATCH (j:Job {id: $id, status: 'failed'})
SET j.status = 'queued', j.attempts = 0, j.queued_at = $now, j.queued_ms = timestamp(),
    j.finished_at = null, j.finished_ms = null
RETURN properties(j) AS job
"""


def retry(store: GraphStore, identifier: str, *, actor: str) -> Job:
    """Queue a failed job again (an admin's act, audited as ``job_retry``)."""
    rows = store.write(RETRY, id=identifier, now=utc_now())
    if not rows:
        found = get_job(store, identifier)
        if found is None:
            raise UserError(f"no job {identifier}")
        raise UserError(f"job {identifier} is {found.status}, not failed")
    job = Job.of(rows[0]["job"])
    audit.append(store, actor, "job_retry", _audit_target(job), {"submission": job.submission})
    return job
