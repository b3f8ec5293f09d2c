"""Alliance files are signed by the sending installation, played as a hostile counterpart would
(issue 19): a request from an installation not trusted here is not answered; a trusted member
cannot send under another member's name or key; a file changed by one byte is refused; a
receipt is believed only from its signer. Each refusal is audited under the fingerprint the file
claims."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alliance_support import Installation, signed, stranger
from test_alliance_guardrails import hostile_request, keys, member
from test_two_installations import BANK_NUMBERS, entries_of, exchange_files

from graph.alliance import exchange
from graph.core.errors import UserError
from graph.workflow.auth import operator


def answer(lender: Installation, request: Path, out: Path) -> dict:
    with lender.acting() as store:
        return exchange.respond(store, operator(), request, "phones", out=out)


def test_a_request_from_an_untrusted_installation_is_refused(loaded, tmp_path: Path) -> None:
    _, lender = loaded
    eve = stranger("eve")  # a well-formed, well-signed request; lender never trusted eve
    request = hostile_request(tmp_path / "eve.json", keys(BANK_NUMBERS), eve)
    with pytest.raises(UserError, match="not trusted here"):
        answer(lender, request, tmp_path / "answer.json")
    unsigned = json.loads(request.read_text())
    del unsigned["signature"], unsigned["sender_fingerprint"]
    (tmp_path / "unsigned.json").write_text(json.dumps(unsigned))
    with pytest.raises(UserError, match="unsigned"):
        answer(lender, tmp_path / "unsigned.json", tmp_path / "answer.json")
    assert not (tmp_path / "answer.json").exists()
    refusals = entries_of(lender, "alliance_refused")
    assert [e.details["reason"] for e in refusals] == ["not_authenticated"] * 2
    assert {e.target for e in refusals} == {f"alliance:{eve.fingerprint}", "alliance:unknown"}
    assert entries_of(lender, "alliance_respond") == []


def test_a_member_cannot_pass_as_another(loaded, tmp_path: Path) -> None:
    bank, lender = loaded
    mallory = member(lender, "mallory")
    # under the bank's name (the name the lender gave it, or the one it gave itself), own key
    for name in ("bank-a", bank.own().name):
        request = hostile_request(tmp_path / "as-bank.json", keys(BANK_NUMBERS), mallory, name)
        with pytest.raises(UserError, match="refused as a forgery"):
            answer(lender, request, tmp_path / "answer.json")
    # with the bank's fingerprint: mallory has not the bank's key, so the signature fails
    request = json.loads(
        hostile_request(tmp_path / "m.json", keys(BANK_NUMBERS), mallory).read_text()
    )
    request["sender_fingerprint"] = bank.own().fingerprint
    (tmp_path / "as-bank-key.json").write_text(json.dumps(request))
    with pytest.raises(UserError, match="signature does not verify"):
        answer(lender, tmp_path / "as-bank-key.json", tmp_path / "answer.json")
    assert not (tmp_path / "answer.json").exists()
    assert entries_of(lender, "alliance_respond") == []

    # and a receipt the bank never sent, signed by mallory, is not the bank's
    asked, _, _, _ = exchange_files(bank, lender, tmp_path, "cardinality")
    receipt = {"format": "leadgraph-alliance", "version": 2, "kind": "receipt",
               "run_id": asked["run_id"], "sender": "bank-a", "count": 7}  # fmt: skip
    for path, data in (("r1.json", receipt), ("r2.json", {**receipt, "sender": "mallory"})):
        signed(tmp_path / path, data, mallory)
    with lender.acting() as store:
        with pytest.raises(UserError, match="forgery"):
            exchange.import_receipt(store, operator(), tmp_path / "r1.json")
        with pytest.raises(UserError, match="answered no run"):
            exchange.import_receipt(store, operator(), tmp_path / "r2.json")
    assert entries_of(lender, "alliance_receipt") == []


def flipped(path: Path, folder: Path, stride: int) -> list[Path]:
    """Copies of ``path`` with one bit flipped, at every ``stride``-th byte and each of the
    first 400 (the header fields)."""
    data = path.read_bytes()
    out = []
    for i in sorted({*range(0, min(400, len(data))), *range(0, len(data), stride)}):
        copy = bytearray(data)
        copy[i] ^= 0x01
        out.append(folder / f"{path.stem}.{i}.json")
        out[-1].write_bytes(bytes(copy))
    return out


def test_a_flipped_byte_anywhere_is_refused(loaded, tmp_path: Path) -> None:
    bank, lender = loaded
    _, _, request, response = exchange_files(bank, lender, tmp_path, "intersection")
    changed = tmp_path / "changed"
    changed.mkdir()
    for kind, path, reader in (
        ("request", request, lender),
        ("response", response, bank),
    ):
        copies = flipped(path, changed, stride=len(path.read_bytes()) // 80)
        with reader.acting() as store:
            for copy in copies:
                with pytest.raises(UserError):
                    if kind == "request":
                        exchange.respond(store, operator(), copy, "phones", out=tmp_path / "x")
                    else:
                        exchange.finish(store, operator(), copy)
    assert not (tmp_path / "x").exists()
    assert len(entries_of(lender, "alliance_respond")) == 1  # the one honest answer
    assert entries_of(bank, "alliance_finish") == []
    with bank.acting() as store:  # the untouched answer still reads
        assert exchange.finish(store, operator(), response)["count"] == 50


def test_identity_files_are_exchanged_first(bank, lender, tmp_path: Path) -> None:
    """Without trusting each other, two installations cannot even start."""
    with bank.acting() as store, pytest.raises(UserError, match="no trusted installation"):
        exchange.make_request(
            store, operator(), "phones", mode="cardinality", counterpart=lender.name,
            out=tmp_path / "r.json",
        )  # fmt: skip
    assert not (tmp_path / "r.json").exists()
