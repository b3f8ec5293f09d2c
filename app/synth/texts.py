"""Complaint texts and account bios.

Organic borrowers write in their own words: a text is drawn from many interchangeable sentence
fragments (context, one or two grievances, what they already tried, what they want), with
varying punctuation, line breaks and the odd typo-level quirk, so no two look stamped.

A ring writes from one or two templates of its own (sentences picked once per ring from a pool
of "agent boilerplate"), fills in the borrower's details, makes small edits (a dropped sentence, a
synonym, punctuation), and in a share of its texts writes some terms in its own slang.

All literal text here is GBK-encodable (tests check it), so any text can go into a GBK export.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# Canonical term -> the disguised spellings agents use (each ring picks its own few).
SLANG: dict[str, tuple[str, ...]] = {
    "征信": ("zx", "z信", "徵信", "正信"),
    "分期": ("分琪", "fq"),
    "催收": ("崔收",),
    "停息挂账": ("停息挂帐",),
    "协商还款": ("协商还kuan",),
    "逾期": ("yu期",),
    "网贷": ("wd", "网d"),
    "上岸": ("上an",),
}

HOSTILE = (
    "'}) MATCH (n) DETACH DELETE n //",
    "<script>alert(1)</script>",
    '" OR 1=1 --',
    '=HYPERLINK("http://example.invalid","点击")',
    "{{7*7}}",
)

APPS = ("APP", "小程序", "手机APP", "官方APP", "公众号")
CHANNELS_LENDER = ("黑猫投诉", "客服热线", "12378", "12315", "监管转办")
CHANNELS_FORWARDED = ("12378", "监管转办", "12315", "12378", "黑猫投诉")

# --- organic texts ------------------------------------------------------------------------

OPENINGS = (
    "本人于{date}在{lender}{app}借款{amount}元，分{n}期还款。",
    "我在{date}通过{app}申请了一笔{amount}元的贷款，期限{n}个月。",
    "{date}我在你们平台借了{amount}块钱，",
    "我是{lender}的客户，{date}借款{amount}元。",
    "去年在{app}上借过一笔钱，{amount}元左右，",
    "本人是贵公司用户，借款合同约定{n}期。",
    "我于{date}办理了分期业务，金额{amount}元。",
    "{date}在你们{app}点了一下就放款了，{amount}元，我根本没想借这么多。",
    "我们家{relative}用我的手机在{app}借了{amount}元，",
    "本人{date}因资金周转需要借款{amount}元，",
    "我是一名{job}，{date}在{lender}借款，",
    "你好，我想反映一下借款的事情。",
)
RELATIVES = ("老人", "孩子", "我老公", "我老婆", "亲戚")
JOBS = ("外卖骑手", "个体户", "工厂工人", "货车司机", "教师", "护士", "销售", "自由职业者")

GRIEVANCES = {
    "harassment": (
        "最近催收人员天天打电话，一天十几个，",
        "催收打电话给我的同事和家人，让我在单位抬不起头。",
        "有人打电话骂人，说要上门，我很害怕。",
        "催收的人给我通讯录里的人发短信，说我欠钱不还，",
        "晚上十一点了还在打电话催，孩子都被吵醒了。",
        "催收员说话很难听，还威胁要起诉我。",
    ),
    "interest": (
        "算下来年化利率超过了36%，太高了。",
        "利息加上各种服务费，实际要还的比借的多了一大截。",
        "合同上写的利率和实际扣的不一样，",
        "每个月还款里有一笔“服务费”，从来没人跟我说过。",
        "提前还款还要收违约金，这合理吗？",
        "借款页面显示日息万五，实际算下来远不止，",
    ),
    "deduction": (
        "还款日之前就从银行卡扣了钱，导致我卡里其他款项扣款失败。",
        "我已经还清了，系统还显示欠款，又扣了一次。",
        "自动扣款扣了两次，多扣的钱到现在也没退。",
        "还款日当天我还了款，第二天却显示逾期。",
    ),
    "credit": (
        "我一直按时还款，但是征信上显示有逾期记录，",
        "你们上报的征信信息有错误，影响我办房贷。",
        "结清证明开了很久都开不出来，",
        "查征信发现有一笔不是我本人办理的贷款。",
    ),
    "service": (
        "打客服电话一直是机器人，转人工要等半小时。",
        "客服说会有专人回电，等了一个星期都没人联系我。",
        "在线客服答非所问，问题一直没有解决。",
        "客服态度很差，直接挂了我的电话。",
    ),
    "insurance": (
        "借款的时候被捆绑了一份保险，我根本不知情。",
        "放款时默认勾选了会员服务，每月扣费，",
        "有一笔“担保费”，合同里写得很模糊。",
    ),
    "privacy": (
        "我没有授权，你们却把我的信息给了第三方，",
        "我注销了账户，还是不断收到营销短信和电话。",
        "不知道你们从哪里拿到了我家人的电话号码。",
    ),
}
TRIED = (
    "之前打过{hotline}客服电话，一直没有解决。",
    "我已经拨打了{hotline}好几次了，都说在处理。",
    "打了你们的客服热线{hotline}，说三个工作日回复，到现在没消息。",
    "已经向12378反映过，",
    "也打过12315，让我先找平台协商。",
    "我还在{popular_show}留言了，爆料电话{popular}也打过。",
    "朋友说可以打12345市民热线，我也打了。",
    "",
    "",
    "",
)
DEMANDS = (
    "要求退还多收的利息和费用。",
    "希望平台核实情况，给我一个合理的解释。",
    "请尽快停止骚扰我的家人。",
    "希望能减免部分罚息，我愿意还本金。",
    "请帮我更正征信记录。",
    "请求把重复扣的钱退回来。",
    "希望能延期一段时间，我现在确实困难。",
    "请取消这个会员服务并退款。",
    "麻烦给我开具结清证明。",
    "希望监管部门督促平台处理。",
)
CLOSINGS = ("谢谢！", "请尽快处理。", "望早日答复。", "", "", "急！！！", "谢谢你们。", "")
POPULAR_SHOW = "本地电视台《帮帮团》栏目"

# Occasional traces of real writing: quotes, ASCII commas, a line break.
QUIRKS = (
    ("，", ","),
    ("。", "."),
    ("！", "!"),
)

# --- ring templates -------------------------------------------------------------------------

RING_POOL = {
    "intro": (
        "本人{name}，于{date}在贵司{lender}办理了网贷业务，共{n}笔。",
        "投诉人{name}，身份证尾号{id4}，系贵司借款用户。",
        "我是{name}，在{lender}有分期借款，目前已逾期{months}个月。",
        "本人{name}在贵司平台借款{amount}元，现因个人原因无法正常还款。",
    ),
    "hardship": (
        "因经济下行收入大幅下降，家中老人生病住院，目前确实无力偿还。",
        "本人失业已久，名下多笔网贷同时逾期，生活陷入困境。",
        "由于家庭突发变故，收入来源中断，导致无法按时还款。",
        "本人并非恶意逾期，实属还款能力不足，希望贵司理解。",
    ),
    "accusation": (
        "贵司催收人员多次爆通讯录，骚扰本人亲友，严重侵犯个人隐私。",
        "贵司实际综合年化利率远超国家规定的上限，存在变相高利贷行为。",
        "贵司在放款时强制搭售会员和担保服务，侵害消费者知情权和选择权。",
        "贵司未经本人同意上报征信，给本人造成严重影响。",
        "贵司第三方催收公司暴力催收，言语辱骂、恐吓威胁。",
    ),
    "demand": (
        "现本人要求停息挂账，本金分{k}期偿还。",
        "本人申请协商还款，减免全部利息及罚息，只还本金。",
        "要求贵司退还超出法定利率部分的利息{amount}元。",
        "要求贵司立即停止催收并修复本人征信记录。",
        "请贵司在协商还款期间暂停一切催收行为，并出具书面分期方案。",
        "希望早日上岸，请贵司给予个性化分期方案。",
    ),
    "threat": (
        "如贵司不予处理，本人将向人民银行、金融监管总局、12378等部门逐级投诉。",
        "如七个工作日内未得到答复，本人将向法院起诉并保留向媒体曝光的权利。",
        "若贵司拒绝协商，本人将向监管部门反映贵司违规放贷问题。",
    ),
    "contact": (
        "本人已委托代理人全权处理此事，请与代理人联系，不要再联系本人及家人。",
        "请通过预留的联系电话与本人沟通，其他电话一律不接。",
        "后续事宜由本人委托的法务人员对接。",
    ),
}
RING_SLOTS = ("intro", "hardship", "accusation", "accusation", "demand", "demand", "threat")
SYNONYMS = (
    ("本人", "我"),
    ("贵司", "你司"),
    ("要求", "请求"),
    ("严重", "极其"),
    ("目前", "现在"),
    ("无力", "没有能力"),
)


def _fmt_date_cn(rng: random.Random) -> str:
    return f"{rng.choice((2022, 2023, 2024))}年{rng.randint(1, 12)}月"


def _amount(rng: random.Random) -> int:
    return rng.choice((3000, 5000, 8000, 10000, 12000, 15000, 20000, 30000, 50000)) + (
        rng.randrange(0, 5000, 100) if rng.random() < 0.5 else 0
    )


def organic_text(rng: random.Random, lender: str, hotline: str, popular: str) -> str:
    """A complaint in a borrower's own words."""
    parts = [
        rng.choice(OPENINGS).format(
            date=_fmt_date_cn(rng),
            lender=lender,
            app=rng.choice(APPS),
            amount=_amount(rng),
            n=rng.choice((3, 6, 9, 12, 24)),
            relative=rng.choice(RELATIVES),
            job=rng.choice(JOBS),
        )
    ]
    kinds = rng.sample(sorted(GRIEVANCES), rng.choice((1, 1, 2)))
    for kind in kinds:
        parts.extend(rng.sample(GRIEVANCES[kind], rng.choice((1, 1, 2))))
    tried = rng.choice(TRIED)
    if tried:
        parts.append(tried.format(hotline=hotline, popular=popular, popular_show=POPULAR_SHOW))
    parts.append(rng.choice(DEMANDS))
    if rng.random() < 0.3:
        parts.append(rng.choice(DEMANDS))
    parts.append(rng.choice(CLOSINGS))
    joiner = "\n" if rng.random() < 0.08 else ""
    text = joiner.join(part for part in parts if part)
    if rng.random() < 0.15:
        old, new = rng.choice(QUIRKS)
        text = text.replace(old, new)
    if rng.random() < 0.05:
        text = f'"{text}"'
    return text


