"""Builds ``slang_labelled.jsonl``, the labelled evaluation set of the slang detector.

Run ``.venv/bin/python tests/data/slang_labelled.py`` after editing; the JSONL file is committed.

The disguised spellings below were written by hand from how agents write on social media and in
complaint texts, not produced by the detector's variant generator: some are outside what the
generator knows (fuzzy sounds such as 吹收, look-alikes missing from the shared tables such as 减兔),
and they stay in the set so the recall figure is honest.

Markup: ``[surface|term]`` marks an expected hit; a surface that differs from the term is a
disguise. Every line of the output is ``{"id", "group", "text", "expected": [{"term", "start",
"end", "disguised"}]}`` with ``group`` one of ``disguised`` (at least one disguised term),
``plain`` (only plain terms) or ``clean`` (no term at all, many near misses).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

# term -> disguised spellings, written by hand
DISGUISES: dict[str, list[str]] = {
    "征信": [
        "正信",
        "徵信",
        "zhengxin",
        "zx",
        "z信",
        "征x",
        "征.信",
        "征 信",
        "ｚｘ",
        "争信",
        "蒸信",
        "征xin",
        "Zheng Xin",
        "征-信",
        "𝐳𝐡𝐞𝐧𝐠𝐱𝐢𝐧",
        "徵.信",
        "正 信",
        "ZhengXin",
        "zheng信",
        "征*信",
        "征_信",
        "証信",
    ],
    "征信修复": ["征信修fu", "zx修复", "徵信修復", "正信修复", "zxxf"],
    "逾期": ["鱼期", "yu期", "yq", "逾7", "逾.期", "逾棋", "yuqi", "逾 期", "渝期", "ｙｑ"],
    "催收": ["崔收", "摧收", "催shou", "cui收", "催.收", "吹收", "催 收", "cuishou", "催収"],
    "暴力催收": ["暴力崔收", "blcs", "暴力cui收"],
    "分期": ["分琪", "分7", "fen期", "fq", "芬期", "分.期", "纷期", "fenqi", "分 期", "分朞"],
    "个性化分期": ["个性化分琪", "gxhfq", "个性化分7", "个xing化分期", "個性化分期"],
    "延期还款": ["延期还kuan", "延其还款", "yqhk"],
    "网贷": ["往贷", "网dai", "wd", "wang贷", "网.贷", "网货", "網貸", "wangdai", "惘贷"],
    "套路贷": ["套路dai", "tld", "套路袋"],
    "协商还款": [
        "协伤还款",
        "xshk",
        "协商还kuan",
        "斜商还款",
        "协商huan款",
        "协商還款",
        "协 商 还 款",
        "協商還款",
        "xie商还款",
    ],
    "停息挂账": ["停息挂帐", "停息褂账", "txgz", "停xi挂账", "亭息挂账", "停息掛賬", "停.息.挂.账"],
    "债务优化": ["债务忧化", "zwyh", "债雾优化", "債務優化", "债务you化"],
    "债务协商": ["债务协伤", "zwxs", "债务xie商"],
    "减免": ["减勉", "减兔", "简免", "减mian", "减.免"],
    "免息": ["免吸", "mian息", "免.息"],
    "上岸": ["上按", "尚岸", "shang岸", "上an", "上.岸", "shangan"],
    "债务上岸": ["债务上按", "zwsa", "债务shang岸"],
    "银保监": ["银保鉴", "ybj", "银bao监", "銀保監", "yin保监", "ＹＢＪ"],
    "银保监会": ["银保监hui", "银宝监会", "银保监汇"],
    "金融监管": ["金融监官", "jrjg", "金蓉监管", "jin融监管"],
    "起诉": ["起述", "起素", "qi诉", "启诉", "起.诉", "qisu"],
    "律师函": ["律帅函", "律师han", "lsh", "律狮函", "律.师.函", "律诗函"],
    "代理": ["代里", "待理", "代li", "dai理"],
    "法务": ["发务", "法雾", "fa务", "fawu"],
    "维权": ["唯权", "维quan", "wq", "维.权", "围权", "weiquan"],
    "反催收": ["反崔收", "fcs", "反催shou", "饭催收", "fan催收"],
    "代理维权": ["代理唯权", "dlwq", "代li维权"],
    "金融": ["jr", "今融", "金rong", "jinrong"],
}

# Sentences an agent's ad or a complaint might contain; {t} is where the term goes.
TEMPLATES = [
    "专业处理{t}问题，不成功不收费",
    "你的{t}花了也没关系，我们有内部渠道",
    "加V了解{t}，包你满意",
    "{t}找我们，三天见效",
    "本人因为{t}的事情被银行拒贷，想咨询一下",
    "他们说可以帮我搞定{t}，先交了两千块",
    "朋友推荐的一个老师，号称专做{t}",
    "有{t}需求的私信，价格好商量",
    "直播间里一直在说{t}，还挂了联系方式",
    "群里有人发广告：{t}，全国可办",
    "对方让我签了个{t}的委托协议",
    "为了{t}我已经花了一万多",
    "{t}？找老王，靠谱",
    "小红书上搜{t}就能看到他们",
    "客服说只要走{t}流程就行",
    "他们自称是{t}团队，收费8800",
    "朋友圈天天刷屏{t}，烦死了",
    "接了个电话，说能帮我做{t}",
    "抖音评论区全是{t}的广告，一搜一大把",
    "我想问问{t}这种事靠不靠谱？",
    "那个中介拍胸脯说{t}没问题，结果钱打过去就拉黑了",
    "请问有没有人做过{t}，效果怎么样",
]

# Hand-written sentences with markup, mostly for initials that need context and for
# combinations of several disguises in one text.
SENTENCES = [
    "被[cs|催收]了，天天打电话，还说要[qs|起诉]我",
    "[wd|网贷][yq|逾期]半年了，求一个靠谱的[fw|法务]",
    "专业[fcs|反催收]，[txgz|停息挂账]，[zx修复|征信修复]，一条龙",
    "[dl|代理]各种[wq|维权]业务，[ybj|银保监]投诉包成功",
    "有[jr|金融]纠纷的找我，[jm|减免]利息不是梦",
    "三个月[sa|上岸]，[fq|分期]重新谈",
    "我们团队帮你[xshk|协商还款]，保证[sa|上岸]",
    "[崔收|催收]打爆通讯录，已经向[银bao监|银保监]反映",
    "先做[个性化分琪|个性化分期]，再搞[正信|征信]",
    "加我：[债务youhua|债务优化]、[停息挂帐|停息挂账]、[減免|减免]",
    "[徵信|征信]有問題，[逾期|逾期]記錄能消除嗎",
    "［ｚｘ|征信］ｈｕａ了，［ｙｑ|逾期］也多",
    "别信那些[dai理维quan|代理维权]的，都是骗钱",
    "做了[zwyh|债务优化]以后被[cs|催收]骚扰得更厉害了",
    "[律师han|律师函]是吓唬人的，真要[起su|起诉]得走法院",
    "[网贷|网贷]平台说我[逾7|逾期]，其实我按时还了",
    "他们在评论区留言：[正信修复|征信修复]、[停xi挂账|停息挂账]、[上按|上岸]",
    "有[暴力cs|暴力催收]的可以找我们[dlwq|代理维权]",
    "[Zx|征信]不好也能下款？[wd|网贷]中介的话别信",
    "找[fw|法务]写[lsh|律师函]，包[jm|减免]",
]

PLAIN = [
    "信用卡[逾期|逾期]三个月了，银行一直打电话[催收|催收]",
    "想查一下自己的[征信|征信]报告，在哪里能查",
    "我申请的[分期|分期]被拒了，说是综合评分不足",
    "[网贷|网贷]利息太高了，我想和平台[协商还款|协商还款]",
    "有人打电话说能[停息挂账|停息挂账]，要先交服务费",
    "对方自称律师事务所，说可以帮我[债务优化|债务优化]",
    "银行同意[减免|减免]部分罚息",
    "他们承诺三个月帮我[上岸|上岸]，已经交了五千",
    "我已经向[银保监会|银保监会]投诉了这家机构",
    "平台威胁要[起诉|起诉]我，还寄来了[律师函|律师函]",
    "所谓的[代理维权|代理维权]公司收了钱就失联",
    "网上有很多[反催收|反催收]联盟，其实是诈骗",
    "[金融监管|金融监管]部门应该管一管这些中介",
    "我委托了一家[法务|法务]公司，结果什么都没做",
    "银行客服说可以申请[个性化分期|个性化分期]，需要提供困难证明",
    "[暴力催收|暴力催收]已经影响到我的家人",
    "[征信修复|征信修复]是骗局，所谓[征信修复|征信修复]公司都在骗钱",
    "[套路贷|套路贷]的合同里写满了陷阱",
    "借款时被扣了[砍头息|砍头息]，实际到手只有七成",
    "申请[免息|免息]还本被拒，客服态度很差",
    "这家[金融|金融]公司的客服一直推销贷款",
    "我想[维权|维权]，但不知道该找哪个部门",
    "[维权|维权]意识淡薄的消费者容易受骗",
    "对方说可以帮忙做[债务协商|债务协商]，要收百分之二十的费用",
    "疫情期间申请[延期还款|延期还款]，银行没有同意",
]

# Clean texts: ordinary complaints, news-like sentences and English, full of near misses
# (same sound, same initials, a term straddling two words, digits next to 期 …).
CLEAN = [
    "正心诚意地向贵公司反映问题，希望尽快处理",
    "公司一向正行正道，请不要听信谣言",
    "这份报告提取了用户的特征信息和行为数据",
    "我们坚持公正信用评价，不搞暗箱操作",
    "每天被推销电话打扰，真是受不了",
    "财务分析报告显示本季度营收增长",
    "部分期限较长的产品收益更高",
    "按照合同约定分7期付款，每期两千元",
    "我买的手机分12期，每期还款五百",
    "第7期账单已经出来了，金额不对",
    "支持7天无理由退货，但商家拒绝退款",
    "请拨打分机号8023转人工客服",
    "预期收益率写的是百分之五，实际只有二",
    "剩余期限还有十八个月",
    "于期满后自动续约，未提前告知消费者",
    "我的键盘zxcv几个键失灵了",
    "The customer service team never answered my emails",
    "I was charged twice for the same subscription in March",
    "Please see the attached docs for the invoice details",
    "She studied CS at university and now works in fintech",
    "玩CS的时候电脑突然蓝屏",
    "WD硬盘三个月就坏了，售后推诿",
    "在JR东日本的售票处买了车票",
    "崔先生收到通知后立即联系了客服",
    "崔收到快递后发现商品有破损",
    "今天上A股市场整体下跌",
    "马上岸边就有一家餐馆",
    "这个网袋质量不错，装菜很方便",
    "他往来账户的流水异常",
    "本人信心满满地提交了申请，却一直没有结果",
    "真心希望银行能改善服务态度",
    "证件照片上传失败，系统一直提示错误",
    "政策调整以后手续费涨了不少",
    "整形医院的广告太夸张了",
    "首付款已经交了，开发商迟迟不交房",
    "手续费收取标准不透明",
    "受理投诉的工作人员态度很好",
    "分级诊疗制度在本市推行",
    "纷纷表示对新规的支持",
    "份额转让需要提前三十天通知",
    "期待贵公司给出合理的答复",
    "其他用户也遇到了同样的问题",
    "旗下的子公司负责具体业务",
    "余额宝的收益又降了",
    "于是我又打了一次客服电话",
    "上班路上接到了银行的电话",
    "尚且不说服务费，光利息就很高",
    "商量了很久也没有结果",
    "协调会定于下周召开",
    "谢谢工作人员的耐心解答",
    "启示我们要理性消费",
    "律师费由败诉方承担",
    "待遇问题请咨询人事部门",
    "带领团队完成了年度任务",
    "代表全体员工感谢大家",
    "法律规定经营者不得强制搭售",
    "发票一直没有寄给我",
    "发货速度太慢了，等了两周",
    "金额与合同不符",
    "今日起调整营业时间",
    "监管部门已经介入调查",
    "建设银行的网点排队时间太长",
    "维修师傅上门后收了额外费用",
    "维护消费者合法权益是我们的责任",
    "围观群众越来越多",
    "唯一的办法就是重新办理",
    "卫生条件很差，已经向有关部门反映",
    "权利义务在合同中写得很清楚",
    "全部款项已经结清，但系统显示未还",
    "请提供身份证ID和手机号码",
    "下载APP后注册会员，VIP年费自动扣款",
    "ETC扣费重复，已经申请退款",
    "PDF格式的合同打不开",
    "4S店保养收费太贵",
    "GPS定位不准确，导航经常出错",
    "QQ号被盗了，好友收到诈骗信息",
    "奋起直追，争取年底完成目标",
    "芬兰的教育制度值得学习",
    "棋牌室噪音扰民",
    "鱼类市场的价格波动很大",
    "雨季来临，请注意防汛",
    "正新鸡排的加盟费太高",
    "争先恐后地抢购打折商品",
    "蒸汽熨斗用了一次就坏了",
    "症状持续了三天才去医院",
    "修正信息后重新提交",
    "改正信息错误需要本人到场",
    "真正信任的朋友不会这样",
    "我们坚持诚信经营",
    "信用卡额度被降低了",
    "个人信息被泄露，经常接到骚扰电话",
    "银行系统升级期间暂停服务",
    "申请期间请保持电话畅通",
    "分公司和总公司的说法不一致",
    "这部分内容需要重新核对",
    "过期食品还在货架上销售",
    "逾越了底线的营销手段",
    "催促了好几次才给我办理",
    "收入证明已经提交",
    "收到的货物与描述不符",
    "催款短信措辞很不礼貌",
    "网络购物纠纷越来越多",
    "网上的评价都是刷出来的",
    "货款已经付清，商家拒不发货",
    "上岗培训只有一天",
    "保险理赔流程太复杂",
    "监控录像显示快递员没有送货上门",
    "起步价又涨了",
    "十分齐全的配套设施",
    "从一分起步，逐步增加",
    "诉讼时效已经过了",
    "发起人会议决定解散",
    "代码审查发现了安全漏洞",
    "理财产品到期后本金没有到账",
    "法人代表拒绝签字",
    "服务态度恶劣，投诉无门",
    "This zx81 computer still works",
    "The FAQ page does not answer my question",
    "My DL number was misprinted on the form",
    "Sales tax was applied twice",
    "We saw a JR train leaving the station",
    "Customer service (CS) promised a callback that never came",
    "The bank's JM branch closed early",
    "Zhang Xin from the support team called me",
    "Ping An Bank declined my application",
    "我在Zhang Xin的店里买了手机",
    "姓崔的客户经理收了我的材料",
    "期末考试成绩出来了",
    "于期间内完成整改",
    "信号不好，电话经常断线",
    "正在处理中，请耐心等待",
    "政信合作项目的资金用途不明",
    "特征提取算法需要优化",
    "我们的协会商议后决定延期",
    "这份协议商定的价格很合理",
    "减少了免费名额，引起不满",
    "免除了部分手续费",
    "息事宁人的态度不可取",
    "挂号费也要另外收取",
    "账单日和还款日搞不清楚",
    "债券市场波动很大",
    "务必在三个工作日内回复",
    "优化营商环境是今年的重点",
    "上面的规定下面不执行",
    "岸上的游客纷纷拍照",
    "银行保险监督管理委员会发布了新规",
    "金色融化的冰淇淋",
    "监督管理是政府的职责",
    "律师事务所的电话一直没人接",
    "函件已经寄出",
    "代驾司机迟到了半小时",
    "理发店办卡后倒闭",
    "法定节假日不处理业务",
    "务工人员的工资被拖欠",
    "维生素片的说明书写得不清楚",
    "权益受损后不知道怎么办",
    "反馈了好多次都没用",
    "催单也没用，物流不动",
    "收费标准没有公示",
    "个性化推荐太烦人",
    "性价比很低的产品",
    "化妆品过敏，商家不退款",
    "分享链接打不开",
    "期货公司的客服态度不错",
    "延期交房，开发商不赔偿",
    "还款账户被冻结",
    "套餐资费被擅自更改",
    "路由器坏了，维修要收费",
    "贷款利率比宣传的高",
    "砍价活动根本砍不到零",
    "头发护理套餐被强制续费",
    "息费计算方式不透明",
]


def parse(marked: str) -> tuple[str, list[dict[str, object]]]:
    """Turn ``[surface|term]`` markup into the text and its expected hits."""
    text = ""
    expected = []
    position = 0
    for match in re.finditer(r"[\[［](.+?)[|｜](.+?)[\]］]", marked):
        text += marked[position : match.start()]
        surface, term = match.group(1), match.group(2)
        start = len(text)
        text += surface
        expected.append(
            {"term": term, "start": start, "end": len(text), "disguised": surface != term}
        )
        position = match.end()
    text += marked[position:]
    return text, expected


def build() -> list[dict[str, object]]:
    rng = random.Random(20250501)
    rows: list[dict[str, object]] = []

    def add(group: str, marked: str) -> None:
        text, expected = parse(marked)
        rows.append(
            {
                "id": f"{group}-{len(rows) + 1:04d}",
                "group": group,
                "text": text,
                "expected": expected,
            }
        )

    # Initials in context-only mode need another hit nearby; they live in SENTENCES.
    context_only = {"cs", "dl", "qs", "fw", "jm", "sa", "mx"}
    for term, surfaces in DISGUISES.items():
        for surface in surfaces:
            if surface.lower() in context_only:
                continue
            template = rng.choice(TEMPLATES)
            add("disguised", template.replace("{t}", f"[{surface}|{term}]"))
    for marked in SENTENCES:
        add("disguised", marked)
    # pairs of disguises in one text
    terms = list(DISGUISES)
    for _ in range(40):
        first, second = rng.sample(terms, 2)
        a = rng.choice([s for s in DISGUISES[first] if s.lower() not in context_only])
        b = rng.choice([s for s in DISGUISES[second] if s.lower() not in context_only])
        joiner = rng.choice(["，还能", "、", "，顺便", "。另外", "，以及"])
        add("disguised", f"专业处理[{a}|{first}]{joiner}[{b}|{second}]，微信详聊")
    for marked in PLAIN:
        add("plain", marked)
    for term in DISGUISES:
        add("plain", rng.choice(TEMPLATES).replace("{t}", f"[{term}|{term}]"))
    for text in CLEAN:
        add("clean", text)
    return rows


def main() -> None:
    out = Path(__file__).with_suffix(".jsonl")
    rows = build()
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    groups: dict[str, int] = {}
    for row in rows:
        groups[str(row["group"])] = groups.get(str(row["group"]), 0) + 1
    print(f"wrote {len(rows)} texts to {out}: {groups}")


if __name__ == "__main__":
    main()
