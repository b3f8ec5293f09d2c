"""The ground truth: what was planted, what is broken, and how many of each entity exist.

Counts are kept exactly without holding every number: mobile numbers are marked in a bytearray
indexed by their allocation index (one byte a number, one bit a field), fixed-line and service
numbers, of which there are few, in a dict.
"""

from __future__ import annotations

from typing import Any

from app.synth.ids import PhoneAllocator, e164

# One bit a field family; a number "appears in" a field when a loaded row carries it there.
PHONE_FIELDS = {
    "complaints.本人手机号": 1,
    "complaints.联系电话": 2,
    "firms.联系电话": 4,
    "calls.主叫号码/被叫号码": 8,
    "phones.手机号码": 16,
    "accounts.bio": 32,
    "complaints.投诉内容": 64,
}
STRUCTURED = 1 | 2 | 4 | 8 | 16

DEFINITIONS = {
    "row": (
        "1-based record number as a person counts it in a viewer: in CSV and XLSX the header is "
        "row 1 and the first data row is row 2 (a quoted field with line breaks is still one "
        "row); in JSON Lines the first line is row 1."
    ),
    "bad_rows": (
        "Rows with exactly one fault (field, kind, reason) and what the loader must do with "
        "it (outcome). 'row refused': the fault is in a required or identifying field (a "
        "listed or calling number, an ID number, a USCC) or the line is not valid JSON; the row "
        "is quarantined and asserts nothing. 'field dropped': the fault is in an optional field "
        "(a complaint's 投诉日期 or 本人手机号, a firm's 成立日期 or 联系电话, a call's 开始时间); "
        "the loader drops that one value with a warning and loads the row, and the counts below "
        "include what the rest of the row asserts. Bad rows are extra records; no planted entity "
        "depends on one."
    ),
    "loaded_rows": "Rows that are not bad, and bad rows whose outcome is 'field dropped'.",
    "duplicates": (
        "Rows that repeat an earlier row. kind 'exact': the same field values (within a file, "
        "or a complaint forwarded by the regulator that the lender also exported, or a firm "
        "listed in both the CSV and the XLSX). kind 'same_key': an account line naming the same "
        "platform:handle after canonicalisation, spelled differently. Duplicates add nothing to "
        "the distinct counts."
    ),
    "counts.complaints": (
        "Distinct 投诉编号 over all loaded complaint rows of all complaint files: --scale, plus "
        "the bad complaint rows whose fault is a dropped value (each a complaint of its own). "
        "Complaint ids are unique across lenders, so (被投诉机构, id) gives the same count."
    ),
    "counts.complaint_keys_by_file": (
        "Distinct (file, 投诉编号) over loaded complaint rows: complaints keyed by the submitting "
        "source. Larger than counts.complaints by the lender rows the regulator's forwarded file "
        "repeats (the cross-file duplicates)."
    ),
    "counts.agent_firm_names": (
        "Distinct firm names written in 代理人/委托代理 of loaded complaint rows (ring firms and "
        "law firms; each is also in the firm files under its USCC)."
    ),
    "counts.complainants": "Distinct 身份证号 (upper-case X) over loaded complaint rows.",
    "counts.firms": "Distinct 统一社会信用代码 (upper-cased, spaces dropped) over loaded firm rows "
    "of the CSV and the XLSX.",
    "counts.accounts": (
        "Distinct platform:handle over valid account lines, platform canonical lower-case "
        "English (抖音/Douyin/DOUYIN -> douyin), handle lower-case without a leading @."
    ),
    "counts.phones": (
        "Distinct E.164 numbers over loaded rows in the structured phone fields (a dropped "
        "value is no number): complaints 本人手机号 and 联系电话, firms 联系电话, calls 主叫号码 "
        "and 被叫号码, phones 手机号码. "
        "Includes the lenders' 95xxx service lines, keyed +86 + the short number (+8695137)."
    ),
    "counts.phones_excluding_service": "counts.phones without the service numbers.",
    "counts.rows_refused": "Bad rows whose outcome is 'row refused': the rows quarantined.",
    "counts.values_dropped": "Bad rows whose outcome is 'field dropped': one warning each.",
    "counts.phones_with_bios": (
        "counts.phones plus numbers advertised in account bios (valid lines), however disguised."
    ),
    "counts.phones_by_field": (
        "Distinct E.164 numbers per field family (the same number may be in several)."
    ),
    "rings": (
        "Planted intermediary rings. phones: the agent phones in E.164; contact_phone: the one "
        "put on most complaints; accounts: platform:handle (canonical); complaint_ids: every "
        "valid complaint the ring filed; templates: the ring's texts with {placeholders}; "
        "slang: canonical term -> the ring's spelling; slang_variants: spellings that occur; "
        "wechat: the WeChat id (entity key) every account of the ring writes in its bio."
    ),
    "decoys": (
        "Things that look like ring signals but are not: the lenders' 95xxx hotlines (called by "
        "many borrowers and named in texts), genuine law firms (律师事务所, valid 31... USCC) "
        "representing many clients, popular numbers written in many texts, and family phones "
        "shared by two borrowers. None of them may become a lead. hotlines.calls counts the "
        "call records naming the hotline, duplicate rows not included; text_mentions counts "
        "loaded complaint texts naming a number."
    ),
    "hostile": "Cells carrying injection strings (Cypher, HTML/JS, formula, template).",
}


