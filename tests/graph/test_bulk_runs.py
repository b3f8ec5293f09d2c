"""The sorted runs of a bulk load's fold: merged back in key order, a key's states in the order
the runs were written (the fold's rules — the first org keeps its values, a later value wins —
depend on it)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from graph.db import bulk_runs
from graph.db.bulk_runs import merged, read_run, write_run
from graph.db.bulk_state import STATEMENT, combined


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 2 records, so that every merge crosses many chunk boundaries."""
    monkeypatch.setattr(bulk_runs, "CHUNK", 2)


def _runs(tmp_path: Path, runs: list[list[str]]) -> list[Path]:
    paths = []
    for number, keys in enumerate(runs):
        path = tmp_path / f"run-{number}.pickle"
        write_run(path, [(key, f"{key}@{number}") for key in keys])
        paths.append(path)
    return paths


def test_a_run_reads_back_as_written(tmp_path: Path) -> None:
    (path,) = _runs(tmp_path, [["a", "b", "c", "d", "e"]])
    assert list(read_run(path)) == [(k, f"{k}@0") for k in "abcde"]
    assert path.stat().st_mode & 0o777 == 0o600


def test_keys_come_in_order_and_a_keys_states_in_the_order_of_the_runs(tmp_path: Path) -> None:
    paths = _runs(tmp_path, [["b", "d", "e", "g"], ["a", "d", "f", "g", "h"]])
    last = [("c", "c@2"), ("d", "d@2"), ("g", "g@2")]
    assert [state for _, state in merged(paths, last)] == [
        "a@1", "b@0", "c@2", "d@0", "d@1", "d@2", "e@0", "f@1", "g@0", "g@1", "g@2", "h@1",
    ]  # fmt: skip
    # the runs the other way round: the same keys, each key's states the other way round
    assert [state for _, state in merged(paths[::-1])][2:4] == ["d@1", "d@0"]


def test_many_runs_of_link_keys_merge_as_one_stable_sort(tmp_path: Path) -> None:
    """Link keys are (type, start, end) tuples; the merge equals a stable sort of all the runs
    one after the other, whatever their overlap."""
    chance = random.Random(20)
    runs = []
    for number in range(7):
        keys = {
            ("CALLED", f"phone:{chance.randrange(40)}", "x") for _ in range(chance.randrange(30))
        }
        runs.append([(key, number) for key in sorted(keys)])
    paths = []
    for number, records in enumerate(runs[:-1]):
        paths.append(tmp_path / f"run-{number}.pickle")
        write_run(paths[-1], records)
    everything = [record for records in runs for record in records]
    assert list(merged(paths, runs[-1])) == sorted(everything, key=lambda record: record[0])


def test_a_keys_states_combine_earliest_first() -> None:
    def statement(values: dict[str, str], rows: list[int]) -> dict[str, object]:
        return {"start": {"key": "s"}, "values": values, "rows": rows}

    records = [
        ("s:1", statement({"name": "王五", "city": "北京"}, [2])),
        ("s:1", statement({"name": "王伍"}, [7, 2])),
        ("s:2", statement({"name": "李四"}, [3])),
    ]
    (first, second) = combined(STATEMENT, records)
    assert first == ("s:1", statement({"name": "王伍", "city": "北京"}, [2, 7]))
    assert second == ("s:2", statement({"name": "李四"}, [3]))
    assert list(combined(STATEMENT, [])) == []
