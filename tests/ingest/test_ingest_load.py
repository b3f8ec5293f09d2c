"""Ingestion into the real Neo4j: resolution, provenance, idempotence, crash and re-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import EIGHT_FORMS

from graph.core.errors import UserError
from graph.db.snapshot import snapshot
from graph.db.store import GraphStore
from ingest.submit import submit_file

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "'}) MATCH (n) DETACH DELETE n //<script>alert(1)</script>"
COMPLAINT_HEADER = "投诉编号,投诉日期,投诉人姓名,身份证号,手机号,联系电话,代理人,投诉内容,金额\n"
# Without an ID column complainants are keyed by name + own phone.
NO_ID_HEADER = "投诉编号,投诉日期,投诉人姓名,手机号,联系电话,代理人,投诉内容,金额\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def complaints_csv(path: Path, rows: int, bad_every: int = 0) -> Path:
    """``rows`` complaints; every ``bad_every``-th has an impossible date. All share an agent
    phone, as a ring's complaints do."""
    lines = [NO_ID_HEADER]
    for n in range(rows):
        date = "2025-02-30" if bad_every and n % bad_every == 0 else f"2025-{n % 12 + 1:02d}-15"
        lines.append(
            f"C{n:06d},{date},客户{n},139{n:08d},+86 137 0000 0001,,"
            f'"我要协商还款，第{n}号",{1000 + n}\n'
        )
    return write(path, "".join(lines))


def count(store: GraphStore, label: str) -> int:
    return store.read(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]


def test_a_phone_in_eight_forms_is_one_node(store: GraphStore, tmp_path: Path) -> None:
    path = write(
        tmp_path / "phones.csv", "手机号码,标签\n" + "".join(f'"{p}",黑名单\n' for p in EIGHT_FORMS)
    )
    summary = submit_file(store, "phones", path, org="lender-a")
    assert summary["rows_read"] == 8 and summary["rows_loaded"] == 8
    rows = store.read("MATCH (p:Phone) RETURN p.key AS key, p.e164 AS e164, p.sources AS sources")
    assert len(rows) == 1
    assert rows[0]["key"] == "phone:+8613800138000" and rows[0]["e164"] == "+8613800138000"
    assert sorted(rows[0]["sources"]) == sorted(
        f"{summary['submission']}#{r}" for r in range(2, 10)
    )


def test_complaints_load_with_provenance_and_quarantine(store: GraphStore, tmp_path: Path) -> None:
    text = (
        COMPLAINT_HEADER
        + f'C1,2025-09-01,"{HOSTILE}",11010519491231002X,13800138000,+86 139 0013 9000,,"a, ""quoted""\nline",1.2万\n'
        + "C2,2025/9/2,李四,110105198001010016,13800138001,0086-139-0013-9000,,正常投诉,3000\n"
        + "C3,2025-02-30,王五,,1380013,,,坏行,\n"
    )
    path = write(tmp_path / "complaints_gbk.csv", text, encoding="gb18030")
    summary = submit_file(store, "complaints", path, org="lender-a", grade="b2")
    assert (summary["rows_read"], summary["rows_loaded"], summary["rows_quarantined"]) == (3, 2, 1)
    reasons = {(q["row"], q["field"]): q["reason"] for q in summary["quarantine"]}
    assert reasons[(4, "投诉日期")] == "impossible date 2025-02-30"  # fields as the file names them
    assert "too short" in reasons[(4, "手机号")]
    assert reasons[(4, "身份证号")] == "ID number is missing"
    report = Path(summary["quarantine_report"])
    assert report.exists() and "impossible date" in report.read_text(encoding="utf-8-sig")

    sub = summary["submission"]
    contact = store.read(
        "MATCH (c:Complaint)-[r:CONTACT]->(p:Phone) RETURN c.complaint_id AS id, p.e164 AS e164,"
        " r.sources AS sources, r.first_seen AS first, r.kind AS kind ORDER BY id"
    )
    assert contact == [
        {
            "id": "C1",
            "e164": "+8613900139000",
            "sources": [f"{sub}#2"],
            "first": "2025-09-01",
            "kind": "fact",
        },
        {
            "id": "C2",
            "e164": "+8613900139000",
            "sources": [f"{sub}#3"],
            "first": "2025-09-02",
            "kind": "fact",
        },
    ]
    person = store.read("MATCH (p:Person)<-[:FILED_BY]-(:Complaint {complaint_id: 'C1'}) RETURN p")[
        0
    ]["p"]
    assert person["name"] == HOSTILE  # stored as plain data
    assert "11010519491231002X" not in json.dumps(person)  # the raw ID number is never stored
    assert person["masked_id"].startswith("1101") and "*" in person["masked_id"]
    text_c1 = store.read("MATCH (c:Complaint {complaint_id: 'C1'}) RETURN c.text AS t")[0]["t"]
    assert text_c1 == 'a, "quoted"\nline'
    submission = store.read(
        "MATCH (:Org {name: 'lender-a'})-[:SUBMITTED]->(s:Submission) RETURN s"
    )[0]["s"]
    assert submission["status"] == "complete" and submission["grade"] == "B2"
    assert submission["rows_quarantined"] == 1 and len(submission["sha256"]) == 64


