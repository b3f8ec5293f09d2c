"""Interface text in Simplified Chinese (default) and English.

Pages call ``t(key)``; the language is chosen in the sidebar and kept in the session. A missing
key falls back to the key itself, which tests catch.
"""

from __future__ import annotations

LANGUAGES = {"zh": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

TEXTS: dict[str, dict[str, str]] = {
    "app.title": {"zh": "LeadGraph 警企线索图谱工作台", "en": "LeadGraph intelligence workbench"},
    "nav.status": {"zh": "数据库状态", "en": "Database status"},
    "status.header": {"zh": "图数据库状态", "en": "Graph database status"},
    "status.server": {"zh": "服务器", "en": "Server"},
    "status.schema": {"zh": "模式版本", "en": "Schema version"},
    "status.nodes": {"zh": "节点总数", "en": "Nodes"},
    "status.links": {"zh": "关系总数", "en": "Relationships"},
    "status.by_label": {"zh": "按类型统计的节点", "en": "Nodes by label"},
    "status.by_type": {"zh": "按类型统计的关系", "en": "Relationships by type"},
    "status.unavailable": {"zh": "无法连接图数据库", "en": "The graph database is not reachable"},
    "common.language": {"zh": "语言", "en": "Language"},
    "common.count": {"zh": "数量", "en": "Count"},
    "common.label": {"zh": "类型", "en": "Label"},
}


def translate(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    entry = TEXTS.get(key)
    if entry is None:
        return key
    return entry.get(language) or entry[DEFAULT_LANGUAGE]
