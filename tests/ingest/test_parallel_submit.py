"""The one ingest flow (``submit_file``) with parsing in forked workers writes exactly the graph
and returns exactly the summary of the one-process path: a generated world's complaint file and
hostile files with quarantined rows, compared with ``graph.db.snapshot`` on a real Neo4j."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from support import ROOT

from app.synth import generate
from graph.db.schema import wipe_data
from graph.db.snapshot import snapshot
from graph.db.store import GraphStore
from ingest import parallel, submit
from ingest.submit import submit_file

WORLD = ROOT / "fixtures" / "world"
SAME = ("rows_read", "rows_loaded", "rows_quarantined", "fields_dropped", "entities", "links",
        "quarantine", "lexicon_version", "contacts_version", "context_version")  # fmt: skip
# a submission's own times and ids: each run's own
RUN_PROPS = {"seconds", "quarantine_report", "landed_ms"}

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs fork"
)


def graph_of(store: GraphStore) -> dict[str, Any]:
    state = snapshot(store)
    for node in state["nodes"]:
        node["props"] = {k: v for k, v in node["props"].items() if k not in RUN_PROPS}
    return state


def both_ways(store: GraphStore, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Submit ``path`` in one process, then (database wiped) with two workers; same graph, same
    summary. Small write batches and chunks, so the workers parse while batches are written."""
    for module in ("graph.db.writer", "ingest.submit"):  # a complaint's first and last seen
        monkeypatch.setattr(f"{module}.utc_now", lambda: "2026-01-02T03:04:05Z")
    monkeypatch.setattr(store, "batch_size", 200)
    monkeypatch.setattr(parallel, "CHUNK_ROWS", 37)
    serial = submit_file(store, "complaints", path, org="lender-b", workers=1, background=False)
    expected = graph_of(store)
    wipe_data(store)
    used: list[int] = []
    real = parallel.parsed_in_workers

    def watched(parser: Any, table: Any, workers: int, ahead_rows: int = 0) -> Any:
        used.append(workers)
        return real(parser, table, workers, ahead_rows)

    monkeypatch.setattr(parallel, "parsed_in_workers", watched)
    monkeypatch.setattr(submit, "BACKGROUND_PARSE_BYTES", 0)  # every file counts as large
    monkeypatch.setenv("LEADGRAPH_PARSE_WORKERS", "2")
    workers = submit_file(store, "complaints", path, org="lender-b")
    assert used == [2]
    found = graph_of(store)
    for part in ("nodes", "links"):
        assert len(found[part]) == len(expected[part]), part
        for mine, theirs in zip(found[part], expected[part], strict=True):
            assert mine == theirs, {
                k: (v, theirs["props"].get(k))
                for k, v in mine["props"].items()
                if theirs["props"].get(k) != v
            }
    for field in SAME:
        assert workers[field] == serial[field], field


@pytest.fixture(scope="module")
def synth_complaints(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth-2000")
    generate(2000, 23, out)
    return max(out.glob("complaints_*.csv"), key=lambda p: p.stat().st_size)


def test_generated_world_same_graph(
    store: GraphStore, synth_complaints: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_ways(store, synth_complaints, monkeypatch)


def test_quarantined_rows_same_graph_and_report(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GBK, quoted newlines, blank records, a row with too many cells, bad and partly bad
    phones, a bad ID number: the same refused rows and dropped values, row numbers included."""
    lines = ["投诉编号,投诉内容,本人手机号,联系电话,身份证号,投诉人姓名"]
    for i in range(120):
        text = f'"第{i}条，""引号""\n第二行，代理维权 停息挂账 加V：fawu_{i}"'
        phone = ("13800138000", "无", "0591-87654321；无", "+86 139 1234 5678", "12345")[i % 5]
        ident = "11010519491231002X" if i % 7 else "110105194912310021"
        lines.append(f"C{i},{text},{phone},1380013800{i % 10},{ident},张{i}")
        if i % 11 == 0:
            lines += ["", ",,,,,", f"X{i},a,b,c,d,e,f,g"]
    path = tmp_path / "hostile.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    both_ways(store, path, monkeypatch)


def test_gb18030_fixture_same_graph(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    both_ways(store, WORLD / "complaints_forwarded.csv", monkeypatch)  # bad rows among good


def test_parse_workers_1_turns_the_pool_off(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no pool with LEADGRAPH_PARSE_WORKERS=1")

    monkeypatch.setattr(parallel, "parsed_in_workers", refuse)
    monkeypatch.setattr(submit, "BACKGROUND_PARSE_BYTES", 0)
    monkeypatch.setenv("LEADGRAPH_PARSE_WORKERS", "1")
    summary = submit_file(store, "complaints", WORLD / "complaints_beichen.csv", org="lender-b")
    assert summary["rows_loaded"] > 0


def test_a_small_file_is_parsed_in_one_process(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no pool for a file under the threshold")

    monkeypatch.setattr(parallel, "parsed_in_workers", refuse)
    monkeypatch.setenv("LEADGRAPH_PARSE_WORKERS", "2")
    summary = submit_file(store, "complaints", WORLD / "complaints_beichen.csv", org="lender-b")
    assert summary["rows_loaded"] > 0


def test_workers_end_when_the_parent_is_killed(tmp_path: Path) -> None:
    """kill -9 of `leadgraph ingest` must not leave its parsing workers behind for ever."""
    script = tmp_path / "consume_one.py"
    script.write_text(
        "import sys, time, multiprocessing\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from ingest.pipeline import iter_file\n"
        "items = iter_file('complaints', sys.argv[1], source='s', hashing_key=b'k', workers=2)\n"
        "next(items)\n"
        "print(' '.join(str(p.pid) for p in multiprocessing.active_children()), flush=True)\n"
        "time.sleep(600)\n",
        encoding="utf-8",
    )
    parent = subprocess.Popen(
        [sys.executable, str(script), str(WORLD / "complaints_xinghe.csv")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead; its reaper (init) will collect it
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")
