"""`leadgraph scan`: one text, a file of lines, JSON and JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main


def test_scan_one_text_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--json", "专业处理zx问题，崔收上门"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(h["term"], h["surface"], h["disguise"]) for h in out["hits"]] == [
        ("征信", "zx", "initials"),
        ("催收", "崔收", "homophone"),
    ]
    assert out["lexicon_version"]


def test_scan_file_as_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "texts.txt"
    path.write_text("征信\n\nhello zxcv\n徵.信花了\n", encoding="utf-8")
    assert main(["scan", "--file", str(path), "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4]
    assert [len(r["hits"]) for r in records] == [1, 0, 0, 1]
    assert records[3]["hits"][0]["disguise"] == "traditional+separator"


def test_scan_file_in_gb18030_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "texts.txt"
    path.write_bytes("网dai逾期了\n".encode("gb18030"))
    assert main(["scan", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "网dai -> 网贷 (online_loan)  mixed" in out
    assert "1 lines, 2 hits" in out


def test_scan_needs_exactly_one_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan"]) == 1
    assert main(["scan", "x", "--file", "y"]) == 1
    assert main(["scan", "--file", "/nonexistent/file.txt"]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_scan_json_lists_contacts(capsys: pytest.CaptureFixture[str]) -> None:
    text = "专业处理zx问题，加V信：Tx_8890a，电话 l38一OO26一7719"
    assert main(["scan", "--json", text]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"hits", "lexicon_version", "contacts", "context"}
    assert out["hits"][0]["term"] == "征信"
    assert out["contacts"] == [
        {"kind": "wechat", "value": "tx_8890a", "surface": "Tx_8890a", "start": 13, "end": 21},
        {
            "kind": "phone",
            "value": "+8613800267719",
            "surface": "l38一OO26一7719",
            "start": 25,
            "end": 38,
        },
    ]
    for contact in out["contacts"]:
        assert text[contact["start"] : contact["end"]] == contact["surface"]


def test_scan_text_and_file_print_contacts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", "飞机：@anxin_helper"]) == 0
    out = capsys.readouterr().out
    assert "no terms found" in out
    assert "[3:16]  @anxin_helper -> contact telegram anxin_helper" in out
    path = tmp_path / "texts.txt"
    path.write_text("网dai逾期了\n扣扣：2783361045\n", encoding="utf-8")
    assert main(["scan", "--file", str(path), "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["contacts"] for r in records] == [
        [],
        [{"kind": "qq", "value": "2783361045", "surface": "2783361045", "start": 3, "end": 13}],
    ]
    assert main(["scan", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "line 2  [3:13]  2783361045 -> contact qq 2783361045" in out
    assert "2 lines, 2 hits, 1 contacts" in out
