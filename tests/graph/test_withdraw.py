"""Withdrawing a submission (graph/workflow/withdraw.py) on two orgs' files that name shared
entities: exactly the withdrawn file's assertions go, the other org's stay, leads resting on it
are marked for review, and the same file can be submitted again afterwards.

Org A (a lender) and org B (another lender) each submit complaints, a phone list and call
records; both name the contact phone 13700137000, and A's complaint XH0001 and B's YS0001 share a
template. A submits first, so A's values sit on the shared nodes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support import write

from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.db.writer import submission_status
from graph.evidence.templates import build_templates
from graph.workflow import audit, withdraw
from graph.workflow.auth import Forbidden, Principal
from ingest.demo import load_world
from ingest.submit import submit_file

A = "星河消费金融股份有限公司"
B = "云杉小额贷款有限公司"
ADMIN = Principal("root", "admin", None, None)
ANALYST_A = Principal("analyst_a", "analyst", A, "enterprise")
ANALYST_B = Principal("analyst_b", "analyst", B, "enterprise")
OFFICER = Principal("officer_1", "officer", "示例市公安局经侦支队", "police")
TEMPLATE = (
    "本人在{org}借款后因疫情失业无力偿还，现委托代理机构申请停息挂账，请贵司协商减免罚息并重新"
    "制定分期还款方案，否则将向银保监会和人民银行投诉，联系人{who}。"
)
COMPLAINT_HEADER = "投诉编号,投诉日期,被投诉机构,投诉人姓名,本人手机号,联系电话,投诉内容\n"
SHARED = "phone:+8613700137000"
A_ONLY_PHONE = "phone:+8613500135000"  # only A's phone list names it
A_CONTACT = "phone:+8613600136000"  # A's complaint XH0002 and A's phone list name it
XH1, XH2, YS1 = (f"complaint:{A}:XH0001", f"complaint:{A}:XH0002", f"complaint:{B}:YS0001")


def a_files(folder: Path) -> dict[str, Path]:
    return {
        "complaints": write(
            folder / "a_complaints.csv",
            COMPLAINT_HEADER
            + f"XH0001,2025-06-01,{A},董福晓,13912345678,13700137000,"
            + TEMPLATE.format(org="星河消费金融", who="张先生")
            + "\n"
            + f"XH0002,2025-06-02,{A},李四,13912345679,13600136000,我要zx修复，停息挂帐\n",
        ),
        "phones": write(
            folder / "a_phones.csv",
            "手机号码,标签\n13700137000,代理维权\n13500135000,催收外包\n13600136000,可疑中介\n",
        ),
        "calls": write(
            folder / "a_calls.csv",
            "主叫号码,被叫号码,通话时间,通话时长\n"
            "13700137000,13912345678,2025-06-03 10:00:00,60\n"
            "13700137000,13912345678,2025-06-04 10:00:00,90\n",
        ),
    }


def b_files(folder: Path) -> dict[str, Path]:
    return {
        "complaints": write(
            folder / "b_complaints.csv",
            COMPLAINT_HEADER
            + f"YS0001,2025-06-05,{B},王五,13912345670,13700137000,"
            + TEMPLATE.format(org="云杉小额贷款", who="张先生")
            + "\n",
        ),
        "phones": write(folder / "b_phones.csv", "手机号码,标签\n13700137000,反催收\n"),
        "calls": write(
            folder / "b_calls.csv",
            "主叫号码,被叫号码,通话时间,通话时长\n13700137000,13912345678,2025-06-06 10:00:00,30\n",
        ),
    }


def load(store: GraphStore, files: dict[str, Path], org: str) -> dict[str, str]:
    """Submit each file as ``org``; returns kind -> submission id."""
    return {
        kind: submit_file(store, kind, path, org=org, user="u")["submission"]
        for kind, path in files.items()
    }


@pytest.fixture
def world(store: GraphStore, tmp_path: Path) -> dict[str, Any]:
    a = load(store, a_files(tmp_path / "a"), A)
    b = load(store, b_files(tmp_path / "b"), B)
    return {"store": store, "a": a, "b": b, "folder": tmp_path}


# --- reading the graph --------------------------------------------------------------------------

ENTITIES = "MATCH (n:Entity) RETURN n.key AS key, properties(n) AS props"
LINKS = """
MATCH (a:Entity)-[r]->(b:Entity)
RETURN a.key AS start, type(r) AS type, b.key AS end, properties(r) AS props
"""
STATEMENTS = "MATCH (s:Statement) RETURN s.key AS key, properties(s) AS props"
SOURCES = """
CALL () {
  MATCH (n:Entity) UNWIND coalesce(n.sources, []) AS source RETURN 'node ' + n.key AS at, source
  UNION ALL
  MATCH (a:Entity)-[r]->(b:Entity) UNWIND coalesce(r.sources, []) AS source
  RETURN 'link ' + a.key + ' ' + type(r) + ' ' + b.key AS at, source
}
RETURN at, source
"""
NAMED_BY = "MATCH (n:Entity) WHERE $id IN n.submissions RETURN n.key AS key"
NODE = "MATCH (n:Entity {key: $key}) RETURN properties(n) AS props"
LEAD = "MATCH (l:Lead {id: $id}) RETURN properties(l) AS props"
SUBMISSION = "MATCH (s:Submission {id: $id}) RETURN properties(s) AS props"

# Properties that a withdrawal does not narrow (module docstring): date ranges, and the call
# duration that cannot be split by row.
UNNARROWED = {"first_seen", "last_seen", "total_seconds"}


def snapshot(store: GraphStore) -> dict[str, Any]:
    """The entities, links and statements, without what depends on when they were written."""
    return {
        "entities": {
            row["key"]: {k: v for k, v in row["props"].items() if k not in UNNARROWED}
            for row in store.read(ENTITIES)
        },
        "links": {
            (row["start"], row["type"], row["end"]): {
                k: v for k, v in row["props"].items() if k not in UNNARROWED
            }
            for row in store.read(LINKS)
        },
        "statements": {
            row["key"]: {k: v for k, v in row["props"].items() if k != "at"}
            for row in store.read(STATEMENTS)
        },
    }


def sources(store: GraphStore) -> set[tuple[str, str]]:
    return {(row["at"], row["source"]) for row in store.read(SOURCES)}


def node(store: GraphStore, key: str) -> dict[str, Any] | None:
    row = store.read_one(NODE, key=key)
    return row["props"] if row else None


def add_lead(store: GraphStore, lead_id: str, keys: list[str], status: str = "pushed") -> None:
    store.write(
        """
        CREATE (l:Lead {id: $id, key: 'lead:' + $id, status: $status, title: $id, score: 50.0})
        WITH l
        UNWIND $keys AS key
        MATCH (x:Entity {key: key})
        CREATE (l)-[:INVOLVES {kind: 'match', role: 'complaint'}]->(x)
        """,
        id=lead_id,
        keys=keys,
        status=status,
    )


# --- the tests ----------------------------------------------------------------------------------


def test_withdrawing_leaves_the_graph_as_if_the_files_never_came(
    store: GraphStore, tmp_path: Path
) -> None:
    """B's files alone, against A's and B's files with A's withdrawn: the same entities, links
    and statements — B's values on the shared nodes, B's sources only — in transactions of one
    row each (so every step is exercised across many transactions)."""
    load(store, b_files(tmp_path / "b"), B)
    only_b = snapshot(store)

    store.run_autocommit("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS")
    a = load(store, a_files(tmp_path / "a"), A)
    load(store, b_files(tmp_path / "b"), B)
    assert node(store, SHARED)["list_label"] == "代理维权"  # A came first: A's values
    for submission in a.values():
        withdraw.withdraw_submission(store, ADMIN, submission, reason="wrong file", batch_rows=1)
    assert snapshot(store) == only_b
    called = store.read_one(
        "MATCH (:Phone {e164: '+8613700137000'})-[r:CALLED]->() RETURN properties(r) AS p"
    )
    assert called is not None
    assert called["p"]["count"] == 1 and called["p"]["sources"] == [f"{load_ids(only_b)}#2"]
    assert "total_seconds" not in called["p"]  # 180 s of it were withdrawn calls: not shown


def load_ids(snap: dict[str, Any]) -> str:
    """The submission id of B's call records, from the snapshot's one CALLED link."""
    [link] = [v for k, v in snap["links"].items() if k[1] == "CALLED"]
    return str(link["sources"][0].split("#")[0])


def test_withdraw_complaints_removes_exactly_its_assertions(world: dict[str, Any]) -> None:
    store: GraphStore = world["store"]
    sub = world["a"]["complaints"]
    build_templates(store)
    assert store.read_one(
        "MATCH (:Complaint {key: $a})-[r:SAME_TEMPLATE]-(:Complaint {key: $b}) RETURN r",
        a=XH1,
        b=YS1,
    )
    add_lead(store, "lead-a", [XH2, A_CONTACT])  # rests on A's complaint only
    add_lead(store, "lead-b", [YS1])  # B's complaint only
    add_lead(store, "lead-shared", [SHARED, YS1], status="candidate")
    before_sources = sources(store)
    before = snapshot(store)
    named = {row["key"] for row in store.read(NAMED_BY, id=sub)}

    report = withdraw.withdraw_submission(store, ADMIN, sub, reason="上传错了月份")

    # its statements and sources, and nothing else's
    after = snapshot(store)
    assert not [k for k in after["statements"] if k.startswith(f"stmt:{sub}:")]
    assert after["statements"] == {
        k: v for k, v in before["statements"].items() if not k.startswith(f"stmt:{sub}:")
    }
    assert sources(store) == {
        (at, source) for at, source in before_sources if not source.startswith(f"{sub}#")
    }
    assert not store.read(NAMED_BY, id=sub)
    # entities only it named are gone, except the one a lead involves; the rest stay
    assert node(store, XH1) is None  # with its SAME_TEMPLATE link to B's complaint
    kept = node(store, XH2)
    assert kept is not None and kept["submissions"] == [] and "text" not in kept
    assert "values_org" not in kept
    gone = {key for key in named if node(store, key) is None}
    assert XH1 in gone and XH2 not in gone
    for key in named - gone:  # still named by another submission, or involved in a lead
        assert key in (XH2,) or node(store, key)["submissions"], key
    # B's complaint, its links and the shared phone are as they were
    assert after["entities"][YS1] == before["entities"][YS1]
    assert after["links"][(YS1, "CONTACT", SHARED)] == before["links"][(YS1, "CONTACT", SHARED)]
    assert after["entities"][SHARED]["list_label"] == "代理维权"  # A's phone list still says so
    assert not [k for k in after["links"] if k[1] == "SAME_TEMPLATE"]
    # leads resting on it are marked for review and kept; the other is untouched
    lead_a = store.read_one(LEAD, id="lead-a")["props"]
    assert lead_a["review"] is True and lead_a["status"] == "pushed"
    assert sub in lead_a["review_reason"] and "root" in lead_a["review_reason"]
    assert "上传错了月份" in lead_a["review_reason"]
    assert store.read_one(LEAD, id="lead-shared")["props"]["review"] is True
    assert "review" not in store.read_one(LEAD, id="lead-b")["props"]
    assert report.leads == ["lead-a", "lead-shared"]
    assert report.kept_for_leads == 1 and report.entities == len(gone)
    assert report.detached_links >= 1  # the SAME_TEMPLATE link
    # the submission stays, withdrawn, and the audit log says so once with the counts
    props = store.read_one(SUBMISSION, id=sub)["props"]
    assert props["status"] == "withdrawn" and props["withdrawn_by"] == "root"
    assert props["withdraw_reason"] == "上传错了月份" and props["withdrawn_at"]
    [entry] = audit.entries(store, 10, action="withdraw")
    assert entry.actor == "root" and entry.target == f"submission:{sub}"
    assert entry.details["statements"] == report.statements > 0
    assert entry.details["entities"] == report.entities
    assert entry.details["link_sources"] == report.link_sources > 0
    assert entry.details["leads"] == 2
    assert audit.verify_chain(store).ok
    # withdrawing again is refused, and so is an unknown id
    with pytest.raises(UserError, match="already withdrawn"):
        withdraw.withdraw_submission(store, ADMIN, sub)
    with pytest.raises(UserError, match="no submission 'sub-nothing'"):
        withdraw.withdraw_submission(store, ADMIN, "sub-nothing")
    assert len(audit.entries(store, 10, action="withdraw")) == 1


def test_a_shared_phone_takes_the_other_orgs_values(world: dict[str, Any]) -> None:
    store: GraphStore = world["store"]
    sub = world["a"]["phones"]
    assert node(store, SHARED)["values_org"] == A
    report = withdraw.withdraw_submission(store, ADMIN, sub)

    shared = node(store, SHARED)
    assert shared is not None
    assert shared["list_label"] == "反催收" and shared["values_org"] == B
    assert node(store, A_ONLY_PHONE) is None  # only A's phone list named it
    contact = node(store, A_CONTACT)  # A's complaint names it too, but without values
    assert contact is not None and "list_label" not in contact and "values_org" not in contact
    assert sub not in shared["submissions"] and world["b"]["phones"] in shared["submissions"]
    # the A-only phone was cleared too, then removed
    assert (report.statements, report.values_moved, report.values_cleared) == (3, 1, 2)
    assert report.entities == 1 and report.node_sources == 3


def test_call_links_keep_their_remaining_sources(world: dict[str, Any]) -> None:
    store: GraphStore = world["store"]
    query = "MATCH (:Phone {e164: '+8613700137000'})-[r:CALLED]->() RETURN properties(r) AS p"
    assert store.read_one(query)["p"]["count"] == 3
    withdraw.withdraw_submission(store, ADMIN, world["a"]["calls"])
    link = store.read_one(query)["p"]
    assert link["sources"] == [f"{world['b']['calls']}#2"]
    assert link["count"] == 1 and "total_seconds" not in link


def test_the_same_file_can_be_submitted_again(world: dict[str, Any]) -> None:
    store: GraphStore = world["store"]
    path = world["folder"] / "a" / "a_complaints.csv"
    old = world["a"]["complaints"]
    withdraw.withdraw_submission(store, ADMIN, old)
    assert node(store, XH1) is None

    again = submit_file(store, "complaints", path, org=A, user="u")
    new = again["submission"]
    assert new != old and again["rows_loaded"] == 2
    assert submission_status(store, old) == "withdrawn"  # the withdrawn record stays as it was
    props = store.read_one(SUBMISSION, id=new)["props"]
    assert props["status"] == "complete" and props["generation"] == 1
    assert props["replaces"] == old and "withdrawn_at" not in props
    back = node(store, XH1)
    assert back is not None and back["submissions"] == [new] and back["values_org"] == A
    assert back["sources"] == [f"{new}#2"]
    assert store.read_one("MATCH (s:Statement {key: $k}) RETURN s", k=f"stmt:{new}:{XH1}")
    # the shared phone keeps A's values: A's phone list still stands
    assert node(store, SHARED)["values_org"] == A
    # submitting it once more is the same (new) submission and changes nothing
    state = snapshot(store)
    assert submit_file(store, "complaints", path, org=A, user="u")["submission"] == new
    assert snapshot(store) == state
    # and that one can be withdrawn in turn; the file then loads as generation 2
    withdraw.withdraw_submission(store, ADMIN, new)
    third = submit_file(store, "complaints", path, org=A, user="u")["submission"]
    assert third not in (old, new)
    assert store.read_one(SUBMISSION, id=third)["props"]["replaces"] == new


def test_a_withdrawal_cut_short_is_finished_by_running_it_again(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    store: GraphStore = world["store"]
    sub = world["a"]["complaints"]
    real_stream = GraphStore.stream

    def failing(self: GraphStore, query: str, **params: Any) -> Any:
        if query == withdraw.ENTITIES:
            raise RuntimeError("server went away")
        return real_stream(self, query, **params)

    monkeypatch.setattr(GraphStore, "stream", failing)
    with pytest.raises(RuntimeError):
        withdraw.withdraw_submission(store, ADMIN, sub, reason="first try")
    monkeypatch.undo()
    assert submission_status(store, sub) == "withdrawing"
    assert not audit.entries(store, 5, action="withdraw")
    with pytest.raises(UserError, match="being withdrawn"):  # no new load of it meanwhile
        submit_file(store, "complaints", world["folder"] / "a" / "a_complaints.csv", org=A)

    report = withdraw.withdraw_submission(store, ADMIN, sub, reason="second try")
    assert report.resumed and report.reason == "first try" and report.statements == 0
    assert submission_status(store, sub) == "withdrawn"
    assert not store.read(NAMED_BY, id=sub) and node(store, XH1) is None
    assert len(audit.entries(store, 5, action="withdraw")) == 1


def test_an_analyst_withdraws_only_their_own_orgs_submissions(world: dict[str, Any]) -> None:
    """The attacker is analyst B, or an officer, or an analyst without an org: each is told the
    same as for an id that does not exist, nothing changes, and the attempt is audited."""
    store: GraphStore = world["store"]
    target = world["a"]["complaints"]
    before, before_sources = snapshot(store), sources(store)
    message = f"no submission '{target}' of {B}"
    with pytest.raises(Forbidden) as refused:
        withdraw.withdraw_submission(store, ANALYST_B, target)
    assert str(refused.value) == message
    with pytest.raises(Forbidden) as unknown:
        withdraw.withdraw_submission(store, ANALYST_B, "sub-0000")
    assert str(unknown.value) == "no submission 'sub-0000' of " + B
    with pytest.raises(Forbidden):  # the id padded or cased differently is no way round it
        withdraw.withdraw_submission(store, ANALYST_B, f"  {target}\n")
    with pytest.raises(Forbidden):
        withdraw.withdraw_submission(store, ANALYST_B, target.upper())
    with pytest.raises(Forbidden):
        withdraw.withdraw_submission(store, Principal("x", "analyst", None, None), target)
    with pytest.raises(Forbidden):
        withdraw.withdraw_submission(store, Principal("y", "analyst", "", None), target)
    with pytest.raises(Forbidden):
        withdraw.withdraw_submission(store, OFFICER, target)
    with pytest.raises(Forbidden):
        withdraw.withdraw_submission(store, None, target)  # type: ignore[arg-type]
    assert snapshot(store) == before and sources(store) == before_sources
    assert submission_status(store, target) == "complete"
    denied = audit.entries(store, 10, action="withdraw_denied")
    assert [e.actor for e in denied][-1] == "analyst_b" and denied[-1].target == (
        f"submission:{target}"
    )
    # an analyst lists only their own org's submissions
    assert {s["org"] for s in withdraw.submissions(store, ANALYST_B)} == {B}
    assert {s["id"] for s in withdraw.submissions(store, ANALYST_B)} == set(world["b"].values())
    with pytest.raises(Forbidden):
        withdraw.submissions(store, OFFICER)
    assert len(withdraw.submissions(store, ADMIN)) == 6
    # and may withdraw their own org's
    report = withdraw.withdraw_submission(store, ANALYST_A, target, reason="错传")
    assert report.withdrawn_by == "analyst_a"
    assert submission_status(store, target) == "withdrawn"
    shown = report.shown_to(ANALYST_A)
    assert set(shown) == set(withdraw.RECORD) | withdraw.OWN_COUNTS
    assert report.shown_to(ADMIN) == report.as_dict()


def test_review_marks_for_the_leads_command(world: dict[str, Any]) -> None:
    store: GraphStore = world["store"]
    add_lead(store, "lead-x", [XH1])
    add_lead(store, "lead-y", [YS1])
    sub = world["a"]["complaints"]
    withdraw.withdraw_submission(store, ADMIN, sub, reason="dup")
    marks = withdraw.review_marks(store, ["lead-x", "lead-y", "lead-none"])
    assert set(marks) == {"lead-x"}
    assert marks["lead-x"]["review"] is True and marks["lead-x"]["review_submissions"] == [sub]
    lead = store.read_one(LEAD, id="lead-x")["props"]
    [event] = withdraw.review_events(lead)
    assert event["submission"] == sub and event["org"] == A and event["reason"] == "dup"
    assert node(store, XH1) is not None  # kept: the lead involves it


def test_a_firm_another_orgs_complaint_reached_by_name_stays(
    store: GraphStore, tmp_path: Path
) -> None:
    """B's complaint names an agent firm by name; the writer resolves it to the firm A's registry
    rows gave a USCC, so only A's submission is in the firm's ``submissions``. Withdrawing A's
    registry keeps the firm (B's link still names it) without A's values."""
    uscc = "91310104MAYBWWMF37"
    firms = write(
        tmp_path / "a_firms.csv",
        f"公司名称,统一社会信用代码,注册地址\n上海盛世咨询管理有限公司,{uscc},上海市科技路852号\n",
    )
    complaints = write(
        tmp_path / "b_complaints.csv",
        COMPLAINT_HEADER.rstrip("\n")
        + ",代理机构\n"
        + f"YS0002,2025-06-05,{B},王五,13912345670,13700137000,停息挂账,上海盛世咨询管理有限公司\n",
    )
    sub = submit_file(store, "firms", firms, org=A)["submission"]
    b_sub = submit_file(store, "complaints", complaints, org=B)["submission"]
    firm = f"firm:{uscc}"
    link = "MATCH (:Complaint)-[r:REPRESENTED_BY]->(:Firm {key: $key}) RETURN r.sources AS s"
    assert store.read_one(link, key=firm) == {"s": [f"{b_sub}#2"]}

    withdraw.withdraw_submission(store, ADMIN, sub)
    kept = node(store, firm)
    assert kept is not None and kept["uscc"] == uscc
    assert "name" not in kept and "address" not in kept and "values_org" not in kept
    assert store.read_one(link, key=firm) == {"s": [f"{b_sub}#2"]}


def test_demo_load_if_needed_does_not_bring_a_withdrawn_file_back(
    store: GraphStore, tmp_path: Path
) -> None:
    """`make run` runs `leadgraph demo load --if-needed` on every start."""
    folder = tmp_path / "world"
    write(folder / "phones.csv", "手机号码,标签\n13700137000,代理维权\n")
    [loaded] = load_world(store, folder, skip_loaded=True)
    withdraw.withdraw_submission(store, ADMIN, loaded["submission"])
    assert load_world(store, folder, skip_loaded=True) == []
    assert node(store, SHARED) is None
    assert store.read_one("MATCH (s:Submission) RETURN count(s) AS n") == {"n": 1}
