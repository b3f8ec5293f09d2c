"""Parsing in worker processes (``iter_file(..., workers=2)``, :mod:`ingest.parallel`) yields
exactly what the one-process path yields: the same records, the same quarantine entries (file,
row, field, value, reason, outcome), in the same order — on the fixture world, a generated world's
files and real data nobody on the project wrote."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from support import ROOT, write

from app.synth import generate
from ingest import parallel
from ingest.pipeline import iter_file

KEY = b"parallel-test-key"
FIXTURE_WORLD = ROOT / "fixtures" / "world"
SHARED = ROOT.parent / "shared" / "data"
# the CFPB export's 18 columns as a LeadGraph complaint (the rest ignored)
CFPB_MAPPING = {
    "columns": {
        "Complaint ID": "complaint_id",
        "Consumer complaint narrative": "text",
        "Company": "institution",
        "Date received": "filed_date",
        "Submitted via": "channel",
        **{
            header: None
            for header in (
                "Product", "Sub-product", "Issue", "Sub-issue", "Company public response",
                "State", "ZIP code", "Tags", "Consumer consent provided?",
                "Date sent to company", "Company response to consumer", "Timely response?",
                "Consumer disputed?",
            )
        },
    }
}  # fmt: skip


def kind_of(path: Path) -> str:
    for kind in ("complaints", "firms", "phones", "accounts", "calls"):
        if path.name.startswith(kind):
            return kind
    raise AssertionError(path)


def both_ways(kind: str, path: Path, **options: Any) -> tuple[list[Any], list[Any]]:
    one = list(iter_file(kind, path, source="org-a", hashing_key=KEY, **options))
    two = list(iter_file(kind, path, source="org-a", hashing_key=KEY, workers=2, **options))
    return one, two


def assert_same(one: list[Any], two: list[Any]) -> None:
    assert len(one) == len(two)
    for first, second in zip(one, two, strict=True):
        assert first == second


def clue_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name != "truth.json")


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of a few rows, so that even a small file is cut into many."""
    monkeypatch.setattr(parallel, "CHUNK_ROWS", 7)


@pytest.mark.parametrize("path", clue_files(FIXTURE_WORLD), ids=lambda p: p.name)
def test_fixture_world_same_items(path: Path) -> None:
    one, two = both_ways(kind_of(path), path)
    assert one
    assert_same(one, two)


def test_hostile_csv_same_items_and_row_numbers(tmp_path: Path) -> None:
    """GBK, quoted newlines and delimiters, blank records, a row with too many cells, bad and
    partly bad phones, a bad ID: the row numbers and reasons come out the same."""
    lines = ["投诉编号,投诉内容,本人手机号,联系电话,身份证号,投诉人姓名"]
    for i in range(60):
        text = f'"第{i}条，""引号""\n第二行，代理维权 停息挂账 加V：fawu_{i}"'
        phone = ("13800138000", "无", "0591-87654321；无", "+86 139 1234 5678", "12345")[i % 5]
        lines.append(f"C{i},{text},{phone},1380013800{i % 10},11010519491231002X,张{i}")
        if i % 11 == 0:
            lines += ["", ",,,,,", f"X{i},a,b,c,d,e,f,g"]
    path = tmp_path / "hostile.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    one, two = both_ways("complaints", path)
    assert any(getattr(item, "reason", "").startswith("row has 8 cells") for item in one)
    assert_same(one, two)


def test_jsonl_with_different_keys_and_broken_lines(tmp_path: Path) -> None:
    rows = ['{"platform": "抖音", "handle": "@first"}']
    for i in range(40):
        if i % 9 == 0:
            rows.append("{broken")
        elif i % 4 == 0:
            rows.append(f'{{"platform": "抖音", "handle": "@h{i}", "bio": "加V x{i} 13800138000"}}')
        else:
            rows.append(f'{{"平台": "微博", "账号": "h{i}", "unknown_{i % 3}": 1}}')
    path = write(tmp_path / "accounts.jsonl", "\n".join(rows) + "\n")
    one, two = both_ways("accounts", path)
    assert_same(one, two)


def test_a_daemonic_process_parses_in_one_process(tmp_path: Path) -> None:
    """The parsing child of ingest.background may have no children: workers are not used."""
    path = clue_files(FIXTURE_WORLD)[0]
    context = multiprocessing.get_context("fork")
    results: Any = context.Queue()

    def child() -> None:
        results.put(
            (parallel.can_use_workers(), len(list(iter_file(kind_of(path), path, source="o",
                                                            hashing_key=KEY, workers=2))))
        )  # fmt: skip

    process = context.Process(target=child, daemon=True)
    process.start()
    allowed, count = results.get(timeout=120)
    process.join()
    assert not allowed
    assert count == len(list(iter_file(kind_of(path), path, source="o", hashing_key=KEY)))


@pytest.fixture(scope="module")
def synth_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated world (``leadgraph synth``) of 3,000 complaints: every clue kind, with its
    bad and duplicate rows."""
    out = tmp_path_factory.mktemp("synth-3000")
    generate(3000, 23, out)
    return out


@pytest.mark.slow
def test_generated_world_same_items(synth_world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file of a generated world, parsed in one process and in two, item for item."""
    monkeypatch.setattr(parallel, "CHUNK_ROWS", 500)
    paths = clue_files(synth_world)
    assert {kind_of(path) for path in paths} >= {"complaints", "phones", "firms", "accounts"}
    for path in paths:
        one, two = both_ways(kind_of(path), path)
        assert_same(one, two)


@pytest.mark.slow
def test_real_data_same_items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Public data (see ../shared/data/*/SOURCE.txt): CFPB complaints (public domain) as
    complaints, ICIJ Offshore Leaks intermediaries (credit ICIJ) as firms."""
    if not SHARED.is_dir():
        pytest.skip(f"shared data folder {SHARED} is absent")
    monkeypatch.setattr(parallel, "CHUNK_ROWS", 500)
    for path in sorted((SHARED / "cfpb_complaints_sample").glob("*.csv")):
        one, two = both_ways("complaints", path, mapping=CFPB_MAPPING)
        assert len(one) > 1000
        assert_same(one, two)
    icij = SHARED / "icij_intermediaries" / "nodes-intermediaries.csv"
    mapping = ROOT / "fixtures" / "mappings" / "icij_intermediaries.yaml"
    one, two = both_ways("firms", icij, mapping=mapping)
    assert len(one) > 20_000
    assert_same(one, two)
