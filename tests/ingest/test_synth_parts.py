"""The generator's parts: numbers unique and valid, variants that still mean the value,
literal text that fits in GBK."""

from __future__ import annotations

import random
from datetime import date

import phonenumbers
import pytest

from app.synth import formats, names, texts
from app.synth.ids import (
    MOBILE_PREFIXES,
    IdAllocator,
    Permutation,
    PhoneAllocator,
    UsccAllocator,
    e164,
)
from graph.values.idcard import is_valid_id
from graph.values.uscc import is_valid_uscc


def parse(raw: str) -> str:
    number = phonenumbers.parse(raw, "CN")
    assert phonenumbers.is_valid_number(number), raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@pytest.mark.parametrize("size", [1, 2, 7, 1000, 4097])
def test_permutation_is_a_bijection(size: int) -> None:
    perm = Permutation(size, random.Random(size))
    values = [perm(i) for i in range(size)]
    assert sorted(values) == list(range(size))
    assert [perm.inverse(v) for v in values] == list(range(size))


def test_allocated_numbers_are_distinct_and_valid() -> None:
    rng = random.Random(1)
    phones = PhoneAllocator(rng)
    mobiles = [phones.mobile() for _ in range(5000)]
    assert len(set(mobiles)) == 5000
    assert all(phones.mobile_index(m) == i for i, m in enumerate(mobiles))
    for mobile in mobiles[:500]:
        assert parse(mobile) == e164(mobile)
    for _, _, area in names.CITIES:
        lines = [phones.fixed_line(area) for _ in range(200)]
        assert len(set(lines)) == 200
        assert all(parse(line) == e164(line) for line in lines)
    ids = IdAllocator(rng)
    numbers = [ids.new()[0] for _ in range(5000)]
    assert len(set(numbers)) == 5000 and all(is_valid_id(n) for n in numbers)
    usccs = UsccAllocator(rng)
    codes = [usccs.new("500103", 2005 + i % 20, law_firm=i % 7 == 0) for i in range(5000)]
    assert len(set(codes)) == 5000 and all(is_valid_uscc(c) for c in codes)
    assert all(c.startswith("31") for i, c in enumerate(codes) if i % 7 == 0)


def test_every_mobile_prefix_is_valid() -> None:
    rng = random.Random(2)
    for prefix in MOBILE_PREFIXES:
        for _ in range(50):
            parse(prefix + f"{rng.randrange(10**8):08d}")


def test_phone_variants_mean_the_same_number() -> None:
    rng = random.Random(3)
    seen = set()
    for _ in range(2000):
        variant = formats.mobile_variant(rng, "13800138000", plain_share=0)
        seen.add(variant)
        assert parse(variant) == "+8613800138000", variant
        fixed = formats.phone_variant(rng, "075561234567")
        assert parse(fixed) == "+8675561234567", fixed
    assert len(seen) >= 10


def test_short_phone_is_invalid() -> None:
    value, reason = formats.bad_short_phone(random.Random(4), "13800138000")
    assert len(value) == 10 and reason == "phone too short: 10 digits"
    assert not phonenumbers.is_valid_number(phonenumbers.parse(value, "CN"))


def test_date_and_amount_forms() -> None:
    day = date(2025, 9, 1)
    assert [formats.date_text(day, s) for s in formats.DATE_STYLES] == [
        "2025-09-01",
        "2025/9/1",
        "2025年9月1日",
        "2025.09.01",
        "20250901",
    ]
    text, reason = formats.bad_date(random.Random(5), 2025, "chinese")
    assert text.startswith("2025年") and reason.startswith("impossible date 2025-")
    forms = {formats.amount_text(random.Random(i), 12000, "wan") for i in range(50)}
    assert "1.2万" in forms


def test_account_variants_canonicalise() -> None:
    rng = random.Random(6)
    canonical = {v: k for k, v in formats.PLATFORM_NAMES.items()}
    for _ in range(200):
        platform = formats.platform_variant(rng, "xiaohongshu")
        assert canonical.get(platform, platform.lower()) == "xiaohongshu"
        assert formats.handle_variant(rng, "fawu_lawyer12").lstrip("@").lower() == "fawu_lawyer12"


@pytest.mark.parametrize("form", texts.BIO_FORMS)
def test_disguised_phones_keep_the_digits(form: str) -> None:
    rng = random.Random(7)
    while True:
        got, text = texts.disguise_phone(rng, "13800138000")
        if got == form:
            break
    folded = text.translate(
        str.maketrans("０１２３４５６７８９零幺二三四五六七八九", "01234567890123456789")
    )
    assert "".join(ch for ch in folded if ch.isdigit()) == "13800138000"


