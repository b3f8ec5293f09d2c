"""The bulk first load (``leadgraph bulk-load``) against the transactional path (``ingest``).

Both load the same files in the same order with the clock stopped; the snapshot of the graph,
the recorded keys, the quarantine reports, the audit entries and the job queue must then be the
same, and the audit chain valid. The bulk load restarts the test server (the importer needs it
stopped), so these tests leave it running over the imported store.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.synth.generate import generate
from graph.core.errors import UserError
from graph.core.settings import Settings
from graph.core.settings import load as load_settings
from graph.db import bulk_state, writer
from graph.db.bulk_files import read_patches
from graph.db.schema import wipe_data
from graph.db.snapshot import snapshot
from graph.db.store import GraphStore
from graph.workflow import audit, jobs
from ingest import submit
from ingest.bulk import Step, bulk_load
from ingest.demo import FIXTURE_WORLD, plan
from ingest.pipeline import iter_file
from ingest.submit import submit_file

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-01-02T03:04:05Z"

JOBS = "MATCH (j:Job) RETURN j.id AS id, j.submission AS submission, j.status AS status"
KEYS = "MATCH (k:SubmissionKeys) RETURN k.id AS id, k.submission AS submission, k.keys AS keys"
AUDIT = "MATCH (e:AuditEntry) RETURN e.actor AS actor, e.action AS action, e.target AS target, e.details AS details"


@pytest.fixture(autouse=True)
def local_server_only(request: pytest.FixtureRequest) -> None:
    """bulk-load stops and starts the server it imports into, so it refuses a server it did not
    start (``NEO4J_URI``): its database tests run in ``make test``'s local pass
    (``SELF_STARTED_TESTS``) and skip in the pass against the external server."""
    if "neo4j_server" in request.fixturenames and not load_settings().uses_local_server:
        pytest.skip("bulk-load imports only into a local server; run in make test's local pass")


@pytest.fixture
def stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every receipt and landing time the same in both runs."""
    for module in (submit, writer, bulk_state):
        monkeypatch.setattr(module, "utc_now", lambda: NOW)


