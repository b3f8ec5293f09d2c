"""The fixture world end to end in the real Neo4j: ingest counts as truth.json implies, templates,
trace and lead discovery scored against the planted rings and decoys."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from app.synth.scoring import lead_quality
from graph import views
from graph.core.limits import Limits
from graph.db.schema import wipe_data
from graph.db.status import database_status
from graph.db.store import GraphStore
from graph.evidence.leads import detect, list_leads
from graph.evidence.templates import build_templates
from graph.evidence.trace import find_paths, neighbourhood
from graph.workflow.auth import Principal
from ingest.demo import FIXTURE_WORLD, load_world

TRUTH = json.loads((FIXTURE_WORLD / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def world(session_store: GraphStore) -> dict[str, Any]:
    """The fixture world loaded once for this module, with templates and candidate leads."""
    wipe_data(session_store)
    summaries = load_world(session_store)
    templates = build_templates(session_store)
    found = detect(session_store)
    return {"store": session_store, "summaries": summaries, "templates": templates, "detect": found}


HOTLINE = f"phone:{TRUTH['decoys']['hotlines'][0]['e164']}"


def hotline_callers(store: GraphStore, count: int) -> list[str]:
    """The first ``count`` phones (by key) that called the fixture world's first hotline."""
    rows = store.read(
        "MATCH (p:Phone)-[:CALLED]->(:Phone {key: $h}) RETURN p.key AS key ORDER BY key LIMIT $n",
        h=HOTLINE,
        n=count,
    )
    return [row["key"] for row in rows]


def test_counts_are_those_truth_implies(world: dict[str, Any]) -> None:
    status = database_status(world["store"])
    counts = TRUTH["counts"]
    assert status["nodes"]["Complaint"] == counts["complaint_keys_by_file"]
    assert status["nodes"]["Firm"] == counts["firms"]
    assert status["nodes"]["Account"] == counts["accounts"]
    # complaint texts name the popular numbers too (decoys): those that are phones are Phone
    # entities, MENTIONS_CONTACT from each complaint (short service numbers are no contacts)
    popular = [d for d in TRUTH["decoys"]["popular_numbers"] if len(d["number"]) == 11]
    assert status["nodes"]["Phone"] == counts["phones_with_bios"] + len(popular)
    for decoy in popular:
        mentioned = world["store"].read_one(
            "MATCH (c:Complaint)-[r:MENTIONS_CONTACT]->(:Phone {e164: $e164}) "
            "RETURN count(DISTINCT c.complaint_id) AS n, collect(DISTINCT r.field) AS fields",
            e164=decoy["e164"],
        )
        assert mentioned == {"n": decoy["text_mentions"], "fields": ["text"]}
    # every account of a ring writes the ring's WeChat id in its bio, each in its own spelling
    for ring in TRUTH["rings"]:
        rows = world["store"].read(
            "MATCH (a:Account)-[r:MENTIONS_CONTACT]->(:WeChat {key: $key}) "
            "RETURN a.key AS account, r.field AS field",
            key=ring["wechat"],
        )
        assert sorted(row["account"] for row in rows) == sorted(
            f"account:{a}" for a in ring["accounts"]
        )
        assert {row["field"] for row in rows} == {"bio"}
    # and some rings have a handle of their own too, and a stranger's id is given twice
    wechat = {ring["wechat"] for ring in TRUTH["rings"]}
    wechat |= {
        r["contact"]["key"] for r in TRUTH["rings"] if (r["contact"] or {}).get("kind") == "wechat"
    }
    wechat |= {stray["key"] for stray in TRUTH["decoys"]["stray_handles"]}
    assert status["nodes"]["WeChat"] == len(wechat)
    assert status["nodes"]["Submission"] == len(TRUTH["files"])
    summaries = world["summaries"]
    assert sum(s["rows_quarantined"] for s in summaries) == counts["rows_refused"]
    assert sum(s["fields_dropped"] for s in summaries) == counts["values_dropped"]
    for s in summaries:
        assert s["rows_read"] == s["rows_loaded"] + s["rows_quarantined"]
        assert s["rows_read"] == TRUTH["files"][Path(s["file"]).name]["rows"]


def test_every_bad_row_is_reported_with_a_reason_and_its_outcome(world: dict[str, Any]) -> None:
    """A refused row and a dropped value each have their entry; no other row has one."""
    reported = {
        (Path(s["file"]).name, q["row"]): (q["reason"], q["outcome"])
        for s in world["summaries"]
        for q in s["quarantine"]
    }
    assert set(reported) == {(bad["file"], bad["row"]) for bad in TRUTH["bad_rows"]}
    for bad in TRUTH["bad_rows"]:
        reason, outcome = reported[(bad["file"], bad["row"])]
        assert reason and outcome == bad["outcome"], bad


