"""The admin's retrain button on the status page (issue 18, "Learning from outcomes"): it trains
through :func:`graph.views.retrain_ranking` (audited ``rerank_train``), and the door refuses
anyone else even when the button is reached some other way."""

from __future__ import annotations

from support import page_as

from app.i18n import translate
from graph.db.store import GraphStore
from graph.workflow import audit
from graph.workflow.auth import Principal

ADMIN = Principal("root", "admin", None, None)
ANALYST = Principal("analyst_x", "analyst", "星河消费金融股份有限公司", None)
BUTTON = (
    "import streamlit as st\nfrom app.views.status import retrain_button\n"
    "retrain_button(st.session_state['principal'])\n"
)
MODELS = "MATCH (m:RankModel) RETURN count(m) AS n"


def test_the_admin_retrains_from_the_status_page(store: GraphStore) -> None:
    at = page_as(ADMIN, "from app.views.status import status_page\nstatus_page()\n")
    at.button(key="rerank_train").click().run()
    assert not at.exception and not at.error
    assert at.success and "v1" in at.success[0].value
    trained = audit.entries(store, 10, actor="root", action="rerank_train")
    assert [e.target for e in trained] == ["rank_model:1"]
    assert store.read_one(MODELS)["n"] == 1  # type: ignore[index]


def test_a_non_admin_cannot_retrain(store: GraphStore) -> None:
    at = page_as(ANALYST, BUTTON)  # the button reached outside the admin-only page
    assert translate("rerank.train_button", "zh") in [b.label for b in at.button]
    at.button(key="rerank_train").click().run()
    assert at.error and not at.success
    assert store.read_one(MODELS)["n"] == 0  # type: ignore[index]
    assert not audit.entries(store, 10, action="rerank_train")
    denied = audit.entries(store, 10, actor="analyst_x", action="view_denied")
    assert [e.target for e in denied] == ["rank_model:train"]