@dataclass
class RingStyle:
    """How one ring writes: its templates and its slang."""

    templates: list[str]
    slang: dict[str, str]  # canonical term -> the ring's spelling of it
    slang_share: float
    used_variants: dict[str, None] = field(default_factory=dict)  # ordered set


def ring_style(rng: random.Random) -> RingStyle:
    templates = []
    for _ in range(rng.choice((1, 1, 2))):
        chosen: list[str] = []
        for slot in RING_SLOTS:
            options = [s for s in RING_POOL[slot] if s not in chosen]
            chosen.append(rng.choice(options))
        if rng.random() < 0.6:
            chosen.append(rng.choice(RING_POOL["contact"]))
        if rng.random() < 0.3:  # numbered points, a habit of some agents
            chosen = [f"{i}、{s}" if 1 <= i <= 4 else s for i, s in enumerate(chosen)]
        templates.append("".join(chosen))
    terms = rng.sample(sorted(SLANG), rng.randint(2, 5))
    slang = {term: rng.choice(SLANG[term]) for term in terms}
    return RingStyle(templates, slang, rng.uniform(0.35, 0.85))


def ring_text(
    rng: random.Random, style: RingStyle, name: str, id_number: str, lender: str
) -> tuple[int, str, list[str]]:
    """``(template index, text, slang variants used)`` for one ring complaint."""
    index = rng.randrange(len(style.templates))
    text = style.templates[index].format(
        name=name,
        id4=id_number[-4:],
        date=_fmt_date_cn(rng),
        lender=lender,
        n=rng.randint(1, 4),
        months=rng.randint(1, 18),
        amount=_amount(rng),
        k=rng.choice((12, 24, 36, 48, 60)),
    )
    sentences = text.split("。")
    if len(sentences) > 4 and rng.random() < 0.25:
        del sentences[rng.randrange(1, len(sentences) - 1)]
        text = "。".join(sentences)
    if rng.random() < 0.4:
        old, new = rng.choice(SYNONYMS)
        text = text.replace(old, new, 1)
    if rng.random() < 0.2:
        text = text.replace("，", ",", rng.randint(1, 3))
    used: list[str] = []
    if rng.random() < style.slang_share:
        for term, variant in style.slang.items():
            if term in text:
                text = text.replace(term, variant)
                used.append(variant)
                style.used_variants[variant] = None
    return index, text, used


