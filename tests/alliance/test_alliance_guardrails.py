"""The alliance's guardrails, tried as a hostile counterpart would (issue 19): a set of one is a
lookup, so sets below the minimum are refused on both sides — also when the asker skips its own
check and pads its request with copies; answers per counterpart are capped per day; and the
asking side refuses (and audits) a request that differs from an earlier one by a few items, the
differential attack (ask S, then S plus x, compare the counts). The counterpart is its signing
identity: neither a new name in its files nor a new name given to it here resets a limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from alliance_support import Installation, identity_file, stranger
from test_two_installations import BANK_NUMBERS, LENDER_NUMBERS, entries_of

from graph.alliance import exchange, files, identity, protocol, runs
from graph.core.errors import UserError
from graph.workflow.auth import operator


def hostile_request(
    path: Path, items: list[str], signer: identity.Identity, sender: str | None = None
) -> Path:
    """A request made with the library directly, skipping the asking side's own checks, signed
    with ``signer``'s key (a member's own) under any name it likes."""
    request = protocol.make_request(items, "intersection")
    files.write(path, "request", signer, run_id=runs.new_run_id(), mode="intersection",
                sender=sender or signer.name, size=len(items), request=request.message)  # fmt: skip
    return path


def member(lender: Installation, name: str) -> identity.Identity:
    """Another institution that ``lender`` trusts under ``name``."""
    found = stranger(name)
    lender.trust(identity_file(found), name)
    return found


def keys(numbers: list[str]) -> list[str]:
    return [f"phone:+86{n}" for n in numbers]


def answer(lender: Installation, request: Path, out: Path) -> dict:
    with lender.acting() as store:
        return exchange.respond(store, operator(), request, "phones", out=out)


def test_a_set_below_the_minimum_is_refused_on_both_sides(allies, tmp_path: Path) -> None:
    bank, lender = allies
    bank.load_phones(tmp_path, BANK_NUMBERS[:50], "Bank A")
    lender.load_phones(tmp_path, LENDER_NUMBERS, "Lender B")
    with bank.acting() as store, pytest.raises(UserError, match="fewer than the minimum 100"):
        exchange.make_request(
            store, operator(), "phones", mode="intersection", counterpart=lender.name,
            out=tmp_path / "small.json",
        )  # fmt: skip
    assert not (tmp_path / "small.json").exists()
    (refused,) = entries_of(bank, "alliance_refused")
    assert refused.details["reason"] == "set_too_small" and refused.details["size"] == 50

    mallory = member(lender, "mallory")
    one = hostile_request(tmp_path / "one.json", keys(LENDER_NUMBERS[:1]), mallory)
    padded = hostile_request(tmp_path / "padded.json", keys(LENDER_NUMBERS[:5]) * 30, mallory)
    for request in (one, padded):
        with pytest.raises(UserError, match="fewer than the minimum"):
            answer(lender, request, tmp_path / "answer.json")
    assert not (tmp_path / "answer.json").exists()
    refusals = entries_of(lender, "alliance_refused")
    assert [e.details["reason"] for e in refusals] == ["request_too_small"] * 2
    assert {e.target for e in refusals} == {f"alliance:{mallory.fingerprint}"}
    assert entries_of(lender, "alliance_respond") == []


def test_answers_per_counterpart_are_capped_per_day(
    lender: Installation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADGRAPH_ALLIANCE_MAX_PER_DAY", "2")
    lender.load_phones(tmp_path, LENDER_NUMBERS, "Lender B")
    mallory, bank = member(lender, "mallory"), member(lender, "bank-a")
    for n in range(2):
        request = hostile_request(tmp_path / f"r{n}.json", keys(BANK_NUMBERS[n : n + 150]), mallory)
        answer(lender, request, tmp_path / f"a{n}.json")
    third = hostile_request(tmp_path / "r2.json", keys(BANK_NUMBERS[2:152]), mallory)
    # a new name in the file changes nothing: the cap counts the key that signed
    renamed = hostile_request(tmp_path / "r4.json", keys(BANK_NUMBERS[3:153]), mallory, "mallory-2")
    for request in (third, renamed):
        with pytest.raises(UserError, match="in the last 24 hours"):
            answer(lender, request, tmp_path / "a2.json")
    # nor does a new name given here (trusting the same identity again renames it)
    lender.trust(identity_file(mallory), "mallory renamed")
    with pytest.raises(UserError, match="in the last 24 hours"):
        answer(lender, renamed, tmp_path / "a2.json")
    assert not (tmp_path / "a2.json").exists()
    refusals = entries_of(lender, "alliance_refused")
    assert [e.details["reason"] for e in refusals] == ["rate_limit"] * 3
    assert {e.target for e in refusals} == {f"alliance:{mallory.fingerprint}"}
    other = hostile_request(tmp_path / "r3.json", keys(BANK_NUMBERS[:150]), bank)
    assert answer(lender, other, tmp_path / "a3.json")["counterpart"] == "bank-a"


def test_a_request_a_few_items_off_an_earlier_one_is_flagged_and_refused(
    allies, tmp_path: Path
) -> None:
    bank, lender = allies
    bank.trust(identity_file(stranger("lender-c")), "lender-c")
    base = BANK_NUMBERS[:150]

    def ask(numbers: list[str], name: str, counterpart: str = "lender-b", force: bool = False):
        watchlist = tmp_path / f"{name}.txt"
        watchlist.write_text("\n".join(numbers) + "\n")
        with bank.acting() as store:
            return exchange.make_request(
                store, operator(), "watchlist", mode="cardinality", counterpart=counterpart,
                out=tmp_path / f"{name}.json", watchlist=watchlist, force=force,
            )  # fmt: skip

    ask(base, "first")
    ask(base, "same")  # the same set again teaches nothing new: not flagged
    with pytest.raises(UserError, match=r"differs from the one of run \w+ by 1 item"):
        ask([*base, "13900000001"], "plus_one")
    with pytest.raises(UserError, match="by 7 item"):
        ask(base[:143], "minus_seven")  # 7 of 150: within 5 %
    bank.trust(lender.identity_file(), "lender-b renamed")
    with pytest.raises(UserError, match="by 1 item"):  # a new name for it here: the same identity
        ask([*base, "13900000001"], "plus_one", counterpart="lender-b renamed")
    ask(base[:100], "a third less", counterpart="lender-b renamed")  # far enough: not flagged
    ask([*base, "13900000001"], "elsewhere", counterpart="lender-c")  # another counterpart
    forced = ask([*base, "13900000001"], "forced", counterpart="lender-b renamed", force=True)
    assert "differs" in forced["warning"]

    flagged = entries_of(bank, "alliance_flagged")
    assert [e.details["differ"] for e in flagged] == [1, 1, 7, 1]
    assert [e.details["forced"] for e in flagged] == [True, False, False, False]
    requests = entries_of(bank, "alliance_request")
    assert len(requests) == 5 and requests[0].details.get("forced") is True
    assert not (tmp_path / "plus_one.json").exists()
