"""Contacts in free text (graph.text.contacts): literal cases per kind, the disguises issue 16
found missed, and the traps that must give nothing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from graph.text.contacts import Contact, extract, fold


def found(text: str) -> list[tuple[str, str, str]]:
    """(kind, value, surface) of every contact, after checking the spans."""
    contacts = extract(text)
    for contact in contacts:
        assert text[contact.start : contact.end] == contact.surface
    return [(c.kind, c.value, c.surface) for c in contacts]


# -- phones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("电话 13800138000", "+8613800138000", "13800138000"),
        ("手机：138 0013 8000", "+8613800138000", "138 0013 8000"),
        ("热线 138-0013-8000 随时打", "+8613800138000", "138-0013-8000"),
        ("138.0013.8000", "+8613800138000", "138.0013.8000"),
        ("联系 138—0013—8000", "+8613800138000", "138—0013—8000"),
        # 一 as a dash, and as a digit
        ("联系 138一0013一8000", "+8613800138000", "138一0013一8000"),
        ("一三八〇〇一三八〇〇〇", "+8613800138000", "一三八〇〇一三八〇〇〇"),
        ("幺三八零零幺三八零零零", "+8613800138000", "幺三八零零幺三八零零零"),
        ("壹叁捌零零壹叁捌零零零", "+8613800138000", "壹叁捌零零壹叁捌零零零"),
        # letters for digits
        ("电话：l38OO138000", "+8613800138000", "l38OO138000"),
        ("TEL:I38 0013 8ooo", "+8613800138000", "I38 0013 8ooo"),
        # * ∕ / separators
        ("138*0013*8000", "+8613800138000", "138*0013*8000"),
        ("138∕0013∕8000", "+8613800138000", "138∕0013∕8000"),
        ("138/0013/8000", "+8613800138000", "138/0013/8000"),
        # full-width, circled, styled, and mixed with Chinese numerals
        ("电话１３８００１３８０００", "+8613800138000", "１３８００１３８０００"),
        ("①③⑧⓪⓪①③⑧⓪⓪⓪", "+8613800138000", "①③⑧⓪⓪①③⑧⓪⓪⓪"),
        ("𝟏𝟑𝟖𝟎𝟎𝟏𝟑𝟖𝟎𝟎𝟎", "+8613800138000", "𝟏𝟑𝟖𝟎𝟎𝟏𝟑𝟖𝟎𝟎𝟎"),
        ("➀➂❽0013八〇〇〇", "+8613800138000", "➀➂❽0013八〇〇〇"),
        # "+" or "➕" meaning 加 (add) before a mainland mobile: not a country code
        ("加我+13800138000", "+8613800138000", "13800138000"),
        ("➕13800138000", "+8613800138000", "13800138000"),
        ("有事 ＋ 138 0013 8000", "+8613800138000", "138 0013 8000"),
        # real international and prefixed forms
        ("+86 138 0013 8000", "+8613800138000", "+86 138 0013 8000"),
        ("0086-138-0013-8000", "+8613800138000", "0086-138-0013-8000"),
        ("+852 6123 4567", "+85261234567", "+852 6123 4567"),
        ("+1 415 555 2671", "+14155552671", "+1 415 555 2671"),
        # fixed lines with their area code, 400 lines
        ("座机 0755-8823 0019", "+8675588230019", "0755-8823 0019"),
        ("电话：(021)5577-3281", "+862155773281", "(021)5577-3281"),
        ("400-600-7788", "+864006007788", "400-600-7788"),
        # glued to a contact cue
        ("Tel13800138000", "+8613800138000", "13800138000"),
        ("手机同V：138.0013.8000", "+8613800138000", "138.0013.8000"),
    ],
)
def test_phone(text: str, value: str, surface: str) -> None:
    assert found(text) == [("phone", value, surface)]


def test_two_phones_in_one_run() -> None:
    assert [v for _, v, _ in found("13800138000 13900139000")] == [
        "+8613800138000",
        "+8613900139000",
    ]
    assert [s for _, _, s in found("138-0013-8000 139-0013-9000")] == [
        "138-0013-8000",
        "139-0013-9000",
    ]
    assert len(found("13800138000/13900139000、18600001111")) == 3


@pytest.mark.parametrize(
    "text",
    [
        "订单编号202405121930887712，已经申请退款",  # an order number holds no phone
        "订单号：JR20240513088",  # letters glued to the number: an id
        "包裹编号SF1380013800012",
        "身份证110101199003071234",
        "身份证 11010119900307123X",
        "卡号6222021234567890123",
        "卡号 6222 0212 3456 7890 123",  # a card in groups of four
        "金额13800138000元",  # an amount
        "¥13800138000",
        "额度5000-50000，日息0.02%",
        "2024-05-12 13:30 到账",
        "2024.05.12",
        "验证码 135790",
        "工号 1380013",
        "客服热线95588",  # service numbers are not contacts
        "投诉请拨12315",
        "尾号8000的卡",
        "192.168.1.100",
        "3.1415926535",
        "hello13800138000world",
    ],
)
def test_not_a_phone(text: str) -> None:
    assert [f for f in found(text) if f[0] == "phone"] == []


def test_number_in_a_url_or_handle_is_not_a_phone() -> None:
    assert found("详情 https://x.cn/u/13800138000 查看") == [
        ("url", "x.cn", "https://x.cn/u/13800138000")
    ]
    assert found("加微：a13800138000") == [("wechat", "a13800138000", "a13800138000")]
    assert found("13800138000@qq.com") == [("email", "13800138000@qq.com", "13800138000@qq.com")]


# -- handles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value", "surface"),
    [
        ("加微: abc_123", "wechat", "abc_123", "abc_123"),
        ("V信 Loan_5w", "wechat", "loan_5w", "Loan_5w"),
        ("vx：tony-88", "wechat", "tony-88", "tony-88"),
        ("有事wx abc123x", "wechat", "abc123x", "abc123x"),
        ("加威❤ hxw_2024", "wechat", "hxw_2024", "hxw_2024"),
        ("薇：ｌｕｃｋｙｌｉｎ４４５９", "wechat", "luckylin4459", "ｌｕｃｋｙｌｉｎ４４５９"),
        ("微信号是 wxid_abc123", "wechat", "wxid_abc123", "wxid_abc123"),
        ("加V kuaijie_jd01", "wechat", "kuaijie_jd01", "kuaijie_jd01"),
        ("➕V：youhua_laoshi", "wechat", "youhua_laoshi", "youhua_laoshi"),
        ("绿泡泡：sa-8760", "wechat", "sa-8760", "sa-8760"),
        ("扣扣 28765501", "qq", "28765501", "28765501"),
        ("QQ：366 057 725 7", "qq", "3660577257", "366 057 725 7"),
        ("Q 5501983", "qq", "5501983", "5501983"),
        ("企鹅号：②⓪①⑥①⑧③⑧⑤①", "qq", "2016183851", "②⓪①⑥①⑧③⑧⑤①"),
        ("Q群：81726354", "qq", "81726354", "81726354"),
        ("扣：3612645152", "qq", "3612645152", "3612645152"),
        ("TG：@fcs_dlwq", "telegram", "fcs_dlwq", "@fcs_dlwq"),
        ("纸飞机 @Lucky3389", "telegram", "lucky3389", "@Lucky3389"),
        ("飞机：anxin_helper", "telegram", "anxin_helper", "anxin_helper"),
        ("✈️ @sport_sa_plan", "telegram", "sport_sa_plan", "@sport_sa_plan"),
        ("👉t.me/happy_1766", "telegram", "happy_1766", "t.me/happy_1766"),
        (
            "https://t.me/tuikuan_channel",
            "telegram",
            "tuikuan_channel",
            "https://t.me/tuikuan_channel",
        ),
    ],
)
def test_handle(text: str, kind: str, value: str, surface: str) -> None:
    assert found(text) == [(kind, value, surface)]


@pytest.mark.parametrize(
    "text",
    [
        "我的账号是 abc_123456",  # an id without a cue is not a WeChat id
        "型号ZX9620839，说明书",
        "订单号FQ82076147一直没发货",
        "关注 @weibo_user 获取最新消息",  # an @ mention without a Telegram cue
        "微信：13800138000",  # a WeChat id starts with a letter: this is a phone
        "微信：abc12",  # too short for a WeChat id
        "坐飞机 CA1234 回来",  # 飞机 is a plane unless a colon or @ follows
        "扣款 30000 元",  # 扣 is a deduction unless a colon follows
        "卫星 Starlink2024 发射",
        "V 2.0 发布",
        "Q3 2024 营收 5000000",
        "QQ：01234567",  # QQ numbers have no leading 0
        "vxabc123",  # where the cue ends is anybody's guess
    ],
)
def test_not_a_handle(text: str) -> None:
    assert [f for f in found(text) if f[0] in ("wechat", "qq", "telegram")] == []


# -- links -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value", "surface"),
    [
        ("官网 www.JRFW168.cn", "domain", "jrfw168.cn", "www.JRFW168.cn"),
        ("公司官网是 jr668.com，有问题", "domain", "jr668.com", "jr668.com"),
        ("网址：zhuguo3895点xyz", "domain", "zhuguo3895.xyz", "zhuguo3895点xyz"),
        ("复制 cshappy939 . com", "domain", "cshappy939.com", "cshappy939 . com"),
        ("打开 wq9。pw", "domain", "wq9.pw", "wq9。pw"),
        ("sunnykevin点com点cn", "domain", "sunnykevin.com.cn", "sunnykevin点com点cn"),
        ("ｗｗｗ．ｄｌ８８．ｃｏｍ", "domain", "dl88.com", "ｗｗｗ．ｄｌ８８．ｃｏｍ"),
        (
            "下载：https://help-4301.pw/reg?c=368 注册",
            "url",
            "help-4301.pw",
            "https://help-4301.pw/reg?c=368",
        ),
        ("看 http://jd-jr.top/lq。", "url", "jd-jr.top", "http://jd-jr.top/lq"),
        ("主页 weibo.com/zhangxiaowu，欢迎", "url", "weibo.com", "weibo.com/zhangxiaowu"),
        ("https://www.wq798.com:8443/d/1", "url", "wq798.com", "https://www.wq798.com:8443/d/1"),
        ("简历发 HR@yhfw-tech.com", "email", "hr@yhfw-tech.com", "HR@yhfw-tech.com"),
    ],
)
def test_link(text: str, kind: str, value: str, surface: str) -> None:
    assert found(text) == [(kind, value, surface)]


@pytest.mark.parametrize(
    "text",
    ["README.md 和 main.py", "版本 v1.2.3", "Node.js 教程", "e.g. 这个", "比例1.5倍", "早点com来"],
)
def test_not_a_link(text: str) -> None:
    assert found(text) == []


# -- the whole ---------------------------------------------------------------------------------


def test_an_advert_with_every_kind() -> None:
    text = (
        "【上岸计划】停息挂账找我们！加威❤ hxw_2024 或扣扣：2783361045，"
        "飞机 @anxin_helper，电话 l5l 2O33 8462，官网 www.jr668点com"
    )
    assert [(kind, value) for kind, value, _ in found(text)] == [
        ("wechat", "hxw_2024"),
        ("qq", "2783361045"),
        ("telegram", "anxin_helper"),
        ("phone", "+8615120338462"),
        ("domain", "jr668.com"),
    ]


def test_keys_and_dicts() -> None:
    keys = [c.key for c in extract("加微:Abc_123 QQ 28765501 TG @Lucky3389 jr668.com 13800138000")]
    assert keys == [
        "wechat:abc_123",
        "qq:28765501",
        "telegram:lucky3389",
        "domain:jr668.com",
        "phone:+8613800138000",
    ]
    assert Contact("url", "x.cn", "https://x.cn/a", 0, 14).key == "domain:x.cn"
    assert extract("QQ 28765501")[0].as_dict() == {
        "kind": "qq",
        "value": "28765501",
        "surface": "28765501",
        "start": 3,
        "end": 11,
    }


def test_fold_keeps_length() -> None:
    for text in ("①⑩㈠㎞ｌ𝟏", "ﬁ and …", "加微：ｌｕｃｋｙ"):
        assert len(fold(text)) == len(text)
    assert extract("") == []
    assert extract("普通的一句话，没有联系方式。") == []


# -- held out ----------------------------------------------------------------------------------

# Written after the extractor was done and run once, never used to change it (issue 16's rule
# for held-out data): every case is counted as it came out, and the floor below is what that
# first run gave, not a target tuned towards.
HELD_OUT: list[tuple[str, list[tuple[str, str]]]] = [
    ("兄弟们，回本就找我 薇信：huiben_888 秒回", [("wechat", "huiben_888")]),
    ("征信花了不要紧，+V：daikuan-kuai 详谈", [("wechat", "daikuan-kuai")]),
    ("咨询热线：①⑧⑧ ⓪⓪⓪⓪ ⑥⑥⑥⑥", [("phone", "+8618800006666")]),
    ("客服：一八八 一二三四 五六七八", [("phone", "+8618812345678")]),
    ("联系人王先生 l86-l234-5678", [("phone", "+8618612345678")]),
    ("有意者➕我 139 8765 4321", [("phone", "+8613987654321")]),
    ("申请入口：ｈｔｔｐｓ：／／ｗｗｗ．ｋｕａｉｄａｉ．ｃｃ／ａｐｐ", [("url", "kuaidai.cc")]),
    ("官方网站 dai-kuan88 点 net 永久地址", [("domain", "dai-kuan88.net")]),
    ("电报 @yuqi_helper 24小时在线", [("telegram", "yuqi_helper")]),
    ("进群请加群主企鹅：⑤⑥⑦⑧⑨①②③", [("qq", "56789123")]),
    ("有问题留言，邮箱 kefu@daikuan-help.com", [("email", "kefu@daikuan-help.com")]),
    ("订单2023110812345678已发货，快递单号 YT7788990011", []),
    ("本月还款 13,800 元，下期 2024/06/15", []),
    ("会议号 987 654 321，密码 1234", []),
    ("我的QQ邮箱是 3361045@qq.com 有事发邮件", [("email", "3361045@qq.com")]),
    ("座机 010-6655 8899 转 8001", [("phone", "+861066558899")]),
    ("加V 13912345678 备注来意", [("phone", "+8613912345678")]),
    ("wx号 ：xiaoyu_0415，备注 上岸", [("wechat", "xiaoyu_0415")]),
    (
        "网站 https://m.hk-loan.hk/?id=88 或 t.me/hkloan_bot",
        [("url", "m.hk-loan.hk"), ("telegram", "hkloan_bot")],
    ),
    ("身份证号 44030519851212301X 银行卡 6217 0000 1234 5678", []),
]


def test_held_out_floor() -> None:
    expected = found_pairs = correct = 0
    misses: list[tuple[str, object]] = []
    for text, labels in HELD_OUT:
        got = [(c.kind, c.value) for c in extract(text)]
        expected += len(labels)
        found_pairs += len(got)
        hits = [pair for pair in got if pair in labels]
        correct += len(hits)
        misses += [(text, pair) for pair in labels if pair not in got]
        misses += [(text, ("wrong", pair)) for pair in got if pair not in labels]
    recall, precision = correct / expected, correct / max(found_pairs, 1)
    assert recall >= HELD_OUT_FLOOR[0] and precision >= HELD_OUT_FLOOR[1], misses


HELD_OUT_FLOOR = (1.0, 1.0)  # the first run: 17 of 17 contacts found, none wrong, 5 traps quiet


# -- the recognition set's dev split ----------------------------------------------------------

# dev figures when the extractor was written (issue 16): 1.00 recall and precision for every kind
DEV_FLOOR = {"phones_in_disguise": 0.99, "handles_recall": 0.99, "handles_precision": 0.99}


def test_contacts_hold_their_floor_on_the_dev_split() -> None:
    """bench/recognition.py's contact figures on the dev split (the held-out split is measured by
    the bench only, never tested or tuned against)."""
    path = Path(__file__).resolve().parents[2] / "bench" / "recognition.py"
    spec = importlib.util.spec_from_file_location("bench_recognition_contacts", path)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    figures = bench.score_contacts(bench.load("dev"), extract)
    got = {
        "phones_in_disguise": figures["phones_in_disguise"]["recall"],
        "handles_recall": figures["handles"]["recall"],
        "handles_precision": figures["handles"]["precision"],
    }
    misses = figures["examples"]["missed"][:10] + figures["examples"]["wrong"][:10]
    for name, floor in DEV_FLOOR.items():
        assert got[name] >= floor, (name, got[name], misses)
    assert figures["by_kind"]["phone"]["precision"] >= 0.99, misses


def test_keys_are_the_models() -> None:
    """Every kind's key prefix is a label's prefix in graph/core/model.yaml, with the link type
    that ties a text's subject to it."""
    from graph.core.model import load_model

    model = load_model()
    labels = {
        kind: model.label_of_key(Contact(kind, "x", "x", 0, 1).key)
        for kind in ("phone", "wechat", "qq", "telegram", "domain", "url", "email")
    }
    assert labels == {
        "phone": "Phone",
        "wechat": "WeChat",
        "qq": "QQ",
        "telegram": "Telegram",
        "domain": "Domain",
        "url": "Domain",
        "email": "Email",
    }
    assert set(labels.values()) == set(model.link("MENTIONS_CONTACT").ends)