@pytest.fixture
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fold spills to a sorted run every few hundred states, so that the runs' merge
    (``graph/db/bulk_runs.py``) is part of what equals ingest."""
    monkeypatch.setattr(bulk_state, "SPILL_AT", 300)


def _state(store: GraphStore) -> dict[str, Any]:
    """All a load leaves: the snapshot (without the server's landing milliseconds), the
    recorded keys, the quarantine reports, the audit entries (as a multiset), the jobs."""
    graph = snapshot(store)
    reports = {}
    for node in graph["nodes"]:
        if "Submission" in node["labels"]:
            node["props"].pop("landed_ms")
            path = Path(node["props"]["quarantine_report"])
            reports[path.parent.name] = path.read_bytes()
    entries = Counter(tuple(row.values()) for row in store.read(AUDIT))
    return {
        "graph": graph,
        "keys": sorted((r["id"], r["submission"], r["keys"]) for r in store.read(KEYS)),
        "reports": reports,
        "audit": entries,
        "jobs": sorted(tuple(r.values()) for r in store.read(JOBS)),
    }


def _transactional(store: GraphStore, steps: list[tuple[str, Path, str]]) -> dict[str, Any]:
    for kind, path, org in steps:
        submit_file(store, kind, path, org=org)
    return _state(store)


def _bulk(config: Settings, steps: list[tuple[str, Path, str]]) -> dict[str, Any]:
    result = bulk_load([Step(kind, path, org) for kind, path, org in steps], config=config)
    with GraphStore.open(config) as store:
        assert audit.verify_chain(store).ok
        return {**_state(store), "result": result}


def _assert_same(bulk: dict[str, Any], transactional: dict[str, Any]) -> None:
    for part in ("keys", "reports", "audit", "jobs"):
        assert bulk[part] == transactional[part], part
    nodes = {n["key"]: n for n in transactional["graph"]["nodes"]}
    for node in bulk["graph"]["nodes"]:  # the first difference, readably
        assert node == nodes.get(node["key"]), node["key"]
    assert bulk["graph"] == transactional["graph"]


def test_bulk_load_of_the_fixture_world_equals_ingest(
    store: GraphStore, neo4j_server: Settings, stopped_clock: None, small_runs: None
) -> None:
    steps = plan(FIXTURE_WORLD)
    transactional = _transactional(store, steps)
    assert transactional["reports"] and any(transactional["audit"])
    wipe_data(store)
    bulk = _bulk(neo4j_server, steps)
    _assert_same(bulk, transactional)
    assert bulk["result"]["nodes"] > 1000

    # then the database is an ordinary one: a file again changes nothing, a new file loads
    with GraphStore.open(neo4j_server) as after:
        before = snapshot(after)
        kind, path, org = steps[-1]
        again = submit_file(after, kind, path, org=org)
        assert again["submission"] == bulk["result"]["files"][-1]["submission"]
        assert snapshot(after) == before
        assert jobs.job_of_submission(after, again["submission"]) is not None
        extra = path.parent / "complaints_qinghe.csv"
        assert extra.exists()
        new = submit_file(after, "complaints", extra, org="新的一家")
        assert new["rows_loaded"] > 0 and snapshot(after) != before
        assert audit.verify_chain(after).ok


@pytest.mark.slow
def test_bulk_load_of_a_generated_10k_world_equals_ingest(
    store: GraphStore, neo4j_server: Settings, stopped_clock: None, tmp_path: Path
) -> None:
    bulk_state.SPILL_AT, default = 20_000, bulk_state.SPILL_AT  # several runs at 10k
    try:
        _test_10k_world(store, neo4j_server, tmp_path)
    finally:
        bulk_state.SPILL_AT = default


def _test_10k_world(store: GraphStore, neo4j_server: Settings, tmp_path: Path) -> None:
    world = tmp_path / "world"
    generate(10_000, 31, world)
    steps = plan(world)
    transactional = _transactional(store, steps)
    wipe_data(store)
    _assert_same(_bulk(neo4j_server, steps), transactional)


def test_a_bad_row_is_quarantined_as_ingest_would(
    store: GraphStore, neo4j_server: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "complaints.csv"
    path.write_text(
        "投诉编号,投诉日期,投诉人姓名,手机号,联系电话,代理人,投诉内容,金额\n"
        "C1,2025-09-01,张三,13800138000,+86 139 0013 9000,,协商还款,3000\n"
        "C2,2025-02-30,李四,13800138001,,,坏日期,\n"
        ",2025-09-03,王五,13800138002,,,没有编号,\n",
        encoding="utf-8",
    )
    result = bulk_load([Step("complaints", path, "lender-a")], config=neo4j_server)
    (summary,) = result["files"]
    assert (summary["rows_read"], summary["rows_loaded"], summary["rows_quarantined"]) == (3, 2, 1)
    assert summary["fields_dropped"] == 1
    where = {(q["file"], q["row"], q["field"], q["outcome"]) for q in summary["quarantine"]}
    assert where == {
        ("complaints.csv", 3, "投诉日期", "field dropped"),
        ("complaints.csv", 4, "投诉编号", "row refused"),
    }
    with GraphStore.open(neo4j_server) as after:
        assert after.read("MATCH (c:Complaint) RETURN count(c) AS n")[0]["n"] == 2
    assert "impossible date" in Path(summary["quarantine_report"]).read_text(encoding="utf-8-sig")


def test_a_database_that_is_not_empty_is_refused(
    store: GraphStore, neo4j_server: Settings, tmp_path: Path
) -> None:
    kind, path, org = plan(FIXTURE_WORLD)[0]
    submit_file(store, kind, path, org=org)
    before = snapshot(store)
    with pytest.raises(UserError, match="not empty"):
        bulk_load([Step(kind, path, org)], config=neo4j_server)
    assert snapshot(store) == before


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "bulk-load", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_external_server_is_refused_before_any_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "phones.csv"
    path.write_text("手机号码,标签\n13800138000,黑名单\n", encoding="utf-8")
    done = _cli("--org", "lender-a", f"phones={path}", env={"NEO4J_URI": "bolt://10.9.9.9:7687"})
    assert done.returncode == 1
    assert "NEO4J_URI names another server" in done.stderr and "bolt://10.9.9.9" in done.stderr


def test_bad_kind_file_arguments_are_refused_naming_them(
    store: GraphStore, neo4j_server: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "phones.csv"
    path.write_text("手机号码,标签\n13800138000,黑名单\n", encoding="utf-8")
    no_kind = _cli("--org", "o", str(path))
    assert no_kind.returncode == 1 and f"{path}: give each file as KIND=FILE" in no_kind.stderr
    bad_kind = _cli("--org", "o", f"telex={path}")
    assert bad_kind.returncode == 1 and "unknown kind 'telex'" in bad_kind.stderr
    missing = _cli("--org", "o", f"phones={tmp_path / 'gone.csv'}")
    assert missing.returncode == 1 and f"{tmp_path / 'gone.csv'}: no such file" in missing.stderr
    twice = _cli("--org", "o", f"phones={path}", f"phones={path}")
    assert twice.returncode == 1 and "the same file as" in twice.stderr
    assert json.dumps(snapshot(store)) == json.dumps({"nodes": [], "links": []})


def _files_of(folder: Path, spill_at: int) -> dict[str, Any]:
    """The import files of the fixture world folded in batches of 40 rows, spilling every
    ``spill_at`` states: each file byte for byte, and the patches in order (the merge writes
    keys in order whether they were spilled or not)."""
    graph = bulk_state.BulkGraph(folder / "runs", spill_at=spill_at)
    for kind, path, org in plan(FIXTURE_WORLD):
        info = submit.new_submission(kind, path, org=org, user=None, via="cli", grade=None)
        info = replace(info, received_at=NOW)
        items = iter_file(kind, path, source=org, hashing_key=b"k" * 32)
        with bulk_state.BulkWriter(graph, info, batch_rows=40) as bulk_writer:
            for item in items:
                bulk_writer.add(item)
    for props in graph.submissions.values():
        props.update(landed_at=NOW, landed_ms=0)  # the clock's, not the fold's
    files = graph.write_files(folder / "files")
    texts = {path.name: path.read_bytes() for _, path in files.nodes + files.links}
    patches = [repr(patch) for patch in read_patches(files)]
    return {"files": texts, "patches": patches, "created": graph.created}


def test_spilling_to_sorted_runs_changes_no_file(tmp_path: Path, stopped_clock: None) -> None:
    in_memory = _files_of(tmp_path / "one", spill_at=10**9)
    spilled = _files_of(tmp_path / "many", spill_at=50)
    assert len(list((tmp_path / "many").glob("runs/*"))) == 0  # the runs go once merged
    assert spilled == in_memory
    assert in_memory["files"] and in_memory["patches"]
