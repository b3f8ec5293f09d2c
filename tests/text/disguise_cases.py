"""Hand-written cases for the slang scanner, one list a disguise class (issue 16).

Written by the scanner's engineer from the forms the issue names, not produced by the variant
generator. ``[surface|term]`` marks an expected hit (see ``tests/data/slang_labelled.py``); a text
without markup must yield no hit at all (a clean near miss).

Two parts:

* ``DEV``: looked at while building and tuning the scanner;
* ``HELD_OUT``: written and committed before the scanner was changed and never tuned on; it is
  only measured (``bench/disguise.py``, ``tests/text/test_disguises.py``). When a held-out case
  fails, say so in the figures; do not move it to ``DEV`` or edit it to pass.
"""

from __future__ import annotations

CLASSES = (
    "rare_homophone",  # a same-sound character outside the 6,000 common ones
    "whole_term",  # every character of the term replaced by a same-sound character
    "noise",  # junk characters or punctuation between the characters
    "lookalike_script",  # kana, Latin or Cyrillic look-alikes; variant and archaic forms
    "styled_digits",  # circled, negative circled, full-width, mathematical digits and letters
    "pinyin_homophone",  # pinyin syllables plus a same-sound character, no original character
    "initials_token",  # letter initials: standalone only, never inside a URL, handle or id
    "ambiguous_form",  # a traditional form that may stand for another word (徵信 ~ 微信)
)

DEV: dict[str, list[str]] = {
    "rare_homophone": [
        "三个月帮你[上犴|上岸]",
        "负债也能[上豻|上岸]，私聊",
        "专业[代俚|代理]各类投诉",
        "[逾朞|逾期]不用怕",
        "今年一定[上侒|上岸]",
        "[征炘|征信]有问题的看过来",
        "招[岱理|代理]，日结",
    ],
    "whole_term": [
        "诚招[黛里|代理]，日结工资",
        "[岱哩|代理]加盟，躺赚",
        "不查[蒸鑫|征信]，秒批",
        "三个月帮你[尚按|上岸]",
        "专业[维诠|维权]团队",
        "他说可以[芬琪|分期]",
        "[玳鲤|代理]火热招募中",
        "找[崔手|催收]的人聊聊",
        # clean near misses: real words read like a term
        "正心诚意为您服务",
        "我们对这个方案有分歧",
        "下周见面再谈合同",
        "预期收益并不高",
        "与其等待不如行动",
    ],
    "noise": [
        "招[代?理|代理]，日结",
        "查[征*信|征信]",
        "三个月[上 岸|上岸]",
        "[网❤贷|网贷]秒下",
        "[催？收|催收]？别怕",
        "[逾★期|逾期]也能办",
        "[代?理?维?权|代理维权]",
        "[征☆信|征信]花了也能下",
        # clean: a real sentence break between two words
        "他说要代？理由呢",
        "请尽快上。岸边有人",
    ],
    "lookalike_script": [
        "三个月[よ岸|上岸]",
        "[催収|催收]上门",
        "[分朞|分期][免息|免息]",
        "[丄岸|上岸]计划",
        "[zх|征信]有问题找我",  # Cyrillic х
        "[ｚх修复|征信修复]",
    ],
    "styled_digits": [
        "[分⑦|分期]付款",
        "[逾❼|逾期]三个月",
        "[分７|分期]还款",
        "[分𝟕|分期]不查",
        "[逾⑺|逾期]也行",
        "[芬⑦|分期]不查",
        # clean: circled numbers as list markers
        "[分期|分期]要求：①身份证 ②银行卡",
    ],
    "pinyin_homophone": [
        "[zheng鑫|征信]花了",
        "[dai李|代理]招募",
        "[崔shou|催收]来了",
        "[shang按|上岸]不是梦",
        "[wei诠|维权]找我",
        "[fen琪|分期]还款",
    ],
    "initials_token": [
        "[zx|征信]有问题找我们",
        "查[zx|征信]，秒下",
        "做[jr|金融]的，[wq|维权]找我",
        # clean: letters inside URLs, e-mails, domains, handles and ids
        "详情见jr773.com",
        "加微zx020188",
        "官网wq9.pw",
        "账号abc_zx1",
        "联系zx@163.com",
        "关注@zx_fq",
        "下载地址http://www.jr.cn/app",
    ],
    "ambiguous_form": [
        "[徵信|征信]有問題，[逾期|逾期]記錄能消除嗎",
        "加徵信：abc123",  # 微信 and a WeChat id: no term
    ],
}

HELD_OUT: dict[str, list[str]] = {
    "rare_homophone": [
        "保证[上垵|上岸]",
        "[代娌|代理]招募",
        "[漼收|催收]电话太多",
        "[逾亓|逾期]找我",
        "[網岱|网贷][逾期|逾期]",
    ],
    "whole_term": [
        "[戴李|代理]招募中，待遇优厚",
        "快速[尚安|上岸]",
        "[正芯|征信]不好也能下",
        "[吹手|催收]不敢再打",
        "专门做[围诠|维权]",
        "清晨的尚安小区很安静",
        "正在开发新的软件",
    ],
    "noise": [
        "[征.信修复|征信修复]",
        "[网?贷|网贷]秒批",
        "专业[停♥息♥挂♥账|停息挂账]",
        "[上✿岸|上岸]计划",
        "你说代？理解不了吗",
    ],
    "lookalike_script": [
        "[よ岸|上岸]有望",
        "[催収|催收]太狠",
        "[уq|逾期]了",  # Cyrillic у
    ],
    "styled_digits": [
        "[逾⑦|逾期]不怕",
        "[分⒎|分期]可以",
        "[渝⑦|逾期]不查",
        "第⑦期账单已出",
    ],
    "pinyin_homophone": [
        "[zheng芯|征信]有问题",
        "[jin荣|金融]贷款",
        "[代li|代理]招募",
        "[shang犴|上岸]不是梦",
    ],
    "initials_token": [
        "本人[zx|征信]花了",
        "点击jr.vip领取",
        "邮箱wq_2023@qq.com",
        "订单号zx20230518",
        "群号：fq1234567",
    ],
    "ambiguous_form": [
        "[徵信|征信]報告",
    ],
}