class PhoneLedger:
    """Which loaded rows carry which numbers, kept exactly with little memory."""

    def __init__(self, allocator: PhoneAllocator) -> None:
        self._allocator = allocator
        self._mobile = bytearray()
        self._other: dict[str, int] = {}  # E.164 -> bits, for fixed lines and service numbers
        self.service: set[str] = set()

    def mark(self, national: str, bit: int) -> None:
        if len(national) == 11 and national[0] == "1":
            index = self._allocator.mobile_index(national)
            if index >= len(self._mobile):
                self._mobile.extend(bytes(index + 1 - len(self._mobile) + 4096))
            self._mobile[index] |= bit
        else:
            key = e164(national)
            self._other[key] = self._other.get(key, 0) | bit
            if len(national) == 5:
                self.service.add(key)

    def _count(self, mask: int) -> int:
        table = bytes((value & mask) for value in range(256))
        mobiles = len(self._mobile) - self._mobile.translate(table).count(0)
        return mobiles + sum(1 for bits in self._other.values() if bits & mask)

    def counts(self) -> dict[str, Any]:
        service = sum(1 for key in self.service if self._other[key] & STRUCTURED)
        phones = self._count(STRUCTURED)
        return {
            "phones": phones,
            "phones_excluding_service": phones - service,
            "phones_with_bios": self._count(STRUCTURED | 32),
            "service_numbers": service,
            "phones_by_field": {name: self._count(bit) for name, bit in PHONE_FIELDS.items()},
        }


class Truth:
    """Everything truth.json says, gathered while the files are written."""

    def __init__(self) -> None:
        self.bad_rows: list[dict[str, Any]] = []
        self.duplicates: list[dict[str, Any]] = []
        self.hostile: list[dict[str, Any]] = []

    def bad(self, file: str, row: int, field: str, kind: str, reason: str, value: str,
            outcome: str) -> None:  # fmt: skip
        self.bad_rows.append(
            {
                "file": file,
                "row": row,
                "field": field,
                "kind": kind,
                "reason": reason,
                "value": value,
                "outcome": outcome,
            }
        )

    def duplicate(self, file: str, row: int, of_file: str, of_row: int, kind: str) -> None:
        self.duplicates.append(
            {
                "file": file,
                "row": row,
                "duplicate_of": {"file": of_file, "row": of_row},
                "kind": kind,
            }
        )

    def hostile_cell(self, file: str, row: int, field: str, value: str) -> None:
        self.hostile.append({"file": file, "row": row, "field": field, "value": value})
