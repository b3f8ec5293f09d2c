"""Run one function in a child process with limits on its CPU time, memory and wall-clock time.

The Submit page reads an uploaded file as soon as it arrives (to guess its kind and preview its
rows), inside the Streamlit server that serves every user. A file built to be expensive — a
workbook that is a zip bomb, a sheet that declares a million rows, something no cap foresaw —
must cost a bounded amount and end in a message, not hold the server for twenty minutes or take
its memory. :func:`run_bounded` calls the function in a child process that first limits itself
with :func:`resource.setrlimit`:

* ``RLIMIT_CPU``: past ``cpu_seconds`` the kernel stops the child (SIGXCPU; SIGKILL a little
  later should it survive that);
* ``RLIMIT_AS``: the child may map ``memory_bytes`` more than it had when it started (a forked
  child starts with the server's address space), so a larger allocation fails (MemoryError);
* the parent kills the child once ``wall_seconds`` have passed (a child waiting on nothing uses
  no CPU).

The caller gets the function's result, the :class:`~graph.core.errors.UserError` it raised, or a
:class:`LimitExceeded` naming the limit; an unexpected failure in the child is raised as
:class:`BoundedRunFailed` with the child's traceback. The child is forked where the platform can
(as ``ingest/background.py`` does, so it starts at once with the modules the server has loaded),
and it drops the server's signal handlers: they are not its own.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from graph.core.errors import UserError
from graph.core.limits import FILE_LIMITS
from ingest.forked import drop_parent_signal_handlers

T = TypeVar("T")
POLL_SECONDS = 0.2
CPU_GRACE_SECONDS = 5  # from SIGXCPU to SIGKILL, should the child ignore the first


@dataclass(frozen=True)
class Budget:
    cpu_seconds: int
    memory_bytes: int  # address space the child may add to what it starts with
    wall_seconds: float


PREVIEW = Budget(
    cpu_seconds=FILE_LIMITS.preview_cpu_seconds,
    memory_bytes=FILE_LIMITS.preview_memory_bytes,
    wall_seconds=FILE_LIMITS.preview_wall_seconds,
)


class LimitExceeded(UserError):
    """The child was stopped by a limit: ``limit`` is ``cpu``, ``memory`` or ``time``."""

    def __init__(self, limit: str, budget: Budget) -> None:
        self.limit = limit
        self.budget = budget
        what = {
            "cpu": f"{budget.cpu_seconds} s of CPU time",
            "memory": f"{budget.memory_bytes >> 20} MiB of memory",
            "time": f"{budget.wall_seconds:g} s",
        }[limit]
        super().__init__(f"stopped after {what}, the limit of this work")


class BoundedRunFailed(RuntimeError):
    """The child failed with an unexpected error (its traceback is the message)."""


def run_bounded(function: Callable[..., T], *args: Any, budget: Budget) -> T:
    """``function(*args)``, computed in a child process held to ``budget``.

    ``function`` must be importable by name and its arguments and result picklable (they cross
    a pipe; where the platform cannot fork, the child is a fresh interpreter).
    """
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context: Any = multiprocessing.get_context(method)
    receiver, sender = context.Pipe(duplex=False)
    name = getattr(function, "__name__", "work")
    child = context.Process(
        target=_child, args=(sender, budget, function, args), name=f"leadgraph-{name}", daemon=True
    )
    child.start()
    sender.close()  # the child holds the only writing end: its death is the pipe's end
    try:
        tag, payload = _wait(receiver, child, budget)
    finally:
        if child.is_alive():
            child.kill()
        child.join(timeout=10)
        receiver.close()
    if tag == "ok":
        return payload  # type: ignore[no-any-return]
    if tag == "error":
        raise UserError(payload)
    if tag in ("cpu", "memory", "time"):
        raise LimitExceeded(tag, budget)
    if tag == "died":
        code = child.exitcode
        if code == -signal.SIGXCPU:
            raise LimitExceeded("cpu", budget)
        if code == -signal.SIGKILL:  # the CPU hard limit, or the kernel out of memory
            raise LimitExceeded("memory", budget)
        raise BoundedRunFailed(f"the {name} process ended unexpectedly (exit code {code})")
    raise BoundedRunFailed(payload)


def _wait(receiver: Any, child: Any, budget: Budget) -> tuple[str, Any]:
    """The child's one message, ``("time", None)`` once the wall-clock limit is up, or
    ``("died", None)`` when the child ended without a word."""
    deadline = time.monotonic() + budget.wall_seconds
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "time", None
        if receiver.poll(min(remaining, POLL_SECONDS)):
            try:
                return receiver.recv()  # type: ignore[no-any-return]
            except EOFError:  # the pipe closed with nothing in it: the child is gone
                child.join(timeout=10)
                return "died", None


def _child(
    sender: Any, budget: Budget, function: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    _limit_self(budget)
    try:
        message: tuple[str, Any] = ("ok", function(*args))
    except UserError as error:
        message = ("error", str(error))
    except MemoryError:
        message = ("memory", None)
    except BaseException:
        message = ("crash", f"{getattr(function, '__name__', 'work')} failed in process "
                            f"{os.getpid()}:\n{traceback.format_exc()}")  # fmt: skip
    try:
        sender.send(message)
    except MemoryError:  # the result itself was too large to send within the budget
        sender.send(("memory", None))
    sender.close()


def _limit_self(budget: Budget) -> None:
    """In the child: drop the parent's signal handlers and set the budget's limits."""
    drop_parent_signal_handlers(signal.SIGXCPU)
    usage = resource.getrusage(resource.RUSAGE_SELF)  # zero after fork; imports after spawn
    cpu = int(usage.ru_utime + usage.ru_stime) + budget.cpu_seconds
    _lower(resource.RLIMIT_CPU, cpu, cpu + CPU_GRACE_SECONDS)
    mapped = _address_space()
    if mapped is not None:
        size = mapped + budget.memory_bytes
        _lower(resource.RLIMIT_AS, size, size)


def _lower(which: int, soft: int, hard: int) -> None:
    """Set a limit no higher than it already is (an unprivileged process cannot raise it)."""
    _, current = resource.getrlimit(which)
    if current != resource.RLIM_INFINITY:
        hard = min(hard, current)
        soft = min(soft, hard)
    resource.setrlimit(which, (soft, hard))


def _address_space() -> int | None:
    """The bytes of address space this process has mapped now (Linux), else None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")
