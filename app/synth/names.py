"""Names of people, firms, places and accounts, and the lenders whose exports we imitate.

Every character here is in GBK, so any name can go into a GBK export; the one exception,
:data:`RARE_GIVEN`, is kept for the GB 18030 file (a character outside GBK, as real name
registers have).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰飞鹏辉斌宇浩凯健俊帆帅旭宁"
    "婷雪琳晶颖倩欣怡佳慧萍燕玲丹蕾薇莉文博志刚海波晓东春梅小红永健德福禄寿喜庆乐天佑子涵梓轩一诺"
    "思远嘉怡雨欣浩然宏亮振华家豪国栋立新爱民淑珍桂芝秀珍凤英玉珍翠花金凤"
)
# Characters outside GBK that do appear in real names (GB 18030 four-byte): used only in the
# GB 18030 export, to make it a file GBK cannot read.
RARE_GIVEN = ("𠮷", "䶮", "㛃")

CITIES = (
    # (city, region code for registration, area code)
    ("北京", "110105", "010"),
    ("上海", "310104", "021"),
    ("广州", "440106", "020"),
    ("深圳", "440305", "0755"),
    ("重庆", "500103", "023"),
    ("成都", "510107", "028"),
    ("武汉", "420106", "027"),
    ("杭州", "330106", "0571"),
    ("南京", "320102", "025"),
    ("西安", "610113", "029"),
    ("天津", "120101", "022"),
    ("长沙", "430104", "0731"),
    ("郑州", "410105", "0371"),
    ("福州", "350102", "0591"),
)
DISTRICTS = ("高新区", "经开区", "中心城区", "新区", "滨江区", "科技园", "自贸区")
ROADS = (
    "人民路",
    "建设大道",
    "解放路",
    "中山路",
    "长江路",
    "科技路",
    "金融街",
    "创业大道",
    "和平路",
)
BUILDINGS = ("国际大厦", "金融中心", "创业大厦", "科技园", "商务广场", "写字楼", "大厦")

TRADE_NAMES = [
    "鼎信",
    "汇融",
    "安和",
    "诚达",
    "信诺",
    "恒通",
    "嘉禾",
    "瑞丰",
    "中和",
    "智诚",
    "盛世",
    "华远",
    "天成",
    "众鑫",
    "明德",
    "合力",
    "卓越",
    "启航",
    "锦程",
    "聚德",
    "宏图",
    "正泰",
    "博远",
    "永盛",
    "金桥",
    "德润",
    "泰和",
    "远航",
    "祥云",
    "融汇",
    "至诚",
    "方圆",
    "尚品",
    "君安",
    "弘毅",
    "大成",
    "致远",
    "睿达",
    "宁远",
    "新锐",
    "海纳",
    "鸿运",
    "优信",
    "福润",
    "东方",
    "恒信",
    "星辰",
    "蓝海",
    "润和",
    "安信",
]
RING_INDUSTRIES = (
    "法律咨询服务有限公司",
    "信用管理咨询有限公司",
    "企业管理咨询有限公司",
    "财务咨询有限公司",
    "金融信息咨询有限公司",
    "商务信息咨询有限公司",
    "债务咨询服务有限公司",
)
ORGANIC_INDUSTRIES = (
    "科技有限公司",
    "贸易有限公司",
    "餐饮管理有限公司",
    "建筑工程有限公司",
    "电子商务有限公司",
    "物流有限公司",
    "文化传媒有限公司",
    "装饰工程有限公司",
    "农业开发有限公司",
    "医疗器械有限公司",
    "网络科技有限公司",
    "服装有限公司",
)
RING_SCOPE = (
    "法律信息咨询；企业管理咨询；信息咨询服务（不含许可类信息咨询服务）；商务代理代办服务",
    "信用管理咨询；财务咨询；社会经济咨询服务；企业形象策划",
    "商务信息咨询；债务重组咨询（不含金融业务）；市场营销策划；会议及展览服务",
    "咨询策划服务；法律咨询（不含律师事务所业务）；个人商务服务",
)
ORGANIC_SCOPE = (
    "技术开发、技术咨询、技术服务；软件销售；计算机系统服务",
    "日用百货销售；五金产品批发；家用电器销售；货物进出口",
    "餐饮服务；食品销售；餐饮管理",
    "建设工程施工；住宅室内装饰装修；建筑材料销售",
    "道路货物运输；国内货物运输代理；仓储服务",
    "广告设计、代理；组织文化艺术交流活动；电影摄制服务",
    "第二类医疗器械销售；医护人员防护用品批发",
)
LAW_SCOPE = ("律师事务所执业许可证载明的业务范围",)

HANDLE_WORDS = [
    "xiaoli",
    "fawu",
    "shangan",
    "jiezhai",
    "zhengxin",
    "huanqian",
    "kuaile",
    "xiaomei",
    "daqiang",
    "laowang",
    "ajie",
    "lawyer",
    "helper",
    "fuwu",
    "anxin",
    "tongxin",
    "xinyong",
    "jinrong",
    "licai",
    "shenghuo",
    "meishi",
    "lvxing",
    "baobao",
    "mama",
    "bangbang",
    "daren",
    "zhushou",
    "xiaozhu",
    "haoyun",
    "chenggong",
    "yiqi",
]
AGENT_NICKS = (
    "上岸互助",
    "债务优化顾问",
    "协商专员",
    "征信修复老师",
    "法务小助手",
    "逾期不用怕",
    "债务规划师",
    "停息挂账指导",
    "网贷协商中心",
    "信用修复工作室",
)
ORGANIC_NICKS = (
    "爱吃火锅的猫",
    "晴天",
    "小确幸",
    "生活家",
    "旅行日记",
    "宝妈日常",
    "理财小白",
    "奋斗的小青年",
    "光影记录",
    "美食探店",
    "健身打卡",
    "读书笔记",
)


@dataclass(frozen=True)
class Lender:
    """A lender whose complaint export we imitate."""

    key: str  # used in file names and complaint-id prefixes
    name: str
    prefix: str
    hotline: str  # the lender's own 95xxx service line: a decoy everybody calls
    site: str  # its official site, cited by very many of its customers: a hub, not a tie


LENDERS = (
    Lender("xinghe", "星河消费金融股份有限公司", "XH", "95137", "xinghecf.com"),
    Lender("yunshan", "云杉小额贷款有限公司", "YS", "95079", "yunshandai.cn"),
    Lender("beichen", "北辰网络小额贷款有限公司", "BC", "95716", "beichenxd.com"),
    Lender("qinghe", "青禾金融科技有限公司", "QH", "95252", "qinghejr.com"),
)


def person_name(rng: random.Random, surname: str | None = None) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return (surname or rng.choice(SURNAMES)) + given


def city(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(CITIES)


def address(rng: random.Random, city_name: str) -> str:
    return (
        f"{city_name}市{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        f"{rng.choice(BUILDINGS)}{rng.randint(1, 32)}层{rng.randint(1, 30):02d}室"
    )


def firm_name(rng: random.Random, city_name: str, industries: tuple[str, ...]) -> str:
    return city_name + rng.choice(TRADE_NAMES) + rng.choice(industries)


def law_firm_name(rng: random.Random, city_name: str) -> str:
    return f"{city_name}{rng.choice(TRADE_NAMES)}律师事务所"


def handle(rng: random.Random, serial: int) -> str:
    """A handle unique by ``serial``: word(s) plus digits that encode the serial."""
    word = rng.choice(HANDLE_WORDS)
    if rng.random() < 0.5:
        word += rng.choice(("_", "", ".")) + rng.choice(HANDLE_WORDS)
    return f"{word}{serial * 10 + rng.randrange(10)}"
