"""Column headers → canonical fields, through an alias table per kind or a mapping file.

Header matching is forgiving about form and strict about meaning. Before lookup every header and
every alias is normalised by :func:`normalize_header`: NFKC width folding (``手机号（必填）`` reads
like ``手机号(必填)``), case folding, and removal of spaces, brackets, underscores, hyphens, dots,
colons, asterisks and slashes — so ``Phone Number``, ``phone_number`` and ``PHONE-NUMBER`` are one
header, and ``通话时长（秒）`` matches ``通话时长秒``. A header that matches no alias of the kind is
*unknown*, and an unknown header stops the file with a :class:`graph.core.errors.UserError` that names
the file, lists the unknown headers and the kind's canonical fields, and points at ``--mapping``:
guessing what a column means is how wrong facts get into a graph.

Mapping file (``--mapping MAP.yaml``)
-------------------------------------

YAML (or JSON, which is YAML)::

    kind: firms                 # optional; when given it must match the kind being loaded
    columns:                    # source header -> canonical field, or null to ignore the column
      name: name
      countries: country
      node_id: external_id
      internal_id: null
    constants:                  # optional: canonical field -> value for rows that leave it empty
      source: icij
    ignore_unknown: false       # optional: true ignores every header neither listed nor an alias

``columns`` keys are matched after the same normalisation as headers, and win over the built-in
aliases; headers not listed still go through the alias table. ``constants`` fill a field when the
row has no value for it (an empty cell or no column at all); a non-empty cell wins. Every value in
``columns`` and every key in ``constants`` must be a canonical field of the kind.

Two columns may map to the same field only when the field takes several values (a firm's
``phone``, a phone's ``tags``): their values are joined. Otherwise that is an error too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.core.errors import UserError
from graph.core.yaml_file import read_yaml

# Headers that carry nothing to load in any kind (row counters of spreadsheet exports).
IGNORED = ("序号", "行号", "no", "index", "#", "rownum")

# Aliases that mean the same thing in every kind.
COMMON: dict[str, tuple[str, ...]] = {
    "note": ("备注", "说明", "note", "notes", "remark", "remarks", "comment"),
}

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "phones": {
        "phone": ("手机号", "手机号码", "联系电话", "电话", "电话号码", "号码", "手机", "mobile",
                  "phone", "phone_number", "number", "tel", "telephone", "msisdn", "e164"),
        "label": ("标签", "类别", "类型", "分类", "号码类型", "label", "category", "type"),
        "tags": ("标记", "tags", "tag", "关键词"),
        "reported_date": ("上报日期", "上报时间", "登记日期", "添加日期", "日期", "reported",
                          "reported_date", "date"),
        "reported_by": ("来源机构", "上报机构", "上报单位", "reported_by", "reporter"),
    },
    "firms": {
        "uscc": ("统一社会信用代码", "信用代码", "社会信用代码", "uscc", "credit_code",
                 "unified_social_credit_code"),
        "name": ("企业名称", "公司名称", "名称", "机构名称", "单位名称", "企业", "公司",
                 "name", "firm", "firm_name", "company", "company_name"),
        "phone": ("手机号", "手机号码", "联系电话", "电话", "企业电话", "联系方式", "mobile",
                  "phone", "telephone", "tel"),
        "legal_rep": ("法定代表人", "法人", "法人代表", "法定代表人姓名", "legal_rep",
                      "legal_representative"),
        "legal_rep_id": ("法定代表人身份证号", "法人身份证号", "法人证件号", "legal_rep_id"),
        "address": ("地址", "注册地址", "住所", "经营地址", "address"),
        "status": ("登记状态", "经营状态", "状态", "status"),
        "country": ("国家", "国家地区", "country", "countries"),
        "registered_date": ("成立日期", "注册日期", "成立时间", "registered_date",
                            "incorporation_date", "founded"),
        "business_scope": ("经营范围", "business_scope"),
        "external_id": ("外部编号", "源编号", "external_id", "node_id"),
    },
    "complaints": {
        "complaint_id": ("投诉编号", "工单号", "工单编号", "投诉单号", "编号", "complaint_id",
                         "ticket_id", "case_id"),
        "source": ("来源", "数据来源", "source"),
        "channel": ("投诉渠道", "渠道", "来源渠道", "channel"),
        "institution": ("被投诉机构", "被投诉方", "投诉对象", "机构", "机构名称", "institution",
                        "lender"),
        "filed_date": ("投诉日期", "投诉时间", "受理日期", "受理时间", "日期", "filed_date",
                       "date", "filed"),
        "text": ("投诉内容", "内容", "诉求", "投诉描述", "描述", "text", "content",
                 "description"),
        "amount": ("金额", "诉求金额", "涉及金额", "涉案金额", "借款金额", "amount", "amount_yuan"),
        "complainant_name": ("投诉人", "投诉人姓名", "姓名", "客户姓名", "complainant",
                             "complainant_name", "name"),
        "complainant_id": ("投诉人身份证号", "身份证号", "身份证号码", "证件号码", "证件号",
                           "id_number", "complainant_id", "id_card"),
        "complainant_phone": ("投诉人手机号", "投诉人电话", "手机号", "手机号码", "本人手机",
                              "本人手机号", "本人电话",
                              "complainant_phone", "mobile"),
        "contact_phone": ("联系电话", "联系方式", "联系人电话", "电话", "回访电话",
                          "contact_phone", "contact", "phone"),
        "agent": ("代理人", "代理机构", "委托代理人", "代理人/委托代理", "委托代理", "代理",
                  "委托人", "agent",
                  "representative"),
    },
    "accounts": {
        "platform": ("平台", "平台名称", "platform", "site"),
        "handle": ("账号", "帐号", "账号id", "用户名", "抖音号", "微信号", "handle", "account",
                   "account_id", "username", "user_id", "uid"),
        "nickname": ("昵称", "名称", "nickname", "display_name", "screen_name"),
        "bio": ("简介", "个人简介", "签名", "个性签名", "bio", "profile", "description"),
        "phone": ("手机号", "联系电话", "电话", "phone", "mobile"),
        "operator": ("运营主体", "运营者", "经营者", "实际控制人", "operator", "owner"),
        "operator_uscc": ("运营主体信用代码", "运营主体统一社会信用代码", "operator_uscc"),
        "followers": ("粉丝数", "粉丝", "followers", "follower_count"),
        "url": ("链接", "主页", "主页链接", "url", "link", "profile_url"),
    },
    "calls": {
        "caller": ("主叫号码", "主叫", "主叫电话", "呼叫号码", "caller", "calling_number",
                   "from", "a_number", "src"),
        "callee": ("被叫号码", "被叫", "被叫电话", "callee", "called_number", "to", "b_number",
                   "dst"),
        "call_time": ("通话时间", "通话开始时间", "开始时间", "呼叫时间", "call_time",
                      "start_time", "time", "started"),
        "duration": ("通话时长", "时长", "通话时长秒", "duration", "duration_seconds",
                     "seconds", "total_seconds"),
        "count": ("通话次数", "次数", "count", "calls"),
        "first": ("首次通话时间", "首次通话", "first", "first_call"),
        "last": ("末次通话时间", "最后通话时间", "末次通话", "last", "last_call"),
    },
}  # fmt: skip

_STRIP = re.compile(r"[\s()\[\]{}<>（）【】《》「」『』_\-—.·:：*＊/\\\"'`]+")


@lru_cache(maxsize=4096)
def normalize_header(header: str) -> str:
    """The form a header (or alias) is compared in."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", header).casefold())


