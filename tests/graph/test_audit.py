"""The audit log's hash chain: it verifies, and an edited, deleted or cut entry is named."""

from __future__ import annotations

import itertools
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.cli import main
from graph.core import keys, settings
from graph.db.schema import wipe_data
from graph.db.store import GraphStore
from graph.workflow import audit, audit_seal


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


def test_hash_is_canonical_keyed_and_covers_every_field() -> None:
    base = dict(
        seq=1, at="2026-11-25T09:00:00Z", actor="a", action="login", target=None, details="{}"
    )
    key = b"k" * 32

    def digest(**fields: object) -> str:
        return audit.entry_hash(**{**base, "prev_hash": audit.GENESIS_HASH, "key": key, **fields})  # type: ignore[arg-type]

    first = digest()
    assert first == digest()
    for field, value in [("seq", 2), ("actor", "b"), ("target", "lead:1"), ("details", '{"x":1}')]:
        assert digest(**{field: value}) != first
    assert digest(prev_hash="1" * 64) != first
    assert digest(key=b"x" * 32) != first
    assert digest(key=None) not in (first, digest(key=b"x" * 32))  # the plain SHA-256 of old logs
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
        key=audit.chain_key(keys.load_or_create()),
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


# --- the seal in the state folder (the attacks themselves: tests/security/test_audit_seal.py) ----


def write_legacy_log(store: GraphStore, count: int) -> None:
    """Entries as a LeadGraph before the keyed chain wrote them: plain SHA-256, no seal."""
    prev_hash = audit.GENESIS_HASH
    for seq in range(1, count + 1):
        at = f"2026-01-0{seq}T00:00:00Z"
        digest = audit.entry_hash(
            seq=seq,
            at=at,
            actor="old",
            action="login",
            target=None,
            details="{}",
            prev_hash=prev_hash,
            key=None,
        )
        store.write(
            audit.APPEND,
            genesis=audit.GENESIS_HASH,
            prev_seq=seq - 1,
            prev_hash=prev_hash,
            seq=seq,
            at=at,
            actor="old",
            action="login",
            target=None,
            details="{}",
            hash=digest,
        )
        prev_hash = digest


def test_a_log_from_before_the_keyed_chain_carries_on(store: GraphStore) -> None:
    write_legacy_log(store, 3)
    report = audit.verify_chain(store)
    assert report.ok and report.entries == 3 and report.sealed_seq is None
    fill(store, 2)  # the first append seals the old head and records where keyed entries start
    seal = audit_seal.read()
    assert seal is not None and (seal.seq, seal.keyed_from) == (5, 4)
    report = audit.verify_chain(store)
    assert report.ok and report.entries == 5 and report.sealed_seq == 5
    # An old entry is still covered: rewriting it means recomputing the old hashes after it,
    # and the first keyed entry's HMAC holds the old head's hash.
    store.write("MATCH (e:AuditEntry {seq: 2}) SET e.actor = 'someone_else'")
    rows = store.read(
        "MATCH (e:AuditEntry) WHERE 1 < e.seq < 4 RETURN e.seq AS seq, e.at AS at, "
        "e.actor AS actor, e.action AS action, e.target AS target, e.details AS details, "
        "e.prev_hash AS prev_hash ORDER BY e.seq"
    )
    prev_hash = rows[0]["prev_hash"]
    for row in rows:
        digest = audit.entry_hash(**{**row, "prev_hash": prev_hash}, key=None)
        store.write(
            "MATCH (e:AuditEntry {seq: $seq}) SET e.prev_hash = $prev, e.hash = $hash",
            seq=row["seq"],
            prev=prev_hash,
            hash=digest,
        )
        prev_hash = digest
    report = audit.verify_chain(store)
    assert not report.ok and report.bad_seq == 4 and "prev_hash" in (report.reason or "")


def test_a_keyed_log_without_its_seal_is_broken(store: GraphStore) -> None:
    fill(store, 3)
    settings.load().audit_seal_file.unlink()
    report = audit.verify_chain(store)
    assert not report.ok and report.bad_seq == 1
    assert "the seal was removed" in (report.reason or "")


def test_a_refused_seal_stays_as_evidence(store: GraphStore) -> None:
    fill(store, 2)
    path = settings.load().audit_seal_file
    path.write_text(path.read_text(encoding="utf-8").replace('"seq": 2', '"seq": 1'))
    forged = path.read_bytes()
    fill(store, 2)
    assert path.read_bytes() == forged
    report = audit.verify_chain(store)
    assert not report.ok and report.bad_seq is None
    assert "not signed by this installation's key" in (report.reason or "")


def test_wiping_the_database_on_purpose_forgets_the_seal(store: GraphStore) -> None:
    fill(store, 2)
    assert settings.load().audit_seal_file.exists()
    wipe_data(store)
    assert not settings.load().audit_seal_file.exists()
    assert audit.verify_chain(store).ok
    fill(store, 1)
    report = audit.verify_chain(store)
    assert report.ok and report.sealed_seq == 1


def test_reseal_accepts_a_restored_log_and_records_it(
    store: GraphStore, capsys: pytest.CaptureFixture[str]
) -> None:
    written = fill(store, 5)
    # A backup taken at entry 3 is restored: the entries after it are gone, the seal is ahead.
    store.write("MATCH (e:AuditEntry) WHERE e.seq > 3 DETACH DELETE e")
    store.write(
        "MATCH (a:AuditEntry {seq: 0}) SET a.head_seq = 3, a.head_hash = $hash",
        hash=written[2].hash,
    )
    assert main(["audit", "verify"]) == 1
    assert "entries 4–5 are missing: the sealed head is seq 5" in capsys.readouterr().out
    assert main(["audit", "reseal"]) == 0
    assert "sealed at entry 3" in capsys.readouterr().out
    report = audit.verify_chain(store)
    assert report.ok and report.entries == 4 and report.sealed_seq == 4
    entry = audit.entries(store, 1)[0]
    assert entry.action == "audit_reseal" and entry.details["sealed_seq"] == 3
    assert f"seq 5, hash {written[4].hash}" in entry.details["replaced"]
    # A chain that is itself broken is not resealed.
    store.write("MATCH (e:AuditEntry {seq: 2}) SET e.actor = 'someone_else'")
    assert main(["audit", "reseal"]) == 1
    assert "broken at entry 2" in capsys.readouterr().err
