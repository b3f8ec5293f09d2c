"""The synthetic world: files as promised, truth.json exact, bad rows really bad, deterministic.

Everything is re-derived from the written files with independent means (csv, openpyxl, json,
phonenumbers, the check-digit functions), never from the generator's own bookkeeping.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import phonenumbers
import pytest
from phonenumbers import shortnumberinfo

from app.synth import generate
from app.synth.formats import PLATFORM_NAMES
from graph.values.idcard import id_problem, normalize_id
from graph.values.uscc import normalize_uscc, uscc_problem

SCALE, SEED = 400, 11
PHONE_FIELDS = {
    "complaints": ("本人手机号", "联系电话"),
    "firms": ("联系电话",),
    "calls": ("主叫号码", "被叫号码"),
    "phones": ("手机号码",),
}
PLATFORM_CANON = {**{v: k for k, v in PLATFORM_NAMES.items()}, **{k: k for k in PLATFORM_NAMES}}
# The loader's policy (ingest/pipeline.py): a bad value in one of these optional fields is
# dropped and the row loads; a fault anywhere else refuses the row.
OPTIONAL_FIELDS = {
    "complaints": {"投诉日期", "本人手机号", "联系电话"},
    "firms": {"成立日期", "联系电话"},
    "calls": {"开始时间"},
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(SCALE, SEED, out)
    return out


@pytest.fixture(scope="module")
def truth(world: Path) -> dict[str, Any]:
    return json.loads((world / "truth.json").read_text(encoding="utf-8"))


def read_rows(world: Path, name: str, info: dict[str, Any]) -> dict[int, Any]:
    """Row number -> list of cell strings (tables) or the raw line (JSON Lines)."""
    path = world / name
    if info["format"] == "jsonl":
        lines = path.read_text(encoding="utf-8").split("\n")
        assert lines[-1] == ""
        return {number: line for number, line in enumerate(lines[:-1], start=1)}
    if info["format"] == "xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        rows = book.active.iter_rows(values_only=True)
        table = {
            n: ["" if v is None else str(v) for v in row] for n, row in enumerate(rows, start=1)
        }
        book.close()
    else:
        with path.open(encoding=info["encoding"], newline="") as handle:
            table = dict(enumerate(csv.reader(handle), start=1))
    assert table[1] == info["columns"]
    width = len(info["columns"])
    return {n: row + [""] * (width - len(row)) for n, row in table.items() if n > 1}


@pytest.fixture(scope="module")
def tables(world: Path, truth: dict[str, Any]) -> dict[str, dict[int, Any]]:
    return {name: read_rows(world, name, info) for name, info in truth["files"].items()}


@pytest.fixture(scope="module")
def bad(truth: dict[str, Any]) -> set[tuple[str, int]]:
    return {(b["file"], b["row"]) for b in truth["bad_rows"]}


@pytest.fixture(scope="module")
def dropped(truth: dict[str, Any]) -> dict[tuple[str, int], str]:
    """(file, row) -> the field whose bad value the loader drops, for bad rows that load."""
    return {
        (b["file"], b["row"]): b["field"]
        for b in truth["bad_rows"]
        if b["outcome"] == "field dropped"
    }


def valid_records(truth, tables, bad, kind, dropped=None):  # type: ignore[no-untyped-def]
    """(file, row number, {column: value}) for every row of ``kind`` that is not bad; with
    ``dropped``, for every row that loads, the dropped value's cell read as empty."""
    dropped = dropped or {}
    for name, info in truth["files"].items():
        if info["kind"] != kind:
            continue
        for number, row in tables[name].items():
            if (name, number) in bad and (name, number) not in dropped:
                continue
            if kind == "accounts":
                yield name, number, json.loads(row)
                continue
            record = dict(zip(info["columns"], row, strict=True))
            if (name, number) in dropped:
                record[dropped[(name, number)]] = ""
            yield name, number, record


def e164(raw: str) -> str | None:
    """E.164 of a valid phone number or a valid Chinese short service number, else None."""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number) or (
        number.country_code == 86
        and len(str(number.national_number)) >= 5
        and shortnumberinfo.is_valid_short_number_for_region(number, "CN")
    ):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")


