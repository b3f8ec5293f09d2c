"""Writing one world to disk: firms and accounts first, then complaints with their calls and
blacklist entries, streamed; then ``truth.json``.

Four random streams are derived from the seed: ``ids`` feeds the allocators, ``mess`` decides
where duplicates and bad rows go and how they are broken, ``contacts`` which rings have a handle
of their own (WeChat, QQ, Telegram, a site), how they write it and which texts cite a lender's
site or a stray handle, ``world`` draws everything else — so adding handles left every other
figure of a world as it was.
"""

from __future__ import annotations

import json
import random
from collections import deque
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.synth import formats, names, texts
from app.synth.ids import e164
from app.synth.names import LENDERS, Lender
from app.synth.truth import DEFINITIONS, PhoneLedger, Truth
from app.synth.world import (
    DAYS,
    FIRST_DAY,
    Account,
    Allocators,
    Borrower,
    Firm,
    LawFirm,
    Ring,
    make_law_firm,
    make_ring,
    organic_account,
    organic_firm,
    ring_quotas,
    ring_truth,
)
from app.synth.writers import CsvSink, JsonlSink, Sink, XlsxSink
from graph.core.records import FIELD_DROPPED, ROW_REFUSED
from graph.values.idcard import id_check_digit
from graph.values.uscc import CHARSET, org_code_check_char, uscc_check_char

GENERATOR = "leadgraph-synth/1"
COMPLAINT_COLUMNS = [
    "投诉编号", "投诉渠道", "投诉日期", "被投诉机构", "投诉人姓名", "身份证号",
    "本人手机号", "联系电话", "代理人/委托代理", "投诉内容", "诉求金额",
]  # fmt: skip
FIRM_COLUMNS = [
    "公司名称",
    "统一社会信用代码",
    "法定代表人",
    "联系电话",
    "注册地址",
    "成立日期",
    "经营范围",
]
CALL_COLUMNS = ["主叫号码", "被叫号码", "开始时间", "通话时长(秒)"]
PHONE_COLUMNS = ["手机号码", "标签", "添加日期", "来源机构", "备注"]
ACCOUNT_FIELDS = ["platform", "handle", "nickname", "bio", "followers"]

# Each lender exports its own way: encoding, column order, date and amount styles.
COMPLAINT_FILES = {
    "xinghe": ("utf-8-sig", COMPLAINT_COLUMNS, "iso", "plain"),
    "yunshan": (
        "gbk",
        ["投诉编号", "投诉日期", "投诉渠道", "投诉人姓名", "身份证号", "本人手机号", "联系电话",
         "被投诉机构", "诉求金额", "代理人/委托代理", "投诉内容"],
        "slash",
        "wan",
    ),
    "beichen": ("utf-8-sig", COMPLAINT_COLUMNS, "chinese", "grouped_yuan"),
    "qinghe": ("utf-8", COMPLAINT_COLUMNS, "iso", "decimal"),
    "forwarded": (
        "gb18030",
        ["投诉编号", "投诉渠道", "被投诉机构", "投诉日期", "投诉人姓名", "身份证号", "本人手机号",
         "联系电话", "代理人/委托代理", "诉求金额", "投诉内容"],
        "dotted",
        "plain",
    ),
}  # fmt: skip
FORWARDED_SHARE = 0.12
BAD_KINDS = {
    "complaints": ("short_phone", "missing_id", "impossible_date", "bad_id_check"),
    "firms": ("bad_uscc_check", "bad_org_code_check", "impossible_date", "short_phone"),
    "calls": ("short_phone", "impossible_date"),
    "phones": ("short_phone",),
    "accounts": ("broken_json",),
}
# Faults planted in these optional fields cost the row only that value: the loader drops it
# with a warning and loads the rest (ingest/pipeline.py), so the truth counts what the rest of
# the row asserts. A fault anywhere else — a listed or calling number, an ID number, a USCC,
# broken JSON — refuses the row whole.
OPTIONAL_FIELDS = {
    "complaints": ("投诉日期", "本人手机号"),
    "firms": ("成立日期", "联系电话"),
    "calls": ("开始时间",),
}
BAD_RATE = {"complaints": 0.012, "firms": 0.04, "calls": 0.005, "phones": 0.02, "accounts": 0.02}
DUP_RATE = {"complaints": 0.01, "firms": 0.01, "calls": 0.01, "phones": 0.02, "accounts": 0.01}
RING_LABELS = ("疑似代理投诉", "反催收中介", "代理维权", "恶意投诉团伙")
ORGANIC_LABELS = ("逾期客户", "多次投诉", "失联", "高风险")
HANDLE_SHARE = 0.6  # rings with a handle of their own
RING_HANDLE_RATE = 0.4  # of such a ring's complaints, those that give the handle
SITE_RATE = {"organic": 0.08, "ring": 0.05}  # complaints citing their lender's official site
COMPLAINT_SITE_RATE = 0.01  # organic complaints citing the complaint site
POPULAR_SHORT = ("12378", "12315", "12345")
# ``--hard-decoys``: law firms and debt-counselling charities that file many complaints with one
# form letter (so they pass the templated test and become seeds), one such firm every this many
# complaints, and the share of organic complaints they file.
HARD_LAW_FIRM_EVERY = 400
HARD_LAW_SHARE = 0.10
HARD_LAW_CALL_RATE = 0.8  # such an office phones most of its clients back (else 0.3)