def test_reloading_the_world_changes_nothing(world: dict[str, Any]) -> None:
    store = world["store"]
    before = database_status(store)
    again = load_world(store)
    after = database_status(store)
    # The graph's facts are as they were; the audit log says the world was submitted again,
    # one ingest entry per file.
    grown = after["nodes"].pop("AuditEntry", 0) - before["nodes"].pop("AuditEntry", 0)
    assert grown == len(again) == len(TRUTH["files"])
    after["nodes_total"] -= grown
    assert after == before


def test_ring_complaints_cluster_by_template(world: dict[str, Any]) -> None:
    cluster_of = world["templates"].cluster_of()
    ring_complaints = [c for ring in TRUTH["rings"] for c in ring["complaint_ids"]]
    clustered = [c for c in ring_complaints if any(k.endswith(":" + c) for k in cluster_of)]
    assert len(clustered) / len(ring_complaints) >= 0.8
    rows = world["store"].read(
        "MATCH (:Complaint)-[r:SAME_TEMPLATE]->(:Complaint) RETURN min(r.similarity) AS low, r.kind AS kind"
    )
    assert rows[0]["kind"] == "match" and rows[0]["low"] > 0


def test_detect_finds_every_ring_and_no_decoy(world: dict[str, Any]) -> None:
    quality = lead_quality(TRUTH, world["detect"]["leads"])
    print(f"ring recall {quality['recall']:.2f}, precision {quality['precision']:.2f} "
          f"over {quality['leads']} leads")  # fmt: skip
    assert quality["recall"] >= 0.95 and quality["precision"] >= 0.9, quality["missed"]
    assert quality["merged_leads"] == 0
    assert quality["decoy_leads"] == 0, quality["decoys_in_leads"]


def test_leads_are_explained_and_ranked(world: dict[str, Any]) -> None:
    leads = world["detect"]["leads"]
    assert [lead["score"] for lead in leads] == sorted(
        (lead["score"] for lead in leads), reverse=True
    )
    facts = {"HAS_PHONE", "ADVERTISES", "OPERATED_BY", "CALLED", "LEGAL_REP_OF",
             "SAME_COMPLAINT", "SAME_PEOPLE", "SAME_TEMPLATE", "CONTACT_IN_BIO",
             "CONTACT_IN_COMPLAINTS"}  # fmt: skip
    for lead in leads:
        assert lead["explanation"] and lead["title"]
        members = [key for key in lead["entities"] if not key.startswith("complaint:")]
        # what holds a ring of several entities together is said, in the facts' own names
        assert bool(lead["ties"]) == (len(members) > 1)
        assert set(lead["ties"]) <= facts
        assert lead["summary"]["complaints"] >= 5
        assert lead["summary"]["date_span"][0] <= lead["summary"]["date_span"][1]
    # the fixture's rings with a handle of their own have it as a member, said in the
    # explanation; the lenders' sites, the complaint site and the stranger's id are in none
    truth = TRUTH
    handles = {ring["contact"]["key"] for ring in truth["rings"] if ring.get("contact")}
    members = {key for lead in leads for key in lead["entities"]}
    assert handles and handles <= members
    assert all(any(h in line for lead in leads for line in lead["explanation"]) for h in handles)
    decoys = {hub["key"] for hub in truth["decoys"]["contact_hubs"]}
    decoys |= {stray["key"] for stray in truth["decoys"]["stray_handles"]}
    assert decoys and not decoys & members


def test_a_lead_records_the_lexicon_and_method_that_produced_it(world: dict[str, Any]) -> None:
    from graph.evidence.leads import lead_bundle
    from graph.evidence.scores import SCORING_METHOD
    from graph.text.slang import lexicon_version

    lead = world["detect"]["leads"][0]
    bundle = lead_bundle(world["store"], lead["id"])
    assert bundle["lead"]["lexicon_version"] == lexicon_version()
    assert bundle["lead"]["scoring_method"] == SCORING_METHOD
    assert bundle["submissions"]
    assert {s["lexicon_version"] for s in bundle["submissions"]} == {lexicon_version()}


