"""Alliance matches enter the graph as match links to the counterpart org, never as facts (issue 19).

The world is :func:`support.one_contact_ring`: two agent accounts whose bios give one WeChat id,
each named by six borrowers' templated complaints of ``CONTACT_ORG``. Its analyst records what a
private set intersection with "云杉消费金融" found: links are written once per run and entity,
unknown keys are skipped and counted, the matches tie no two entities (paths, neighbourhoods and
rings are unchanged), the lead's explanation names the counterpart under ``alliance_match`` (the
incremental re-scoring equal to a full detect), and the court package draws and lists them as
what they are.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support import CONTACT_ORG, WECHAT, one_contact_ring

from graph.alliance.matches import record_matches
from graph.core.keys import SigningKey
from graph.db.store import GraphStore
from graph.evidence.leads import detect, lead_bundle, list_leads
from graph.evidence.scores import SCORING_METHOD, WEIGHTS
from graph.evidence.trace import find_paths, neighbourhood
from graph.export.package import build_files
from graph.workflow import audit, lifecycle, users
from graph.workflow.auth import Principal

COUNTERPART = "云杉消费金融"
ANALYST = Principal("analyst_m", "analyst", CONTACT_ORG, "enterprise")
AGENT = "account:douyin:fawu_helper1"
OTHER_AGENT = "account:weibo:shangan_2"
BORROWER_PHONES = ["phone:+8613900000000", "phone:+8613900000050"]  # one of each ring half
UNKNOWN = "phone:+8613700000000"
KEY = SigningKey.generate()

LINKS = """
MATCH (e:Entity)-[r:ALLIANCE_MATCH]->(o:Org)
RETURN e.key AS key, o.name AS counterpart, o.kind AS org_kind, properties(r) AS props
ORDER BY key, r.run_id
"""


def _record(store: GraphStore, keys: list[str], run_id: str = "run-1") -> int:
    return record_matches(
        store,
        run_id=run_id,
        counterpart=COUNTERPART,
        set_name="contacts",
        keys=keys,
        matched_on="2026-11-30",
        by=ANALYST.username,
    )


@pytest.fixture
def ring(store: GraphStore, tmp_path: Path) -> dict[str, Any]:
    found = one_contact_ring(store, tmp_path)
    users.add_org(store, CONTACT_ORG, "enterprise", exist_ok=True)
    users.add_user(store, ANALYST.username, role="analyst", org=CONTACT_ORG, password_hash="x")
    (lead,) = [lead for lead in found["leads"] if WECHAT in lead["entities"]]
    return lead


def _leads(store: GraphStore) -> list[tuple[str, float, list[str], str]]:
    return [
        (lead["id"], lead["score"], sorted(lead["entities"]), json.dumps(lead["explanation"]))
        for lead in list_leads(store, limit=1000)
    ]


def test_matches_are_links_to_the_counterpart_once_per_run(
    store: GraphStore, ring: dict[str, Any]
) -> None:
    assert _record(store, [AGENT, WECHAT, UNKNOWN]) == 2
    assert _record(store, [WECHAT, AGENT]) == 0  # the same run again: nothing new
    rows = store.read(LINKS)
    assert [(r["key"], r["counterpart"], r["org_kind"]) for r in rows] == [
        (AGENT, COUNTERPART, "counterpart"),
        (WECHAT, COUNTERPART, "counterpart"),
    ]
    props = rows[0]["props"]
    assert props["kind"] == "alliance_match" and props["run_id"] == "run-1"
    assert props["set_name"] == "contacts" and props["matched_on"] == "2026-11-30"
    assert props["by"] == ANALYST.username and props["by_org"] == CONTACT_ORG
    assert props["recorded_at"] and "sources" not in props  # stated by no row: not a fact
    assert _record(store, [AGENT], run_id="run-2") == 1  # another run: its own link
    # never a statement about the entity
    assert not store.read("MATCH (s:Statement) WHERE s.org = $org RETURN s", org=COUNTERPART)
    entries = audit.entries(store, 10, action="alliance_match")
    assert [e.details["new"] for e in entries] == [1, 0, 2]  # newest first
    first = entries[-1]
    assert first.target == f"org:{COUNTERPART}" and first.actor == ANALYST.username
    assert (first.details["keys"], first.details["linked"], first.details["skipped"]) == (3, 2, 1)
    assert "+8613700000000" not in json.dumps([e.as_dict() for e in entries])


def test_a_match_ties_no_two_entities(store: GraphStore, ring: dict[str, Any]) -> None:
    def paths() -> dict[str, Any]:
        return find_paths(store, *BORROWER_PHONES, max_hops=4)

    paths_before = paths()
    near_before = neighbourhood(store, BORROWER_PHONES[0], hops=2).as_dict()
    leads_before = [(lead_id, members) for lead_id, _, members, _ in _leads(store)]
    assert _record(store, [*BORROWER_PHONES, AGENT, OTHER_AGENT]) == 4
    assert paths() == paths_before  # the same counterpart connects nothing
    assert neighbourhood(store, BORROWER_PHONES[0], hops=2).as_dict() == near_before
    detect(store)
    assert [(lead_id, members) for lead_id, _, members, _ in _leads(store)] == leads_before


def test_the_explanation_names_the_counterpart_and_incremental_equals_detect(
    store: GraphStore, ring: dict[str, Any]
) -> None:
    assert _record(store, [AGENT]) == 1  # re-scores the agent and updates its candidate
    incremental = _leads(store)
    (lead,) = [lead for lead in list_leads(store) if lead["id"] == ring["id"]]
    [item] = [i for i in lead["explanation"] if i["feature"] == "alliance_match"]
    assert item["entity"] == AGENT and item["contribution"] == WEIGHTS["alliance_match"]
    assert item["value"] == [{"counterpart": COUNTERPART, "by_org": CONTACT_ORG}]
    assert "联盟匹配" in item["text"] and COUNTERPART in item["text"]
    assert lead["score"] > ring["score"] or ring["score"] == 100.0
    detect(store)
    assert _leads(store) == incremental
    assert SCORING_METHOD == "scores-2026.12.3"


def _package(store: GraphStore, lead_id: str, audience: str) -> dict[str, bytes]:
    files, _ = build_files(
        lead_bundle(store, lead_id),
        audience=audience,
        exported_by="analyst_m",
        exported_at=datetime(2026, 12, 1, tzinfo=UTC),
        key=KEY,
    )
    return files


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_package_draws_and_lists_matches_as_not_facts(
    store: GraphStore, ring: dict[str, Any]
) -> None:
    lifecycle.accept_lead(store, ANALYST, ring["id"])
    _record(store, [AGENT, UNKNOWN])
    police = _package(store, ring["id"], "police")
    [match] = _csv(police["matches.csv"])
    assert (match["entity_key"], match["counterpart"], match["set_name"]) == (
        AGENT,
        COUNTERPART,
        "contacts",
    )
    assert (match["matched_on"], match["run_id"]) == ("2026-11-30", "run-1")
    assert match["kind_name"] == "联盟匹配（非事实）"
    [link] = [r for r in _csv(police["links.csv"]) if r["type"] == "ALLIANCE_MATCH"]
    assert link["end_key"] == f"org:{COUNTERPART}" and link["kind"] == "alliance_match"
    assert not link["submission_id"] and link["kind_zh"] == "联盟匹配（非事实）"  # no row's
    svg = police["chart.svg"].decode()
    assert "联盟匹配（非事实） alliance match — dashed" in svg  # its own legend entry
    assert 'class="edge legend alliance_match"' in svg
    assert "alliance_match" in police["chart.html"].decode()
    assert "alliance matches (matches.csv" in police["method.txt"].decode()
    assert "it is not a fact" in police["method.txt"].decode()
    # the partner package shows the key as it shows the entity, and no user
    partner = _package(store, ring["id"], "partner")
    [masked] = _csv(partner["matches.csv"])
    entity_keys = {row["key"] for row in _csv(partner["entities.csv"])}
    assert masked["entity_key"] in entity_keys and masked["counterpart"] == COUNTERPART
    assert b"analyst_m" not in partner["matches.csv"]
