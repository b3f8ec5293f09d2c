"""Ring finding from the facts kept about each entity (``graph.evidence.ringfacts``, issue 18):
after a submission only the entities it can have changed are read from the database again, and
the rings are those of a read of everything — also when a threshold over all seeds is crossed."""

from __future__ import annotations

import csv
from pathlib import Path

from graph.db.store import GraphStore
from graph.evidence import ringfacts
from graph.evidence.analytics import read_ring_data
from graph.evidence.incremental import analyse_submission, submission_entities
from graph.evidence.leads import DetectSettings, detect, kept_rings
from graph.evidence.scores import EntityScore
from graph.evidence.templates import build_templates
from ingest.demo import FIXTURE_WORLD, csv_rows, cut_csv, plan
from ingest.submit import submit_file

HEADER = ["投诉编号", "投诉渠道", "投诉日期", "被投诉机构", "投诉人姓名", "身份证号", "本人手机号",
          "联系电话", "代理人/委托代理", "投诉内容", "诉求金额"]  # fmt: skip
BORROWERS = [("周敏", "350206196302048189", "13900000001"), ("吴刚", "320102197209057214", "13900000002")]  # fmt: skip


def complaints(
    path: Path, numbers: list[str], first: int, borrowers: list[tuple[str, str, str]] = BORROWERS
) -> Path:
    """A complaints file: each borrower complains once about each of ``numbers`` (as contact)."""
    rows = [HEADER]
    for number in numbers:
        for name, id_number, phone in borrowers:
            rows.append([f"T2025{first:08d}", "12315", "2025-03-01", "测试小额贷款有限公司", name,
                         id_number, phone, number, "", "有人冒充平台催收，要求我转账。", "1000"])  # fmt: skip
            first += 1
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def seeds(store: GraphStore, numbers: list[str]) -> list[EntityScore]:
    """Scores that make seeds of the phones of ``numbers`` (agent-written, high)."""
    rows = store.read(
        "MATCH (p:Phone) WHERE any(n IN $numbers WHERE p.key ENDS WITH n) RETURN p.key AS key",
        numbers=numbers,
    )
    features = {"complaints": 2, "template_share": 1.0, "disguise_rate": 0.0}
    return [EntityScore(row["key"], "Phone", 80.0, {}, features) for row in rows]


def people_ties(data: object) -> list[tuple[str, str]]:
    return sorted((t["key"], t["other"]) for t in data.ties if t["why"] == "SAME_PEOPLE")  # type: ignore[attr-defined]


def test_a_person_crossing_its_holder_threshold_unties_every_holder(
    store: GraphStore, tmp_path: Path
) -> None:
    """Two numbers deal with the same two borrowers (held by two seeds: at the threshold, they
    tie); a submission makes a third number deal with them too, so each borrower is held by
    three seeds, over the threshold, and ties nobody — also the first two, whose own facts the
    submission did not change and which were not read again."""
    first = complaints(tmp_path / "a.csv", ["17700000001", "17700000002"], 1)
    submit_file(store, "complaints", first, org="测试小额贷款有限公司", via="demo")
    two = seeds(store, ["17700000001", "17700000002"])
    before = read_ring_data(store, two, max_people_holders=2, kept=True)
    assert len(people_ties(before)) == 1 and before.reads > 0
    second = complaints(tmp_path / "b.csv", ["17700000003"], 100)
    summary = submit_file(store, "complaints", second, org="测试小额贷款有限公司", via="demo")
    own = submission_entities(store, summary["submission"])
    ringfacts.forget_stale(store, sorted(row["key"] for row in own))
    three = seeds(store, ["17700000001", "17700000002", "17700000003"])
    after = read_ring_data(store, three, max_people_holders=2, kept=True)
    everything = read_ring_data(store, three, max_people_holders=2)
    assert people_ties(after) == people_ties(everything) == []
    assert after.ties == everything.ties and after.info == everything.info
    # the first two numbers' facts were kept: only the third's were read again
    assert 0 < after.reads < everything.reads


def test_a_small_submission_reads_the_facts_of_few_entities(
    store: GraphStore, tmp_path: Path
) -> None:
    """Five complaints into the whole fixture world: ring finding reads the database for far
    fewer entities than a full rebuild reads (every seed and node), works on fewer seeds than
    exist (``graph.evidence.ringregion``), and finds the same leads."""
    (tmp_path / "cut").mkdir()
    for kind, path, org in plan(FIXTURE_WORLD):
        if path.name == "complaints_qinghe.csv":
            rest, five = cut_csv(path, tmp_path / "cut", [len(csv_rows(path)) - 6])
            submit_file(store, kind, rest, org=org, via="demo")
            held = (kind, five, org)
        else:
            submit_file(store, kind, path, org=org, via="demo")
    build_templates(store)
    detect(store)
    summary = submit_file(store, held[0], held[1], org=held[2], via="demo")
    result = analyse_submission(store, summary["submission"])
    incremental = store.read("MATCH (l:Lead) RETURN l.id AS id, l.row_digest AS d ORDER BY id")
    ringfacts.forget_all(store)
    counts: dict[str, int] = {}
    kept_rings(store, DetectSettings(), counts=counts)
    assert result["seeds"] == counts["seeds"] > 0
    assert result["region_seeds"] < result["seeds"], result  # ring finding over a region
    assert result["ring_reads"] * 3 < counts["reads"], (result, counts)
    build_templates(store)
    detect(store)
    assert store.read("MATCH (l:Lead) RETURN l.id AS id, l.row_digest AS d ORDER BY id") == (
        incremental
    )
