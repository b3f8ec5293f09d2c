"""Names, display texts and ids shared by every file of a court package.

Everything here is a pure function of the (already masked) bundle, so each file of a package
shows the same entity the same way. Names of labels, link types and link kinds come from the
domain model (``graph.core.model``: :func:`~graph.core.model.display_name`, ``link_name``,
``kind_name``), phone and platform display from their value types.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from graph.values.accounts import platform_name
from graph.values.phone import national_phone

AUDIENCE_ZH = {"court": "法庭/检察", "police": "公安", "partner": "合作机构"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: Any) -> str:
    """A value as one line of display text: no control characters, no surrounding space."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return _CONTROL.sub("", text).replace("\r", " ").replace("\n", " ").strip()


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def display_lines(entity: dict[str, Any]) -> list[str]:
    """The lines that name an entity on the chart, in the tables and in the ANX file."""
    props = entity.get("props") or {}
    label = entity.get("label")
    if label == "Phone":
        lines = [national_phone(clean(props.get("e164") or entity["key"].split(":", 1)[-1]))]
        lines.append(" ".join(clean(props.get(k)) for k in ("carrier", "region") if props.get(k)))
    elif label == "Firm":
        lines = [clean(props.get("name")) or entity["key"], clean(props.get("uscc"))]
    elif label == "Person":
        lines = [clean(props.get("name")) or "（姓名未知）", clean(props.get("masked_id"))]
    elif label == "Account":
        platform = clean(props.get("platform"))
        lines = [
            f"{platform_name(platform)} {clean(props.get('handle'))}".strip(),
            clean(props.get("nickname")),
        ]
    elif label == "Complaint":
        lines = [
            clean(props.get("complaint_id")) or entity["key"],
            " ".join(clean(props.get(k)) for k in ("filed_date", "institution") if props.get(k)),
        ]
    else:
        lines = [entity["key"]]
    return [line for line in lines if line]


def display(entity: dict[str, Any]) -> str:
    return " / ".join(display_lines(entity))


def link_id(link: dict[str, Any]) -> str:
    """A stable id for a link from its endpoints' keys and type (never a database id)."""
    text = f"{link['start']}\x1f{link['type']}\x1f{link['end']}"
    return "link-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def parse_source(source: str) -> tuple[str, str]:
    """``"sub-abc#12"`` -> ``("sub-abc", "12")``; a source without a row gives ``""``."""
    submission, _, row = str(source).partition("#")
    return submission, row


def canonical_json(value: Any) -> str:
    """Sorted, compact-enough JSON for content ids and byte-stable files."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2, default=str) + "\n"


def sorted_bundle(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle with entities, links and submissions in a fixed order."""
    return {
        **bundle,
        "entities": sorted(bundle["entities"], key=lambda e: e["key"]),
        "links": sorted(
            bundle["links"], key=lambda r: (r["start"], r["type"], r["end"], link_id(r))
        ),
        "submissions": sorted(bundle["submissions"], key=lambda s: s["id"]),
    }


REQUIRED_KEYS = ("lead", "entities", "links", "submissions", "snapshot")


def check_bundle(bundle: dict[str, Any]) -> None:
    """Raise ``ValueError`` when the bundle is not the shape ``graph.evidence.leads.lead_bundle`` makes."""
    missing = [k for k in REQUIRED_KEYS if k not in bundle]
    if missing:
        raise ValueError(f"lead bundle lacks {missing}")
    if not bundle["lead"].get("id"):
        raise ValueError("lead bundle has no lead id")
    keys = [e["key"] for e in bundle["entities"]]
    if len(keys) != len(set(keys)):
        raise ValueError("lead bundle names an entity twice")
    known = set(keys)
    for link in bundle["links"]:
        for end in (link["start"], link["end"]):
            if end not in known:
                raise ValueError(f"link {link['type']} names {end!r}, which is not an entity")
