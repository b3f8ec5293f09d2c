"""The audit log cannot be cut, wiped or rewritten by someone holding only the database
credentials (issue 15, point 3).

The attacker below has what the Neo4j password gives — Cypher through the driver — and the
source code, so knows how entries are hashed. Before the fix the chain was plain SHA-256 and its
head was kept only in the database: deleting the newest entries and moving the anchor, deleting
every entry, or editing an entry and recomputing the hashes all left `leadgraph audit verify`
printing "intact". Now each hash is an HMAC under a key in the state folder, and every append
seals the head into a signed file there, which the database cannot reach.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

from app.cli import main
from graph.core import settings
from graph.core.keys import SigningKey
from graph.db.store import GraphStore
from graph.workflow import audit

ENTRIES = 8


def fill(store: GraphStore, count: int = ENTRIES, actor: str = "analyst_a") -> list[audit.Entry]:
    return [
        audit.append(store, actor, "view_lead", target=f"lead:L-{i}", details={"i": i})
        for i in range(1, count + 1)
    ]


def verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`leadgraph audit verify`, as the admin runs it after the attack."""
    code = main(["audit", "verify"])
    return code, capsys.readouterr().out


def seal_file() -> Path:
    return settings.load().home / "audit-seal.json"


# --- what the attacker does with the database credentials ---------------------------------------


def plain_sha256(row: dict[str, object], prev_hash: str) -> str:
    """The entry hash as the source code once computed it: SHA-256 of the canonical JSON."""
    fields = {
        "seq": row["seq"],
        "at": row["at"],
        "actor": row["actor"],
        "action": row["action"],
        "target": row["target"],
        "details": row["details"],
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def move_anchor(store: GraphStore, head_seq: int) -> None:
    """Point the anchor (entry 0) at ``head_seq`` so that the shortened chain looks whole."""
    store.write(
        """
        OPTIONAL MATCH (e:AuditEntry {seq: $seq})
        WITH coalesce(e.hash, $genesis) AS hash
        MATCH (a:AuditEntry {seq: 0})
        SET a.head_seq = $seq, a.head_hash = hash
        """,
        seq=head_seq,
        genesis=audit.GENESIS_HASH,
    )


def test_untouched_log_verifies_intact_against_its_seal(
    store: GraphStore, capsys: pytest.CaptureFixture[str]
) -> None:
    written = fill(store)
    code, out = verify(capsys)
    assert code == 0, out
    assert f"intact: {ENTRIES} entries" in out and f"sealed head {ENTRIES}" in out
    sealed = json.loads(seal_file().read_text(encoding="utf-8"))
    assert sealed["seq"] == ENTRIES and sealed["hash"] == written[-1].hash
    assert seal_file().stat().st_mode & 0o777 == 0o600


def test_cut_tail_with_the_anchor_moved_is_broken(
    store: GraphStore, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store)
    store.write("MATCH (e:AuditEntry) WHERE e.seq >= 6 DETACH DELETE e")
    move_anchor(store, 5)
    code, out = verify(capsys)
    assert code == 1, out
    assert f"entries 6–{ENTRIES} are missing: the sealed head is seq {ENTRIES}" in out


def test_wiped_log_is_broken_even_after_new_entries(
    store: GraphStore, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store)
    store.write("MATCH (e:AuditEntry) DETACH DELETE e")
    code, out = verify(capsys)
    assert code == 1, out
    assert f"entries 1–{ENTRIES} are missing: the sealed head is seq {ENTRIES}" in out
    # The workbench goes on auditing: the new log grows past the sealed seq, yet the seal does
    # not move onto it, and the wipe stays visible.
    fill(store, ENTRIES + 3, actor="officer_1")
    code, out = verify(capsys)
    assert code == 1, out
    assert f"entry {ENTRIES} is not the entry that was sealed" in out


def test_edited_entry_with_recomputed_sha256_chain_is_broken(
    store: GraphStore, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store)
    rows = store.read(
        "MATCH (e:AuditEntry) WHERE e.seq > 0 "
        "RETURN e.seq AS seq, e.at AS at, e.actor AS actor, e.action AS action, "
        "e.target AS target, e.details AS details, e.prev_hash AS prev_hash ORDER BY e.seq"
    )
    prev_hash = rows[2]["prev_hash"]
    for row in rows[2:]:  # entry 3 onwards: edit it, then rebuild every hash after it
        if row["seq"] == 3:
            row["actor"] = "someone_else"
        digest = plain_sha256(row, prev_hash)
        store.write(
            "MATCH (e:AuditEntry {seq: $seq}) "
            "SET e.actor = $actor, e.prev_hash = $prev_hash, e.hash = $hash",
            seq=row["seq"],
            actor=row["actor"],
            prev_hash=prev_hash,
            hash=digest,
        )
        prev_hash = digest
    move_anchor(store, ENTRIES)
    code, out = verify(capsys)
    assert code == 1, out
    assert "BROKEN at entry 3" in out


def test_forged_seal_is_refused(store: GraphStore, capsys: pytest.CaptureFixture[str]) -> None:
    """Someone who may write the state folder but has no copy of the installation key cuts the
    log and writes a seal to match, signed with a key of their own."""
    fill(store)
    store.write("MATCH (e:AuditEntry) WHERE e.seq >= 6 DETACH DELETE e")
    move_anchor(store, 5)
    head = store.read("MATCH (e:AuditEntry {seq: 5}) RETURN e.hash AS hash")[0]["hash"]
    forged = json.loads(seal_file().read_text(encoding="utf-8"))
    forger = SigningKey.generate()
    forged.update(seq=5, hash=head, signer=forger.public.fingerprint)
    forged.pop("signature")
    body = json.dumps(forged, sort_keys=True, separators=(",", ":")).encode()
    forged["signature"] = base64.b64encode(forger.sign(body)).decode()
    seal_file().write_text(json.dumps(forged), encoding="utf-8")
    code, out = verify(capsys)
    assert code == 1, out
    assert "not signed by this installation's key" in out


APPENDER = """
import sys
from graph.db.store import GraphStore
from graph.workflow import audit
with GraphStore.open() as store:
    for n in range(int(sys.argv[2])):
        audit.append(store, sys.argv[1], "search", details={"n": n})
"""


def test_processes_appending_at_once_keep_one_seal(
    store: GraphStore, capsys: pytest.CaptureFixture[str]
) -> None:
    """The workbench and the command line append at the same time: the seal ends on the head."""
    fill(store, 1)
    processes = [
        subprocess.Popen([sys.executable, "-c", APPENDER, f"p{n}", "12"], cwd=ROOT)
        for n in range(3)
    ]
    assert [p.wait(timeout=300) for p in processes] == [0, 0, 0]
    code, out = verify(capsys)
    assert code == 0, out
    assert "intact: 37 entries" in out and "sealed head 37" in out
    assert json.loads(seal_file().read_text(encoding="utf-8"))["seq"] == 37
