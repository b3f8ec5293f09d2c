"""`leadgraph jobs run|list|wait|retry`: the analysis queue (graph/workflow/jobs.py).

``retry`` acts as an admin (:func:`graph.workflow.auth.operator`, audited as ``cli:<login name>``).
"""

from __future__ import annotations

import argparse
import signal
from types import FrameType

from app.cli import print_json
from graph.core import settings as settings_module
from graph.db.store import GraphStore
from graph.workflow import jobs
from graph.workflow.auth import operator


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("jobs", help="the analysis jobs queued after each submission")
    commands = parser.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)

    run = commands.add_parser(
        "run",
        help="work the queue in the foreground (until Ctrl-C)",
        description="Claim and run analysis jobs, oldest first, one at a time across all "
        "workers. Ctrl-C or SIGTERM hands the job in hand back to the queue.",
    )
    run.add_argument("--once", action="store_true", help="run one job, then exit")
    run.add_argument(
        "--idle-exit", action="store_true", help="exit when no job is queued or running"
    )
    run.set_defaults(handler=run_command)

    listing = commands.add_parser("list", help="queued, running and failed jobs")
    listing.add_argument("--all", action="store_true", help="finished ones too")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(handler=list_command)

    waiting = commands.add_parser(
        "wait",
        help="block until no job is queued or running",
        description="Wait for the queue to empty. With no live worker (`leadgraph serve`, "
        "`leadgraph jobs run`) this command works the queue itself. Exit code 1 when a job it "
        "waited for failed or the timeout passed.",
    )
    waiting.add_argument("--timeout", type=float, help="give up after this many seconds")
    waiting.add_argument("--json", action="store_true", help="print the jobs waited for")
    waiting.set_defaults(handler=wait_command)

    retry = commands.add_parser("retry", help="queue a failed job again (audited)")
    retry.add_argument("id", help="the job's id (`leadgraph jobs list`)")
    retry.set_defaults(handler=retry_command)


def _stop_on_sigterm() -> None:
    """SIGTERM ends the worker as Ctrl-C does, so that its job goes back to the queue."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def run_command(args: argparse.Namespace) -> int:
    _stop_on_sigterm()
    config = settings_module.load()
    with GraphStore.open(config) as store:
        worker = jobs.Worker(store, config)
        print(f"job worker {worker.id}", flush=True)
        done = worker.run(once=args.once, idle_exit=args.idle_exit)
    print(f"{done} job(s) done")
    return 0


def _line(job: jobs.Job) -> str:
    share = f"{job.progress:>4.0%}" if job.status == "running" else "    "
    when = job.finished_at or job.started_at or job.queued_at or "-"
    text = f"  {job.progress_text}" if job.status == "running" and job.progress_text else ""
    error = f"  {job.error}" if job.status == "failed" and job.error else ""
    return (
        f"{job.id}  {job.status:<7} {share} {job.attempts}  {when}  "
        f"submission:{job.submission}{text}{error}"
    )


def list_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        rows = jobs.list_jobs(store, done=1_000_000 if args.all else 0)
    if args.json:
        print_json([job.as_dict() for job in rows])
        return 0
    for job in rows:
        print(_line(job))
    return 0


def wait_command(args: argparse.Namespace) -> int:
    _stop_on_sigterm()
    with GraphStore.open() as store:
        ended = jobs.wait(store, timeout=args.timeout)
    failed = [job for job in ended if job.status == "failed"]
    if args.json:
        print_json([job.as_dict() for job in ended])
    else:
        for job in ended:
            print(_line(job))
    return 1 if failed else 0


def retry_command(args: argparse.Namespace) -> int:
    with GraphStore.open() as store:
        job = jobs.retry(store, args.id, actor=operator().username)
    print(f"{job.id} is queued again; a worker (or `leadgraph jobs wait`) runs it")
    return 0