@lru_cache(maxsize=16)
def alias_table(kind: str) -> dict[str, str]:
    """Normalised alias → canonical field for ``kind`` (the field names are aliases too)."""
    table: dict[str, str] = {}
    fields = {**COMMON, **ALIASES[kind]}
    for name, aliases in fields.items():
        for alias in (name, *aliases):
            table.setdefault(normalize_header(alias), name)
    return table


def canonical_fields(kind: str) -> list[str]:
    return [*ALIASES[kind], *COMMON]


# --- mapping files -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    """A user's mapping: header → field (None: ignore), constants, and whether to ignore the rest."""

    columns: dict[str, str | None] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    ignore_unknown: bool = False
    kind: str | None = None
    origin: str = "mapping"


def parse_mapping(data: Any, origin: str = "mapping") -> Mapping:
    """Check a parsed mapping document; UserError naming ``origin`` when it is malformed."""
    if data is None:
        data = {}
    if not isinstance(data, MappingABC):
        raise UserError(f"{origin}: a mapping file must be a mapping with 'columns'")
    unknown = set(data) - {"columns", "constants", "ignore_unknown", "kind"}
    if unknown:
        raise UserError(
            f"{origin}: unknown keys {sorted(map(str, unknown))}; allowed are columns,"
            " constants, ignore_unknown, kind"
        )
    columns = data.get("columns") or {}
    constants = data.get("constants") or {}
    if not isinstance(columns, MappingABC):
        raise UserError(f"{origin}: 'columns' must map source headers to fields (or null)")
    if not isinstance(constants, MappingABC):
        raise UserError(f"{origin}: 'constants' must map fields to values")
    for header, target in columns.items():
        if target is not None and not isinstance(target, str):
            raise UserError(f"{origin}: column {header!r} must map to a field name or null")
    ignore_unknown = data.get("ignore_unknown", False)
    if not isinstance(ignore_unknown, bool):
        raise UserError(f"{origin}: ignore_unknown must be true or false")
    kind = data.get("kind")
    return Mapping(
        columns={str(h): (str(t).strip() if t is not None else None) for h, t in columns.items()},
        constants={str(f).strip(): _constant(v) for f, v in constants.items()},
        ignore_unknown=ignore_unknown,
        kind=str(kind) if kind is not None else None,
        origin=origin,
    )


