"""A firm known only by a name that several registered firms bear cannot tie rings together."""

from __future__ import annotations

from graph.db.store import GraphStore
from graph.evidence.analytics import ambiguous_name_firms

FIRMS = """
UNWIND $rows AS row
CREATE (f:Entity:Firm {key: row.key, name_key: row.name_key})
SET f.uscc = row.uscc
"""


def test_only_names_borne_by_two_registered_firms_are_ambiguous(store: GraphStore) -> None:
    store.write(
        FIRMS,
        rows=[
            {
                "key": "firm:91440300MA5A000001",
                "name_key": "蓝海咨询",
                "uscc": "91440300MA5A000001",
            },
            {
                "key": "firm:91440300MA5A000002",
                "name_key": "蓝海咨询",
                "uscc": "91440300MA5A000002",
            },
            {"key": "firm:name:蓝海咨询", "name_key": "蓝海咨询", "uscc": None},
            {
                "key": "firm:91440300MA5A000003",
                "name_key": "锦程咨询",
                "uscc": "91440300MA5A000003",
            },
            {"key": "firm:name:锦程咨询", "name_key": "锦程咨询", "uscc": None},
            {"key": "firm:name:无名咨询", "name_key": "无名咨询", "uscc": None},
        ],
    )
    keys = ["firm:name:蓝海咨询", "firm:name:锦程咨询", "firm:name:无名咨询",
            "firm:91440300MA5A000001", "phone:+8613800138000"]  # fmt: skip
    assert ambiguous_name_firms(store, keys) == ["firm:name:蓝海咨询"]
    assert ambiguous_name_firms(store, []) == []
