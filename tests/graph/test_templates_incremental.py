"""refresh_templates after each submission leaves exactly the graph one build_templates writes."""

from __future__ import annotations

import csv
import json
import logging
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graph.db.store import GraphStore
from graph.evidence import template_index as stored
from graph.evidence.templates import build_templates, refresh_templates
from graph.workflow.auth import Principal
from graph.workflow.withdraw import withdraw_submission
from ingest.demo import FIXTURE_WORLD, plan
from ingest.headers import alias_table, normalize_header
from ingest.submit import submit_file

ROOT = Path(__file__).resolve().parents[2]

CLUSTERS = """
MATCH (c:Complaint) WHERE c.template_cluster IS NOT NULL OR c.template_size IS NOT NULL
RETURN c.key AS key, c.template_cluster AS cluster, c.template_size AS size
"""
LINKS = """
MATCH (a:Complaint)-[r:SAME_TEMPLATE]->(b:Complaint)
RETURN a.key AS a, b.key AS b, r.similarity AS similarity, r.kind AS kind, r.method AS method
"""
KEYS = "MATCH (c:Complaint) RETURN c.key AS key"
# the submissions so far were received a while ago (a later one is then later to the second)
RECEIVED_EARLIER = "MATCH (s:Submission) SET s.received_at = '2025-01-01T00:00:00Z'"
ADMIN = Principal("root", "admin", None, None)


def snapshot(store: GraphStore) -> tuple[dict[str, tuple[str, int]], list[tuple[Any, ...]]]:
    """Every complaint's cluster and size, and every SAME_TEMPLATE link."""
    clusters = {row["key"]: (row["cluster"], row["size"]) for row in store.read(CLUSTERS)}
    links = sorted(tuple(row.values()) for row in store.read(LINKS))
    return clusters, links


def split_complaints(world: Path, out: Path, parts: int, seed: int = 7) -> list[tuple[Path, str]]:
    """Each complaints file of ``world`` cut into ``parts`` CSV files of shuffled rows (so later
    parts hold ids before earlier ones), returned round-robin: (file, submitting org)."""
    rng = random.Random(seed)
    truth = json.loads((world / "truth.json").read_text(encoding="utf-8"))
    cut: list[list[tuple[Path, str]]] = []
    for kind, path, org in plan(world):
        if kind != "complaints":
            continue
        encoding = truth["files"][path.name]["encoding"]
        with path.open(encoding=encoding, newline="") as handle:
            header, *rows = list(csv.reader(handle))
        rng.shuffle(rows)
        files = []
        for part in range(parts):
            target = out / f"{path.stem}_part{part}.csv"
            with target.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows([header, *rows[part::parts]])
            files.append((target, org))
        cut.append(files)
    return [files[part] for part in range(parts) for files in cut]


def submit_and_refresh(store: GraphStore, path: Path, org: str) -> list[str]:
    before = {row["key"] for row in store.read(KEYS)}
    old = snapshot(store)[0]
    submit_file(store, "complaints", path, org=org, via="cli", background=False)
    added = sorted({row["key"] for row in store.read(KEYS)} - before)
    changed = refresh_templates(store, added)
    new = snapshot(store)[0]
    expected = sorted(
        k for k in old.keys() | new.keys() if (old.get(k) or ("",))[0] != (new.get(k) or ("",))[0]
    )
    assert changed == expected
    return changed


def without_texts(path: Path, out: Path) -> Path:
    """A copy of the complaints CSV ``path`` with every complaint text blanked."""
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    aliases = alias_table("complaints")
    column = next(
        i for i, name in enumerate(header) if aliases.get(normalize_header(name)) == "text"
    )
    with out.open("w", encoding="utf-8", newline="") as handle:
        for row in rows:
            row[column] = ""
        csv.writer(handle).writerows([header, *rows])
    return out


def refreshed_fully(
    store: GraphStore, caplog: pytest.LogCaptureFixture, path: Path, org: str
) -> bool:
    """Submit and refresh ``path``; whether the refresh fell back to the full build."""
    caplog.clear()
    submit_and_refresh(store, path, org)
    return "full rebuild" in caplog.text


def assert_equal_to_full_build(store: GraphStore) -> None:
    incremental = snapshot(store)
    build_templates(store)
    assert snapshot(store) == incremental
    assert incremental[0] and incremental[1]  # the world does have templates


def test_fixture_world_in_parts_equals_one_full_build(store: GraphStore, tmp_path: Path) -> None:
    shutil.rmtree(stored.index_folder(), ignore_errors=True)
    parts = split_complaints(FIXTURE_WORLD, tmp_path, parts=3)
    first, *rest = parts
    submit_file(store, "complaints", first[0], org=first[1], via="cli", background=False)
    build_templates(store)
    changed = 0
    for path, org in rest:
        changed += len(submit_and_refresh(store, path, org))
    assert changed > 0
    assert_equal_to_full_build(store)


