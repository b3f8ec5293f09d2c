"""`leadgraph export`, `verify` and `keys show` as a user runs them."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest
from support import run_cli as run_cli_process
from test_export import KEY, T1, sample_bundle

from app.cli import main
from graph.core import keys
from graph.db.store import GraphStore
from graph.export.package import export_package
from graph.workflow import audit


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli_process(*args, env=env, timeout=300)  # a package takes a while to render


def test_verify_exit_codes_and_named_file(tmp_path: Path) -> None:
    package = export_package(sample_bundle(), tmp_path, fmt="dir", user="u", now=T1, key=KEY).path
    # an installation that trusts the test key (KEY is kept nowhere)
    env = {"LEADGRAPH_HOME": str(tmp_path / "home")}
    (tmp_path / "exporter.pem").write_bytes(KEY.public.pem)
    trusted = run_cli("keys", "trust", str(tmp_path / "exporter.pem"), "--name", "test", env=env)
    assert trusted.returncode == 0, trusted.stderr
    intact = run_cli("verify", str(package), env=env)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert intact.stdout.startswith("INTACT")
    (package / "entities.csv").write_bytes((package / "entities.csv").read_bytes() + b"x,y\r\n")
    (package / "method.txt").unlink()
    broken = run_cli("verify", str(package), env=env)
    assert broken.returncode == 1
    assert "changed: entities.csv" in broken.stdout and "removed: method.txt" in broken.stdout
    as_json = run_cli("verify", str(package), "--json", env=env)
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["changed"] == ["entities.csv"]
    missing = run_cli("verify", str(tmp_path / "nothing-here"))
    assert missing.returncode == 1 and missing.stderr.startswith("leadgraph: error: no package")


def test_keys_show_creates_one_private_key(tmp_path: Path) -> None:
    env = {"LEADGRAPH_HOME": str(tmp_path)}
    first = run_cli("keys", "show", "--json", env=env)
    assert first.returncode == 0, first.stderr
    info = json.loads(first.stdout)
    assert stat.S_IMODE((tmp_path / keys.KEY_FILE_NAME).stat().st_mode) == 0o600
    second = json.loads(run_cli("keys", "show", "--json", env=env).stdout)
    assert second["fingerprint"] == info["fingerprint"] and len(info["fingerprint"]) == 64
    assert "BEGIN PUBLIC KEY" in info["public_key_pem"]
    (tmp_path / keys.KEY_FILE_NAME).chmod(0o644)
    loose = run_cli("keys", "show", env=env)
    assert loose.returncode == 1 and "chmod 600" in loose.stderr


@pytest.mark.neo4j
def test_export_command_writes_a_package_and_an_audit_entry(
    store: GraphStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import graph.evidence.leads

    monkeypatch.setattr(graph.evidence.leads, "lead_bundle", lambda _store, _lead: sample_bundle())
    code = main(
        [
            "export",
            "lead-firm-91440300ma5g8kqx1p",
            "--out",
            str(tmp_path / "out"),
            "--audience",
            "partner",
            "--user",
            "officer_wang",
            "--json",
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert Path(result["path"]).suffix == ".zip"
    assert main(["verify", result["path"]]) == 0
    entry = audit.entries(store, action="export")[0]
    assert entry.actor == "cli:officer_wang" and entry.target == "lead:lead-firm-91440300ma5g8kqx1p"
    assert entry.details["package_id"] == result["package_id"]
    assert entry.details["manifest_sha256"] == result["manifest_sha256"]
    assert entry.details["audience"] == "partner"
