"""The import files of a bulk load: what a CSV cell carries exactly, and what is left to Cypher."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.db import bulk_files
from graph.db.bulk_files import ImportWriter, csv_cell, csv_type, read_patches, typed_cell


def test_types_a_cell_carries_and_those_it_cannot() -> None:
    assert [csv_type(v) for v in ("a", 1, 1.5, True, ["a", "b"], [1, 2])] == [
        "string", "long", "double", "boolean", "string[]", "long[]",
    ]  # fmt: skip
    # left to a patch: an empty or mixed list, a delimiter or empty string inside a list,
    # a carriage return or NUL, a number Java's long or double cannot hold
    for value in ([], [1, "a"], ["a\x1fb"], [""], "a\rb", "a\x00", 2**70, float("nan")):
        assert csv_type(value) is None, value


def test_cells_quote_strings_always_and_double_their_quotes() -> None:
    assert csv_cell("", "string") == '""'
    assert csv_cell('他说"你好", 再见\n', "string") == '"他说""你好"", 再见\n"'
    assert csv_cell(["a", 'b"'], "string[]") == '"a\x1fb"""'
    assert csv_cell(0.1, "double") == "0.1" and csv_cell(False, "boolean") == "false"


def test_nodes_are_grouped_by_labels_and_properties(tmp_path: Path) -> None:
    writer = ImportWriter(tmp_path)
    for props in (
        {"key": "phone:+1", "e164": "+1", "tags": []},
        {"key": "phone:+2", "e164": "+2", "tags": ["x"]},
        {"key": "phone:+3", "e164": "+3", "tags": ["y"], "note": None},
    ):
        writer.node(("Entity", "Phone"), "k", "key", props)
    files = writer.close()
    assert files.node_count == 3 and len(files.nodes) == 2
    texts = sorted(path.read_text(encoding="utf-8") for _, path in files.nodes)
    assert texts[0] == 'key:ID(k),e164:string\n"phone:+1","+1"\n'
    assert (
        texts[1]
        == 'key:ID(k),e164:string,tags:string[]\n"phone:+2","+2","x"\n"phone:+3","+3","y"\n'
    )
    (patch,) = read_patches(files)
    assert files.patch_count == 1
    assert (patch.label, patch.identifier, patch.props) == ("Phone", "phone:+1", {"tags": []})


def test_a_cells_type_and_text_come_together_as_apart() -> None:
    """typed_cell (the writer's one pass) gives what csv_type and csv_cell give."""
    for value in (
        "a", "", 'say "hi"', "a\rb", "a\x00", 0, -(2**63), 2**63, 2**70, True, False, 1.5,
        float("inf"), ["a", 'b"'], ["a", ""], ["a\x1fb"], ["a\rb"], [], [1, 2], [1, 2**64],
        [1, True], [1.5, 2.5], [True], [1, "a"], None, {"a": 1},
    ):  # fmt: skip
        kind = csv_type(value)
        assert typed_cell(value) == (None if kind is None else (kind, csv_cell(value, kind)))


def test_each_groups_lines_keep_their_order_however_they_interleave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines wait in memory and reach their files a few at a time: every file still holds its
    header, then its group's lines in the order they were written."""
    monkeypatch.setattr(bulk_files, "GROUP_LINES", 3)
    monkeypatch.setattr(bulk_files, "WAITING_LINES", 5)
    writer = ImportWriter(tmp_path)
    expected: dict[str, list[str]] = {"x": [], "y": [], "z": []}
    for number in range(40):
        group = "xyzzy"[number % 5]
        writer.node(("Entity", "Phone"), "k", "key", {"key": f"p{number}", group: number})
        expected[group].append(f'"p{number}",{number}')
    files = writer.close()
    assert files.node_count == 40
    assert [path.name for _, path in files.nodes] == ["nodes-0.csv", "nodes-1.csv", "nodes-2.csv"]
    texts = {path.read_text(encoding="utf-8") for _, path in files.nodes}
    assert texts == {
        "\n".join([f"key:ID(k),{group}:long", *lines]) + "\n" for group, lines in expected.items()
    }