class Generator:
    """Writes one world of ``scale`` complaints to ``out``; :meth:`run` returns a summary."""

    def __init__(self, scale: int, seed: int, out: Path, *, hard_decoys: bool = False) -> None:
        self.scale = scale
        self.hard_decoys = hard_decoys
        self.seed = seed
        self.out = out
        self.rng = random.Random(f"{seed}:world")
        self.mess = random.Random(f"{seed}:mess")
        self.alloc = Allocators(random.Random(f"{seed}:ids"))
        self.ledger = PhoneLedger(self.alloc.phones)
        self.truth = Truth()
        self.serial = 0
        self.complainants = 0
        self.complaints_with_a_dropped_value = 0
        self.firms_written = 0
        self.accounts_written = 0
        self.bad_counter: dict[str, int] = dict.fromkeys(BAD_KINDS, 0)
        self.bad_seen: dict[str, set[str]] = {group: set() for group in BAD_KINDS}
        self.dups_seen: set[str] = set()
        self.hotline_calls = dict.fromkeys((lender.hotline for lender in LENDERS), 0)
        self.text_mentions: dict[str, int] = {}
        self.family: list[dict[str, Any]] = []
        self.agent_firms: dict[str, None] = {}  # firm names declared as agents (ordered set)
        self.pending_partner: Borrower | None = None  # the first of a family pair, waiting
        self.family_starts: set[int] = set()
        self.rare_done = False
        self.popular = ""
        self.recent_organic: deque[Borrower] = deque(maxlen=64)
        self.contacts = random.Random(f"{seed}:contacts")
        self.site_mentions: dict[str, int] = {}
        # a handle two unrelated texts give once each: two organic complaints, then one complaint
        # of each of two different rings (a stranger who approached both borrowers)
        self.strays: list[dict[str, Any]] = []

    # --- files --------------------------------------------------------------------------

    def _open(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        self.complaint_sinks: dict[str, CsvSink] = {}
        self.styles: dict[str, tuple[str, str]] = {}
        for key, (encoding, columns, date_style, amount_style) in COMPLAINT_FILES.items():
            sink = CsvSink(self.out / f"complaints_{key}.csv", "complaints", encoding, columns)
            self.complaint_sinks[key] = sink
            self.styles[sink.name] = (date_style, amount_style)
        self.firms_csv = CsvSink(self.out / "firms.csv", "firms", "utf-8-sig", FIRM_COLUMNS)
        self.firms_xlsx = XlsxSink(self.out / "firms.xlsx", "firms", FIRM_COLUMNS, "企业信息")
        self.styles["firms.csv"] = ("iso", "")
        self.styles["firms.xlsx"] = ("slash", "")
        self.accounts = JsonlSink(self.out / "accounts.jsonl", "accounts", ACCOUNT_FIELDS)
        self.calls = CsvSink(self.out / "calls.csv", "calls", "utf-8", CALL_COLUMNS)
        self.blacklist = CsvSink(self.out / "phones_blacklist.csv", "phones", "gbk", PHONE_COLUMNS)

    def _sinks(self) -> list[Sink]:
        return [
            *self.complaint_sinks.values(),
            self.firms_csv,
            self.firms_xlsx,
            self.accounts,
            self.calls,
            self.blacklist,
        ]

    # --- mess: duplicates and bad rows -------------------------------------------------

    def _after(self, group: str, sink: Sink, bad: Callable[[Sink, str], None]) -> None:
        """Maybe repeat a recent row of ``sink``, maybe add a bad row after it."""
        if sink.recent and self.mess.random() < DUP_RATE[group]:
            self._duplicate(group, sink)
        if self.mess.random() < BAD_RATE[group]:
            self._bad(group, sink, bad)

    def _duplicate(self, group: str, sink: Sink) -> None:
        of_row, values = self.mess.choice(sink.recent)
        row = sink.write(values, remember=False)
        self.truth.duplicate(sink.name, row, sink.name, of_row, "exact")
        self.dups_seen.add(group)

    def _bad(self, group: str, sink: Sink, bad: Callable[[Sink, str], None]) -> None:
        kinds = BAD_KINDS[group]
        kind = kinds[self.bad_counter[group] % len(kinds)]
        self.bad_counter[group] += 1
        self.bad_seen[group].add(kind)
        bad(sink, kind)

    def _fault(self, sink: Sink, row: int, field: str, kind: str, reason: str, value: str
               ) -> bool:  # fmt: skip
        """Record a bad row in the truth; True when the loader loads it without the value."""
        loads = field in OPTIONAL_FIELDS.get(sink.kind, ())
        outcome = FIELD_DROPPED if loads else ROW_REFUSED
        self.truth.bad(sink.name, row, field, kind, reason, value, outcome)
        return loads

    def _complete_mess(self) -> None:
        """Small worlds: make sure every kind of bad row and a duplicate exist in each group."""
        groups: dict[str, tuple[Sink, Callable[[Sink, str], None]]] = {
            "complaints": (self.complaint_sinks["xinghe"], self._bad_complaint),
            "firms": (self.firms_csv, self._bad_firm),
            "calls": (self.calls, self._bad_call),
            "phones": (self.blacklist, self._bad_blacklist),
            "accounts": (self.accounts, self._bad_account),
        }
        for group, (sink, bad) in groups.items():
            for kind in BAD_KINDS[group]:
                if kind not in self.bad_seen[group]:
                    self.bad_seen[group].add(kind)
                    bad(sink, kind)
            if group not in self.dups_seen and sink.recent:
                self._duplicate(group, sink)

    # --- helpers ------------------------------------------------------------------------

    def _day(self) -> date:
        return FIRST_DAY + timedelta(days=self.rng.randrange(DAYS))

    def _complaint_id(self, prefix: str, day: date) -> str:
        self.serial += 1
        return f"{prefix}{day:%Y%m%d}{self.serial:07d}"

    def _id_cell(self, id_number: str) -> str:
        return (
            id_number.lower() if id_number.endswith("X") and self.rng.random() < 0.3 else id_number
        )

    def _borrower(self, name: str | None = None) -> Borrower:
        id_number, _sex = self.alloc.ids.new()
        return Borrower(name or names.person_name(self.rng), id_number, self.alloc.phones.mobile())

    def _mention(self, text: str, numbers: dict[str, str]) -> None:
        """Count the popular numbers a text names; mark them as seen in texts."""
        for number, national in numbers.items():
            if number in text:
                self.text_mentions[number] = self.text_mentions.get(number, 0) + 1
                self.ledger.mark(national, 64)

    # --- firms --------------------------------------------------------------------------

    def _firm_values(self, firm: Firm, sink: Sink, phone: str | None = None) -> list[Any]:
        rng = self.rng
        date_style = self.styles[sink.name][0]
        phone_cell: Any = (
            phone if phone is not None else formats.phone_variant(rng, firm.phone, 0.8)
        )
        if (
            sink is self.firms_xlsx
            and phone is None
            and phone_cell == firm.phone
            and rng.random() < 0.5
        ):
            phone_cell = int(firm.phone)  # Excel turned the number into a number
        uscc = firm.uscc.lower() if rng.random() < 0.02 else firm.uscc
        return [
            firm.name,
            uscc,
            firm.legal_rep,
            phone_cell,
            firm.address,
            formats.mixed_date(rng, firm.founded, date_style),
            firm.scope,
        ]

    def _write_firm(self, firm: Firm) -> None:
        roll = self.rng.random()
        both = roll >= 0.85
        sink = self.firms_csv if roll < 0.55 or both else self.firms_xlsx
        values = self._firm_values(firm, sink)
        row = sink.write(values)
        self._after("firms", sink, self._bad_firm)
        if both:  # the same firm in the other file too, with the same values
            again = self.firms_xlsx.write(list(values))
            self.truth.duplicate(self.firms_xlsx.name, again, sink.name, row, "exact")
            self._after("firms", self.firms_xlsx, self._bad_firm)
        self.ledger.mark(firm.phone, 4)
        self.firms_written += 1

    def _bad_firm(self, sink: Sink, kind: str) -> None:
        firm = organic_firm(self.rng, self.alloc)
        values = self._firm_values(firm, sink, phone=firm.phone)
        field, value, reason = "统一社会信用代码", firm.uscc, ""
        if kind == "bad_uscc_check":
            wrong = self.mess.choice([c for c in CHARSET if c != firm.uscc[-1]])
            value = firm.uscc[:17] + wrong
            reason = f"check character should be {firm.uscc[-1]}, found {wrong}"
        elif kind == "bad_org_code_check":
            right = org_code_check_char(firm.uscc[8:16])
            wrong = self.mess.choice([c for c in "0123456789X" if c != right])
            first17 = firm.uscc[:16] + wrong
            value = first17 + uscc_check_char(first17)  # the outer check is right, the inner not
            reason = f"organisation code check character should be {right}, found {wrong}"
        elif kind == "impossible_date":
            field = "成立日期"
            value, reason = formats.bad_date(self.mess, 2019, self.styles[sink.name][0])
        else:
            field = "联系电话"
            value, reason = formats.bad_short_phone(self.mess, self.alloc.phones.mobile())
        values[FIRM_COLUMNS.index(field)] = value
        row = sink.write(values, remember=False)
        if self._fault(sink, row, field, kind, reason, value):
            self.firms_written += 1
            if field != "联系电话":
                self.ledger.mark(firm.phone, 4)

    def _firms(self, specials: list[Firm]) -> None:
        organic = max(30, self.scale // 40)
        self._interleave(
            specials, organic, self._write_firm, lambda: organic_firm(self.rng, self.alloc)
        )
        hostile = organic_firm(self.rng, self.alloc)
        hostile.legal_rep += texts.HOSTILE[0]
        self._write_hostile_firm(hostile)

    def _write_hostile_firm(self, firm: Firm) -> None:
        row = self.firms_csv.write(self._firm_values(firm, self.firms_csv), remember=False)
        self.truth.hostile_cell(self.firms_csv.name, row, "法定代表人", firm.legal_rep)
        self.ledger.mark(firm.phone, 4)
        self.firms_written += 1

    def _interleave(self, specials: list[Any], organic: int, write: Callable[[Any], None],
                    make: Callable[[], Any]) -> None:  # fmt: skip
        """Write ``specials`` at random places among ``organic`` made-up ordinary ones."""
        left_special, left_organic = len(specials), organic
        index = 0
        while left_special or left_organic:
            if self.rng.random() < left_special / (left_special + left_organic):
                write(specials[index])
                index += 1
                left_special -= 1
            else:
                write(make())
                left_organic -= 1

    # --- accounts -----------------------------------------------------------------------

    def _account_line(self, account: Account) -> dict[str, Any]:
        return {
            "platform": formats.platform_variant(self.rng, account.platform),
            "handle": formats.handle_variant(self.rng, account.handle),
            "nickname": account.nickname,
            "bio": account.bio,
            "followers": account.followers,
        }

    def _write_account(self, account: Account) -> None:
        line = self._account_line(account)
        row = self.accounts.write([line])
        if account.phone:
            self.ledger.mark(account.phone, 32)
        self.accounts_written += 1
        if self.mess.random() < 0.02:  # crawled again, spelled another way
            again = self._account_line(account)
            again["followers"] = account.followers + self.mess.randint(0, 50)
            dup = self.accounts.write([again], remember=False)
            self.truth.duplicate(self.accounts.name, dup, self.accounts.name, row, "same_key")
        self._after("accounts", self.accounts, self._bad_account)

    def _bad_account(self, sink: Sink, kind: str) -> None:
        account = organic_account(self.rng, self.alloc)
        text = json.dumps(self._account_line(account), ensure_ascii=False)
        broken = self.mess.choice(
            (
                text[: self.mess.randint(10, max(11, len(text) - 5))],
                text.replace('"handle"', "handle", 1),
                text[:-1] + ",}",
                text.replace('"', "'"),
            )
        )
        row = sink.write([broken], remember=False)
        self._fault(sink, row, "line", kind, "not valid JSON", broken)

    def _accounts(self, specials: list[Account]) -> None:
        organic = max(20, self.scale // 20)
        self._interleave(
            specials, organic, self._write_account, lambda: organic_account(self.rng, self.alloc)
        )
        hostile = organic_account(self.rng, self.alloc)
        hostile.nickname = "小助手" + texts.HOSTILE[1]
        row = self.accounts.write([self._account_line(hostile)], remember=False)
        self.truth.hostile_cell(self.accounts.name, row, "nickname", hostile.nickname)
        if hostile.phone:
            self.ledger.mark(hostile.phone, 32)
        self.accounts_written += 1

    # --- calls and the blacklist ---------------------------------------------------------

    def _call(self, caller: str, callee: str, before: date) -> None:
        rng = self.rng
        moment = datetime.combine(before - timedelta(days=rng.randint(0, 20)), datetime.min.time())
        moment += timedelta(seconds=rng.randint(8 * 3600, 22 * 3600))
        self.calls.write(
            [
                formats.phone_variant(rng, caller, 0.92),
                formats.phone_variant(rng, callee, 0.92) if len(callee) > 5 else callee,
                formats.datetime_text(rng, moment),
                rng.randint(5, 900),
            ]
        )
        self.ledger.mark(caller, 8)
        self.ledger.mark(callee, 8)
        self._after("calls", self.calls, self._bad_call)

    def _bad_call(self, sink: Sink, kind: str) -> None:
        caller, callee = self.alloc.phones.mobile(), self.alloc.phones.mobile()
        when = f"2025-03-{self.mess.randint(10, 28)} 10:{self.mess.randint(10, 59)}:00"
        field = "主叫号码"
        if kind == "short_phone":
            caller, reason = formats.bad_short_phone(self.mess, caller)
            value = caller
        else:
            field = "开始时间"
            day, reason = formats.bad_date(self.mess, 2025, "iso")
            when = value = f"{day} 10:15:00"
        row = sink.write([caller, callee, when, self.mess.randint(5, 600)], remember=False)
        if self._fault(sink, row, field, kind, reason, value):
            self.ledger.mark(caller, 8)
            self.ledger.mark(callee, 8)

    def _blacklist(self, national: str, label: str, day: date, note: str = "") -> None:
        lender = self.rng.choice(LENDERS)
        self.blacklist.write(
            [
                formats.mobile_variant(self.rng, national, 0.85),
                label,
                day.isoformat(),
                lender.name,
                note,
            ]
        )
        self.ledger.mark(national, 16)
        self._after("phones", self.blacklist, self._bad_blacklist)

    def _bad_blacklist(self, sink: Sink, kind: str) -> None:
        value, reason = formats.bad_short_phone(self.mess, self.alloc.phones.mobile())
        row = sink.write([value, self.mess.choice(ORGANIC_LABELS), "2025-06-01", LENDERS[0].name, ""],
                         remember=False)  # fmt: skip
        self._fault(sink, row, "手机号码", kind, reason, value)

    # --- complaints ---------------------------------------------------------------------

    def _sink_for(self, lender: Lender) -> CsvSink:
        if self.rng.random() < FORWARDED_SHARE:
            return self.complaint_sinks["forwarded"]
        return self.complaint_sinks[lender.key]

    def _complaint_row(self, sink: CsvSink, lender: Lender, borrower: Borrower, day: date,
                       contact: str, agent: str, text: str, amount: int | None) -> dict[str, Any]:  # fmt: skip
        rng = self.rng
        date_style, amount_style = self.styles[sink.name]
        forwarded = sink is self.complaint_sinks["forwarded"]
        return {
            "投诉编号": self._complaint_id("ZF" if forwarded else lender.prefix, day),
            "投诉渠道": rng.choice(
                texts.CHANNELS_FORWARDED if forwarded else texts.CHANNELS_LENDER
            ),
            "投诉日期": formats.mixed_date(rng, day, date_style),
            "被投诉机构": lender.name,
            "投诉人姓名": borrower.name,
            "身份证号": self._id_cell(borrower.id_number),
            "本人手机号": formats.mobile_variant(rng, borrower.phone, 0.8),
            "联系电话": formats.phone_variant(rng, contact, 0.7) if contact else "",
            "代理人/委托代理": agent,
            "投诉内容": text,
            "诉求金额": formats.amount_text(rng, amount, amount_style) if amount else "",
        }

    def _emit_complaint(self, sink: CsvSink, row: dict[str, Any], borrower: Borrower,
                        contact: str, remember: bool = True) -> int:  # fmt: skip
        number = sink.write([row[column] for column in sink.columns], remember=remember)
        self.ledger.mark(borrower.phone, 1)
        if contact:
            self.ledger.mark(contact, 2)
        forwarded = self.complaint_sinks["forwarded"]
        if remember and sink is not forwarded and self.mess.random() < 0.02:
            # the regulator forwarded a complaint the lender also exported
            again = forwarded.write([row[column] for column in forwarded.columns], remember=False)
            self.truth.duplicate(forwarded.name, again, sink.name, number, "exact")
        self._after("complaints", sink, self._bad_complaint)
        return number

    def _bad_complaint(self, sink: Sink, kind: str) -> None:
        borrower = self._borrower()
        lender = self.mess.choice(LENDERS)
        day = self._day()
        text = texts.organic_text(self.rng, lender.name, lender.hotline, self.popular)
        row = self._complaint_row(sink, lender, borrower, day, "", "", text, 5000)  # type: ignore[arg-type]
        row["本人手机号"] = borrower.phone
        field = {"short_phone": "本人手机号", "missing_id": "身份证号", "impossible_date": "投诉日期",
                 "bad_id_check": "身份证号"}[kind]  # fmt: skip
        if kind == "short_phone":
            value, reason = formats.bad_short_phone(self.mess, borrower.phone)
        elif kind == "missing_id":
            value, reason = "", "ID number is missing"
        elif kind == "impossible_date":
            value, reason = formats.bad_date(self.mess, 2025, self.styles[sink.name][0])
        else:
            right = id_check_digit(borrower.id_number[:17])
            wrong = self.mess.choice([c for c in "0123456789X" if c != right])
            value = borrower.id_number[:17] + wrong
            reason = f"check digit should be {right}, found {wrong}"
        row[field] = value
        number = sink.write([row[column] for column in sink.columns], remember=False)
        if self._fault(sink, number, field, kind, reason, value):
            self.complaints_with_a_dropped_value += 1
            self.complainants += 1
            if field != "本人手机号":
                self.ledger.mark(borrower.phone, 1)
            self._mention(text, self.mentionable[lender.hotline])

    def _ring_complaint(self, ring: Ring) -> None:
        rng = self.rng
        reuse = [b for b in ring.recent if len(b.lenders) < len(LENDERS)]
        if reuse and rng.random() < 0.35:
            borrower = rng.choice(reuse)
            lender = rng.choice([x for x in LENDERS if x.key not in borrower.lenders])
        else:
            borrower = self._borrower()
            lender = rng.choice(LENDERS)
            ring.recent.append(borrower)
            ring.borrowers += 1
            self.complainants += 1
        borrower.lenders.append(lender.key)
        ring.lenders[lender.name] = None
        day = ring.active_from + timedelta(
            days=rng.randrange((ring.active_to - ring.active_from).days + 1)
        )
        roll = rng.random()
        if roll < 0.8:
            contact = ring.phones[0] if rng.random() < 0.7 else rng.choice(ring.phones[1:])
        else:
            contact = borrower.phone if roll < 0.9 else ""
        roll = rng.random()
        if roll < 0.4:
            agent = rng.choice(ring.firms).name
            self.agent_firms[agent] = None
        elif roll < 0.55:
            agent = rng.choice(ring.agents)
        elif roll < 0.65:
            account = rng.choice(ring.accounts)
            agent = f"{formats.PLATFORM_NAMES[account.platform]}：@{account.handle}"
        else:
            agent = ""
        _template, text, _used = texts.ring_text(
            rng, ring.style, borrower.name, borrower.id_number, lender.name
        )
        text = self._ring_contacts(ring, lender, text)
        sink = self._sink_for(lender)
        row = self._complaint_row(sink, lender, borrower, day, contact, agent, text,
                                  rng.choice((5000, 12000, 20000, 36800, 50000)) if rng.random() < 0.95 else None)  # fmt: skip
        self._emit_complaint(sink, row, borrower, contact)
        ring.complaint_ids.append(row["投诉编号"])
        self._note_stray(row["投诉编号"])
        for _ in range(rng.randint(1, 3)):
            self._call(rng.choice(ring.phones), borrower.phone, day)
        if rng.random() < 0.3:
            self._call(borrower.phone, rng.choice(ring.phones), day)
        if len(ring.complaint_ids) == min(2, ring.quota):
            for phone in ring.phones:
                if rng.random() < 0.5:
                    self._blacklist(phone, rng.choice(RING_LABELS), day,
                                    rng.choice(("", "多次代客户投诉，自称\"法务\"", "来电要求停息挂账")))  # fmt: skip

    def _organic_complaint(self, ordinal: int, law_firms: list[LawFirm]) -> None:
        rng = self.rng
        partner = self.pending_partner
        self.pending_partner = None
        lender = rng.choice(LENDERS)
        sink = self._sink_for(lender)
        forwarded = sink is self.complaint_sinks["forwarded"]
        hostile_name = hostile_text = ""
        if ordinal in (4, 12) or rng.random() < 0.001:
            hostile_name = (
                texts.HOSTILE[0 if ordinal == 12 else 1]
                if ordinal in (4, 12)
                else rng.choice(texts.HOSTILE)
            )
        if ordinal in (7, 15) or rng.random() < 0.002:
            hostile_text = (
                texts.HOSTILE[0 if ordinal == 7 else 1]
                if ordinal in (7, 15)
                else rng.choice(texts.HOSTILE)
            )
        if partner is not None:
            borrower = self._borrower()
            borrower.phone = partner.phone  # the family phone
            new = True
        elif self.recent_organic and rng.random() < 0.03:
            borrower, new = rng.choice(self.recent_organic), False
            hostile_name = ""  # a returning borrower keeps the name they gave before
        else:
            name = None
            if forwarded and (rng.random() < 0.02 or not self.rare_done):
                name = rng.choice(names.SURNAMES) + rng.choice(names.RARE_GIVEN)
                self.rare_done = True
            borrower, new = self._borrower(name), True
            borrower.reusable = name is None
        if hostile_name:
            borrower.name += hostile_name
            borrower.reusable = False
        if new:
            self.complainants += 1
        borrower.lenders.append(lender.key)
        day = self._day()
        text = texts.organic_text(rng, lender.name, lender.hotline, self.popular)
        if rng.random() < 0.01:
            text = texts.with_slang_slip(rng, text)
        text = self._organic_contacts(lender, text)
        contact, agent = "", ""
        law: LawFirm | None = None
        roll = rng.random()
        if roll < (HARD_LAW_SHARE if self.hard_decoys else 0.03) and law_firms:
            law = rng.choice(law_firms)
            agent = law.firm.name
            self.agent_firms[agent] = None
            if self.hard_decoys:  # the office's letter: it passes the templated test
                line = law.firm.phone
                text = texts.form_letter(
                    law_firms.index(law), law.firm.name, lender.name,
                    borrower.name.removesuffix(hostile_name),  # the name, not the payload
                    f"{line[:-8]}-{line[-8:]}" if line.startswith("0") else line,
                )  # fmt: skip
                self.ledger.mark(line, 64)
            else:
                text += texts.law_firm_sentence(rng, law.firm.name)
            # the form letter asks the lender to call the office: its line is the contact
            contact = law.firm.phone if self.hard_decoys or rng.random() < 0.5 else ""
        elif roll < 0.38:
            contact = borrower.phone
        elif roll < 0.42:
            contact = self.alloc.phones.mobile()  # a relative's number
        if hostile_text:
            text += "\n备注：" + hostile_text
        self._mention(text, self.mentionable[lender.hotline])
        amount = (
            rng.choice((None, 800, 2000, 3600, 5000, 8000, 12000, 20000))
            if rng.random() < 0.85
            else None
        )
        row = self._complaint_row(sink, lender, borrower, day, contact, agent, text, amount)
        remember = not (hostile_name or hostile_text or not borrower.reusable)
        number = self._emit_complaint(sink, row, borrower, contact, remember)
        self._note_stray(row["投诉编号"])
        if hostile_name:
            self.truth.hostile_cell(sink.name, number, "投诉人姓名", borrower.name)
        if hostile_text:
            self.truth.hostile_cell(sink.name, number, "投诉内容", text)
        if law is not None:
            law.complaint_ids.append(row["投诉编号"])
            if rng.random() < (HARD_LAW_CALL_RATE if self.hard_decoys else 0.3):
                self._call(law.firm.phone, borrower.phone, day)
                law.calls += 1
        if partner is not None:
            self.family[-1]["complaint_ids"].append(row["投诉编号"])
            self.family[-1]["names"].append(borrower.name)
        elif ordinal in self.family_starts:
            self.pending_partner = borrower
            self.family.append(
                {
                    "phone": e164(borrower.phone),
                    "complaint_ids": [row["投诉编号"]],
                    "names": [borrower.name],
                }
            )
        if borrower.reusable and new and not hostile_name:
            self.recent_organic.append(borrower)
        # the borrower's own calls: the lender's hotline, friends
        if rng.random() < 0.4:
            for _ in range(rng.randint(1, 2)):
                self._call(borrower.phone, lender.hotline, day)
                self.hotline_calls[lender.hotline] += 1
        if rng.random() < 0.5:
            friend = self.alloc.phones.mobile()
            pair = (borrower.phone, friend) if rng.random() < 0.5 else (friend, borrower.phone)
            self._call(*pair, day + timedelta(days=rng.randint(-30, 30)))
        if new and rng.random() < 0.02:
            self._blacklist(borrower.phone, rng.choice(ORGANIC_LABELS), day)
        if rng.random() < 0.01:
            self._blacklist(self.alloc.phones.mobile(), "骚扰电话", day, '来电推销，称可"代理退息"')

    # --- contact handles ----------------------------------------------------------------

    def _give_handles(self, rings: list[Ring]) -> None:
        """Some rings get a handle of their own, written into every agent bio of theirs."""
        crng = self.contacts
        for index, ring in enumerate(rings):
            if crng.random() >= HANDLE_SHARE:
                continue
            kind = crng.choice(texts.HANDLE_KINDS)
            ring.handle = (kind, texts.handle_value(crng, kind, index + 1))
            for account in ring.accounts:
                line = texts.write_handle(crng, kind, ring.handle[1], bio=True)
                account.bio += crng.choice(("\n", " ", "｜")) + line
        value = texts.handle_value(crng, "wechat", len(rings) + 1)
        self.strays = [
            {"key": f"wechat:{value}", "value": value, "organic": 2, "rings": [],
             "complaint_ids": []}
        ]  # fmt: skip

    def _site(self, lender: Lender, share: float) -> str:
        crng = self.contacts
        if crng.random() >= share:
            return ""
        self.site_mentions[lender.site] = self.site_mentions.get(lender.site, 0) + 1
        return crng.choice(texts.OFFICIAL_SITE_SENTENCES).format(host=lender.site)

    def _stray(self, text: str) -> str:
        stray = self.strays[0]
        return text + self.contacts.choice(texts.STRAY_HANDLE_SENTENCES).format(v=stray["value"])

    def _ring_contacts(self, ring: Ring, lender: Lender, text: str) -> str:
        crng = self.contacts
        if ring.handle and crng.random() < RING_HANDLE_RATE:
            text += texts.handle_sentence(crng, *ring.handle)
        text += self._site(lender, SITE_RATE["ring"])
        stray = self.strays[0] if self.strays else None
        fresh = stray and len(stray["rings"]) < 2 and ring.id not in stray["rings"]
        if stray and fresh and (not stray["rings"] or crng.random() < 0.5):
            stray["rings"].append(ring.id)
            stray["pending"] = True
            text = self._stray(text)
        return text

    def _organic_contacts(self, lender: Lender, text: str) -> str:
        crng = self.contacts
        text += self._site(lender, SITE_RATE["organic"])
        if crng.random() < COMPLAINT_SITE_RATE:
            self.site_mentions[texts.COMPLAINT_SITE] = (
                self.site_mentions.get(texts.COMPLAINT_SITE, 0) + 1
            )
            text += f"已在黑猫投诉 {texts.COMPLAINT_SITE} 发帖。"
        stray = self.strays[0] if self.strays else None
        if stray and stray["organic"] and crng.random() < 0.05:
            stray["organic"] -= 1
            stray["pending"] = True
            text = self._stray(text)
        return text

    def _note_stray(self, complaint_id: str) -> None:
        for stray in self.strays:
            if stray.pop("pending", False):
                stray["complaint_ids"].append(complaint_id)

    # --- the run ------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        rng = self.rng
        self._open()
        quotas = ring_quotas(rng, self.scale)
        rings = [make_ring(rng, self.alloc, index, quota) for index, quota in enumerate(quotas)]
        self._give_handles(rings)
        per_law_firm = HARD_LAW_FIRM_EVERY if self.hard_decoys else 3000
        law_firms: list[LawFirm] = []
        for index in range(max(2, self.scale // per_law_firm)):
            charity = self.hard_decoys and index % 2 == 1
            founder = law_firms[-1].firm.legal_rep if charity else None  # a partner's charity
            law_firms.append(
                make_law_firm(
                    rng, self.alloc, charity=charity, hard=self.hard_decoys, founder=founder
                )
            )
        self.popular = self.alloc.phones.mobile()  # a TV programme's tip line, named in texts
        self.mentionable = {
            lender.hotline: {lender.hotline: lender.hotline, self.popular: self.popular,
                             **{n: n for n in POPULAR_SHORT}}
            for lender in LENDERS
        }  # fmt: skip
        special_firms = [firm for ring in rings for firm in ring.firms] + [
            law.firm for law in law_firms
        ]
        rng.shuffle(special_firms)
        self._firms(special_firms)
        special_accounts = [a for ring in rings for a in ring.accounts]
        special_accounts += [law.account for law in law_firms if law.account]
        rng.shuffle(special_accounts)
        self._accounts(special_accounts)

        ring_order = [index for index, quota in enumerate(quotas) for _ in range(quota)]
        rng.shuffle(ring_order)
        organic_total = self.scale - len(ring_order)
        pairs = max(2, self.scale // 500)
        starts = range(2, max(3, organic_total - 2), 3)
        self.family_starts = set(rng.sample(starts, min(pairs, len(starts))))
        ordinal = 0
        for step in range(self.scale):
            if ring_order and rng.random() < len(ring_order) / (self.scale - step):
                self._ring_complaint(rings[ring_order.pop()])
            else:
                self._organic_complaint(ordinal, law_firms)
                ordinal += 1
        self._complete_mess()
        for sink in self._sinks():
            sink.close()
        return self._write_truth(rings, law_firms)

    def _write_truth(self, rings: list[Ring], law_firms: list[LawFirm]) -> dict[str, Any]:
        files = {sink.name: sink.describe() for sink in self._sinks()}
        forwarded_again = sum(
            1
            for d in self.truth.duplicates
            if d["file"] != d["duplicate_of"]["file"] and d["file"].startswith("complaints_")
        )
        counts = {
            "complaints": self.scale + self.complaints_with_a_dropped_value,
            "complaint_keys_by_file": self.scale
            + forwarded_again
            + self.complaints_with_a_dropped_value,
            "complainants": self.complainants,
            "firms": self.firms_written,
            "accounts": self.accounts_written,
            "agent_firm_names": len(self.agent_firms),
            **self.ledger.counts(),
            "rings": len(rings),
            "ring_complaints": sum(len(ring.complaint_ids) for ring in rings),
            "law_firms": len(law_firms),
            "bad_rows": len(self.truth.bad_rows),
            "rows_refused": sum(b["outcome"] == ROW_REFUSED for b in self.truth.bad_rows),
            "values_dropped": sum(b["outcome"] == FIELD_DROPPED for b in self.truth.bad_rows),
            "duplicate_rows": len(self.truth.duplicates),
        }
        truth = {
            "generator": GENERATOR,
            "params": {"scale": self.scale, "seed": self.seed,
                       **({"hard_decoys": True} if self.hard_decoys else {})},
            "definitions": DEFINITIONS,
            "lenders": [
                {"name": x.name, "key": x.key, "hotline": x.hotline, "file": f"complaints_{x.key}.csv"}
                for x in LENDERS
            ],
            "files": files,
            "counts": counts,
            "rings": [ring_truth(ring) for ring in rings],
            "decoys": {
                "hotlines": [
                    {"lender": x.name, "number": x.hotline, "e164": e164(x.hotline),
                     "calls": self.hotline_calls[x.hotline], "text_mentions": self.text_mentions.get(x.hotline, 0)}
                    for x in LENDERS
                ],
                "law_firms": [
                    {"uscc": law.firm.uscc, "name": law.firm.name, "phone": e164(law.firm.phone),
                     "account": law.account.key if law.account else None, "calls": law.calls,
                     "complaint_ids": law.complaint_ids,
                     **({"form_letter": True} if self.hard_decoys else {})}
                    for law in law_firms
                ],
                "popular_numbers": [
                    {"number": number, "e164": e164(number), "text_mentions": self.text_mentions.get(number, 0)}
                    for number in (self.popular, *POPULAR_SHORT)
                ],
                "family_phones": self.family,
                # cited by very many unrelated complaints: hubs that must tie no ring
                "contact_hubs": [
                    {"key": f"domain:{host}", "mentions": n}
                    for host, n in sorted(self.site_mentions.items())
                ],
                # given once each by unrelated texts (two borrowers, two rings' complaints)
                "stray_handles": [
                    {"key": s["key"], "rings": s["rings"], "complaint_ids": s["complaint_ids"]}
                    for s in self.strays
                ],
            },
            "bad_rows": self.truth.bad_rows,
            "duplicates": self.truth.duplicates,
            "hostile": self.truth.hostile,
        }  # fmt: skip
        with (self.out / "truth.json").open("w", encoding="utf-8", newline="\n") as handle:
            json.dump(truth, handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        return {
            "out": str(self.out),
            "scale": self.scale,
            "seed": self.seed,
            "files": {name: info["rows"] for name, info in files.items()},
            "counts": {k: v for k, v in counts.items() if k != "phones_by_field"},
        }


def generate(scale: int, seed: int, out: Path, *, hard_decoys: bool = False) -> dict[str, Any]:
    """Write a world of ``scale`` complaints to ``out``; return a summary (files, counts).
    ``hard_decoys``: law firms and charities with form letters that score like rings (the
    re-ranker's benchmark, bench/rerank.py)."""
    return Generator(scale, seed, out, hard_decoys=hard_decoys).run()
