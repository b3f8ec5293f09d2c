"""``entities.csv``, ``links.csv``, ``excerpts/`` and ``redactions.txt`` of a court package.

CSV files are UTF-8 with a byte-order mark (so spreadsheet programs in Chinese locales open them
correctly) and CRLF line ends (RFC 4180). A cell that begins with ``=``, ``+``, ``-``, ``@`` or a
tab and is not a plain number is prefixed with ``'`` so that a spreadsheet shows it instead of
running it as a formula; ``redactions.txt`` says so.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import defaultdict
from typing import Any

from graph.core.cells import safe_cell
from graph.core.model import display_name, kind_name, link_name
from graph.export.common import (
    AUDIENCE_ZH,
    clean,
    display,
    link_id,
    parse_source,
)
from graph.export.masking import AUDIENCE_RULES, MaskResult

# Known properties per label, in the column order of entities.csv; anything else goes to
# ``other_properties`` as JSON. ``text`` is not a column: complaint texts are in excerpts/.
ENTITY_COLUMNS = [
    "e164",
    "type",
    "carrier",
    "region",
    "uscc",
    "name",
    "name_key",
    "key_strength",
    "address",
    "registered_date",
    "business_scope",
    "pid",
    "masked_id",
    "pid_basis",
    "platform",
    "handle",
    "nickname",
    "bio",
    "complaint_id",
    "source",
    "channel",
    "institution",
    "filed_date",
    "amount",
    "slang_terms",
    "disguise_count",
    "template_cluster",
    "first_seen",
    "last_seen",
]
_SKIPPED_PROPS = {"key", "text"}
LINK_COLUMNS = [
    "link_id",
    "start_key",
    "start_label",
    "start_display",
    "type",
    "type_zh",
    "end_key",
    "end_label",
    "end_display",
    "kind",
    "kind_zh",
    "submission_id",
    "file_name",
    "file_sha256",
    "org",
    "grade",
    "received_at",
    "rows",
    "first_seen",
    "last_seen",
    "properties",
    "text_field",  # a contact found in text (MENTIONS_CONTACT): the field that gave it …
    "surface",  # … and the text as written there
]
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return safe_cell(text)


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def excerpt_name(key: str) -> str:
    """A safe, unique file name for an entity's excerpt, whatever its key holds."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:8]
    stem = _SAFE_NAME.sub("_", key).strip("._")[:80] or "entity"
    return f"excerpts/{stem}-{digest}.txt"


def entities_csv(bundle: dict[str, Any]) -> bytes:
    header = ["key", "label", "label_zh", "display", *ENTITY_COLUMNS, "other_properties"]
    header.append("excerpt")
    rows = []
    for entity in bundle["entities"]:
        props = entity.get("props") or {}
        other = {
            k: v
            for k, v in sorted(props.items())
            if k not in ENTITY_COLUMNS and k not in _SKIPPED_PROPS and v is not None
        }
        rows.append(
            [
                entity["key"],
                entity["label"],
                display_name(entity["label"]),
                display(entity),
                *[props.get(column) for column in ENTITY_COLUMNS],
                json.dumps(other, ensure_ascii=False, sort_keys=True, default=str) if other else "",
                excerpt_name(entity["key"]) if props.get("text") else "",
            ]
        )
    return _csv(header, rows)