def _constant(value: Any) -> str:
    from ingest.read import cell_text

    return cell_text(value).strip()


def load_mapping(path: str | Path) -> Mapping:
    """Read a mapping file; UserError when it is missing or malformed."""
    path = Path(path)
    return parse_mapping(read_yaml(path, "mapping file"), path.name)


def as_mapping(value: Mapping | MappingABC[str, Any] | str | Path | None) -> Mapping | None:
    """Accept a Mapping, a parsed document or a path to a mapping file."""
    if value is None or isinstance(value, Mapping):
        return value
    if isinstance(value, str | Path):
        return load_mapping(value)
    return parse_mapping(value)


# --- column maps -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMap:
    """How one file's headers feed a kind's fields."""

    pairs: tuple[tuple[str, str], ...]  # (source header, field) in header order
    ignored: tuple[str, ...]
    constants: dict[str, str]
    multi_fields: frozenset[str]

    @property
    def fields(self) -> set[str]:
        return {f for _, f in self.pairs} | set(self.constants)

    def header_of(self, name: str) -> str:
        """The source header that feeds field ``name`` (the first one), else the field name:
        quarantine reports speak the submitter's column names."""
        for header, target in self.pairs:
            if target == name:
                return header
        return name

    def apply(self, row: MappingABC[str, str]) -> dict[str, str]:
        """The canonical fields of one raw row: stripped, empty cells left out, constants in."""
        values: dict[str, str] = {}
        for header, name in self.pairs:
            cell = row.get(header)
            if cell:
                cell = cell.strip()
                if cell:
                    if name in values:  # several columns feed a multi-valued field
                        values[name] = f"{values[name]};{cell}"
                    else:
                        values[name] = cell
        for name, constant in self.constants.items():
            if name not in values and constant:
                values[name] = constant
        return values


def unknown_headers_error(file: str, kind: str, unknown: list[str]) -> UserError:
    listed = ", ".join(repr(h) for h in unknown)
    fields = ", ".join(canonical_fields(kind))
    example = ", ".join(f'"{h}": <field or null>' for h in unknown[:3])
    return UserError(
        f"{file}: unknown column{'s' if len(unknown) > 1 else ''} for kind {kind}: {listed}."
        f" The fields of {kind} are: {fields}. Say what the columns are with"
        f" --mapping MAP.yaml ({{columns: {{{example}}}}}; null ignores a column)."
    )


def build_column_map(
    kind: str,
    headers: list[str],
    *,
    file: str,
    mapping: Mapping | None = None,
    multi_fields: frozenset[str] = frozenset(),
) -> ColumnMap:
    """Map ``headers`` of ``file`` onto the fields of ``kind``; UserError on unknown headers."""
    if kind not in ALIASES:
        raise UserError(f"unknown kind {kind!r}; the kinds are {', '.join(ALIASES)}")
    mapping = mapping or Mapping()
    if mapping.kind is not None and mapping.kind != kind:
        raise UserError(f"{mapping.origin}: written for kind {mapping.kind}, not {kind}")
    known = set(canonical_fields(kind))
    user = {normalize_header(h): t for h, t in mapping.columns.items()}
    for header, target in mapping.columns.items():
        if target is not None and target not in known:
            raise UserError(
                f"{mapping.origin}: column {header!r} maps to {target!r}, which is not a field"
                f" of {kind}; the fields are: {', '.join(canonical_fields(kind))}"
            )
    for name in mapping.constants:
        if name not in known:
            raise UserError(
                f"{mapping.origin}: constant {name!r} is not a field of {kind};"
                f" the fields are: {', '.join(canonical_fields(kind))}"
            )
    aliases = alias_table(kind)
    ignored_forms = {normalize_header(h) for h in IGNORED}
    pairs: list[tuple[str, str]] = []
    ignored: list[str] = []
    unknown: list[str] = []
    for header in headers:
        form = normalize_header(header)
        if form in user:
            target = user[form]
        elif not form or form in ignored_forms:
            target = None
        elif form in aliases:
            target = aliases[form]
        elif mapping.ignore_unknown:
            target = None
        else:
            unknown.append(header)
            continue
        if target is None:
            ignored.append(header)
        else:
            pairs.append((header, target))
    if unknown:
        raise unknown_headers_error(file, kind, unknown)
    seen: dict[str, str] = {}
    for header, target in pairs:
        if target in seen and target not in multi_fields:
            raise UserError(
                f"{file}: columns {seen[target]!r} and {header!r} both mean {target!r};"
                " say which one to use with --mapping MAP.yaml (null ignores a column)"
            )
        seen.setdefault(target, header)
    return ColumnMap(tuple(pairs), tuple(ignored), dict(mapping.constants), multi_fields)


def match_score(kind: str, headers: list[str]) -> int:
    """How many of ``headers`` are aliases of ``kind`` (for guessing a file's kind)."""
    aliases = alias_table(kind)
    return sum(1 for h in headers if normalize_header(h) in aliases)
