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

from support import WECHAT, lead_page_as, one_contact_ring, rendered

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
    at = lead_page_as(ANALYST_B, lead)
    shown = rendered(at) + "\n".join(d.value.to_string() for d in at.dataframe)
    assert RAW not in shown.lower()