def _sources_by_submission(sources: list[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for source in sources or []:
        submission, row = parse_source(source)
        grouped[submission].append(row)
    for rows in grouped.values():
        rows.sort(key=lambda r: (len(r), r))
    return dict(sorted(grouped.items()))


def links_csv(bundle: dict[str, Any]) -> bytes:
    """One row per link and submission that states it; a link with no source gets one row."""
    entities = {e["key"]: e for e in bundle["entities"]}
    submissions = {s["id"]: s for s in bundle["submissions"]}
    rows = []
    for link in bundle["links"]:
        start, end = entities[link["start"]], entities[link["end"]]
        common = [
            link_id(link),
            link["start"],
            start["label"],
            display(start),
            link["type"],
            link_name(link["type"]),
            link["end"],
            end["label"],
            display(end),
            link.get("kind"),
            kind_name(link["kind"], about=True) if link.get("kind") else "",
        ]
        props = link.get("props") or {}
        props_text = json.dumps(props, ensure_ascii=False, sort_keys=True, default=str)
        grouped = _sources_by_submission(link.get("sources") or [])
        if not grouped:
            grouped = {"": []}
        for submission_id, source_rows in grouped.items():
            sub = submissions.get(submission_id, {})
            rows.append(
                [
                    *common,
                    submission_id,
                    sub.get("file_name"),
                    sub.get("sha256"),
                    sub.get("org"),
                    sub.get("grade"),
                    sub.get("received_at"),
                    ";".join(r for r in source_rows if r),
                    link.get("first_seen"),
                    link.get("last_seen"),
                    props_text if props else "",
                    props.get("field") if link["type"] == "MENTIONS_CONTACT" else "",
                    props.get("surface") if link["type"] == "MENTIONS_CONTACT" else "",
                ]
            )
    return _csv(LINK_COLUMNS, rows)


MATCH_COLUMNS = [
    "entity_key",
    "entity_label",
    "entity_display",
    "counterpart",
    "set_name",
    "matched_on",
    "run_id",
    "kind",
    "kind_name",
]


def matches_csv(bundle: dict[str, Any]) -> bytes:
    """One row per alliance match on the lead's entities (``graph.alliance.matches``): the
    entity's key as the package shows it, the counterpart org, the set matched, the date and the
    run. A match is not a fact: it says only that the counterpart's set held the same key."""
    entities = {e["key"]: e for e in bundle["entities"]}
    rows = []
    for match in bundle.get("matches") or []:
        entity = entities.get(match["key"], {"key": match["key"], "label": ""})
        rows.append(
            [
                match["key"],
                entity["label"],
                display(entity) if entity["label"] else "",
                match["counterpart"],
                match["set_name"],
                match["matched_on"],
                match["run_id"],
                "alliance_match",
                kind_name("alliance_match", about=True),
            ]
        )
    rows.sort(key=lambda row: (row[0], row[5] or "", row[6] or ""))
    return _csv(MATCH_COLUMNS, rows)


def excerpts(bundle: dict[str, Any]) -> dict[str, bytes]:
    """One text file per complaint: its record, the sources of its links, its text as the org
    holding its values stated it, then any other party's statement of it (e.g. a regulator's
    forwarded copy), each with its org."""
    submissions = {s["id"]: s for s in bundle["submissions"]}
    entities = {e["key"]: e for e in bundle["entities"]}
    by_entity: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for link in bundle["links"]:
        by_entity[link["start"]].append(link)
        by_entity[link["end"]].append(link)
    statements_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for statement in bundle.get("statements") or []:
        statements_of[statement["entity"]].append(statement)
    files = {}
    for entity in bundle["entities"]:
        if entity["label"] != "Complaint":
            continue
        props = entity.get("props") or {}
        lines = [
            f"投诉 Complaint: {entity['key']}",
            f"显示 Display: {display(entity)}",
        ]
        for name in (
            "complaint_id",
            "source",
            "channel",
            "institution",
            "filed_date",
            "amount",
            "template_cluster",
            "slang_terms",
            "disguise_count",
        ):
            if props.get(name) not in (None, "", []):
                lines.append(f"{name}: {clean(props[name])}")
        lines.append("")
        lines.append("依据 Links and their sources:")
        for link in by_entity.get(entity["key"], []):
            other = link["end"] if link["start"] == entity["key"] else link["start"]
            arrow = "->" if link["start"] == entity["key"] else "<-"
            other_display = display(entities[other]) if other in entities else other
            lines.append(
                f"  {link['type']} ({link_name(link['type'])}, "
                f"{link.get('kind')}) {arrow} {other} [{other_display}]"
            )
            for submission_id, rows in _sources_by_submission(link.get("sources") or []).items():
                sub = submissions.get(submission_id, {})
                lines.append(
                    f"    {submission_id} rows {','.join(rows) or '-'}: "
                    f"{clean(sub.get('file_name'))} sha256 {sub.get('sha256') or '-'} "
                    f"org {clean(sub.get('org'))} grade {sub.get('grade') or '-'}"
                )
        lines.append("")
        lines.append(
            f"----- 原文 Text, as stated by {clean(props.get('values_org')) or '-'} "
            "(the org whose values the graph holds) -----"
        )
        text = props.get("text")
        lines.append(text if isinstance(text, str) and text else "（无文本 no text）")
        for statement in statements_of.get(entity["key"], []):
            if statement.get("org") == props.get("values_org"):
                continue
            forwarded = statement.get("forwarded_for")
            lines.append("")
            lines.append(
                f"----- 另一方陈述 Also stated by {clean(statement.get('org'))}"
                + (f", forwarded for {clean(forwarded)}" if forwarded else "")
                + f" ({statement.get('submission')}, {statement.get('at')}) -----"
            )
            other_text = (statement.get("values") or {}).get("text")
            lines.append(
                other_text if isinstance(other_text, str) and other_text else "（无文本 no text）"
            )
        files[excerpt_name(entity["key"])] = ("\n".join(lines).rstrip("\n") + "\n").encode()
    return files


def redactions_txt(mask: MaskResult, chart_notes: list[str]) -> bytes:
    lines = [
        f"受众 Audience: {mask.audience} ({AUDIENCE_ZH.get(mask.audience, mask.audience)})",
        "",
        "规则 Rules for this audience:",
        *[f"  - {rule}" for rule in AUDIENCE_RULES[mask.audience]],
        "",
        "已遮盖或略去 Masked or left out in this package:",
    ]
    if mask.redactions:
        lines += [f"  - {r.what}: {r.count} ({r.reason})" for r in mask.redactions]
    else:
        lines.append("  - nothing: this audience is entitled to every value the lead holds")
    lines += [
        "",
        "表格 Tables:",
        "  - CSV cells that begin with = + - @ or a tab and are not plain numbers are prefixed "
        "with ' so spreadsheets show them instead of running them as formulas.",
        "",
        "关系图 Chart:",
        *[f"  - {note}" for note in chart_notes],
    ]
    if not chart_notes:
        lines.append("  - every entity and link of the lead is drawn")
    return ("\n".join(lines) + "\n").encode()
