"""The world behind the files: lenders, rings, law firms, firms, accounts and borrowers.

Planning happens once, before any row is written, and holds only what is small at any scale
(rings, law firms, their firms and accounts: a few per thousand complaints). Borrowers are made
one at a time while the complaints stream out and are forgotten soon after.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.synth import names
from app.synth.formats import PLATFORM_NAMES
from app.synth.ids import IdAllocator, PhoneAllocator, UsccAllocator, e164
from app.synth.texts import RingStyle, agent_bio, organic_bio, ring_style

RING_SHARE = 0.15  # share of complaints filed by rings
COMPLAINTS_PER_RING = 250
MIN_RING_COMPLAINTS = 4
PLATFORMS = tuple(PLATFORM_NAMES)
FIRST_DAY = date(2024, 10, 1)  # complaints are filed over one year from this day
DAYS = 365


@dataclass
class Firm:
    name: str
    uscc: str
    legal_rep: str
    phone: str  # national form
    address: str
    founded: date
    scope: str
    kind: str  # ring, law, organic


@dataclass
class Account:
    platform: str  # canonical
    handle: str  # canonical (lower case, no @)
    nickname: str
    bio: str
    followers: int
    phone: str | None = None  # the number the bio advertises, national form
    bio_form: str | None = None  # how it is disguised

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.handle}"


@dataclass
class Borrower:
    name: str
    id_number: str
    phone: str
    lenders: list[str] = field(default_factory=list)
    reusable: bool = True  # False for names only the GB 18030 file can carry


@dataclass
class Ring:
    id: str
    city: str
    firms: list[Firm]
    phones: list[str]  # agent phones; phones[0] is the contact put on most complaints
    agents: list[str]  # names agents sign with
    accounts: list[Account]
    style: RingStyle
    quota: int
    active_from: date  # rings work in campaigns: their complaints fall in one window
    active_to: date
    complaint_ids: list[str] = field(default_factory=list)
    lenders: dict[str, None] = field(default_factory=dict)
    wechat: str = ""  # the WeChat id every account of the ring gives in its bio
    borrowers: int = 0
    recent: deque[Borrower] = field(default_factory=lambda: deque(maxlen=4))
    handle: tuple[str, str] | None = None  # (kind, value): the ring's own WeChat, QQ, site …


@dataclass
class LawFirm:
    firm: Firm
    account: Account | None
    complaint_ids: list[str] = field(default_factory=list)
    calls: int = 0


class Allocators:
    """The unique-by-construction identifiers of one world."""

    def __init__(self, rng: random.Random) -> None:
        self.phones = PhoneAllocator(rng)
        self.ids = IdAllocator(rng)
        self.usccs = UsccAllocator(rng)
        self.handles = 0

    def handle(self, rng: random.Random) -> str:
        self.handles += 1
        return names.handle(rng, self.handles)


def founded_date(rng: random.Random, first: int, last: int) -> date:
    start = date(first, 1, 1)
    return start + timedelta(days=rng.randrange((date(last, 12, 31) - start).days))


def organic_firm(rng: random.Random, alloc: Allocators) -> Firm:
    city, region, area = names.city(rng)
    founded = founded_date(rng, 2003, 2024)
    phone = alloc.phones.fixed_line(area) if rng.random() < 0.7 else alloc.phones.mobile()
    return Firm(
        name=names.firm_name(rng, city, names.ORGANIC_INDUSTRIES),
        uscc=alloc.usccs.new(region, founded.year),
        legal_rep=names.person_name(rng),
        phone=phone,
        address=names.address(rng, city),
        founded=founded,
        scope=rng.choice(names.ORGANIC_SCOPE),
        kind="organic",
    )


def organic_account(rng: random.Random, alloc: Allocators) -> Account:
    account = Account(
        platform=rng.choice(PLATFORMS),
        handle=alloc.handle(rng),
        nickname=rng.choice(names.ORGANIC_NICKS)
        + (str(rng.randint(1, 999)) if rng.random() < 0.4 else ""),
        bio=organic_bio(rng),
        followers=int(rng.paretovariate(1.2) * 50),
    )
    if rng.random() < 0.05:  # a shop owner with a phone in plain sight: not an agent
        account.phone = alloc.phones.mobile()
        account.bio = (account.bio + " 合作电话" + account.phone).strip()
        account.bio_form = "plain"
    return account


def make_ring(rng: random.Random, alloc: Allocators, index: int, quota: int) -> Ring:
    city, region, _area = names.city(rng)
    phones = [alloc.phones.mobile() for _ in range(rng.randint(2, 4))]
    boss = names.person_name(rng)
    n_firms = rng.choice((1, 1, 2, 2, 3))
    share_rep = n_firms == 1 or rng.random() < 0.6
    firms = []
    for number in range(n_firms):
        founded = founded_date(rng, 2018, 2024)
        firms.append(
            Firm(
                name=names.firm_name(rng, city, names.RING_INDUSTRIES),
                uscc=alloc.usccs.new(region, founded.year),
                legal_rep=boss if share_rep else names.person_name(rng),
                # firms that do not share a representative share a phone instead
                phone=phones[0] if not share_rep or number == 0 else rng.choice(phones),
                address=names.address(rng, city),
                founded=founded,
                scope=rng.choice(names.RING_SCOPE),
                kind="ring",
            )
        )
    accounts = []
    for _ in range(rng.randint(1, 3)):
        advertised = phones[0] if rng.random() < 0.7 else rng.choice(phones[1:])
        form, bio = agent_bio(rng, advertised)
        accounts.append(
            Account(
                platform=rng.choice(PLATFORMS),
                handle=alloc.handle(rng),
                nickname=rng.choice(names.AGENT_NICKS),
                bio=bio,
                followers=int(rng.paretovariate(1.1) * 300),
                phone=advertised,
                bio_form=form,
            )
        )
    # One WeChat id the ring's accounts all give, each in its own spelling: a shared handle is
    # what ties an agent's adverts together (issue 16). Derived, not drawn, so the random
    # sequence, and with it the rest of the world, stays as it was.
    wechat = f"xs{phones[0][-4:]}_{index + 1:02d}"
    for number, account in enumerate(accounts):
        account.bio += " " + WECHAT_FORMS[number % len(WECHAT_FORMS)].format(
            id=wechat, id_upper=wechat.upper()
        )
    start = rng.randrange(DAYS - 30)
    active_from = FIRST_DAY + timedelta(days=start)
    active_to = FIRST_DAY + timedelta(days=min(DAYS - 1, start + rng.randint(45, 150)))
    agents = [boss[0] + rng.choice(("经理", "老师", "主管", "律师助理")), names.person_name(rng)]
    return Ring(
        id=f"ring-{index + 1:05d}",
        city=city,
        firms=firms,
        phones=phones,
        agents=agents,
        accounts=accounts,
        style=ring_style(rng),
        quota=quota,
        active_from=active_from,
        active_to=active_to,
        wechat=wechat,
    )


# How the ring's accounts write its WeChat id: after 加 and V, VX and a colon in capitals, 微信.
WECHAT_FORMS = ("加V：{id}", "VX: {id_upper}", "微信 {id}")


# ``--hard-decoys``: what such offices really register as their scope (both name consulting).
HARD_LAW_SCOPE = "接受委托，提供法律咨询，代理诉讼及非诉讼法律事务"
HARD_CHARITY_SCOPE = "债务咨询、金融知识普及、困难借款人协商帮扶（公益）"


def make_law_firm(
    rng: random.Random,
    alloc: Allocators,
    *,
    charity: bool = False,
    hard: bool = False,
    founder: str | None = None,
) -> LawFirm:
    """A law firm, or (``charity``, only with ``--hard-decoys``) a debt-counselling charity:
    an old, lawful office that takes borrowers' cases. ``hard`` (``--hard-decoys``): its
    registered scope names consulting, a charity is registered in 2024, it always has an account giving its office line, and
    ``founder`` (a partner of a law firm who founded the charity) is its legal representative."""
    city, region, area = names.city(rng)
    # a hard-decoy charity is new: such centres opened as the complaints grew (a law firm is old)
    founded = founded_date(rng, 2024, 2024) if hard and charity else founded_date(rng, 1995, 2020)
    scope = names.LAW_SCOPE[0]
    if hard:
        scope = HARD_CHARITY_SCOPE if charity else HARD_LAW_SCOPE
    firm = Firm(
        name=f"{city}债务咨询公益服务中心" if charity else names.law_firm_name(rng, city),
        uscc=alloc.usccs.new(region, founded.year, law_firm=True),
        legal_rep=founder or names.person_name(rng),
        phone=alloc.phones.fixed_line(area),
        address=names.address(rng, city),
        founded=founded,
        scope=scope,
        kind="law",
    )
    account = None
    if hard or rng.random() < 0.5:  # a law firm's own account, its office line in plain sight
        account = Account(
            platform=rng.choice(("douyin", "weibo")),
            handle=alloc.handle(rng),
            nickname=firm.name,
            bio=f"{firm.name}官方账号 专业金融纠纷代理 咨询电话 {firm.phone[:-8]}-{firm.phone[-8:]}",
            followers=int(rng.paretovariate(1.1) * 2000),
            phone=firm.phone,
            bio_form="fixed_line",
        )
    return LawFirm(firm, account)


def ring_quotas(rng: random.Random, scale: int) -> list[int]:
    """Complaints per ring: about one ring per 250 complaints (at least 3 from scale 100),
    heavy-tailed sizes, ring complaints about 15% of all."""
    n_rings = max(1 if scale < 100 else 3, round(scale / COMPLAINTS_PER_RING))
    total = min(scale // 2, max(n_rings * MIN_RING_COMPLAINTS, round(scale * RING_SHARE)))
    n_rings = min(n_rings, max(1, total // MIN_RING_COMPLAINTS))
    weights = [rng.paretovariate(1.5) for _ in range(n_rings)]
    spare = total - n_rings * MIN_RING_COMPLAINTS
    scale_by = spare / sum(weights)
    quotas = [MIN_RING_COMPLAINTS + int(w * scale_by) for w in weights]
    for index in range(total - sum(quotas)):  # the rounding remainder, one each
        quotas[index % n_rings] += 1
    return quotas


def handle_key(kind: str, value: str) -> str:
    """The entity key of a handle (``graph.text.contacts.Contact.key``)."""
    return f"{kind}:{value}"


def ring_truth(ring: Ring) -> dict[str, object]:
    return {
        "id": ring.id,
        "city": ring.city,
        "firms": [
            {"uscc": f.uscc, "name": f.name, "legal_rep": f.legal_rep, "phone": e164(f.phone)}
            for f in ring.firms
        ],
        "firm_usccs": [f.uscc for f in ring.firms],
        "firm_names": [f.name for f in ring.firms],
        "legal_reps": list(dict.fromkeys(f.legal_rep for f in ring.firms)),
        "phones": [e164(p) for p in ring.phones],
        "contact_phone": e164(ring.phones[0]),
        "agents": ring.agents,
        "accounts": [a.key for a in ring.accounts],
        "wechat": f"wechat:{ring.wechat}",
        "account_bios": [
            {"account": a.key, "phone": e164(a.phone or ""), "form": a.bio_form}
            for a in ring.accounts
        ],
        "contact": (
            {"kind": ring.handle[0], "value": ring.handle[1], "key": handle_key(*ring.handle)}
            if ring.handle
            else None
        ),
        "lenders": list(ring.lenders),
        "active_from": ring.active_from.isoformat(),
        "active_to": ring.active_to.isoformat(),
        "borrowers": ring.borrowers,
        "complaint_ids": ring.complaint_ids,
        "templates": ring.style.templates,
        "slang": ring.style.slang,
        "slang_variants": list(ring.style.used_variants),
    }
