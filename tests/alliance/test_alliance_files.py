"""No request or response file holds any of the numbers, in any form (issue 19).

A counterpart holding the files can hash every number of a block — China has about 1.2 × 10¹¹
mobile numbers, hashed in hours — and look for the results. This test does exactly that for
the whole block 138 0000 0000 – 138 0009 9999 (100,000 numbers) that holds both installations'
sets: each number's E.164, national, spaced, dashed and key forms, and the SHA-256 and SM3 of
the E.164, national and key forms as hex, base64 and raw bytes, looked for byte-wise in every
file of both modes.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from test_two_installations import BANK_NUMBERS, LENDER_NUMBERS, exchange_files

BLOCK = range(13800000000, 13800100000)


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def forms(number: int) -> Iterator[bytes]:
    national = str(number)
    plain = [f"+86{national}", national, f"phone:+86{national}"]
    yield from (text.encode() for text in plain)
    yield f"{national[:3]} {national[3:7]} {national[7:]}".encode()
    yield f"{national[:3]}-{national[3:7]}-{national[7:]}".encode()
    for text in plain:
        for digest in (hashlib.sha256(text.encode()).digest(), sm3(text.encode())):
            yield digest
            yield digest.hex().encode()
            yield digest.hex().upper().encode()
            yield base64.b64encode(digest)


def found(blobs: list[bytes], block: range = BLOCK) -> list[bytes]:
    """The forms of the numbers of ``block`` that occur in ``blobs``: every window of each form's
    length is looked up in a set, so the whole block costs one pass per length."""
    by_length: dict[int, set[bytes]] = {}
    for blob in blobs:
        for length in (11, 13, 14, 20, 32, 44, 64):
            windows = by_length.setdefault(length, set())
            windows.update(blob[i : i + length] for i in range(len(blob) - length + 1))
    hits = []
    for number in block:
        for form in forms(number):
            if form in by_length[len(form)]:
                hits.append(form)
    return hits


def test_the_check_finds_a_planted_number() -> None:
    digest = base64.b64encode(sm3(b"phone:+8613800012345"))
    few = range(13800012340, 13800012350)
    assert found([b'{"x": "' + digest + b'"}'], few) == [digest]
    assert found([b"13800012349 x"], few) == [b"13800012349"]


def test_no_file_holds_a_number_in_any_form(allies, tmp_path: Path) -> None:
    bank, lender = allies
    assert all(int(n) in BLOCK for n in BANK_NUMBERS + LENDER_NUMBERS)
    bank.load_phones(tmp_path, BANK_NUMBERS, "Bank A")
    lender.load_phones(tmp_path, LENDER_NUMBERS, "Lender B")
    sent = []
    for mode in ("cardinality", "intersection"):
        _, _, request, response = exchange_files(bank, lender, tmp_path, mode)
        sent += [request.read_bytes(), response.read_bytes()]
    assert found(sent) == []
