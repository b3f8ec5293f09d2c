"""`leadgraph verify` believes trusted keys only (issue 15, point 1).

The attack: take a real package, edit a file, rebuild ``manifest.json`` and sign it with a fresh
Ed25519 key whose ``public_key.pem`` ships in the package. Every hash then matches and the
signature is valid, so a verifier that trusts the key inside the package printed INTACT and
exited 0 — even on the installation holding the real key — with whatever ``exported_by`` the
forger wrote. The forger below uses the project's own functions, as anyone with the source can.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support import run_cli as run_cli_process

from graph.core import keys
from graph.core.keys import SigningKey
from graph.export.manifest import MANIFEST, SIGNATURE, build_manifest, signature_file
from graph.export.package import export_package
from graph.export.verify import read_package

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "export"))
from test_export import sample_bundle  # the court-package test's lead bundle

T1 = datetime(2024, 7, 2, 1, 2, 3, tzinfo=UTC)


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli_process(*args, env={"LEADGRAPH_HOME": str(home)})


@pytest.fixture(scope="module")
def exporter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, SigningKey, Path]]:
    """An exporting installation (its home and key) and a real package it signed (a zip)."""
    home = tmp_path_factory.mktemp("exporter-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADGRAPH_HOME", str(home))
        key = keys.load_or_create()
    assert key.path is not None and key.path.parent == home
    out = tmp_path_factory.mktemp("exported")
    package = export_package(
        sample_bundle(), out, fmt="zip", user="officer_wang", now=T1, key=key
    ).path
    yield home, key, package


def forge(package: Path, out: Path) -> tuple[Path, SigningKey]:
    """What the forger does: edit a file, rebuild the manifest, sign with a key of their own."""
    files = read_package(package)
    original = json.loads(files[MANIFEST])
    files["links.csv"] = files["links.csv"].replace(b"fact", b"match", 1)
    assert files["links.csv"] != read_package(package)["links.csv"]
    forger = SigningKey.generate()
    files["public_key.pem"] = forger.public.pem
    content = {name: data for name, data in files.items() if name not in (MANIFEST, SIGNATURE)}
    manifest = build_manifest(
        content,
        package_id=original["package_id"],
        lead_id=original["lead_id"],
        audience=original["audience"],
        exported_by="chief_judge",  # the forger's choice
        exported_at=original["exported_at"],
        time_zone=original["time_zone"],
        software=original["software"],
        public_key=forger.public,
    )
    files[MANIFEST] = manifest
    files[SIGNATURE] = signature_file(manifest, forger)
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
    return out, forger


def test_forged_package_signed_with_a_shipped_key_is_not_intact(
    exporter: tuple[Path, SigningKey, Path], tmp_path: Path
) -> None:
    home, key, package = exporter
    forged, forger = forge(package, tmp_path / "forged.zip")
    grouped = keys.group_fingerprint(forger.public.fingerprint)

    # the real package verifies on the installation that holds its key, with no trust added
    genuine = run_cli(home, "verify", str(package))
    assert genuine.returncode == 0, genuine.stdout + genuine.stderr
    assert genuine.stdout.startswith("INTACT") and "exported by officer_wang" in genuine.stdout

    result = run_cli(home, "verify", str(forged))
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("NOT INTACT")
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem:")]
    assert len(problems) == 1 and grouped in problems[0] and "leadgraph keys trust" in problems[0]
    assert "unverified claim:" in result.stdout  # the forger's exported_by is not vouched for

    as_json = run_cli(home, "verify", str(forged), "--json")
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    # every hash matches and the signature is valid: only the untrusted key gives it away
    assert report["signature_valid"] and not report["key_trusted"] and not report["intact"]
    assert report["key_fingerprint"] == forger.public.fingerprint
    assert report["changed"] == report["added"] == report["removed"] == []

    # nor does a court installation that trusts the real exporter believe it
    court = tmp_path / "court"
    (tmp_path / "exporter.pem").write_bytes(key.public.pem)
    assert run_cli(court, "keys", "trust", str(tmp_path / "exporter.pem")).returncode == 0
    assert run_cli(court, "verify", str(package)).returncode == 0
    assert run_cli(court, "verify", str(forged)).returncode == 1


def test_key_trusted_on_a_second_installation_verifies_until_untrusted(
    exporter: tuple[Path, SigningKey, Path], tmp_path: Path
) -> None:
    _home, key, package = exporter
    court = tmp_path / "court"  # a second installation, with a key of its own
    assert run_cli(court, "keys", "show").returncode == 0
    before = run_cli(court, "verify", str(package))
    assert (
        before.returncode == 1 and keys.group_fingerprint(key.public.fingerprint) in before.stdout
    )

    pem = tmp_path / "public_key.pem"
    pem.write_bytes(read_package(package)["public_key.pem"])  # as the exporter handed it over
    added = run_cli(court, "keys", "trust", str(pem), "--name", "示例市公安局经侦支队")
    assert added.returncode == 0, added.stderr
    folder = court / keys.TRUSTED_DIR_NAME
    stored = folder / f"{key.public.fingerprint}.pem"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600

    listed = run_cli(court, "keys", "list")
    assert listed.returncode == 0
    line = next(x for x in listed.stdout.splitlines() if "示例市公安局经侦支队" in x)
    assert keys.group_fingerprint(key.public.fingerprint) in line
    assert "this installation's key" in listed.stdout  # its own key is listed too

    after = run_cli(court, "verify", str(package))
    assert after.returncode == 0, after.stdout + after.stderr
    assert after.stdout.startswith("INTACT") and "示例市公安局经侦支队" in after.stdout

    # a loosened store is refused, not silently believed
    stored.chmod(0o666)
    loose = run_cli(court, "verify", str(package))
    assert loose.returncode == 1 and "chmod 600" in loose.stderr
    stored.chmod(0o600)

    removed = run_cli(court, "keys", "untrust", keys.group_fingerprint(key.public.fingerprint))
    assert removed.returncode == 0, removed.stderr
    assert not stored.exists()
    relisted = run_cli(court, "keys", "list").stdout
    assert "示例市公安局经侦支队" not in relisted
    assert keys.group_fingerprint(key.public.fingerprint) not in relisted
    assert run_cli(court, "verify", str(package)).returncode == 1
    again = run_cli(court, "keys", "untrust", key.public.fingerprint)
    assert again.returncode == 1 and "no trusted key" in again.stderr


def test_expect_fingerprint_believes_exactly_that_key(
    exporter: tuple[Path, SigningKey, Path], tmp_path: Path
) -> None:
    _home, key, package = exporter
    forged, forger = forge(package, tmp_path / "forged.zip")
    nobody = tmp_path / "fresh"  # an installation that trusts nothing yet
    real = key.public.fingerprint
    assert run_cli(nobody, "verify", str(package), "--expect-fingerprint", real).returncode == 0
    grouped = keys.group_fingerprint(real)
    assert run_cli(nobody, "verify", str(package), "--expect-fingerprint", grouped).returncode == 0
    caught = run_cli(nobody, "verify", str(forged), "--expect-fingerprint", real)
    assert caught.returncode == 1 and forger.public.fingerprint in caught.stdout
