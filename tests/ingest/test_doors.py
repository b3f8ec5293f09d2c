"""One ingest flow, three doors: the CLI, the workbench's submit page and the demo loader each
submit through ``ingest.submit.submit_file`` and leave the same kind of audit entry."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest
from support import run_cli

from graph.db.store import GraphStore
from graph.workflow import audit, users
from graph.workflow.auth import Principal
from ingest.demo import DEMO_ORG, load_world

ENTRY_DETAILS = {
    "via",
    "file",
    "kind",
    "org",
    "sha256",
    "lexicon_version",
    "contacts_version",
    "rows_read",
    "rows_loaded",
    "rows_quarantined",
    "fields_dropped",
}


def phone_file(folder: Path, name: str, numbers: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    rows = "".join(f"{number},黑名单\n" for number in numbers)
    path.write_text("手机号码,标签\n" + rows + "not-a-phone,黑名单\n", encoding="utf-8")
    return path


def ingest_entries(store: GraphStore) -> list[audit.Entry]:
    return audit.entries(store, limit=50, action="ingest")


def only_entry(store: GraphStore, via: str) -> audit.Entry:
    found = [entry for entry in ingest_entries(store) if entry.details.get("via") == via]
    assert len(found) == 1, [entry.details for entry in ingest_entries(store)]
    return found[0]


def test_the_cli_the_page_and_the_demo_each_audit_their_submission(
    store: GraphStore, tmp_path: Path
) -> None:
    # The command line, as a user runs it.
    cli_file = phone_file(tmp_path / "cli", "blacklist.csv", ["13800138000", "13912345678"])
    done = run_cli("ingest", "phones", str(cli_file), "--org", "星河消费金融", "--json")
    assert done.returncode == 0, done.stderr

    # The workbench's submit page, through the function its Ingest button calls.
    users.add_org(store, "云杉小额贷款", "enterprise")
    users.add_user(store, "analyst_p", role="analyst", org="云杉小额贷款", password_hash="x")
    page_file = phone_file(tmp_path / "page", "watch.csv", ["13700137000"])
    at = AppTest.from_string(
        "import sys\n"
        "from pathlib import Path\n"
        "from app.views.submit import _ingest\n"
        f"_ingest('云杉小额贷款', 'analyst_p', [(Path({str(page_file)!r}), 'phones')])\n",
        default_timeout=120,
    )
    at.session_state["principal"] = Principal("analyst_p", "analyst", "云杉小额贷款", "enterprise")
    at.run()
    assert not at.exception, at.exception

    # The demo loader, on a world folder without truth.json (kinds guessed, one demo org).
    demo_folder = tmp_path / "world"
    phone_file(demo_folder, "phones.csv", ["13600136000"])
    load_world(store, demo_folder, user="demo")

    cli = only_entry(store, "cli")
    assert cli.actor == f"cli:{getpass.getuser()}"
    assert cli.details["org"] == "星河消费金融" and cli.details["file"] == "blacklist.csv"
    page = only_entry(store, "workbench")
    assert page.actor == "analyst_p" and page.details["org"] == "云杉小额贷款"
    demo = only_entry(store, "demo")
    assert demo.actor == "demo" and demo.details["org"] == DEMO_ORG

    for entry, rows_loaded in ((cli, 2), (page, 1), (demo, 1)):
        assert set(entry.details) == ENTRY_DETAILS, entry.details
        assert entry.target and entry.target.startswith("submission:sub-")
        assert entry.details["rows_loaded"] == rows_loaded
        assert entry.details["rows_quarantined"] == 1
        assert entry.details["rows_read"] == rows_loaded + 1
        assert entry.details["fields_dropped"] == 0
        assert entry.details["lexicon_version"]
    assert audit.verify_chain(store).ok


def test_a_submission_records_the_lexicon_that_read_it(store: GraphStore, tmp_path: Path) -> None:
    from graph.text.slang import lexicon_version
    from ingest.submit import submit_file

    path = phone_file(tmp_path, "phones.csv", ["13800138000"])
    summary: dict[str, Any] = submit_file(store, "phones", path, org="lender-a")
    row = store.read_one(
        "MATCH (s:Submission {id: $id}) RETURN s.lexicon_version AS v", id=summary["submission"]
    )
    assert row is not None and row["v"] == lexicon_version() == summary["lexicon_version"]
