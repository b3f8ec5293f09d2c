"""A closed lead cannot be pushed again (that silently reset the officer's outcome); the owning
org reopens it first, with a reason, and the reopening is audited."""

from __future__ import annotations

import pytest

from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.workflow import audit, users
from graph.workflow.auth import Forbidden, Principal
from graph.workflow.lifecycle import accept_lead, push_lead, reopen_lead, set_status

LENDER, UNIT = "星河消费金融", "示例市公安局经侦支队"


def test_a_closed_lead_is_reopened_before_it_is_pushed_again(store: GraphStore) -> None:
    users.add_org(store, LENDER, "enterprise")
    users.add_org(store, UNIT, "police")
    users.add_org(store, "云杉小贷", "enterprise")
    users.add_user(store, "analyst_a", role="analyst", org=LENDER, password_hash="x")
    users.add_user(store, "analyst_b", role="analyst", org="云杉小贷", password_hash="x")
    users.add_user(store, "officer_1", role="officer", org=UNIT, password_hash="x")
    store.write("CREATE (:Lead {id: 'L1', key: 'lead:L1', status: 'candidate', title: 't'})")
    analyst = Principal("analyst_a", "analyst", LENDER, "enterprise")
    officer = Principal("officer_1", "officer", UNIT, "police")
    store.write("MATCH (l:Lead {id: 'L1'}), (o:Org {name: $org}) MERGE (l)-[:OWNED_BY]->(o)",
                org=LENDER)  # fmt: skip
    accept_lead(store, analyst, "L1", "共用代理电话")
    push_lead(store, analyst, "L1", officer="officer_1")
    set_status(store, officer, "L1", "closed", outcome="arrested", feedback="已抓获")

    with pytest.raises(UserError, match="reopen"):
        push_lead(store, analyst, "L1", unit=UNIT)
    other = Principal("analyst_b", "analyst", "云杉小贷", "enterprise")
    with pytest.raises(Forbidden):
        reopen_lead(store, other, "L1", "我想重推")
    with pytest.raises(UserError, match="say why"):
        reopen_lead(store, analyst, "L1", "  ")

    reopen_lead(store, analyst, "L1", "发现新的关联号码")
    push_lead(store, analyst, "L1", unit=UNIT)
    entry = audit.entries(store, 1, actor="analyst_a", action="reopen")[0]
    assert entry.target == "lead:L1" and entry.details == {"reason": "发现新的关联号码"}
    row = store.read_one("MATCH (l:Lead {id: 'L1'}) RETURN l.outcome AS outcome")
    assert row is not None and row["outcome"] == "arrested"  # the officer's outcome stays