def with_slang_slip(rng: random.Random, text: str) -> str:
    """An ordinary borrower who writes one term the way the internet does (rare, on purpose:
    slang alone must not make a lead)."""
    for term in ("征信", "网贷"):
        if term in text:
            return text.replace(term, SLANG[term][0], 1)
    return text


# ``--hard-decoys``: representative letters. A law firm (本所) or a debt-counselling charity
# (本中心) acting for a borrower writes in an agent's voice — it acts on the borrower's behalf,
# asks for lower fees, instalments and an end to collection, names online loans and arrears and
# gives its own line — which is what the context model calls agent-like, honestly: the requests
# are lawful and no term is disguised. Each office keeps one letter for all its clients.
REPRESENTATIVE_LETTERS = (
    "致{lender}：{we}专业律师团队受借款人{name}委托，代理其与贵司协商网贷逾期的还款方案。借款人因"
    "收入下降暂时无法足额还款，现申请减免罚息和违约金、协商分期还款。委托期间请停止对借款人及其家属"
    "的催收，相关事宜请联系{we}承办人员，电话{phone}。",
    "{lender}：{we}受借款人{name}委托，代为与贵司协商逾期借款的延期还款和息费减免方案。借款人愿意"
    "还本，请求贵司暂停催收、依法更正征信记录，给予个性化分期。请勿联系借款人本人及其亲友，请直接"
    "联系{we}，电话{phone}。",
    "关于借款人{name}的协商函。{lender}：{we}接受{name}委托，依法代理其与贵司就网贷逾期进行协商，"
    "要求核减不合理的息费、免除违约金并分期还款，同时要求贵司停止违规催收。如协商不成，{we}将代其"
    "向监管部门投诉。{we}电话：{phone}。",
    "代理协商函 {lender}：兹受借款人{name}全权委托，{we}作为其代理人与贵司协商还款方案。借款人逾期"
    "后无力一次性偿还，请求减免罚息、延期分期还款，协商期间停止催收、不再上报不良征信。联系电话"
    "{phone}，勿再骚扰借款人及其家人。",
    "致{lender}：{we}受{name}委托代理其网贷债务协商事宜。委托人因失业逾期，现请求贵司减免逾期利息"
    "与违约金，重新制定分期还款方案，并在协商期间停止催收、停止联系委托人的亲友和单位。{we}专业"
    "人员联系电话：{phone}。",
)


