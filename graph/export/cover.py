"""The cover sheet of a court package: ``cover.txt`` and the same as a one-page ``cover.pdf``.

The cover is the one place besides ``manifest.json`` that carries the export time, so the chart
and tables stay byte-identical between two exports of the same lead and data.
"""

from __future__ import annotations

import html
import textwrap
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from graph.core.keys import group_fingerprint
from graph.export.chart import FONT, fix_pdf_dates, run_graphviz
from graph.export.common import AUDIENCE_ZH, clean

# China has one time zone and no daylight saving time.
CHINA = timezone(timedelta(hours=8), "UTC+08:00")
TIME_ZONE_TEXT = "北京时间 UTC+08:00 (Asia/Shanghai)"
CLASSIFICATION = {
    "court": "敏感 — 仅供诉讼使用 Sensitive: for court proceedings only",
    "police": "警务敏感 — 仅供执法使用 Law-enforcement sensitive",
    "partner": "受限共享 — 已按合作机构权限脱敏 Restricted: masked for a partner",
}


@dataclass(frozen=True)
class CoverInfo:
    package_id: str
    audience: str
    exported_by: str
    exported_at: datetime  # aware
    key_fingerprint: str
    chart_pages: int


def local_time(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S UTC+08:00")


def cover_rows(bundle: dict[str, Any], info: CoverInfo) -> list[tuple[str, str]]:
    lead = bundle["lead"]
    kinds = Counter(link.get("kind") or "?" for link in bundle["links"])
    labels = Counter(e["label"] for e in bundle["entities"])
    utc = info.exported_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [
        ("线索 Lead", f"{lead['id']}  {clean(lead.get('title'))}"),
        ("状态与评分 Status, score", f"{clean(lead.get('status'))}  {lead.get('score')}"),
        ("案件编号 Case reference", clean(lead.get("case_ref")) or "—"),
        ("分析员 Analyst", clean(lead.get("analyst")) or "—"),
        ("审核民警 Reviewing officer", clean(lead.get("officer")) or "—"),
        ("提交机构 Organisation", clean(lead.get("org")) or "—"),
        ("密级 Classification", CLASSIFICATION[info.audience]),
        ("受众 Audience", f"{AUDIENCE_ZH[info.audience]} {info.audience}"),
        ("导出人 Exported by", clean(info.exported_by)),
        ("导出时间 Export time", f"{local_time(info.exported_at)}  ({utc})"),
        (
            "时区 Time zone",
            f"{TIME_ZONE_TEXT}; times inside the data are as the sources gave them "
            "(receipt times in UTC)",
        ),
        ("线索创建 Lead created", clean(lead.get("created_at")) or "—"),
        (
            "数据快照 Data snapshot",
            f"latest submission {bundle['snapshot'].get('latest_submission') or '—'}; "
            f"{len(bundle['submissions'])} submissions behind this lead",
        ),
        ("软件版本 Software", clean(bundle["snapshot"].get("software_version")) or "—"),
        ("话术词库版本 Lexicon version", clean(lead.get("lexicon_version")) or "—"),
        (
            "内容 Contents",
            f"{len(bundle['entities'])} entities ("
            + ", ".join(f"{k} {v}" for k, v in sorted(labels.items()))
            + f"); {len(bundle['links'])} links ("
            + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
            + f"); chart {info.chart_pages} page(s)",
        ),
        ("证据包编号 Package id", info.package_id),
        ("签名密钥指纹 Signing key", group_fingerprint(info.key_fingerprint)),
        (
            "校验 How to verify",
            "leadgraph verify <package>; or recompute the SHA-256 / SM3 of each file listed in "
            "manifest.json and check manifest.sig with public_key.pem",
        ),
    ]


def cover_txt(bundle: dict[str, Any], info: CoverInfo) -> bytes:
    lines = ["LeadGraph 证据包封面 Court package cover", "=" * 40, ""]
    lines += [f"{name}: {value}" for name, value in cover_rows(bundle, info)]
    return ("\n".join(lines) + "\n").encode()


def cover_pdf(bundle: dict[str, Any], info: CoverInfo) -> bytes:
    def esc(text: str) -> str:
        return html.escape(text, quote=True)

    rows = [
        '<TR><TD COLSPAN="2" ALIGN="LEFT"><B><FONT POINT-SIZE="18">LeadGraph 证据包封面 '
        "Court package cover</FONT></B></TD></TR>",
    ]
    for name, value in cover_rows(bundle, info):
        wrapped = '<BR ALIGN="LEFT"/>'.join(
            esc(line) for line in textwrap.wrap(value, 64, break_on_hyphens=False) or [""]
        )
        rows.append(
            f'<TR><TD ALIGN="LEFT" VALIGN="TOP"><FONT POINT-SIZE="10" COLOR="#333333">'
            f"{esc(name)}</FONT></TD>"
            f'<TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="10">{wrapped}</FONT></TD></TR>'
        )
    table = (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="5" COLOR="#999999">'
        + "".join(rows)
        + "</TABLE>>"
    )
    source = (
        f'digraph Cover {{ graph [bgcolor=white pad=0.5 fontname="{FONT}"]; '
        f'node [fontname="{FONT}"]; cover [shape=plaintext label={table}]; }}'
    )
    return fix_pdf_dates(run_graphviz("dot", "pdf:cairo", source))
