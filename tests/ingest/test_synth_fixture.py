"""The committed fixture world is exactly what its documented command writes; the CLI works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "world"
# The command in fixtures/README.md, without the output directory.
FIXTURE_ARGS = ["synth", "--scale", "400", "--seed", "20250901"]


def test_fixture_regenerates_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main([*FIXTURE_ARGS, "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    committed = sorted(p.name for p in FIXTURE.iterdir())
    assert committed == sorted(p.name for p in tmp_path.iterdir())
    for name in committed:
        assert (tmp_path / name).read_bytes() == (FIXTURE / name).read_bytes(), name
    assert sum((FIXTURE / name).stat().st_size for name in committed) < 1_000_000


def test_fixture_readme_names_the_command() -> None:
    readme = (FIXTURE.parent / "README.md").read_text(encoding="utf-8")
    assert "leadgraph " + " ".join(FIXTURE_ARGS) + " --out fixtures/world" in readme


def test_cli_json_summary(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["synth", "--scale", "50", "--seed", "3", "--out", str(tmp_path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    loaded_bad = [b for b in truth["bad_rows"] if b["outcome"] == "field dropped"]
    extra = sum(b["file"].startswith("complaints_") for b in loaded_bad)
    assert summary["counts"]["complaints"] == 50 + extra  # and a few rows that lose one value
    assert summary["files"]["calls.csv"] > 0
    assert (tmp_path / "truth.json").exists()


def test_cli_text_summary(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["synth", "--scale", "30", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "complaints_yunshan.csv" in out and "rings" in out


@pytest.mark.parametrize("scale", ["5", "20000000"])
def test_cli_refuses_bad_scale(tmp_path: Path, scale: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["synth", "--scale", scale, "--out", str(tmp_path)]) == 1
    assert "--scale must be between" in capsys.readouterr().err


def test_cli_refuses_a_file_as_out(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["synth", "--scale", "30", "--out", str(target)]) == 1
    assert "not a directory" in capsys.readouterr().err