def form_letter(index: int, firm: str, lender: str, name: str, phone: str) -> str:
    """The ``index``-th office's representative letter for the borrower ``name``
    (``--hard-decoys``): the same words for every client, so its complaints fall in one template
    cluster like a ring's, in an agent's voice (see :data:`REPRESENTATIVE_LETTERS`), but lawful,
    with no disguised slang. ``phone`` is the office line as written (``023-63012345``)."""
    we = "本中心" if firm.endswith("服务中心") else "本所"
    letter = REPRESENTATIVE_LETTERS[index % len(REPRESENTATIVE_LETTERS)]
    return letter.format(we=we, lender=lender, name=name, phone=phone)


def law_firm_sentence(rng: random.Random, firm: str) -> str:
    return rng.choice(
        (
            f"现已委托{firm}律师代为处理。",
            f"本人已委托{firm}，请与承办律师联系。",
            f"此事由{firm}代理。",
        )
    )


# --- bios -----------------------------------------------------------------------------------

CN_DIGITS = "零幺二三四五六七八九"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
BIO_FORMS = ("v_spaced", "plus_v", "dashed", "full_width", "split_digits", "chinese", "dotted")


def disguise_phone(rng: random.Random, national: str) -> tuple[str, str]:
    """``(form, text)``: a mobile number written the way agents slip it past platform filters."""
    form = rng.choice(BIO_FORMS)
    a, b, c = national[:3], national[3:7], national[7:]
    text = {
        "v_spaced": f"V：{a} {b} {c}",
        "plus_v": f"➕V {national}",
        "dashed": f"电话同微信 {a}-{b}-{c}",
        "full_width": f"薇：{national.translate(FULL_WIDTH)}",
        "split_digits": "咨询 " + " ".join(national),
        "chinese": "联系 " + "".join(CN_DIGITS[int(d)] for d in national),
        "dotted": f"v信 {a}.{b}.{c}",
    }[form]
    return form, text


