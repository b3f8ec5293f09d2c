"""Working notes leave only as a labelled annex, and only to an audience entitled to them:
a police package (an officer's or an admin's export through the workbench's door) carries the
notes its exporter may read as ``notes.txt``, covered by the manifest and `leadgraph verify`;
a partner package never carries one, not even when notes are handed to it."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support import CONTACT_ORG, WECHAT, one_contact_ring

from app.cli import main
from graph import views
from graph.core.keys import SigningKey
from graph.db.store import GraphStore
from graph.evidence.leads import lead_bundle
from graph.export.annex import HEADING, NOTES_FILE, entitled_notes, notes_txt
from graph.export.manifest import MANIFEST
from graph.export.package import build_files
from graph.workflow import users
from graph.workflow.auth import Principal
from graph.workflow.lifecycle import accept_lead
from graph.workflow.notes import notes_on

ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
ADMIN = Principal("admin", "admin", None, None)
NOTE = "ANNEXNOTE 与某案有关，待核实"


@pytest.fixture
def lead(store: GraphStore, tmp_path: Path) -> str:
    found = one_contact_ring(store, tmp_path)
    lead_id = str(next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"]))
    users.add_org(store, CONTACT_ORG, "enterprise", exist_ok=True)
    users.add_user(store, ANALYST.username, role="analyst", org=CONTACT_ORG, password_hash="x")
    accept_lead(store, ANALYST, lead_id, "ours")
    views.add_note(store, ANALYST, f"lead:{lead_id}", NOTE)
    views.add_note(store, ANALYST, WECHAT, "ANNEXNOTE2 on the handle")
    return lead_id


def package_files(path: str) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def test_a_police_package_carries_the_notes_as_a_verified_annex(
    store: GraphStore, lead: str, tmp_path: Path
) -> None:
    result = views.export_lead(store, ADMIN, lead, tmp_path / "out")
    assert result["audience"] == "police"
    files = package_files(result["path"])
    annex = files[NOTES_FILE].decode()
    assert annex.startswith(HEADING) and NOTE in annex and "ANNEXNOTE2" in annex
    assert NOTES_FILE in files[MANIFEST].decode()
    for name, data in files.items():  # in no evidence file: chart, tables, graph files
        if name not in (NOTES_FILE, MANIFEST):
            assert b"ANNEXNOTE" not in data, name
    assert main(["verify", result["path"]]) == 0
    # a changed annex is caught like any changed file
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(result["path"]) as archive:
        archive.extractall(folder)
    [top] = list(folder.iterdir())
    (top / NOTES_FILE).write_text(annex.replace("待核实", "已核实"), encoding="utf-8")
    assert main(["verify", str(top)]) == 1


def test_a_partner_package_never_carries_notes(
    store: GraphStore, lead: str, tmp_path: Path
) -> None:
    result = views.export_lead(store, ANALYST, lead, tmp_path / "out")
    assert result["audience"] == "partner"
    files = package_files(result["path"])
    assert NOTES_FILE not in files
    assert all(b"ANNEXNOTE" not in data for data in files.values())
    # even handed notes, the package builder leaves them out for a partner
    note = {"id": "note-1", "target": f"lead:{lead}", "text": NOTE, "author": "a",
            "org": CONTACT_ORG, "created_at": "2025-07-01T08:00:00Z", "edited_at": None}  # fmt: skip
    built, _ = build_files(
        lead_bundle(store, lead), audience="partner", exported_by="a",
        exported_at=datetime(2025, 7, 1, tzinfo=UTC), key=SigningKey.generate(), notes=[note],
    )  # fmt: skip
    assert NOTES_FILE not in built


def test_a_cli_court_package_carries_the_notes_its_user_may_read(
    store: GraphStore, lead: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`leadgraph export --user` by the owning org's analyst: the annex the workbench makes
    for a reader (its heading, the analyst's org's notes, in the manifest, verified), and not
    a note the analyst may not read (an admin's)."""
    views.add_note(store, ADMIN, f"lead:{lead}", "ADMINNOTE only admins read this")
    out = tmp_path / "cli"
    args = ["export", lead, "--out", str(out), "--audience", "court", "--user", ANALYST.username]
    assert main(args) == 0
    assert "notes.txt" in capsys.readouterr().out
    [path] = out.iterdir()
    files = package_files(str(path))
    annex = files[NOTES_FILE].decode()
    assert annex.startswith(HEADING) and NOTE in annex and "ANNEXNOTE2" in annex
    assert "ADMINNOTE" not in annex
    assert NOTES_FILE in files[MANIFEST].decode()
    for name, data in files.items():
        if name not in (NOTES_FILE, MANIFEST):
            assert b"ANNEXNOTE" not in data, name
    # the same notes as the workbench's door gives that reader, in the same annex
    readable = notes_on(store, ANALYST, [f"lead:{lead}", WECHAT])
    assert annex == notes_txt(entitled_notes(readable, "court"), files_package_id(files)).decode()
    assert main(["verify", str(path)]) == 0


def test_a_cli_package_carries_no_notes_for_a_partner_or_a_name_that_reads_none(
    store: GraphStore, lead: str, tmp_path: Path
) -> None:
    for n, extra in enumerate(
        (
            ["--audience", "partner", "--user", ANALYST.username],  # the owning org's partner
            ["--audience", "court", "--user", "nobody_here"],  # a name that is no account
            ["--audience", "court"],  # the login name
        )
    ):
        out = tmp_path / f"cli{n}"
        assert main(["export", lead, "--out", str(out), *extra]) == 0
        [path] = out.iterdir()
        files = package_files(str(path))
        assert NOTES_FILE not in files, extra
        assert all(b"ANNEXNOTE" not in data for data in files.values()), extra


def files_package_id(files: dict[str, bytes]) -> str:
    return str(json.loads(files[MANIFEST])["package_id"])
