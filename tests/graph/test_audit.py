"""The audit log's hash chain: it verifies, and an edited, deleted or cut entry is named."""

from __future__ import annotations

import itertools
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.cli import main
from graph.db.store import GraphStore
from graph.workflow import audit


def fill(store: GraphStore, count: int = 6) -> list[audit.Entry]:
    return [
        audit.append(
            store,
            f"user{i % 2}",
            "view_lead",
            target=f"lead:L-{i}",
            details={"i": i, "说明": "查看"},
        )
        for i in range(1, count + 1)
    ]


def test_hash_is_canonical_and_covers_every_field() -> None:
    base = dict(
        seq=1, at="2026-11-25T09:00:00Z", actor="a", action="login", target=None, details="{}"
    )
    first = audit.entry_hash(**base, prev_hash=audit.GENESIS_HASH)  # type: ignore[arg-type]
    assert first == audit.entry_hash(**base, prev_hash=audit.GENESIS_HASH)  # type: ignore[arg-type]
    for field, value in [("seq", 2), ("actor", "b"), ("target", "lead:1"), ("details", '{"x":1}')]:
        changed = {**base, field: value}
        assert audit.entry_hash(**changed, prev_hash=audit.GENESIS_HASH) != first  # type: ignore[arg-type]
    assert audit.entry_hash(**base, prev_hash="1" * 64) != first  # type: ignore[arg-type]
    assert audit.canonical_details({"b": 1, "a": "中"}) == '{"a":"中","b":1}'


def test_empty_log_verifies(store: GraphStore) -> None:
    report = audit.verify_chain(store)
    assert report.ok and report.entries == 0 and report.head_seq == 0


def test_chain_verifies_and_entries_filter(store: GraphStore) -> None:
    written = fill(store)
    assert [e.seq for e in written] == [1, 2, 3, 4, 5, 6]
    assert written[0].prev_hash == audit.GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(written))
    report = audit.verify_chain(store)
    assert report.ok and report.entries == 6 and report.head_seq == 6
    assert report.head_hash == written[-1].hash
    newest = audit.entries(store, 3)
    assert [e.seq for e in newest] == [6, 5, 4]
    assert newest[0] == written[-1]
    assert [e.seq for e in audit.entries(store, 10, actor="user1")] == [5, 3, 1]
    assert audit.entries(store, 10, action="push") == []
    with pytest.raises(ValueError):
        audit.append(store, "x", "DROP everything")


def test_edited_details_are_detected(store: GraphStore) -> None:
    fill(store)
    store.write(
        "MATCH (e:AuditEntry {seq: 3}) SET e.details = $details",
        details=json.dumps({"i": 99}),
    )
    report = audit.verify_chain(store)
    assert not report.ok and report.bad_seq == 3
    assert "altered" in (report.reason or "")


def test_edited_and_rehashed_entry_breaks_the_next_link(store: GraphStore) -> None:
    written = fill(store)
    forged = written[2]
    new_hash = audit.entry_hash(
        seq=forged.seq,
        at=forged.at,
        actor="someone_else",
        action=forged.action,
        target=forged.target,
        details=audit.canonical_details(forged.details),
        prev_hash=forged.prev_hash,
    )
    store.write(
        "MATCH (e:AuditEntry {seq: 3}) SET e.actor = 'someone_else', e.hash = $hash",
        hash=new_hash,
    )
    report = audit.verify_chain(store)
    assert not report.ok and report.bad_seq == 4
    assert "prev_hash" in (report.reason or "")


def test_deleted_entry_is_detected(store: GraphStore) -> None:
    fill(store)
    store.write("MATCH (e:AuditEntry {seq: 4}) DETACH DELETE e")
    report = audit.verify_chain(store)
    assert not report.ok and report.bad_seq == 4
    assert "entry 4 is missing" in (report.reason or "")


def test_renumbered_entries_after_a_delete_are_detected(store: GraphStore) -> None:
    fill(store)
    store.write("MATCH (e:AuditEntry {seq: 2}) DETACH DELETE e")
    store.write("MATCH (e:AuditEntry) WHERE e.seq > 2 SET e.seq = e.seq - 1")
    report = audit.verify_chain(store)
    assert not report.ok and report.bad_seq == 2


def test_cut_off_tail_is_detected(store: GraphStore) -> None:
    fill(store)
    store.write("MATCH (e:AuditEntry) WHERE e.seq >= 5 DETACH DELETE e")
    report = audit.verify_chain(store)
    assert not report.ok and report.bad_seq == 5
    assert "5 to 6 are missing" in (report.reason or "")


def test_missing_anchor_is_detected(store: GraphStore) -> None:
    fill(store, 2)
    store.write("MATCH (e:AuditEntry {seq: 0}) DETACH DELETE e")
    report = audit.verify_chain(store)
    assert not report.ok and report.bad_seq == 0


def test_concurrent_appends_keep_one_chain(store: GraphStore) -> None:
    def write(worker: int) -> list[int]:
        return [audit.append(store, f"w{worker}", "search", details={"n": n}).seq for n in range(8)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        seqs = [seq for batch in pool.map(write, range(6)) for seq in batch]
    assert sorted(seqs) == list(range(1, 49))
    report = audit.verify_chain(store)
    assert report.ok and report.entries == 48


def test_cli_audit_verify_and_list(store: GraphStore, capsys: pytest.CaptureFixture[str]) -> None:
    fill(store, 3)
    assert main(["audit", "verify"]) == 0
    assert "intact: 3 entries" in capsys.readouterr().out
    assert main(["audit", "list", "--limit", "2", "--json"]) == 0
    assert [e["seq"] for e in json.loads(capsys.readouterr().out)] == [3, 2]
    store.write("MATCH (e:AuditEntry {seq: 2}) SET e.target = 'lead:other'")
    assert main(["audit", "verify"]) == 1
    assert "BROKEN at entry 2" in capsys.readouterr().out
    assert main(["audit", "verify", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["bad_seq"] == 2
