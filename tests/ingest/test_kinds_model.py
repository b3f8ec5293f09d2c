"""Every record a clue kind builds matches the domain model (graph/core/model.yaml): labels and
link types it declares, key prefixes of their labels, link ends of the allowed labels, and the
row's subject of the kind's subject label. Run over every file of the fixture world."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from graph.core.model import ENTITY_LABEL, load_model
from graph.core.records import RowResult
from ingest.kinds import KIND_NAMES, KINDS
from ingest.pipeline import iter_file

WORLD = Path(__file__).resolve().parents[2] / "fixtures" / "world"


def world_files() -> list[tuple[str, Path]]:
    truth = json.loads((WORLD / "truth.json").read_text(encoding="utf-8"))
    return [(spec["kind"], WORLD / name) for name, spec in truth["files"].items()]


def test_every_kind_has_a_subject_the_model_declares() -> None:
    model = load_model()
    assert set(KIND_NAMES) == {kind for kind, _ in world_files()}
    for spec in KINDS.values():
        assert spec.subject is None or model.node(spec.subject).entity, spec.name


@pytest.mark.parametrize(("kind", "path"), world_files(), ids=lambda v: getattr(v, "name", v))
def test_every_record_of_the_fixture_world_matches_the_model(kind: str, path: Path) -> None:
    model = load_model()
    spec = KINDS[kind]
    seen: Counter[str] = Counter()
    for item in iter_file(kind, path, source="lender-x", hashing_key=b"k" * 32):
        if not isinstance(item, RowResult):
            continue
        labels = {}
        for node in item.nodes:
            node_type = model.node(node.label)
            assert node_type.entity and node_type.label != ENTITY_LABEL
            assert node.key.startswith(f"{node_type.prefix}:"), (node.label, node.key)
            assert model.label_of_key(node.key) == node.label
            labels[node.key] = node.label
            seen[node.label] += 1
        for link in item.links:
            link_type = model.link(link.type)
            start = labels.get(link.start) or model.label_of_key(link.start)
            end = labels.get(link.end) or model.label_of_key(link.end)
            assert start in link_type.starts, (link.type, link.start)
            assert end in link_type.ends, (link.type, link.end)
            seen[link.type] += 1
        if spec.subject is None:
            assert item.subject is None
        else:
            assert labels.get(item.subject or "") == spec.subject, (item.row, item.subject)
    assert seen, f"{path.name} built no records"
