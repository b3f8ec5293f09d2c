"""Private set intersection between two installations (issue 19): two state folders, two Neo4j
servers, phone sets loaded through the real ingest. The asking side gets exactly the
intersection (or only its size); the answering side learns neither; the files carry no number
in any form; each side's audit log records the run with its sizes."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from alliance_support import Installation, identity_file, signed, stranger
from support import run_cli

from graph.alliance import exchange, matches, runs
from graph.core.errors import UserError
from graph.workflow import audit
from graph.workflow.auth import Forbidden, Principal, operator

STEP = 251  # numbers spread over the block 138 0000 0000 – 138 0009 9999
BANK_NUMBERS = [f"{13800000000 + i * STEP}" for i in range(0, 200)]
LENDER_NUMBERS = [f"{13800000000 + i * STEP}" for i in range(150, 350)]
SHARED = sorted(f"phone:+86{n}" for n in set(BANK_NUMBERS) & set(LENDER_NUMBERS))
UNIT = Principal("officer_w", "officer", "Unit W", "police")


def exchange_files(
    bank: Installation, lender: Installation, folder: Path, mode: str, *, set_name: str = "phones",
    watchlist: Path | None = None, asker: Principal | None = None,
) -> tuple[dict, dict, Path, Path]:  # fmt: skip
    """Request from the bank to the lender, the lender's answer: (request result, respond
    result, request file, response file)."""
    request, response = folder / f"{mode}.request.json", folder / f"{mode}.response.json"
    with bank.acting() as store:
        asked = exchange.make_request(
            store, asker or operator(), set_name, mode=mode, counterpart=lender.name, out=request,
            watchlist=watchlist,
        )  # fmt: skip
    with lender.acting() as store:
        answered = exchange.respond(store, operator(), request, "phones", out=response)
    return asked, answered, request, response


def entries_of(installation: Installation, action: str) -> list[audit.Entry]:
    with installation.acting() as store:
        return audit.entries(store, action=action)


def test_intersection_is_exact_and_audited_on_both_sides(loaded, tmp_path: Path) -> None:
    bank, lender = loaded
    asked, answered, request, _ = exchange_files(bank, lender, tmp_path, "intersection")
    assert asked["size"] == 200 and answered["request_size"] == 200 and answered["size"] == 200
    assert "count" not in answered and "matched" not in answered
    with bank.acting() as store:
        result = exchange.finish(store, operator(), tmp_path / "intersection.response.json")
    assert len(SHARED) == 50
    assert sorted(result["matched"]) == SHARED and result["count"] == 50
    assert result["mode"] == "intersection" and result["size"] == 200

    run_id = asked["run_id"]
    (requested,) = entries_of(bank, "alliance_request")
    (finished,) = entries_of(bank, "alliance_finish")
    (responded,) = entries_of(lender, "alliance_respond")
    assert requested.target == finished.target == lender.target()
    assert responded.target == bank.target()
    assert responded.details["counterpart"] == "bank-a" == answered["counterpart"]
    assert requested.details["run_id"] == finished.details["run_id"] == run_id
    assert responded.details["run_id"] == run_id
    assert requested.details["size"] == 200 and finished.details["count"] == 50
    assert finished.details["their_size"] == 200
    assert responded.details["request_size"] == 200 and responded.details["size"] == 200
    assert "count" not in responded.details

    # the run's secret key and items stay in the bank's state folder, private
    with bank.acting():
        run = runs.load(run_id)
    assert stat.S_IMODE(run.folder.stat().st_mode) == 0o700
    for name in ("key", "items.txt", "run.json"):
        assert stat.S_IMODE((run.folder / name).stat().st_mode) == 0o600
    sent = json.loads(request.read_text())
    assert set(sent) == {"format", "version", "kind", "protocol", "run_id", "mode", "sender",
                         "size", "request", "sender_fingerprint", "signature"}  # fmt: skip
    assert run.key.hex() not in request.read_text()

    # the matches entered the asking side's graph as match links to the counterpart, once
    with bank.acting() as store:
        links = matches.matches_of(store, [*SHARED, "phone:+8613800000001"])
        again = exchange.finish(store, operator(), tmp_path / "intersection.response.json")
        assert len(matches.matches_of(store, SHARED)) == 50
    assert sorted(link["key"] for link in links) == SHARED and again["count"] == 50
    assert {(link["counterpart"], link["run_id"], link["set_name"]) for link in links} == {
        (lender.name, run_id, "phones")
    }
    with lender.acting() as store:
        assert matches.matches_of(store, SHARED) == []  # the answering side learnt nothing


def test_cardinality_gives_only_the_size(loaded, tmp_path: Path) -> None:
    bank, lender = loaded
    exchange_files(bank, lender, tmp_path, "cardinality")
    with bank.acting() as store:
        result = exchange.finish(store, operator(), tmp_path / "cardinality.response.json")
    assert result["matched"] == [] and result["count"] == 50 and result["size"] == 200
    (finished,) = entries_of(bank, "alliance_finish")
    assert finished.details["count"] == 50 and finished.details["mode"] == "cardinality"
    with bank.acting() as store:
        assert matches.matches_of(store, SHARED) == []  # a count names no entity


def test_an_analyst_shares_only_what_their_org_submitted(loaded, tmp_path: Path) -> None:
    bank, lender = loaded
    bank.load_phones(tmp_path, [f"{13900000000 + i}" for i in range(120)], "Other Org")
    analyst = Principal("ana", "analyst", "Other Org", "enterprise")
    with bank.acting() as store:
        asked = exchange.make_request(
            store, analyst, "phones", mode="cardinality", counterpart=lender.name,
            out=tmp_path / "r",
        )  # fmt: skip
        with pytest.raises(Forbidden):
            exchange.make_request(
                store, UNIT, "phones", mode="cardinality", counterpart=lender.name,
                out=tmp_path / "r",
            )  # fmt: skip
    assert asked["size"] == 120


def test_watchlist_match_teaches_the_institution_nothing(loaded, tmp_path: Path) -> None:
    bank, lender = loaded  # the bank's installation plays the police unit here
    listed = [f"{13800000000 + i * STEP}" for i in range(320, 440)]  # 30 of them at the lender
    forms = ["{n}", "+86{n}", "phone:+86{n}", "{a} {b} {c}"]
    lines = [forms[i % 4].format(n=n, a=n[:3], b=n[3:7], c=n[7:]) for i, n in enumerate(listed)]
    watchlist = tmp_path / "watchlist.csv"
    watchlist.write_text("号码\n" + "\n".join(lines) + "\n", encoding="utf-8")
    asked, answered, _, response = exchange_files(
        bank, lender, tmp_path, "intersection", set_name="watchlist", watchlist=watchlist,
        asker=UNIT,
    )  # fmt: skip
    assert asked["size"] == 120
    with bank.acting() as store:
        result = exchange.finish(store, UNIT, response)
    expected = sorted(f"phone:+86{n}" for n in set(listed) & set(LENDER_NUMBERS))
    assert len(expected) == 30 and result["matched"] == expected

    # the institution's result and audit: the run, the sizes, no item and no count
    assert set(answered) == {"counterpart", "counterpart_fingerprint", "out", "run_id", "mode",
                             "set", "request_size", "size"}  # fmt: skip
    with lender.acting() as store:
        seen = json.dumps([e.as_dict() for e in audit.entries(store, limit=1000)])
    assert '"count"' not in seen and '"matched"' not in seen
    assert not any(n in seen for n in listed)
    assert not any(n in json.dumps(answered) for n in listed)

    # unless the unit reveals the count, in a receipt the institution imports
    receipt = tmp_path / "receipt.json"
    with bank.acting() as store:
        exchange.write_receipt(store, UNIT, asked["run_id"], receipt)
    with lender.acting() as store:
        imported = exchange.import_receipt(store, operator(), receipt)
    assert imported["count"] == 30 and imported["run_id"] == asked["run_id"]
    (received,) = entries_of(lender, "alliance_receipt")
    assert received.details["count"] == 30 and received.target == bank.target()


def test_the_whole_exchange_by_the_command_line(loaded, tmp_path: Path) -> None:
    bank, lender = loaded
    request, response = tmp_path / "req.json", tmp_path / "resp.json"

    def cli(installation: Installation, *args: str) -> str:
        config = installation.config  # its own server: a given one (NEO4J_URI) or its local one
        env = {"LEADGRAPH_HOME": str(config.home), "LEADGRAPH_ALLIANCE_NAME": installation.name,
               "NEO4J_URI": config.neo4j_uri or "", "LEADGRAPH_NEO4J_PORT": str(config.local_port)}  # fmt: skip
        done = run_cli("alliance", *args, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout

    cli(bank, "request", "--set", "phones", "--mode", "intersection", "--counterpart",
        lender.name, "--out", str(request))  # fmt: skip
    cli(lender, "respond", str(request), "--set", "phones", "--out", str(response))
    result = json.loads(cli(bank, "finish", str(response), "--json"))
    assert sorted(result["matched"]) == SHARED and result["count"] == 50


def test_a_response_for_another_installation_or_run_is_refused(loaded, tmp_path: Path) -> None:
    bank, lender = loaded
    carol = stranger("carol")
    bank.trust(identity_file(carol), "carol")  # a member too, but not the one asked
    exchange_files(bank, lender, tmp_path, "cardinality")
    answer = json.loads((tmp_path / "cardinality.response.json").read_text())
    (tmp_path / "renamed.json").write_text(json.dumps({**answer, "sender": "someone-else"}))
    by_carol = signed(tmp_path / "carol.json", {**answer, "sender": "carol"}, carol)
    unknown = signed(tmp_path / "unknown.json", {**answer, "run_id": "f" * 32}, lender.own())
    with bank.acting() as store:
        with pytest.raises(UserError, match="signature does not verify"):
            exchange.finish(store, operator(), tmp_path / "renamed.json")
        with pytest.raises(UserError, match="answers as 'carol'"):
            exchange.finish(store, operator(), by_carol)
        with pytest.raises(UserError, match="no run"):
            exchange.finish(store, operator(), unknown)
