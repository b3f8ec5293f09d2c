"""The incremental analysis after each submission equals a full ``build_templates`` + ``detect``
on the same data (issue 18): the same candidate leads (ids, INVOLVES with roles, scores, titles,
summaries, explanations), the same stale leads and the same kept scores — while re-scoring only
the entities a submission touched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.synth.generate import generate
from graph.db.store import GraphStore
from graph.evidence.incremental import (
    SUBMISSION_ENTITIES_SCANNED,
    analyse_submission,
    submission_entities,
)
from graph.evidence.leads import detect
from graph.evidence.templates import build_templates
from ingest.demo import FIXTURE_WORLD, csv_rows, cut_csv, plan, plan_in_parts
from ingest.submit import submit_file

LEADS = """
MATCH (l:Lead)
RETURN l.id AS id, l.status AS status, l.title AS title, l.score AS score,
       l.summary_json AS summary, l.explanation_json AS explanation, l.size AS size,
       l.date_first AS date_first, l.date_last AS date_last,
       l.method_version AS method_version,
       [(l)-[r:INVOLVES]->(x) | [x.key, r.role]] AS involves
ORDER BY id
"""
SCORES = "MATCH (s:EntityScore) RETURN s.key AS key, s.json AS json ORDER BY key"


def leads(store: GraphStore) -> dict[str, dict[str, Any]]:
    rows = {}
    for row in store.read(LEADS):
        row["involves"] = sorted(tuple(item) for item in row["involves"])
        row["summary"] = json.loads(row["summary"] or "null")
        row["explanation"] = json.loads(row["explanation"] or "null")
        rows[row["id"]] = row
    return rows


def assert_same_leads(got: dict[str, dict[str, Any]], want: dict[str, dict[str, Any]]) -> None:
    assert sorted(got) == sorted(want)
    for identifier, lead in want.items():
        mine = got[identifier]
        assert mine["score"] == pytest.approx(lead["score"], abs=1e-9), identifier
        for field in ("status", "title", "summary", "explanation", "involves", "size",
                      "date_first", "date_last", "method_version"):  # fmt: skip
            assert mine[field] == lead[field], (identifier, field)


def run_incrementally(store: GraphStore, steps: list[tuple[str, Path, str]]) -> list[dict]:
    results = []
    for kind, path, org in steps:
        summary = submit_file(store, kind, path, org=org, via="demo")
        results.append(analyse_submission(store, summary["submission"]))
    return results


def assert_equals_full_rebuild(store: GraphStore) -> None:
    """The graph the incremental path left equals the one a full rebuild now writes."""
    before, scores_before = leads(store), store.read(SCORES)
    build_templates(store)
    detect(store)
    assert store.read(SCORES) == scores_before
    assert_same_leads(before, leads(store))


def test_fixture_world_submitted_file_by_file_equals_full_detect(
    store: GraphStore, tmp_path: Path
) -> None:
    steps = plan_in_parts(FIXTURE_WORLD, tmp_path, [40, 25])
    results = run_incrementally(store, steps)
    found = leads(store)
    assert any(lead["status"] == "candidate" for lead in found.values())
    for result in results:
        assert set(result) == {
            "submission",
            "created",
            "updated",
            "stale",
            "touched",
            "seeds",
            "region_seeds",
            "ring_reads",
            "seconds",
        }
    created = {i for result in results for i in result["created"]}
    assert {i for i, lead in found.items() if lead["status"] == "candidate"} <= created
    assert_equals_full_rebuild(store)


def test_a_small_submission_rescores_a_small_part(store: GraphStore, tmp_path: Path) -> None:
    """Five complaints into the whole fixture world: a handful of entities re-scored (their
    complainants, phones, lenders and agents, and what reaches them), and the leads still those
    of a full detect."""
    (tmp_path / "cut").mkdir()
    steps = []
    for kind, path, org in plan(FIXTURE_WORLD):
        if path.name == "complaints_qinghe.csv":
            rest, five = cut_csv(path, tmp_path / "cut", [len(csv_rows(path)) - 6])
            steps.append((kind, rest, org))
            held = (kind, five, org)
        else:
            steps.append((kind, path, org))
    for kind, path, org in steps:
        submit_file(store, kind, path, org=org, via="demo")
    build_templates(store)
    detect(store)
    entities = store.read_one("MATCH (x:Entity) RETURN count(x) AS n")["n"]  # type: ignore[index]
    summary = submit_file(store, held[0], held[1], org=held[2], via="demo")
    result = analyse_submission(store, summary["submission"])
    # detect's scoring reads every entity; this read a few dozen at most
    assert 0 < result["touched"] <= 40 and result["touched"] * 20 < entities, (result, entities)
    assert_equals_full_rebuild(store)


@pytest.mark.slow
def test_synthetic_10k_world_submitted_in_parts_equals_full_detect(
    store: GraphStore, tmp_path: Path
) -> None:
    world = tmp_path / "world"
    generate(10_000, 18, world)
    (tmp_path / "cut").mkdir()
    steps = plan_in_parts(world, tmp_path / "cut", [1000, 300])
    run_incrementally(store, steps)
    assert_equals_full_rebuild(store)


def test_a_submission_s_entities_come_from_its_recorded_keys(
    store: GraphStore, tmp_path: Path
) -> None:
    """The keys each batch recorded name exactly the nodes whose ``submissions`` hold the id;
    without them (a submission written before) every node is scanned, with the same answer."""
    summaries = [
        submit_file(store, kind, path, org=org, via="demo")
        for kind, path, org in plan_in_parts(FIXTURE_WORLD, tmp_path, [40])
    ]
    for summary in summaries:
        ident = summary["submission"]
        recorded = submission_entities(store, ident)
        scanned = store.read(SUBMISSION_ENTITIES_SCANNED, id=ident)
        assert recorded and sorted(recorded, key=str) == sorted(scanned, key=str)
    ident = summaries[-1]["submission"]
    want = sorted(store.read(SUBMISSION_ENTITIES_SCANNED, id=ident), key=str)
    store.write("MATCH (k:SubmissionKeys {submission: $id}) DELETE k", id=ident)
    assert sorted(submission_entities(store, ident), key=str) == want


def test_analysing_again_changes_no_lead(store: GraphStore, tmp_path: Path) -> None:
    """A second analysis of the same submission finds every lead's row as kept (its digest):
    nothing created, updated or retired, nothing written."""
    steps = plan_in_parts(FIXTURE_WORLD, tmp_path, [40])
    results = run_incrementally(store, steps)
    assert any(result["created"] for result in results)
    before = store.read("MATCH (l:Lead) RETURN l.id AS id, l.updated_at AS at ORDER BY id")
    again = analyse_submission(store, results[-1]["submission"])
    assert (again["created"], again["updated"], again["stale"]) == ([], [], [])
    assert store.read("MATCH (l:Lead) RETURN l.id AS id, l.updated_at AS at ORDER BY id") == before
