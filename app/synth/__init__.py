"""A synthetic world: clue files as lenders and police hold them, with planted rings and the
answers in ``truth.json``. ``leadgraph synth --scale N --seed S --out DIR`` writes one.

Files in DIR (row numbers: header = row 1 in tables, first line = row 1 in JSON Lines):

=============================  ==========  ==========  ==========================================
file                           kind        encoding    what
=============================  ==========  ==========  ==========================================
``complaints_xinghe.csv``      complaints  UTF-8+BOM   one lender's export (dates 2025-09-01)
``complaints_yunshan.csv``     complaints  GBK         another lender (2025/9/1, 1.2万, own order)
``complaints_beichen.csv``     complaints  UTF-8+BOM   another lender (2025年9月1日, 12,000元)
``complaints_qinghe.csv``      complaints  UTF-8       another lender (12000.00)
``complaints_forwarded.csv``   complaints  GB18030     complaints forwarded by regulators, all
                                                       lenders; holds a name outside GBK
``firms.csv``                  firms       UTF-8+BOM   公司名称, 统一社会信用代码, 法定代表人, ...
``firms.xlsx``                 firms       XLSX        the same columns; some phones as numbers
``accounts.jsonl``             accounts    UTF-8       platform, handle, nickname, bio, followers
``calls.csv``                  calls       UTF-8       主叫号码, 被叫号码, 开始时间, 通话时长(秒)
``phones_blacklist.csv``       phones      GBK         手机号码, 标签, 添加日期, 来源机构, 备注
``truth.json``                 truth       UTF-8       rings, decoys, bad rows, duplicates, counts
=============================  ==========  ==========  ==========================================

Complaint columns: 投诉编号, 投诉渠道, 投诉日期, 被投诉机构, 投诉人姓名, 身份证号, 本人手机号, 联系电话,
代理人/委托代理, 投诉内容, 诉求金额 (order differs by file; ``truth.json`` ``files`` gives each
file's columns, encoding and row count).

Modules: :mod:`~app.synth.ids` (numbers unique by construction), :mod:`~app.synth.names`,
:mod:`~app.synth.texts` (complaint texts, templates, slang, bios), :mod:`~app.synth.formats`
(the many ways a value is typed, and the broken ones), :mod:`~app.synth.world` (rings, law
firms, borrowers), :mod:`~app.synth.writers` (CSV/XLSX/JSONL streams),
:mod:`~app.synth.truth` (counts and definitions), :mod:`~app.synth.generate` (the run).
"""

from app.synth.generate import generate

MIN_SCALE = 20
MAX_SCALE = 10_000_000

__all__ = ["MAX_SCALE", "MIN_SCALE", "generate"]
