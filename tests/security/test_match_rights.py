"""Another org's analyst does not learn of an org's alliance matches (issue 19).

A match says which of its own entities an org suspected, whom it asked and what came back. Org A
(``CONTACT_ORG``) and org B both submitted complaints the lead rests on, so B's analyst may open
the lead. A's analyst records a match of the lead's agent account with a counterpart. B's
analyst then reads everything a user of B can: the lead list, the lead (its explanation, its
chart's entities and links, the page as rendered), while a candidate and once A accepted it, and
the agent's profile: the counterpart is named nowhere, and there is no match link. A's analyst
and an admin see the match.
"""

from __future__ import annotations

import json
from pathlib import Path

from support import CONTACT_ORG, lead_page_as, page_text, two_org_lead

from graph import views
from graph.alliance.matches import record_matches
from graph.db.store import GraphStore
from graph.workflow import lifecycle, users
from graph.workflow.auth import Principal

OTHER = "云杉小额贷款有限公司"
COUNTERPART = "北辰联盟银行"
AGENT = "account:douyin:fawu_helper1"
ANALYST_A = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
ANALYST_B = Principal("analyst_b", "analyst", OTHER, "enterprise")
ADMIN = Principal("root", "admin", None, None)


def _world(store: GraphStore, folder: Path) -> str:
    lead_id = two_org_lead(store, folder, OTHER)
    for who in (ANALYST_A, ANALYST_B):
        users.add_org(store, str(who.org), "enterprise", exist_ok=True)
        users.add_user(store, who.username, role="analyst", org=who.org, password_hash="x")
    created = record_matches(
        store,
        run_id="run-a-1",
        counterpart=COUNTERPART,
        set_name="accounts",
        keys=[AGENT],
        matched_on="2026-11-30",
        by=ANALYST_A.username,
    )
    assert created == 1
    return lead_id


def _shown(store: GraphStore, principal: Principal, lead_id: str) -> str:
    """The lead page, the lead list and the agent's profile as ``principal`` gets them; the
    profile's score with no ``alliance_match`` contribution of another org's match."""
    page = views.lead_page(store, principal, lead_id)
    listed = views.lead_list(store, principal)
    profile = views.entity_profile(store, principal, AGENT)
    if principal is ANALYST_B and profile["score"]:
        assert profile["score"]["contributions"]["alliance_match"] == 0.0
    return json.dumps([page, listed, profile], ensure_ascii=False, default=str)


def test_another_orgs_analyst_sees_no_match(store: GraphStore, tmp_path: Path) -> None:
    lead_id = _world(store, tmp_path)
    # the candidate: its explanation names the counterpart (A's match raised the agent's score)
    assert COUNTERPART in _shown(store, ANALYST_A, lead_id)
    shown = _shown(store, ANALYST_B, lead_id)
    assert COUNTERPART not in shown and '"feature": "alliance_match"' not in shown
    assert COUNTERPART not in page_text(lead_page_as(ANALYST_B, lead_id))
    # A accepts it: the lead's chart now carries A's match to the counterpart
    lifecycle.accept_lead(store, ANALYST_A, lead_id)
    page_a = views.lead_page(store, ANALYST_A, lead_id)
    assert any(link["type"] == "ALLIANCE_MATCH" for link in page_a["links"])
    assert f"org:{COUNTERPART}" in {e["key"] for e in page_a["entities"]}
    assert COUNTERPART in page_text(lead_page_as(ANALYST_A, lead_id))  # drawn on A's chart
    page_b = views.lead_page(store, ANALYST_B, lead_id)
    assert not any(link["type"] == "ALLIANCE_MATCH" for link in page_b["links"])
    assert not any(e["label"] == "Org" for e in page_b["entities"])
    shown = _shown(store, ANALYST_B, lead_id)
    assert COUNTERPART not in shown and '"feature": "alliance_match"' not in shown
    assert COUNTERPART not in page_text(lead_page_as(ANALYST_B, lead_id))
    # an admin sees it
    page_admin = views.lead_page(store, ADMIN, lead_id)
    assert any(link["type"] == "ALLIANCE_MATCH" for link in page_admin["links"])
