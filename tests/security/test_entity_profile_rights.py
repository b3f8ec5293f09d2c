"""The entity profile shows no more than search and the lead page do (issue 17).

Org A (a lender) submits two agent accounts whose bios give one WeChat id; org B submits the
six-and-six complaints that name the accounts as agents. An analyst of a third org that stated
none of it is refused the profile of the WeChat id, and the attempt is audited. B's analyst may
open the account's profile (its own complaints name it) but sees only its own statements: neither
A's WeChat id nor A's nickname and bio for it. A's analyst opening its own account sees none of B's
complainants' names, phones or complaint ids.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ACCOUNTS, CONTACT_ORG, NAMES, WECHAT, one_contact_ring, page_as, rendered

from app.views.entity import ENTITY
from graph import views
from graph.db.store import GraphStore
from graph.workflow import audit
from graph.workflow.auth import Forbidden, Principal

OTHER = "云杉小额贷款有限公司"
THIRD = "北辰网络小额贷款有限公司"
ANALYST_A = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")
ANALYST_B = Principal("analyst_b", "analyst", OTHER, "enterprise")
STRANGER = Principal("analyst_c", "analyst", THIRD, "enterprise")
ACCOUNT = next(iter(ACCOUNTS))
PAGE = "from app.views.entity import entity_page\nentity_page()\n"


def _page_text(at: object) -> str:
    return rendered(at) + "\n".join(d.value.to_string() for d in at.dataframe)  # type: ignore[attr-defined]


def test_a_stranger_is_refused_and_audited(store: GraphStore, tmp_path: Path) -> None:
    one_contact_ring(store, tmp_path, complaints_org=OTHER)
    with pytest.raises(Forbidden):
        views.entity_profile(store, STRANGER, WECHAT)
    at = page_as(STRANGER, PAGE, **{ENTITY: WECHAT})
    assert at.error and not at.dataframe
    denied = audit.entries(store, 10, actor="analyst_c", action="view_denied")
    assert [entry.target for entry in denied] == [WECHAT, WECHAT]
    assert not audit.entries(store, 10, actor="analyst_c", action="view_entity")
    # nor does an entity that does not exist answer any differently
    with pytest.raises(Forbidden):
        views.entity_profile(store, STRANGER, "wechat:nobody_here")


def test_another_orgs_values_are_masked(store: GraphStore, tmp_path: Path) -> None:
    one_contact_ring(store, tmp_path, complaints_org=OTHER)
    data = views.entity_profile(store, ANALYST_B, ACCOUNT)
    # B's complaints name the account too: B sees it by its key, with B's own statements only
    assert all(s["org"] == OTHER for s in data["statements"])
    assert "nickname" not in data["entity"]["props"] and "bio" not in data["entity"]["props"]
    assert "MENTIONS_CONTACT" not in data["links"]  # A's rows: A's to know
    assert data["leads"]  # B's complaints make the lead B's to see
    at = page_as(ANALYST_B, PAGE, **{ENTITY: ACCOUNT})
    shown = _page_text(at).lower()
    for secret in ("fawu_lv88", "上岸老师", "加v", "vx fawu", "专注网贷协商", CONTACT_ORG):
        assert secret.lower() not in shown, secret


def test_an_analyst_sees_none_of_the_other_orgs_complainants(
    store: GraphStore, tmp_path: Path
) -> None:
    one_contact_ring(store, tmp_path, complaints_org=OTHER)
    at = page_as(ANALYST_A, PAGE, **{ENTITY: ACCOUNT})
    shown = _page_text(at)
    assert WECHAT in shown  # its own
    for secret in [*NAMES[:6], "13900000000", "13900000050", "DY0000", "WB0000", OTHER]:
        assert secret not in shown, secret