def test_detect_again_keeps_ids_and_never_touches_accepted_leads(world: dict[str, Any]) -> None:
    store = world["store"]
    first = [lead["id"] for lead in world["detect"]["leads"]]
    store.write(
        "MATCH (l:Lead {id: $id}) SET l.status = 'lead', l.title = 'accepted by an analyst'",
        id=first[0],
    )
    again = detect(store)
    assert [lead["id"] for lead in again["leads"]] == first
    row = store.read_one("MATCH (l:Lead {id: $id}) RETURN l.status AS s, l.title AS t", id=first[0])
    assert row == {"s": "lead", "t": "accepted by an analyst"}


def test_leads_written_many_a_transaction_hold_what_detect_returned(
    world: dict[str, Any],
) -> None:
    """Leads are written in batches; with batches of a few links, every lead still holds exactly
    the entities detect returned for it, and nothing else changes."""
    store = world["store"]

    def stored() -> dict[str, tuple[Any, ...]]:
        return {
            lead["id"]: (lead["title"], lead["score"], lead["status"], sorted(lead["entities"]))
            for lead in list_leads(store, limit=10_000)
        }

    before = stored()
    again = detect(store, links_per_batch=7)
    assert stored() == before
    for lead in again["leads"]:
        if before[lead["id"]][2] == "candidate":
            assert before[lead["id"]][3] == sorted(lead["entities"])


def test_trace_links_a_ring_account_to_its_firm_with_sources(world: dict[str, Any]) -> None:
    ring = TRUTH["rings"][0]
    result = find_paths(
        world["store"],
        f"account:{ring['accounts'][0]}",
        f"firm:{ring['firm_usccs'][0]}",
        max_hops=4,
    )
    assert result["paths"], "no path between a ring's account and its firm"
    path = result["paths"][0]
    assert path["nodes"][0]["key"] == f"account:{ring['accounts'][0]}"
    for step in path["steps"]:
        assert step["type"] and step["kind"] in {"fact", "inference", "match"}
        if step["kind"] == "fact":
            assert step["sources"] and "#" in step["sources"][0]


def test_hubs_are_set_aside_and_named(world: dict[str, Any]) -> None:
    store = world["store"]
    hotline, (a, b) = HOTLINE, hotline_callers(store, 2)
    open_limits = Limits(hub_degree=10_000)
    assert find_paths(store, a, b, max_hops=2, limits=open_limits)["paths"]
    strict = find_paths(store, a, b, max_hops=2, limits=Limits(hub_degree=10))
    assert all(hotline not in [n["key"] for n in p["nodes"]] for p in strict["paths"])
    assert hotline in [hub["key"] for hub in strict["set_aside"]]


def test_neighbourhood_is_capped(world: dict[str, Any]) -> None:
    ring = TRUTH["rings"][0]
    graph = neighbourhood(world["store"], f"phone:{ring['contact_phone']}", hops=2, limit=10)
    assert len(graph.nodes) <= 10 and graph.truncated
    full = neighbourhood(world["store"], f"phone:{ring['contact_phone']}", hops=1)
    assert not full.truncated and len(full.nodes) > 1


def principal_of(store: GraphStore, username: str, role: str, org: str, kind: str):  # type: ignore[no-untyped-def]
    from graph.workflow.auth import Principal, hash_password
    from graph.workflow.users import add_org, add_user, get_user

    add_org(store, org, kind, exist_ok=True)
    if get_user(store, username) is None:
        add_user(
            store, username, role=role, org=org, password_hash=hash_password("demo-password-1")
        )
    return Principal(username, role, org, kind)


