"""``run_bounded``: a function in a child process, stopped by whichever limit it reaches first,
and the caller told which."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from graph.core.errors import UserError
from ingest.bounded import BoundedRunFailed, Budget, LimitExceeded, run_bounded

BUDGET = Budget(cpu_seconds=1, memory_bytes=256 << 20, wall_seconds=20)


def double(value: int) -> int:
    return value * 2


def refuse() -> None:
    raise UserError("f.csv: not a clue file")


def spin() -> None:
    while True:
        pass


def hoard() -> None:
    kept = []
    while True:
        kept.append(bytearray(32 << 20))  # touched: counted in any accounting


def wait() -> None:
    time.sleep(600)


def fail() -> None:
    raise KeyError("a bug")


def test_the_result_and_user_errors_cross_over() -> None:
    assert run_bounded(double, 21, budget=BUDGET) == 42
    with pytest.raises(UserError, match=r"f.csv: not a clue file") as caught:
        run_bounded(refuse, budget=BUDGET)
    assert not isinstance(caught.value, LimitExceeded)


@pytest.mark.parametrize(("work", "limit"), [(spin, "cpu"), (hoard, "memory")])
def test_the_kernel_stops_a_child_past_its_cpu_or_memory(work: object, limit: str) -> None:
    with pytest.raises(LimitExceeded) as caught:
        run_bounded(work, budget=BUDGET)  # type: ignore[arg-type]
    assert caught.value.limit == limit
    assert not multiprocessing.active_children()


def test_a_child_waiting_past_the_wall_clock_limit_is_killed() -> None:
    with pytest.raises(LimitExceeded, match=r"stopped after 2 s") as caught:
        run_bounded(wait, budget=Budget(cpu_seconds=60, memory_bytes=256 << 20, wall_seconds=2))
    assert caught.value.limit == "time"
    assert not multiprocessing.active_children()


def test_an_unexpected_failure_brings_its_traceback() -> None:
    with pytest.raises(BoundedRunFailed, match=r"(?s)fail failed in process \d+.*KeyError"):
        run_bounded(fail, budget=BUDGET)