def test_stale_index_falls_back_to_the_full_build(
    store: GraphStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="graph.evidence.templates")
    parts = split_complaints(FIXTURE_WORLD, tmp_path, parts=2)
    for path, org in parts[:3]:
        submit_file(store, "complaints", path, org=org, via="cli", background=False)
    build_templates(store)

    # 1. the folder is gone
    shutil.rmtree(stored.index_folder())
    assert refreshed_fully(store, caplog, *parts[3])
    assert stored.read_meta(stored.index_folder()) is not None  # rebuilt
    # 2. the graph's stamp is another database's
    store.write("MATCH (t:TemplateIndex) SET t.version = 'elsewhere'")
    assert refreshed_fully(store, caplog, *parts[4])
    # 3. a complaint was removed behind the index's back
    store.write(
        "MATCH (c:Complaint) WHERE c.template_cluster IS NOT NULL "
        "WITH c ORDER BY c.key LIMIT 1 DETACH DELETE c"
    )
    assert refreshed_fully(store, caplog, *parts[5])
    # and the index, rebuilt, serves incremental refreshes again
    version = stored.read_meta(stored.index_folder())["version"]
    for path, org in parts[6:]:
        assert not refreshed_fully(store, caplog, path, org)
    assert stored.read_meta(stored.index_folder())["version"] != version
    assert_equal_to_full_build(store)


@pytest.mark.slow
def test_synthetic_10k_world_in_parts_equals_one_full_build(
    store: GraphStore, tmp_path: Path
) -> None:
    world = ROOT / ".leadgraph" / "synth-10000-seed5"
    if not (world / "truth.json").exists():
        subprocess.run(
            [sys.executable, "-m", "app.cli", "synth", "--scale", "10000", "--seed", "5",
             "--out", str(world)],
            check=True, cwd=ROOT,
        )  # fmt: skip
    shutil.rmtree(stored.index_folder(), ignore_errors=True)
    first, *rest = split_complaints(world, tmp_path, parts=2)  # 10 submissions
    submit_file(store, "complaints", first[0], org=first[1], via="cli", background=False)
    build_templates(store)
    for path, org in rest:
        submit_and_refresh(store, path, org)
    assert_equal_to_full_build(store)


def test_complaints_without_a_text_are_counted_and_behind_the_back_ones_seen(
    store: GraphStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="graph.evidence.templates")
    parts = split_complaints(FIXTURE_WORLD, tmp_path, parts=2)
    submit_file(store, "complaints", parts[0][0], org=parts[0][1], via="cli", background=False)
    build_templates(store)
    # a submission of complaints without a text: counted, still incremental
    blank = without_texts(parts[1][0], tmp_path / "blank.csv")
    assert not refreshed_fully(store, caplog, blank, parts[1][1])
    assert not refreshed_fully(store, caplog, *parts[2])
    # a complaint written without a refresh is seen by the count, with a text or without one
    for key, text in (("complaint:behind:1", None), ("complaint:behind:2", "本人委托某公司" * 9)):
        store.write(
            "CREATE (c:Entity:Complaint {key: $key}) SET c.text = $text", key=key, text=text
        )
        assert refreshed_fully(store, caplog, *parts.pop(3))
    assert not refreshed_fully(store, caplog, *parts[3])
    assert_equal_to_full_build(store)


def test_a_later_lender_whose_keys_sort_first_re_anchors_no_old_bucket(
    store: GraphStore, caplog: pytest.LogCaptureFixture
) -> None:
    """Yunshan's keys (``complaint:云杉…``) sort before every other lender's, but its file comes
    later: its complaints join old template buckets without becoming their anchors, so the
    refresh pairs only them again (in key order it paired every member of every bucket they
    joined) and the graph still equals a full build."""
    caplog.set_level(logging.INFO, logger="graph.evidence.templates")
    shutil.rmtree(stored.index_folder(), ignore_errors=True)
    files = [(path, org) for kind, path, org in plan(FIXTURE_WORLD) if kind == "complaints"]
    later = next((path, org) for path, org in files if path.name == "complaints_yunshan.csv")
    for path, org in files:
        if path != later[0]:
            submit_file(store, "complaints", path, org=org, via="cli", background=False)
    store.write(RECEIVED_EARLIER)
    build_templates(store)
    old = snapshot(store)[0]
    before = {row["key"] for row in store.read(KEYS)}
    rows_before = stored.read_meta(stored.index_folder())["rows"]

    caplog.clear()
    submit_and_refresh(store, *later)
    new = {row["key"] for row in store.read(KEYS)} - before
    refreshed = re.search(r"templates refreshed: \d+ new complaints, (\d+) affected", caplog.text)
    assert refreshed is not None, caplog.text
    rows_added = stored.read_meta(stored.index_folder())["rows"] - rows_before
    assert int(refreshed.group(1)) == rows_added > 0
    # not vacuous: new complaints sort first and joined clusters of old ones
    clusters = snapshot(store)[0]
    joined = {clusters[key][0] for key in new if key in clusters} & {c for c, _ in old.values()}
    assert joined
    assert min(new) < min(before)
    assert_equal_to_full_build(store)


def test_a_withdrawal_makes_the_next_refresh_a_full_build(
    store: GraphStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Withdrawing a complaint's first submission moves it in write order (its first submission
    is now a later one) though no complaint goes: the next refresh rebuilds, and equals a full
    build."""
    caplog.set_level(logging.INFO, logger="graph.evidence.templates")
    shutil.rmtree(stored.index_folder(), ignore_errors=True)
    parts = split_complaints(FIXTURE_WORLD, tmp_path, parts=2)
    (first, org), *rest = parts
    withdrawn = submit_file(store, "complaints", first, org=org, via="cli", background=False)
    store.write(RECEIVED_EARLIER)
    build_templates(store)
    with first.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    again = tmp_path / "again.csv"  # the same complaints in another file: another submission
    with again.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *reversed(rows)])
    assert not refreshed_fully(store, caplog, again, org)
    withdraw_submission(store, ADMIN, withdrawn["submission"])
    assert refreshed_fully(store, caplog, *rest[0])
    assert_equal_to_full_build(store)