def parse_day(raw: str) -> date:
    match = _DATE.match(raw) or re.match(r"^(\d{4})(\d{2})(\d{2})$", raw)
    assert match, raw
    return date(*(int(part) for part in match.groups()))


def canon_account(line: dict[str, Any]) -> str:
    return f"{PLATFORM_CANON[line['platform'].lower()]}:{line['handle'].lstrip('@').lower()}"


# --- files ----------------------------------------------------------------------------------


def test_files_and_row_counts(world: Path, truth: dict[str, Any], tables) -> None:  # type: ignore[no-untyped-def]
    names = {p.name for p in world.iterdir()}
    assert names == {*truth["files"], "truth.json"}
    kinds = Counter(info["kind"] for info in truth["files"].values())
    assert kinds == {"complaints": 5, "firms": 2, "accounts": 1, "calls": 1, "phones": 1}
    for name, info in truth["files"].items():
        assert len(tables[name]) == info["rows"], name


def test_encodings(world: Path, truth: dict[str, Any]) -> None:
    encodings = {name: info["encoding"] for name, info in truth["files"].items()}
    gbk = (world / "complaints_yunshan.csv").read_bytes()
    assert encodings["complaints_yunshan.csv"] == "gbk"
    gbk.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    gb18030 = (world / "complaints_forwarded.csv").read_bytes()
    gb18030.decode("gb18030")
    for wrong in ("utf-8", "gbk"):  # it holds a name GBK cannot encode
        with pytest.raises(UnicodeDecodeError):
            gb18030.decode(wrong)
    for name, encoding in encodings.items():
        data = (world / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig"), name
    assert "utf-8-sig" in encodings.values()


def test_xlsx_has_numeric_phones(tables) -> None:  # type: ignore[no-untyped-def]
    book_phones = [row[3] for row in tables["firms.xlsx"].values()]
    assert any(p.isdigit() and len(p) == 11 for p in book_phones)


# --- bad rows, duplicates, hostile strings -------------------------------------------------


def test_every_bad_row_is_bad_and_where_stated(truth: dict[str, Any], tables) -> None:  # type: ignore[no-untyped-def]
    kinds = Counter()
    outcomes = Counter()
    for entry in truth["bad_rows"]:
        info = truth["files"][entry["file"]]
        row = tables[entry["file"]][entry["row"]]
        kind, value = entry["kind"], entry["value"]
        kinds[kind] += 1
        assert entry["reason"]
        optional = entry["field"] in OPTIONAL_FIELDS.get(info["kind"], ())
        assert entry["outcome"] == ("field dropped" if optional else "row refused"), entry
        outcomes[entry["outcome"]] += 1
        if kind == "broken_json":
            assert row == value
            with pytest.raises(json.JSONDecodeError):
                json.loads(row)
            continue
        assert row[info["columns"].index(entry["field"])] == value, entry
        if kind == "short_phone":
            assert e164(value) is None and len(value) == 10
        elif kind == "missing_id":
            assert value == ""
        elif kind == "bad_id_check":
            assert id_problem(value).startswith("check digit should be")
        elif kind == "bad_uscc_check":
            assert uscc_problem(value).startswith("check character should be")
        elif kind == "bad_org_code_check":
            assert uscc_problem(value).startswith("organisation code check character")
        elif kind == "impossible_date":
            with pytest.raises(ValueError):
                parse_day(value)
        else:
            pytest.fail(f"unknown kind {kind}")
    assert set(kinds) == {
        "short_phone",
        "missing_id",
        "bad_id_check",
        "bad_uscc_check",
        "bad_org_code_check",
        "impossible_date",
        "broken_json",
    }
    assert outcomes["field dropped"] and outcomes["row refused"]
    counts = truth["counts"]
    assert (counts["rows_refused"], counts["values_dropped"]) == (
        outcomes["row refused"],
        outcomes["field dropped"],
    )


def test_rows_not_listed_bad_are_valid(truth, tables, bad) -> None:  # type: ignore[no-untyped-def]
    for name, number, rec in valid_records(truth, tables, bad, "complaints"):
        assert id_problem(rec["身份证号"]) is None, (name, number)
        assert e164(rec["本人手机号"]), (name, number)
        assert not rec["联系电话"] or e164(rec["联系电话"]), (name, number)
        parse_day(rec["投诉日期"])
        assert rec["投诉编号"] and rec["投诉内容"]
    for name, number, rec in valid_records(truth, tables, bad, "firms"):
        assert uscc_problem(rec["统一社会信用代码"]) is None, (name, number)
        assert e164(rec["联系电话"]), (name, number)
        parse_day(rec["成立日期"])
    for name, number, rec in valid_records(truth, tables, bad, "calls"):
        assert e164(rec["主叫号码"]) and e164(rec["被叫号码"]), (name, number)
        parse_day(rec["开始时间"])
        assert int(rec["通话时长(秒)"]) > 0
    for name, number, rec in valid_records(truth, tables, bad, "phones"):
        assert e164(rec["手机号码"]), (name, number)
    for _name, _number, line in valid_records(truth, tables, bad, "accounts"):
        canon_account(line)


def test_duplicates_repeat_their_original(truth, tables) -> None:  # type: ignore[no-untyped-def]
    kinds = Counter()
    for dup in truth["duplicates"]:
        of = dup["duplicate_of"]
        kinds[(dup["kind"], dup["file"] == of["file"])] += 1
        row, original = tables[dup["file"]][dup["row"]], tables[of["file"]][of["row"]]
        if dup["kind"] == "same_key":
            assert canon_account(json.loads(row)) == canon_account(json.loads(original))
            continue
        columns = truth["files"][dup["file"]]["columns"]
        of_columns = truth["files"][of["file"]]["columns"]
        if isinstance(row, str):
            assert row == original
        else:
            assert dict(zip(columns, row, strict=True)) == dict(
                zip(of_columns, original, strict=True)
            )
    assert kinds[("exact", True)] and kinds[("exact", False)] and kinds[("same_key", True)]


def test_hostile_strings_present(truth, tables) -> None:  # type: ignore[no-untyped-def]
    values = []
    for cell in truth["hostile"]:
        row = tables[cell["file"]][cell["row"]]
        if isinstance(row, str):
            value = json.loads(row)[cell["field"]]
        else:
            value = row[truth["files"][cell["file"]]["columns"].index(cell["field"])]
        assert value == cell["value"]
        values.append(value)
    joined = "\n".join(values)
    assert "'}) MATCH (n) DETACH DELETE n //" in joined
    assert "<script>alert(1)</script>" in joined
    fields = {cell["field"] for cell in truth["hostile"]}
    assert {"投诉人姓名", "投诉内容"} <= fields


def test_texts_carry_quotes_commas_and_newlines(truth, tables, bad) -> None:  # type: ignore[no-untyped-def]
    texts = [r["投诉内容"] for _, _, r in valid_records(truth, tables, bad, "complaints")]
    assert any("\n" in t for t in texts)
    assert any('"' in t for t in texts)
    assert any("," in t for t in texts)


# --- counts ---------------------------------------------------------------------------------


def test_counts_are_exact(truth, tables, bad, dropped) -> None:  # type: ignore[no-untyped-def]
    """The counts are over the rows that load: rows that are not bad, and bad rows whose one
    fault is a value the loader drops."""
    counts = truth["counts"]

    def loaded(kind: str):  # type: ignore[no-untyped-def]
        return valid_records(truth, tables, bad, kind, dropped)

    complaints = [r for _, _, r in loaded("complaints")]
    extra = sum(truth["files"][name]["kind"] == "complaints" for name, _ in dropped)
    assert extra
    assert len({r["投诉编号"] for r in complaints}) == counts["complaints"] == SCALE + extra
    by_file = {(name, r["投诉编号"]) for name, _, r in loaded("complaints")}
    assert len(by_file) == counts["complaint_keys_by_file"] > SCALE + extra
    firm_names = {r["公司名称"] for _, _, r in loaded("firms")}
    agents = {r["代理人/委托代理"] for r in complaints} & firm_names
    assert len(agents) == counts["agent_firm_names"]
    assert len({normalize_id(r["身份证号"]) for r in complaints}) == counts["complainants"]
    firms = {normalize_uscc(r["统一社会信用代码"]) for _, _, r in loaded("firms")}
    assert len(firms) == counts["firms"]
    accounts = {canon_account(line) for _, _, line in loaded("accounts")}
    assert len(accounts) == counts["accounts"]
    phones: set[str] = set()
    by_kind: dict[str, set[str]] = {}
    for kind, fields in PHONE_FIELDS.items():
        for _, _, rec in loaded(kind):
            for field in fields:
                if rec[field]:
                    number = e164(rec[field])
                    assert number
                    phones.add(number)
                    by_kind.setdefault(f"{kind}.{field}", set()).add(number)
    assert len(phones) == counts["phones"]
    service = {p for p in phones if len(p) <= 9}
    assert len(service) == counts["service_numbers"] == 4
    by_field = counts["phones_by_field"]
    assert len(by_kind["complaints.本人手机号"]) == by_field["complaints.本人手机号"]
    assert len(by_kind["complaints.联系电话"]) == by_field["complaints.联系电话"]
    assert len(by_kind["firms.联系电话"]) == by_field["firms.联系电话"]
    assert len(by_kind["phones.手机号码"]) == by_field["phones.手机号码"]
    calls = by_kind["calls.主叫号码"] | by_kind["calls.被叫号码"]
    assert len(calls) == by_field["calls.主叫号码/被叫号码"]
    assert counts["bad_rows"] == len(truth["bad_rows"])
    assert counts["rows_refused"] + counts["values_dropped"] == counts["bad_rows"]
    assert counts["duplicate_rows"] == len(truth["duplicates"])
    assert set(truth["definitions"]) >= {
        "row",
        "counts.complaints",
        "counts.phones",
        "counts.firms",
        "counts.accounts",
    }


# --- rings and decoys -----------------------------------------------------------------------


def test_rings(truth, tables, bad) -> None:  # type: ignore[no-untyped-def]
    rings = truth["rings"]
    assert len(rings) >= 3
    complaints = {r["投诉编号"]: r for _, _, r in valid_records(truth, tables, bad, "complaints")}
    firms = {
        normalize_uscc(r["统一社会信用代码"])
        for _, _, r in valid_records(truth, tables, bad, "firms")
    }
    accounts = {
        canon_account(line): line for _, _, line in valid_records(truth, tables, bad, "accounts")
    }
    ring_total = sum(len(ring["complaint_ids"]) for ring in rings)
    assert 0.10 * SCALE <= ring_total <= 0.20 * SCALE
    assert ring_total == truth["counts"]["ring_complaints"]
    for ring in rings:
        for phone in ring["phones"]:
            number = phonenumbers.parse(phone)
            assert phonenumbers.is_valid_number(number)
            assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == phone
        assert 2 <= len(ring["phones"]) <= 4 and 1 <= len(ring["firms"]) <= 3
        assert 1 <= len(ring["accounts"]) <= 3 and 1 <= len(ring["templates"]) <= 2
        assert set(ring["firm_usccs"]) <= firms
        assert all(uscc_problem(code) is None for code in ring["firm_usccs"])
        for key in ring["accounts"]:
            assert key in accounts and key == key.lower() and "@" not in key
        contacts = [e164(complaints[c]["联系电话"] or "") for c in ring["complaint_ids"]]
        assert sum(c in ring["phones"] for c in contacts) >= 0.5 * len(contacts)
        texts = "".join(complaints[c]["投诉内容"] for c in ring["complaint_ids"])
        for variant in ring["slang_variants"]:
            assert variant in texts
        if len(ring["firms"]) > 1:  # several firms share a representative or a phone
            assert len(ring["legal_reps"]) == 1 or len({f["phone"] for f in ring["firms"]}) < len(
                ring["firms"]
            )
    assert any(ring["slang_variants"] for ring in rings)
    lenders = {len(ring["lenders"]) for ring in rings}
    assert max(lenders) >= 2  # complaints across lenders


def test_decoys(truth, tables, bad, dropped) -> None:  # type: ignore[no-untyped-def]
    decoys = truth["decoys"]
    repeated = {(d["file"], d["row"]) for d in truth["duplicates"]}
    callees = Counter(
        e164(r["被叫号码"])
        for name, number, r in valid_records(truth, tables, bad, "calls")
        if (name, number) not in repeated
    )
    for hotline in decoys["hotlines"]:
        assert hotline["number"].startswith("95")
        assert callees[hotline["e164"]] == hotline["calls"] > 0
    complaints = {r["投诉编号"]: r for _, _, r in valid_records(truth, tables, bad, "complaints")}
    for law in decoys["law_firms"]:
        assert law["uscc"].startswith("31") and uscc_problem(law["uscc"]) is None
        assert "律师事务所" in law["name"] and law["complaint_ids"]
        assert all(complaints[c]["代理人/委托代理"] == law["name"] for c in law["complaint_ids"])
    assert len(decoys["family_phones"]) >= 2
    for family in decoys["family_phones"]:
        ids = family["complaint_ids"]
        assert len(ids) == 2
        assert {e164(complaints[c]["本人手机号"]) for c in ids} == {family["phone"]}
        assert len({normalize_id(complaints[c]["身份证号"]) for c in ids}) == 2
    loaded = valid_records(truth, tables, bad, "complaints", dropped)
    texts = "".join(r["投诉内容"] for _, _, r in loaded)
    for popular in decoys["popular_numbers"]:
        assert texts.count(popular["number"]) >= popular["text_mentions"] > 0


def test_same_phone_typed_many_ways(truth, tables, bad) -> None:  # type: ignore[no-untyped-def]
    spellings: dict[str, set[str]] = {}
    for _, _, rec in valid_records(truth, tables, bad, "complaints"):
        for field in ("本人手机号", "联系电话"):
            if rec[field]:
                spellings.setdefault(e164(rec[field]) or "", set()).add(rec[field])
    forms = {s for many in spellings.values() for s in many}
    assert any(s.startswith("+86") for s in forms)
    assert any(s.startswith("0086") for s in forms)
    assert any(s.startswith("86") for s in forms)
    assert any("１" in s or "３" in s for s in forms)
    assert max(len(many) for many in spellings.values()) >= 3


# --- determinism and scale ------------------------------------------------------------------


def _digest(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    generate(120, 5, tmp_path / "a")
    generate(120, 5, tmp_path / "b")
    generate(120, 6, tmp_path / "c")
    a, b, c = _digest(tmp_path / "a"), _digest(tmp_path / "b"), _digest(tmp_path / "c")
    assert a == b
    assert all(a[name] != c[name] for name in a)


@pytest.mark.parametrize("scale", [20, 137, 300])
def test_scale_is_the_number_of_complaints(tmp_path: Path, scale: int) -> None:
    """--scale complaints without a fault; the complaints loaded also count the bad rows whose
    one fault is a dropped value."""
    summary = generate(scale, 2, tmp_path)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    outcome = {(b["file"], b["row"]): b["outcome"] for b in truth["bad_rows"]}
    ids, loaded = set(), set()
    for name, info in truth["files"].items():
        if info["kind"] == "complaints":
            for number, row in read_rows(tmp_path, name, info).items():
                complaint_id = row[info["columns"].index("投诉编号")]
                if (name, number) not in outcome:
                    ids.add(complaint_id)
                if outcome.get((name, number), "field dropped") == "field dropped":
                    loaded.add(complaint_id)
    assert len(ids) == scale
    assert len(loaded) == summary["counts"]["complaints"] > scale
    if scale >= 300:
        assert len(truth["rings"]) >= 3


def test_rings_work_in_campaigns(truth, tables, bad) -> None:  # type: ignore[no-untyped-def]
    days = {
        r["投诉编号"]: parse_day(r["投诉日期"])
        for _, _, r in valid_records(truth, tables, bad, "complaints")
    }
    for ring in truth["rings"]:
        low, high = date.fromisoformat(ring["active_from"]), date.fromisoformat(ring["active_to"])
        assert all(low <= days[c] <= high for c in ring["complaint_ids"])