def test_lead_lifecycle_with_access_control(world: dict[str, Any]) -> None:
    from graph.workflow.auth import Forbidden
    from graph.workflow.lifecycle import (
        accept_lead,
        push_lead,
        set_status,
        view_lead,
        visible_leads,
    )

    store = world["store"]
    lender = TRUTH["lenders"][0]["name"]  # an org whose complaints feed every ring
    analyst = principal_of(store, "analyst_t", "analyst", lender, "enterprise")
    outsider = principal_of(store, "analyst_x", "analyst", "无关机构", "enterprise")
    officer = principal_of(store, "officer_t", "officer", "测试经侦支队", "police")
    other_officer = principal_of(store, "officer_x", "officer", "其他支队", "police")

    candidates = visible_leads(store, analyst, statuses=["candidate"])
    assert candidates, "the lender's analyst sees the candidates built from its complaints"
    assert visible_leads(store, outsider) == []
    lead_id = candidates[0]["id"]
    with pytest.raises(Forbidden):
        view_lead(store, outsider, lead_id)
    with pytest.raises(Forbidden):
        push_lead(store, analyst, lead_id, officer="officer_t")  # not accepted yet

    accept_lead(store, analyst, lead_id, summary="团伙代理投诉")
    push_lead(store, analyst, lead_id, officer="officer_t", note="请核查")
    inbox = visible_leads(store, officer)
    assert [row["id"] for row in inbox] == [lead_id] and inbox[0]["read"] is False
    with pytest.raises(Forbidden):
        view_lead(store, other_officer, lead_id)
    assert visible_leads(store, other_officer) == []
    assert view_lead(store, officer, lead_id)["status"] == "pushed"
    assert visible_leads(store, officer)[0]["read"] is True

    with pytest.raises(Forbidden):
        set_status(store, other_officer, lead_id, "investigating")
    set_status(store, officer, lead_id, "closed", outcome="confirmed", feedback="已立案")
    seen_by_analyst = view_lead(store, analyst, lead_id)
    assert seen_by_analyst["status"] == "closed" and seen_by_analyst["outcome"] == "confirmed"
    assert seen_by_analyst["feedback"][-1]["text"] == "已立案"
    assert [h["event"] for h in seen_by_analyst["history"]] == ["accepted", "pushed", "closed"]

    from graph.workflow.audit import entries, verify_chain

    actions = {(e.actor, e.action) for e in entries(store, limit=100)}
    assert {("analyst_t", "push"), ("officer_t", "view_lead"), ("officer_t", "feedback")} <= actions
    assert ("analyst_x", "view_denied") in actions
    assert verify_chain(store).ok


def test_an_analyst_sees_another_orgs_numbers_masked_wherever_a_lead_names_them(
    world: dict[str, Any],
) -> None:
    """A candidate's ring is built from every org's clues. Its page masks the numbers an analyst
    may not see raw (another org's), and the same numbers must not show raw in the lead's title,
    explanation or summary, on its page or in the list."""
    from graph.evidence.leads import lead_bundle
    from graph.evidence.rights import rights
    from graph.workflow.lifecycle import visible_leads

    store = world["store"]
    lender = TRUTH["lenders"][1]["name"]
    analyst = principal_of(store, "analyst_m", "analyst", lender, "enterprise")
    unmasked = visible_leads(store, analyst, statuses=["candidate"])
    listed = views.lead_list(store, analyst, statuses=["candidate"])
    assert [lead["id"] for lead in listed] == [lead["id"] for lead in unmasked]
    hidden_named = 0
    for lead, raw in zip(listed, unmasked, strict=True):
        page = views.lead_page(store, analyst, lead["id"])
        # the page's masked entities carry pseudonyms: the raw numbers come from the bundle
        phones = [e["key"] for e in lead_bundle(store, lead["id"])["entities"]
                  if e["label"] == "Phone"]  # fmt: skip
        own = rights(store, analyst, phones)
        hidden = [key.removeprefix("phone:") for key in phones if not own.get(key)]
        assert sum(e["masked"] and e["label"] == "Phone" for e in page["entities"]) == len(hidden)
        assert all(number not in json.dumps(page, ensure_ascii=False) for number in hidden)
        shown_page = json.dumps(page["lead"], ensure_ascii=False)
        shown_list = json.dumps(lead, ensure_ascii=False)
        for number in hidden:
            assert number not in shown_page and number not in shown_list, (lead["id"], number)
            hidden_named += number in json.dumps(raw, ensure_ascii=False)
    assert hidden_named, "no candidate named a number this analyst may not see raw"