def test_reingesting_changes_nothing(store: GraphStore, tmp_path: Path) -> None:
    path = complaints_csv(tmp_path / "c.csv", 300, bad_every=7)
    first = submit_file(store, "complaints", path, org="lender-a")
    before = snapshot(store)
    second = submit_file(store, "complaints", path, org="lender-a")
    assert second["submission"] == first["submission"]
    assert second["entities"] == first["entities"] and second["links"] == first["links"]
    assert snapshot(store) == before
    # The shared agent phone is one node with one CONTACT link per loaded complaint.
    assert store.read(
        "MATCH (:Complaint)-[r:CONTACT]->(p:Phone {e164: '+8613700000001'}) RETURN count(r) AS n"
    ) == [{"n": first["rows_loaded"]}]
    assert first["rows_read"] == first["rows_loaded"] + first["rows_quarantined"] == 300


def test_calls_aggregate_and_do_not_double(store: GraphStore, tmp_path: Path) -> None:
    path = write(
        tmp_path / "calls.csv",
        "主叫号码,被叫号码,开始时间,通话时长\n"
        "13800138000,13900139000,2025-09-01 10:00:00,60\n"
        "+86 138 0013 8000,139-0013-9000,2025-09-03 11:00:00,30\n"
        "13800138000,13900139000,2025-08-30 09:00:00,10\n",
    )
    submit_file(store, "calls", path, org="telco")
    submit_file(store, "calls", path, org="telco")
    rows = store.read(
        "MATCH (:Phone {e164: '+8613800138000'})-[r:CALLED]->(:Phone {e164: '+8613900139000'})"
        " RETURN r.count AS count, r.total_seconds AS seconds, r.first_seen AS first, r.last_seen AS last"
    )
    assert len(rows) == 1
    assert rows[0]["count"] == 3 and rows[0]["seconds"] == 100
    assert rows[0]["first"].startswith("2025-08-30") and rows[0]["last"].startswith("2025-09-03")


def test_unreadable_file_is_a_user_error(store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"nope\.csv"):
        submit_file(store, "phones", tmp_path / "nope.csv", org="a")
    bad_headers = write(tmp_path / "odd.csv", "foo,bar\n1,2\n")
    with pytest.raises(UserError, match="unknown columns"):
        submit_file(store, "phones", bad_headers, org="a")
    assert count(store, "Submission") == 0


def _normalised(state: dict, store: GraphStore) -> dict:
    """A snapshot with one run's receipt and landing times replaced, so two runs can be
    compared."""
    times = store.read(
        "MATCH (s:Submission) RETURN s.received_at AS r, s.landed_at AS l, s.landed_ms AS ms"
    )[0]
    text = json.dumps(state).replace(times["r"], "<received>")
    if times["ms"] is not None:
        text = text.replace(f'"landed_ms": {times["ms"]}', '"landed_ms": "<landed>"')
    return json.loads(text.replace(times["l"], "<landed>") if times["l"] else text)


def test_crash_mid_file_then_rerun_equals_one_clean_run(
    store: GraphStore, tmp_path: Path, neo4j_server: object
) -> None:
    path = complaints_csv(tmp_path / "big.csv", 4000, bad_every=50)
    command = [
        sys.executable,
        "-m",
        "app.cli",
        "ingest",
        "complaints",
        str(path),
        "--org",
        "lender-a",
    ]
    env = {**os.environ, "LEADGRAPH_BATCH_SIZE": "100"}

    # A clean run, for reference.
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, timeout=600)
    clean = _normalised(snapshot(store), store)

    # Wipe, then kill a run part-way through its batches, then run again.
    from graph.db.schema import wipe_data

    wipe_data(store)
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and count(store, "Complaint") < 800:
        assert process.poll() is None, "the run finished before it could be killed"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = count(store, "Complaint")
    assert 800 <= partial < 3920, partial
    assert store.read("MATCH (s:Submission) RETURN s.status AS s")[0]["s"] == "loading"

    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, timeout=600)
    assert _normalised(snapshot(store), store) == clean
