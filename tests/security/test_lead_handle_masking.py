"""A handle only another org's rows gave is not shown to an analyst (issue 16's contacts).

Org A (a lender) submits two agent accounts whose bios give one WeChat id; org B (another
lender) submits the complaints naming those accounts as agents. B's analyst sees the lead — its
complaints are B's — but the WeChat id, the bios and the rows that gave it are A's: the lead page
B's analyst is served (its entities, links, explanation), and every text the page renders, hold
the id nowhere, not even as the surface it was written in.
"""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest
from support import WECHAT, one_contact_ring, rendered

from graph import views
from graph.db.store import GraphStore
from graph.workflow.auth import Principal

OTHER = "云杉小额贷款有限公司"
ANALYST_B = Principal("analyst_b", "analyst", OTHER, "enterprise")
RAW = "fawu_lv88"


def test_another_orgs_handle_is_not_on_the_analysts_lead_page(
    store: GraphStore, tmp_path: Path
) -> None:
    found = one_contact_ring(store, tmp_path, complaints_org=OTHER)
    lead = next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"])
    data = views.lead_page(store, ANALYST_B, lead)
    served = json.dumps(data, ensure_ascii=False, default=str).lower()
    at_index = served.find(RAW)
    assert at_index < 0, served[max(0, at_index - 200) : at_index + 40]
    # the page as drawn: tables, explanation, chart HTML
    at = AppTest.from_string(
        "import streamlit as st\n"
        "from app.views.lead_detail import lead_view\n"
        "lead_view(st.session_state['principal'], st.session_state['lead'])\n",
        default_timeout=120,
    )
    at.session_state["principal"] = ANALYST_B
    at.session_state["lead"] = lead
    at.run()
    assert not at.exception, at.exception
    shown = rendered(at) + "\n".join(d.value.to_string() for d in at.dataframe)
    assert RAW not in shown.lower()