def test_the_trace_view_names_the_hubs_it_set_aside(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workbench's trace must say which hubs it did not walk through: they are never on a
    returned path, so they cannot be picked from the paths' nodes."""
    store = world["store"]
    hotline, (a, b) = HOTLINE, hotline_callers(store, 2)
    strict = functools.partial(find_paths, limits=Limits(hub_degree=10))
    monkeypatch.setattr(views, "find_paths", strict)
    admin = Principal("root", "admin", None, None)
    result = views.trace_paths(store, admin, a, b, max_hops=2)
    named = {hub["key"]: hub["degree"] for hub in result["set_aside"]}
    assert hotline in named and named[hotline] > 10
    assert result["search"] == "k_shortest"  # neither end is a hub
    assert all(hotline not in [n["key"] for n in p["nodes"]] for p in result["paths"])


def test_a_hub_as_an_end_gets_the_shortest_paths_only(world: dict[str, Any]) -> None:
    """Tracing to a hotline must answer quickly: the k-shortest search would walk the hub's
    links again at every longer length, so only the shortest paths are returned, and the
    result says so."""
    store = world["store"]
    hotline, (caller,) = HOTLINE, hotline_callers(store, 1)
    strict = Limits(hub_degree=10)
    to_hub = find_paths(store, caller, hotline, max_hops=3, k=3, limits=strict)
    assert to_hub["search"] == "shortest_only"
    assert [p["hops"] for p in to_hub["paths"]] == [1]  # the direct call, no longer detours
    open_search = find_paths(store, caller, hotline, max_hops=3, k=3, limits=Limits())
    assert open_search["search"] == "k_shortest"  # not a hub under the default cap
    assert open_search["paths"][0]["hops"] == 1


def test_accepting_a_candidate_leaves_its_other_contributors_in(world: dict[str, Any]) -> None:
    """A ring resting on two lenders' complaints: when one accepts it, the other still sees it
    (with the first one's parts masked) but cannot take it over or push it."""
    from graph.evidence.leads import lead_bundle
    from graph.workflow.auth import Forbidden
    from graph.workflow.lifecycle import accept_lead, push_lead, visible_leads

    store = world["store"]
    shared = store.read(
        "MATCH (l:Lead {status: 'candidate'})-[:INVOLVES]->(c:Complaint) "
        "WITH l, collect(DISTINCT c.values_org) AS orgs WHERE size(orgs) >= 2 "
        "RETURN l.id AS id, orgs ORDER BY l.score DESC LIMIT 1"
    )
    assert shared, "the fixture world should hold a ring two lenders' complaints point at"
    lead_id, (first, second) = shared[0]["id"], sorted(shared[0]["orgs"])[:2]
    a = principal_of(store, "analyst_p1", "analyst", first, "enterprise")
    b = principal_of(store, "analyst_p2", "analyst", second, "enterprise")
    accept_lead(store, a, lead_id, "两家机构的投诉指向同一团伙")
    assert lead_id in [lead["id"] for lead in visible_leads(store, b)]
    page = views.lead_page(store, b, lead_id)
    texts: dict[str, set[str]] = {first: set(), second: set()}
    for e in lead_bundle(store, lead_id)["entities"]:
        org = e["props"].get("values_org")
        if e["label"] == "Complaint" and org in texts and e["props"].get("text"):
            texts[org].add(e["props"]["text"])
    firsts = texts[first] - texts[second]  # form letters repeat word for word across lenders
    assert firsts
    shown = json.dumps(page, ensure_ascii=False)
    assert all(text not in shown for text in firsts)
    with pytest.raises(Forbidden):
        accept_lead(store, b, lead_id, "我的")
    with pytest.raises(Forbidden):
        push_lead(store, b, lead_id, unit="示例市公安局经侦支队")


def test_stating_another_orgs_complaint_claims_no_lead(
    world: dict[str, Any], tmp_path: Path
) -> None:
    """The attack: a new enterprise uploads one row naming a complaint of another lender's
    lead (its id and its source), hoping to count as a contributor — to see the lead,
    accept it and lock the lender out. It gains nothing."""
    from graph.workflow.auth import Forbidden
    from graph.workflow.lifecycle import check_view, visible_leads
    from ingest.submit import submit_file

    store = world["store"]
    row = store.read(
        "MATCH (l:Lead)-[:INVOLVES]->(c:Complaint) "
        "RETURN l.id AS lead, c.complaint_id AS id, c.source AS source, c.values_org AS org, "
        "c.text AS text ORDER BY l.score DESC LIMIT 1"
    )[0]
    attacker = principal_of(store, "analyst_x", "analyst", "新设咨询服务有限公司", "enterprise")
    forged = tmp_path / "forged.csv"
    forged.write_text(
        f"complaint_id,source,text\n{row['id']},{row['source']},此投诉已撤回\n", encoding="utf-8"
    )
    submit_file(store, "complaints", forged, org=attacker.org, user=attacker.username)
    assert row["lead"] not in [lead["id"] for lead in visible_leads(store, attacker)]
    with pytest.raises(Forbidden):
        check_view(store, attacker, row["lead"])
    holder = principal_of(store, "analyst_h", "analyst", row["org"], "enterprise")
    assert row["lead"] in [lead["id"] for lead in visible_leads(store, holder)]
    text = store.read_one(
        "MATCH (c:Complaint {complaint_id: $id, source: $source}) RETURN c.text AS text",
        id=row["id"],
        source=row["source"],
    )
    assert text is not None and text["text"] == row["text"]
