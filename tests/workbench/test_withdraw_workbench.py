"""Withdrawing a submission from the doors people use: `leadgraph submission withdraw` as a real
process, the admin page's Submissions tab, the Submit page (an analyst's own org only) and the
review line on a lead's page, with AppTest."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from support import as_read, run_cli

from app.i18n import translate
from graph.core import settings
from graph.db.store import GraphStore
from graph.db.writer import submission_status
from graph.workflow import admin, audit, users, withdraw
from graph.workflow.auth import Principal
from ingest.submit import submit_file

A = "星河消费金融股份有限公司"  # analyst_a's org in the demo accounts
B = "云杉小额贷款有限公司"  # analyst_b's
ROOT_ADMIN = Principal("root", "admin", None, None)
HEADER = "投诉编号,投诉日期,被投诉机构,投诉人姓名,本人手机号,联系电话,投诉内容\n"
A_ONLY = f"complaint:{A}:XH0002"
B_ONLY = f"complaint:{B}:YS0001"


def zh(key: str) -> str:
    return translate(key, "zh")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def world(store: GraphStore, tmp_path: Path) -> dict[str, Any]:
    """Two orgs' complaints naming one shared contact phone, the demo accounts, and a lead
    owned by B that involves A's complaint and B's."""
    admin.ensure_demo_accounts(store, ROOT_ADMIN)
    a = write(
        tmp_path / "a.csv",
        HEADER
        + f"XH0001,2025-06-01,{A},董福晓,13912345678,13700137000,停息挂账找我们\n"
        + f"XH0002,2025-06-02,{A},李四,13912345679,13600136000,我要zx修复\n",
    )
    b = write(
        tmp_path / "b.csv",
        HEADER + f"YS0001,2025-06-05,{B},王五,13912345670,13700137000,代理维权\n",
    )
    sub_a = submit_file(store, "complaints", a, org=A, user="analyst_a")["submission"]
    sub_b = submit_file(store, "complaints", b, org=B, user="analyst_b")["submission"]
    store.write(
        """
        MATCH (o:Org {name: $org})
        CREATE (l:Lead {id: 'lead-t', key: 'lead:lead-t', status: 'lead', title: '测试线索',
                        score: 60.0, org: $org})-[:OWNED_BY]->(o)
        WITH l
        UNWIND $keys AS key
        MATCH (x:Entity {key: key})
        CREATE (l)-[:INVOLVES {kind: 'match', role: 'complaint'}]->(x)
        """,
        org=B,
        keys=[A_ONLY, B_ONLY],
    )
    return {"store": store, "a": sub_a, "b": sub_b}


def who(store: GraphStore, username: str) -> Principal:
    user = users.get_user(store, username)
    assert user is not None
    return Principal.of(user)


def run_page(store: GraphStore, code: str, username: str) -> AppTest:
    at = AppTest.from_string(code, default_timeout=120)
    at.session_state["principal"] = who(store, username)
    at.run()
    assert not at.exception, at.exception
    return at


def submissions_table(at: AppTest) -> Any:
    """The submissions table (AppTest does not expose a dataframe's key): the one with the
    withdrawn column."""
    return next(
        d.value for d in at.dataframe if zh("withdraw.col_withdrawn") in list(d.value.columns)
    )


def form_button(at: AppTest, label_key: str) -> Any:
    return next(b for b in at.button if b.label == zh(label_key))


def test_cli_withdraws_once_and_refuses_again(
    world: dict[str, Any], neo4j_server: settings.Settings
) -> None:
    env = {"NEO4J_URI": ""} if neo4j_server.uses_local_server else {}
    sub = world["a"]
    done = run_cli("submission", "withdraw", sub, "--reason", "wrong month", "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["submission"] == sub and report["reason"] == "wrong month"
    assert report["statements"] == 4 and report["leads"] == ["lead-t"]  # 2 complaints, 2 people
    assert report["kept_for_leads"] == 1  # A's XH0002: only A named it, but the lead involves it
    entry = audit.entries(world["store"], 1, action="withdraw")[0]
    assert entry.actor == f"cli:{getpass.getuser()}" and entry.target == f"submission:{sub}"
    assert entry.details["statements"] == 4

    again = run_cli("submission", "withdraw", sub, env=env)
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1 and "already withdrawn" in again.stderr, again.stderr
    unknown = run_cli("submission", "withdraw", "sub-unknown", env=env)
    assert unknown.returncode == 1
    assert unknown.stderr == "leadgraph: error: no submission 'sub-unknown'\n"

    listed = json.loads(run_cli("submission", "list", "--json", env=env).stdout)
    assert {row["id"]: row["status"] for row in listed} == {
        sub: "withdrawn",
        world["b"]: "complete",
    }
    leads = json.loads(run_cli("leads", "--json", env=env).stdout)
    [lead] = [row for row in leads if row["id"] == "lead-t"]
    assert lead["review"] is True and sub in lead["review_reason"]
    assert "wrong month" in lead["review_reason"]


ADMIN_PAGE = "from app.views.admin import admin_page\nadmin_page()\n"
SUBMIT_PAGE = "from app.views.submit import submit_page\nsubmit_page()\n"


def test_admin_page_withdraws_a_submission(world: dict[str, Any]) -> None:
    store, sub = world["store"], world["a"]
    at = run_page(store, ADMIN_PAGE, "admin")
    table = submissions_table(at)
    assert set(table[zh("lead.col_submission")]) == {world["a"], world["b"]}

    at.selectbox(key="admin_withdraw_choice").set_value(sub)
    at.text_input(key="admin_withdraw_reason").input("重复提交")
    form_button(at, "withdraw.button").click().run()  # not confirmed: nothing happens
    assert not at.exception and zh("withdraw.confirm_first") in [w.value for w in at.warning]
    assert submission_status(store, sub) == "complete"

    at.selectbox(key="admin_withdraw_choice").set_value(sub)
    at.text_input(key="admin_withdraw_reason").input("重复提交")
    at.checkbox(key="admin_withdraw_confirm").check()
    form_button(at, "withdraw.button").click().run()
    assert not at.exception, at.exception
    assert submission_status(store, sub) == "withdrawn"
    [message] = [as_read(s.value) for s in at.success if sub in as_read(s.value)]
    assert "1 条线索标记为待复核" in message
    entry = audit.entries(store, 1, action="withdraw")[0]
    assert entry.actor == "admin" and entry.details["reason"] == "重复提交"
    table = submissions_table(at)
    withdrawn = table[table[zh("lead.col_submission")] == sub]
    assert list(withdrawn[zh("lead.status")]) == [zh("withdraw.status_withdrawn")]
    # only what is still in the graph can be chosen
    choice = at.selectbox(key="admin_withdraw_choice")
    assert len(choice.options) == 1 and choice.value == world["b"]


def test_submit_page_offers_only_the_analysts_own_org(world: dict[str, Any]) -> None:
    store = world["store"]
    at = run_page(store, SUBMIT_PAGE, "analyst_b")
    table = submissions_table(at)
    assert list(table[zh("lead.col_submission")]) == [world["b"]]
    assert A not in table.to_string()
    choice = at.selectbox(key="submit_withdraw_choice")
    assert len(choice.options) == 1 and choice.value == world["b"]

    at.checkbox(key="submit_withdraw_confirm").check()
    form_button(at, "withdraw.button").click().run()
    assert not at.exception, at.exception
    assert submission_status(store, world["b"]) == "withdrawn"
    assert submission_status(store, world["a"]) == "complete"
    [message] = [as_read(s.value) for s in at.success if world["b"] in as_read(s.value)]
    assert "线索" not in message  # counts that would tell what other orgs name are not shown
    assert audit.entries(store, 1, action="withdraw")[0].actor == "analyst_b"


def test_lead_page_shows_the_review_line(world: dict[str, Any]) -> None:
    store = world["store"]
    withdraw.withdraw_submission(store, who(store, "admin"), world["a"], reason="格式错误")
    code = (
        "import streamlit as st\nfrom app.views.lead_detail import lead_view\n"
        "lead_view(st.session_state['principal'], 'lead-t')\n"
    )
    as_admin = run_page(store, code, "admin")
    [line] = [w.value.replace("\\", "") for w in as_admin.warning]  # shown escaped
    assert line.startswith(zh("lead.review").split("——")[0].strip())
    assert world["a"] in line and "格式错误" in line and "admin" in line
    assert "a.csv" in line
    # analyst_b owns the lead: it learns which org's submission went and when, but A's file,
    # who withdrew it and why are not B's to know
    as_b = run_page(store, code, "analyst_b")
    [line] = [w.value.replace("\\", "") for w in as_b.warning]
    assert world["a"] in line and A in line
    assert "a.csv" not in line and "格式错误" not in line and "admin" not in line