AGENT_BIO_LINES = (
    "专注网贷协商｜停息挂账｜征信修复",
    "十年债务优化经验，已帮助上千人上岸",
    "信用卡、网贷逾期协商，减免罚息",
    "合法合规 一对一服务 不成功不收费",
    "逾期不可怕，可怕的是没人帮你",
    "分期协商 个性化还款方案",
)
ORGANIC_BIO_LINES = (
    "记录生活，分享快乐",
    "一个热爱美食的普通人",
    "努力工作，好好生活",
    "喜欢旅行和摄影",
    "宝妈一枚，分享育儿日常",
    "不定期更新",
    "",
)


def agent_bio(rng: random.Random, national: str) -> tuple[str, str]:
    form, phone = disguise_phone(rng, national)
    lines = rng.sample(AGENT_BIO_LINES, 2)
    lines.insert(rng.randrange(3), phone)
    return form, rng.choice(("\n", " ", "｜")).join(lines)


def organic_bio(rng: random.Random) -> str:
    return rng.choice(ORGANIC_BIO_LINES)


# --- contact handles --------------------------------------------------------------------------
# A ring's own WeChat id, QQ number, Telegram username or site, written into its agents' bios and
# a share of its complaints in the forms agents use to slip a handle past platform filters; the
# complaint forms are GBK-encodable (complaints go into GBK exports), the bio forms need not be.
HANDLE_KINDS = ("wechat", "wechat", "qq", "telegram", "domain")
COMPLAINT_HANDLE_FORMS = {
    "wechat": ("加V：{v}", "vx {v}", "V信: {V}", "微信号 {v}", "加微：{V}"),
    "qq": ("扣扣 {v}", "QQ：{v}", "加Q {v}"),
    "telegram": ("TG @{v}", "纸飞机 {v}", "t.me/{v}"),
    "domain": ("{stem}点{tld}", "www.{v}/zx", "网址 {v}"),
}
BIO_HANDLE_FORMS = {
    "wechat": ("➕V：{v}", "vx {V}", "V信: {v}", "加微：{v}"),
    "qq": ("扣扣 {v}", "➕Q {v}"),
    "telegram": ("t.me/{v}", "TG @{V}"),
    "domain": ("官网 www.{v}", "{stem}点{tld}"),
}
HANDLE_LEADS = ("有问题请联系", "详情咨询", "对接人", "后续沟通请", "")
# What a lender's customers write when they cite its official site: the same host from very many
# unrelated complaints (a hub that ties no ring), and the complaint site everyone posts on.
OFFICIAL_SITE_SENTENCES = (
    "我已在官网 www.{host} 提交过工单。",
    "官网{host}上的客服一直没有回复。",
    "在{host}的在线客服留言了，",
)
COMPLAINT_SITE = "tousu.sina.com.cn"
STRAY_HANDLE_SENTENCES = (
    "有个自称能帮忙降息的人加了我，微信号 {v}，",
    "之前有人让我加V：{v} 办理延期，",
)


def handle_value(rng: random.Random, kind: str, serial: int) -> str:
    """A handle of ``kind`` unique by ``serial`` (its syntax is the app's own: a WeChat id or a
    Telegram username starts with a letter; a QQ number has no leading 0)."""
    word = rng.choice(("fawu", "shangan", "jiezhai", "xieshang", "huanqian", "youhua", "tingxi"))
    if kind == "qq":
        return str(rng.randrange(1, 9) * 10**8 + serial * 1000 + rng.randrange(1000))
    if kind == "domain":
        return f"{word}{serial}{rng.choice(('.com', '.cn', '.net', '.top'))}"
    return f"{word}{rng.choice(('_', '', 'x'))}{serial}{rng.choice(('', 'a', 'v'))}"


def write_handle(rng: random.Random, kind: str, value: str, *, bio: bool = False) -> str:
    """``value`` as an agent writes it: a cue, a disguise, a case (WeChat ids and Telegram
    usernames ignore case)."""
    forms = (BIO_HANDLE_FORMS if bio else COMPLAINT_HANDLE_FORMS)[kind]
    stem, _, tld = value.partition(".")
    return rng.choice(forms).format(v=value, V=value.capitalize(), stem=stem, tld=tld)


def handle_sentence(rng: random.Random, kind: str, value: str) -> str:
    """A sentence of a ring complaint that gives the ring's handle."""
    lead = rng.choice(HANDLE_LEADS)
    return f"{lead}{'，' if lead else ''}{write_handle(rng, kind, value)} 。"
