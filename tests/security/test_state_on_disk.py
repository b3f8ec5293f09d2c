"""What stays on disk, with NEO4J_URI set so that no local server ever starts (issue 15, point 8):
the state folder is private (700, files 600) from the first command, and a workbench upload —
raw phone and ID numbers — is gone once ingested, or kept only for a stated retention that
`leadgraph` enforces, each deletion audited.

A local user who is not LeadGraph's reads what the modes let them read, so the tests check the
modes (the tests may run as root, for whom modes are no obstacle)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import free_port, run_cli

from app.views.submit import save_upload
from graph.core import keys, settings
from graph.core.errors import UserError
from graph.core.private import open_private, write_private
from graph.db import local_neo4j
from graph.db.store import GraphStore
from graph.workflow import audit
from ingest.submit import submit_file

RAW_ID = "110108199003135422"
HEADER = "投诉编号,投诉渠道,投诉日期,被投诉机构,投诉人姓名,身份证号,本人手机号,投诉内容\n"
COMPLAINTS = (
    HEADER
    + f"XH1,客服热线,2025-03-26,星河消费金融,范新宁,{RAW_ID},15087872416,征信修复 要求退费\n"
    + "XH2,客服热线,2025-03-27,星河消费金融,钱凤红,11010819900313542X,13626782093,bad id\n"
).encode()
ORG = "星河消费金融"


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The most common umask, under which a plain mkdir is 755 and a plain file 644."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


@pytest.fixture
def remote_env(
    neo4j_server: settings.Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """A fresh state folder and the test server as an existing Neo4j (NEO4J_URI): LeadGraph
    starts no server, so nothing of the local server's start-up makes the folder private."""
    user, password = neo4j_server.credentials()
    env = {
        "LEADGRAPH_HOME": str(tmp_path / "state"),
        "NEO4J_URI": neo4j_server.bolt_uri(),
        "NEO4J_USER": user,
        "NEO4J_PASSWORD": password,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def modes(folder: Path) -> dict[str, int]:
    """Every folder and file under ``folder`` (itself included) with its permission bits."""
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def test_the_state_folder_and_every_file_in_it_are_private_without_a_local_server(
    store: GraphStore, remote_env: dict[str, str], umask_022: None, tmp_path: Path
) -> None:
    home = Path(remote_env["LEADGRAPH_HOME"])
    complaints = tmp_path / "complaints.csv"
    complaints.write_bytes(COMPLAINTS)
    partner = tmp_path / "partner.pem"
    partner.write_bytes(keys.SigningKey.generate().public.pem)

    # What a user runs: the signing key, a partner's key, a scan (the scanner's cache), an
    # ingest (the ID-hashing key and a quarantine report) — and an analyst's upload, on disk
    # between the preview and the ingest.
    for command in (
        ("keys", "show"),
        ("keys", "trust", str(partner), "--name", "partner"),
        ("scan", "征信修复"),
        ("ingest", "complaints", str(complaints), "--org", ORG),
    ):
        done = run_cli(*command, env=remote_env)
        assert done.returncode == 0, (command, done.stderr)
    save_upload("投诉.csv", COMPLAINTS)
    assert not (home / "neo4j").exists()  # no local server was started

    found = modes(home)
    names = {Path(name).name for name in found}
    for expected in ("id-hash.key", "signing-ed25519.pem", "quarantine.csv", "quarantine.json"):
        assert expected in names, sorted(found)
    assert any(name.startswith("slang-") for name in names), sorted(found)
    assert any(name.startswith("trusted_keys/") for name in found), sorted(found)
    assert any(name.startswith("uploads/") and name.endswith(".csv") for name in found)
    wide = {
        name: oct(mode)
        for name, mode in found.items()
        if mode != (0o700 if (home / name).is_dir() else 0o600)
    }
    assert wide == {}, "readable by others"


def test_an_existing_state_folder_of_an_older_version_is_made_private(
    store: GraphStore, remote_env: dict[str, str], umask_022: None
) -> None:
    home = Path(remote_env["LEADGRAPH_HOME"])
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    done = run_cli("keys", "show", env=remote_env)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def upload_deletions(store: GraphStore) -> list[audit.Entry]:
    return audit.entries(store, limit=50, action="upload_delete")


def test_an_upload_is_gone_once_ingested_and_its_provenance_stays(
    store: GraphStore, remote_env: dict[str, str], umask_022: None
) -> None:
    """The Submit page saves the upload, previews it, and its Ingest button submits it: after
    that, no file in the state folder holds the raw ID number, and the submission still names
    the file and its SHA-256."""
    home = Path(remote_env["LEADGRAPH_HOME"])
    path = save_upload("投诉.csv", COMPLAINTS)
    assert path.is_relative_to(home / "uploads") and path.read_bytes() == COMPLAINTS

    summary = submit_file(store, "complaints", path, org=ORG, user="analyst_a", via="workbench")
    assert summary["rows_loaded"] == 1
    assert not path.exists() and not path.parent.exists()
    assert summary["upload_deleted"] is True
    for file in home.rglob("*"):
        if file.is_file():
            assert RAW_ID.encode() not in file.read_bytes(), file

    sha256 = hashlib.sha256(COMPLAINTS).hexdigest()
    submission = store.read_one(
        "MATCH (s:Submission {id: $id}) RETURN s.file_name AS name, s.sha256 AS sha256",
        id=summary["submission"],
    )
    assert submission == {"name": "投诉.csv", "sha256": sha256}
    [entry] = upload_deletions(store)
    assert (entry.actor, entry.target) == ("analyst_a", f"submission:{summary['submission']}")
    assert entry.details == {"file": "投诉.csv", "sha256": sha256, "reason": "ingested"}


def test_a_kept_upload_is_pruned_after_its_retention(
    store: GraphStore,
    remote_env: dict[str, str],
    umask_022: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """With LEADGRAPH_UPLOAD_RETENTION_DAYS=2 an ingested upload stays two days, then goes —
    by `leadgraph uploads prune`, or by the next ingest through any door; and an upload that was
    never ingested does not stay for ever either."""
    monkeypatch.setenv("LEADGRAPH_UPLOAD_RETENTION_DAYS", "2")
    kept = save_upload("投诉.csv", COMPLAINTS)
    summary = submit_file(store, "complaints", kept, org=ORG, user="analyst_a", via="workbench")
    assert kept.exists() and summary["upload_deleted"] is False

    three_days_ago = time.time() - 3 * 86400
    os.utime(kept, (three_days_ago, three_days_ago))
    done = run_cli("uploads", "prune", "--json")
    assert done.returncode == 0, done.stderr
    assert [row["file"] for row in json.loads(done.stdout)] == ["投诉.csv"]
    assert not kept.exists()
    [entry] = upload_deletions(store)
    assert entry.actor.startswith("cli:") and entry.details["reason"] == "retention"

    # Default retention: an upload left on the page (never ingested) goes a day later, at the
    # next ingest of anyone, here one from the command line.
    monkeypatch.delenv("LEADGRAPH_UPLOAD_RETENTION_DAYS")
    abandoned = save_upload("留下的.csv", COMPLAINTS.replace(b"XH1", b"XH9"))
    os.utime(abandoned, (time.time() - 25 * 3600,) * 2)
    fresh = save_upload("刚上传.csv", COMPLAINTS.replace(b"XH1", b"XH8"))
    other = tmp_path / "other.csv"
    other.write_bytes(COMPLAINTS)
    submit_file(store, "complaints", other, org=ORG)
    assert not abandoned.exists() and fresh.exists() and other.exists()
    assert len(upload_deletions(store)) == 2


FAKE_JAVA = """#!/bin/sh
# answers `java -version` as Java 17; "runs" Neo4j by writing a store file, then fails
if [ "$1" = "-version" ]; then echo 'openjdk version "17.0.9" 2023-10-17' >&2; exit 0; fi
while [ "$#" -gt 0 ]; do [ "$1" = "--home" ] && home="$2"; shift; done
mkdir -p "$home/data" && echo store > "$home/data/store" && echo started
exit 3
"""


def test_the_local_server_and_its_files_are_as_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_022: None
) -> None:
    """The local Neo4j's log, pid and port files, and what the server itself writes (its umask
    is 077), are private too: here a stand-in for Java that writes a store file and exits."""
    java = tmp_path / "java"
    java.write_text(FAKE_JAVA)
    java.chmod(0o755)
    home = tmp_path / "state"
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("LEADGRAPH_HOME", str(home))
    monkeypatch.setenv("LEADGRAPH_JAVA", str(java))
    config = settings.load()
    with pytest.raises(UserError, match="exited with code 3"):
        local_neo4j.start(config, port=free_port(), timeout=30)
    found = modes(home)
    assert {"neo4j/data/store", "neo4j-server.log", "neo4j.port", "neo4j.password"} <= set(found)
    wide = {
        name: oct(mode)
        for name, mode in found.items()
        if mode != (0o700 if (home / name).is_dir() else 0o600)
    }
    assert wide == {}, "readable by others"


def test_a_file_written_again_is_narrowed_first(tmp_path: Path, umask_022: None) -> None:
    """A log or report left readable by an older version is made 600 before more is written."""
    old = tmp_path / "state" / "neo4j-server.log"
    old.parent.mkdir()
    old.write_text("older lines\n")
    old.chmod(0o644)
    with open_private(old, "a") as handle:
        handle.write("new line\n")
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert old.read_text() == "older lines\nnew line\n"
    assert write_private(old, "replaced") and stat.S_IMODE(old.stat().st_mode) == 0o600
    assert not write_private(old, "not replaced", replace=False)  # the first writer wins
    assert old.read_text() == "replaced"
