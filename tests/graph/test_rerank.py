"""The re-ranker against the real store (graph/evidence/rerank.py): detect writes each lead's
feature vector; a dismissal is read as a negative label with its analyst and org; training with
too few labels keeps the hand weights and says so; a model in force re-orders the list and shows
on the lead page and in method.txt; ``leadgraph rerank train`` audits ``rerank_train``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import CONTACT_ORG, WECHAT, lead_page_as, one_contact_ring, page_text, run_cli

from graph.db.store import GraphStore
from graph.evidence import rerank
from graph.evidence.leads import lead_bundle, list_leads
from graph.export.method import method_txt
from graph.workflow import audit, users
from graph.workflow.auth import Principal
from graph.workflow.triage import dismiss_lead

ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")


@pytest.fixture
def lead(store: GraphStore, tmp_path: Path) -> str:
    found = one_contact_ring(store, tmp_path)
    users.add_org(store, CONTACT_ORG, "enterprise", exist_ok=True)
    users.add_user(store, "analyst_a", role="analyst", org=CONTACT_ORG, password_hash="x")
    return str(next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"]))


def test_detect_writes_the_feature_vector(store: GraphStore, lead: str) -> None:
    row = store.read_one("MATCH (l:Lead {id: $id}) RETURN l.features_json AS x", id=lead)
    assert row is not None
    x = json.loads(row["x"])
    assert set(x) == set(rerank.FEATURES)
    assert all(0.0 <= value <= 1.0 for value in x.values())
    assert x["template_share"] > 0.5  # the ring's templated complaints


def test_a_dismissal_is_a_negative_label_with_its_analyst_and_org(
    store: GraphStore, lead: str
) -> None:
    dismiss_lead(store, ANALYST, lead, "律所正常代理，不是团伙")
    [example] = rerank.examples(store)
    assert (example.lead, example.y, example.user, example.org) == (
        lead,
        0,
        "analyst_a",
        CONTACT_ORG,
    )


def test_too_few_labels_keep_the_hand_order_and_say_so(store: GraphStore, lead: str) -> None:
    facts = rerank.train(store, "cli:test")
    assert facts["coefficients"] is None and "too few labels: 0" in facts["reason"]
    assert rerank.latest_model(store)["version"] == 1  # type: ignore[index]
    rows = list_leads(store)
    assert [r["id"] for r in rows] == [
        r["id"] for r in sorted(rows, key=lambda r: (-r["score"], r["id"]))
    ]
    assert all(r["rank_score"] is None for r in rows)
    text = method_txt(lead_bundle(store, lead), "pkg", []).decode()
    assert "ranking: hand weights (too few labels: 0 < 20)" in text
    assert audit.entries(store, limit=1)[0].action == "rerank_train"


def test_a_model_in_force_ranks_shows_and_is_recorded(store: GraphStore, lead: str) -> None:
    learned = {**rerank.HAND_WEIGHTS, "template_share": 75.0, "complainants": 0.0}
    model = {"version": 7, "coefficients": learned, "labels": 40, "positives": 25,
             "negatives": 15, "orgs": 3, "trained_at": "2026-11-30T12:00:00Z", "reason": None}  # fmt: skip
    rerank.apply_model(store, model)
    x = json.loads(
        store.read_one("MATCH (l:Lead {id: $id}) RETURN l.features_json AS x", id=lead)["x"]  # type: ignore[index]
    )
    rows = list_leads(store)
    ours = next(r for r in rows if r["id"] == lead)
    assert ours["rank_score"] == rerank.rank_score(x, learned) != ours["score"]
    assert [r["id"] for r in rows] == [
        r["id"] for r in sorted(rows, key=lambda r: (-r["rank_score"], r["id"]))
    ]

    text = method_txt(lead_bundle(store, lead), "pkg", []).decode()
    assert "ranking: learned model version 7, trained_at 2026-11-30T12:00:00Z, labels 40 " in text
    assert "(25 positive, 15 negative) from 3 orgs" in text
    assert f'"template_share": {round(75.0 * x["template_share"], 2)}' in text

    at = lead_page_as(ANALYST, lead)
    assert not at.exception, at.exception
    shown = page_text(at)
    assert "学习后贡献" in shown and "学习模型 v7" in shown


def test_the_cli_trains_and_shows(store: GraphStore, lead: str) -> None:
    trained = run_cli("rerank", "train", "--json")
    assert trained.returncode == 0, trained.stderr
    facts = json.loads(trained.stdout)
    assert facts["version"] == 1 and facts["coefficients"] is None and facts["leads"] >= 1
    shown = run_cli("rerank", "show")
    assert shown.returncode == 0, shown.stderr
    assert "hand weights in force (too few labels: 0 < 20)" in shown.stdout
    entry = audit.entries(store, action="rerank_train")[0]
    assert entry.actor.startswith("cli:") and entry.details["labels"] == 0
