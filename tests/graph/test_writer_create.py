"""The writer's CREATE path (keys a read shows are new) ends in the state of the MERGE path.

The fixture world is loaded in small batches, so that most batches hold new keys next to keys an
earlier file or batch wrote (the complaints name phones the blacklist and the calls hold, the
forwarded file names complaints the lenders' files hold), and the same entity is named by
several rows of one batch; its snapshot must equal the MERGE-only load's, and stay so when the
files are submitted again. A writer that believes every key is new (as when another writer
creates the same keys between its read and its write) must fall back to MERGE and end the same.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.db import writer
from graph.db.schema import wipe_data
from graph.db.snapshot import snapshot
from graph.db.store import GraphStore
from ingest import demo, submit

NOW = "2026-03-01T08:00:00Z"


@pytest.fixture
def fixed_clock(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(submit, "utc_now", lambda: NOW)
    monkeypatch.setattr(writer, "utc_now", lambda: NOW)
    monkeypatch.setattr(store, "batch_size", 40)


def load(store: GraphStore) -> dict[str, Any]:
    """The fixture world loaded, as a snapshot without the landing time the server stamps."""
    demo.load_world(store)
    state = snapshot(store)
    for node in state["nodes"]:
        node["props"].pop("landed_ms", None)
    return state


def merge_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer.SubmissionWriter, "_create_new", lambda self, n, links: (n, links))


def test_create_path_equals_merge_path_on_a_mixed_world(
    store: GraphStore, fixed_clock: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[tuple[int, int]] = []  # (nodes created, nodes in the batch)
    original = writer.SubmissionWriter._create_new

    def counting(self: writer.SubmissionWriter, nodes: Any, links: Any) -> Any:
        rest_nodes, rest_links = original(self, nodes, links)
        total = sum(map(len, nodes.values()))
        batches.append((total - sum(map(len, rest_nodes.values())), total))
        return rest_nodes, rest_links

    monkeypatch.setattr(writer.SubmissionWriter, "_create_new", counting)
    with_create = load(store)
    # many batches mixed new keys with known ones
    assert sum(1 for created, total in batches if 0 < created < total) > 10, batches
    assert with_create["nodes"] and with_create["links"]

    demo.load_world(store)  # submitting every file again changes nothing
    again = snapshot(store)
    for node in again["nodes"]:
        node["props"].pop("landed_ms", None)
    assert again == with_create

    wipe_data(store)
    merge_only(monkeypatch)
    assert load(store) == with_create


def test_a_key_created_by_someone_else_meanwhile_falls_back_to_merge(
    store: GraphStore, fixed_clock: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        merge_only(patch)
        reference = load(store)
    wipe_data(store)
    # The read of existing keys finds none: every CREATE of a key an earlier file wrote fails on
    # the key's uniqueness constraint, and its batch is written by MERGE instead.
    monkeypatch.setattr(
        writer, "EXISTING_KEYS", "UNWIND $keys AS key WITH key WHERE false RETURN key"
    )
    assert load(store) == reference
