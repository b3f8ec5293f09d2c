"""The working-notes annex of a court package (``notes.txt``): labelled as not evidence.

Working notes (:mod:`graph.workflow.notes`) are what officers and analysts wrote down; they are
not statements of a source, were never used to find or score the lead, and appear in no chart,
table or graph file of the package. A court or police package made by someone who may read them
carries the notes that person may read in this one file; a partner package never does.
"""

from __future__ import annotations

from typing import Any

NOTES_FILE = "notes.txt"
ENTITLED = ("court", "police")
HEADING = "工作备注（非证据） / working notes (not evidence)"
FIELDS = ("id", "target", "author", "org", "created_at", "edited_at", "text")


def entitled_notes(notes: list[dict[str, Any]] | None, audience: str) -> list[dict[str, Any]]:
    """The notes an audience of ``audience`` receives, oldest first: none for a partner."""
    if audience not in ENTITLED or not notes:
        return []
    kept = [{name: note.get(name) for name in FIELDS} for note in notes]
    return sorted(kept, key=lambda n: (str(n["created_at"]), str(n["id"])))


def notes_txt(notes: list[dict[str, Any]], package_id: str) -> bytes:
    """The annex: a heading that says what the notes are not, then each note with its target,
    author, org or unit and times, its text indented under it."""
    lines = [
        HEADING,
        "=" * 40,
        "以下为导出人所在机构（或单位）成员的工作备注，不是证据：未用于线索发现或评分，"
        "不出现在关系图、表格或图文件中。",
        "These are working notes by members of the exporter's org or unit. They are not "
        "evidence: they were not used to find or score the lead and appear in no chart, table "
        "or graph file of this package.",
        f"Package / 数据包: {package_id}",
        f"Notes / 备注数: {len(notes)}",
        "",
    ]
    for note in notes:
        edited = f", edited {note['edited_at']}" if note.get("edited_at") else ""
        lines.append(
            f"[{note['id']}] on {note['target']} — {note['author']} ({note.get('org') or '-'}), "
            f"{note['created_at']}{edited}"
        )
        lines.extend(f"    {line}" for line in str(note["text"]).split("\n"))
        lines.append("")
    return "\n".join(lines).encode("utf-8")