def _literals() -> list[str]:
    found = [
        *texts.OPENINGS,
        *texts.TRIED,
        *texts.DEMANDS,
        *texts.CLOSINGS,
        *texts.HOSTILE,
        *texts.SYNONYMS[0],
        *[s for group in texts.GRIEVANCES.values() for s in group],
        *[s for group in texts.RING_POOL.values() for s in group],
        *[v for group in texts.SLANG.values() for v in group],
        *texts.CHANNELS_LENDER,
        *[form for forms in texts.COMPLAINT_HANDLE_FORMS.values() for form in forms],
        *texts.HANDLE_LEADS,
        *texts.OFFICIAL_SITE_SENTENCES,
        *texts.REPRESENTATIVE_LETTERS,
        *texts.STRAY_HANDLE_SENTENCES,
        *names.AGENT_NICKS,
        names.SURNAMES,
        names.GIVEN,
        *names.TRADE_NAMES,
        *names.RING_INDUSTRIES,
        *names.ORGANIC_INDUSTRIES,
        *names.RING_SCOPE,
        *names.ORGANIC_SCOPE,
        *[lender.name for lender in names.LENDERS],
    ]
    return found


def test_literal_text_fits_in_gbk() -> None:
    for text in _literals():
        text.encode("gbk")
    for rare in names.RARE_GIVEN:
        rare.encode("gb18030")
        with pytest.raises(UnicodeEncodeError):
            rare.encode("gbk")


def test_organic_texts_vary() -> None:
    rng = random.Random(8)
    made = [texts.organic_text(rng, "某贷", "95000", "13800138000") for _ in range(300)]
    assert len(set(made)) == 300


def test_ring_texts_use_templates_and_slang() -> None:
    rng = random.Random(9)
    style = texts.ring_style(rng)
    made = [texts.ring_text(rng, style, "张三", "11010519491231002X", "某贷") for _ in range(100)]
    assert {index for index, _, _ in made} <= set(range(len(style.templates)))
    used = {variant for _, _, variants in made for variant in variants}
    assert used == set(style.used_variants)
    assert all(variant in "".join(t for _, t, _ in made) for variant in used)


@pytest.mark.parametrize("kind", sorted(set(texts.HANDLE_KINDS)))
def test_handles_are_read_back_however_written(kind: str) -> None:
    """Every form a ring writes its handle in, in a bio or a complaint, gives the handle back
    to the contact extractor: the synthetic worlds test detection, not the extractor."""
    from graph.text.contacts import extract

    rng = random.Random(5)
    for serial in range(1, 40):
        value = texts.handle_value(rng, kind, serial)
        for bio in (False, True):
            written = texts.write_handle(rng, kind, value, bio=bio)
            sentence = written if bio else texts.handle_sentence(rng, kind, value)
            assert [c.key for c in extract(sentence)] == [f"{kind}:{value}"], sentence


def test_hard_decoy_offices_look_like_what_the_hand_weights_reward() -> None:
    """``--hard-decoys`` (bench/rerank.py): a law firm and the charity its partner founded
    name consulting in their scope, share a legal representative and advertise their office
    line; the charity is new, the firm old. Without the option a law firm is as before."""
    from app.synth.world import Allocators, make_law_firm
    from graph.evidence.scores import CONSULTING_WORDS

    rng = random.Random(5)
    alloc = Allocators(rng)
    firm = make_law_firm(rng, alloc, hard=True)
    charity = make_law_firm(rng, alloc, charity=True, hard=True, founder=firm.firm.legal_rep)
    for office in (firm, charity):
        assert any(word in office.firm.scope for word in CONSULTING_WORDS)
        assert office.account is not None and office.account.phone == office.firm.phone
    assert charity.firm.legal_rep == firm.firm.legal_rep
    assert charity.firm.founded.year == 2024 and firm.firm.founded.year <= 2020
    assert charity.firm.name.endswith("债务咨询公益服务中心")
    plain = make_law_firm(random.Random(5), Allocators(random.Random(5)))
    assert plain.firm.scope == names.LAW_SCOPE[0]


def test_representative_letters_are_agent_voiced_but_plain() -> None:
    """``--hard-decoys`` letters: a law firm or charity acting for a borrower writes in an agent's
    voice, which the context model calls agent-like; yet no term is disguised, and the line the
    letter gives is the office's own."""
    from graph.text.contacts import extract
    from graph.text.context import AGENT_AT, agent_score
    from graph.text.slang import scan

    for index in range(len(texts.REPRESENTATIVE_LETTERS)):
        for office in ("重庆渝信律师事务所", "重庆债务咨询公益服务中心"):
            letter = texts.form_letter(index, office, "某贷", "王芳", "023-63012345")
            assert agent_score(letter) >= AGENT_AT, letter
            assert not [hit for hit in scan(letter) if hit.disguise], letter
            assert [c.key for c in extract(letter)] == ["phone:+862363012345"], letter
            assert ("本中心" in letter) == office.endswith("服务中心")
