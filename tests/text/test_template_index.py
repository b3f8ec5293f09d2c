"""The template index: adding texts batch by batch gives exactly the batch clustering."""

from __future__ import annotations

import random

import numpy as np
import pytest

from graph.text.template_index import IndexMismatch, TemplateIndex
from graph.text.templates import TemplateResult, cluster_texts, template_params

WORDS = [
    "借款",
    "催收",
    "利息",
    "协商",
    "还款",
    "征信",
    "投诉",
    "减免",
    "分期",
    "违约金",
    "会员费",
    "银保监会",
    "家人",
    "同事",
    "骚扰",
    "停止",
    "退还",
    "砍头息",
    "合同",
    "年化利率",
]


def _corpus(rng: random.Random, size: int) -> list[tuple[str, str]]:
    """Near-duplicates of a few base letters (chains of edits, so components join and split),
    some unrelated texts, some too short; ids drawn at random so later ids land before
    earlier anchors."""
    bases = ["".join(rng.choice(WORDS) for _ in range(rng.randint(14, 22))) for _ in range(6)]
    items: dict[str, str] = {}
    while len(items) < size:
        roll = rng.random()
        if roll < 0.75:
            words = list(rng.choice(bases))
            for _ in range(rng.randint(0, 14)):  # character edits
                words[rng.randrange(len(words))] = rng.choice("的了是我你他她它们")
            text = "".join(words)
        elif roll < 0.92:
            text = "".join(rng.choice(WORDS) for _ in range(rng.randint(12, 20)))
        else:
            text = rng.choice(WORDS)  # too short to cluster
        items[f"c{rng.randrange(10**6):06d}"] = text
    return sorted(items.items())


def _view(index: TemplateIndex) -> tuple[dict[str, tuple[str, int]], list, dict[str, str]]:
    rows = np.arange(index.rows)
    hubs = {
        index.ids[row].decode(): index.ids[index.hub_of[row]].decode()
        for row in rows
        if index.hub_of[row] >= 0
    }
    return index.assignments(rows), index.links(), hubs


def _batch_view(result: TemplateResult) -> tuple[dict[str, tuple[str, int]], list, dict[str, str]]:
    clusters = {m: (c.cluster_id, c.size) for c in result.clusters for m in c.members}
    hubs = {m: c.representative for c in result.clusters for m in c.members}
    return clusters, sorted(result.links), hubs


def _ids(clusters: dict[str, tuple[str, int]]) -> dict[str, str]:
    """The cluster ids of (cluster id, size) assignments: what the graph stores."""
    return {key: cluster for key, (cluster, _) in clusters.items()}


def _pairs(index: TemplateIndex) -> set[tuple[str, str, float]]:
    return {
        (*sorted((index.ids[a].decode(), index.ids[b].decode())), round(float(s), 6))
        for a, b, s in zip(index.left, index.right, index.similarity, strict=True)
    }


@pytest.mark.parametrize("seed", range(40))  # some split a component as they grow
@pytest.mark.parametrize("places", ["id order", "mixed"])
def test_adding_batches_equals_the_batch(seed: int, places: str) -> None:
    """In id order, and with places in write order drawn at random (ties, and texts placed
    before texts already indexed: the general case), adding equals the batch."""
    rng = random.Random(seed)
    items = _corpus(rng, rng.randint(60, 160))
    rng.shuffle(items)
    params = template_params()
    written = {key: rng.randint(0, 3) for key, _ in items} if places == "mixed" else None
    cuts = sorted(rng.sample(range(1, len(items)), 4))
    parts = [items[a:b] for a, b in zip([0, *cuts], [*cuts, len(items)], strict=True)]
    index = TemplateIndex.build(parts[0], params, written)
    seen = list(parts[0])
    graph_clusters = _ids(index.assignments(np.arange(index.rows)))  # what the graph holds
    graph_links = set(index.links())
    for part in parts[1:]:
        before = index.assignments(np.arange(index.rows))
        changes = index.add(part, written)
        seen.extend(part)
        result, clustering = cluster_texts(seen, params, written=written)
        assert _view(index) == _batch_view(result)
        # only the difference is written, and it is enough
        graph_links -= set(changes.links_removed)
        graph_links |= set(changes.links_added)
        for key in changes.unclustered:
            del graph_clusters[key]
        graph_clusters.update(changes.clusters)
        batch_clusters, batch_links, _ = _batch_view(result)
        assert (graph_clusters, sorted(graph_links)) == (_ids(batch_clusters), batch_links)
        assert clustering is not None
        assert _pairs(index) == _pairs(TemplateIndex.from_clustering(clustering, params))
        rows, _ = index.find([key for key, _ in seen])  # found by id, whatever the order
        assert [index.ids[row].decode() for row in rows if row >= 0] == [
            key for (key, _), row in zip(seen, rows, strict=True) if row >= 0
        ]
        assert int((rows >= 0).sum()) == index.rows
        after = index.assignments(np.arange(index.rows))
        expected = sorted(
            key
            for key in before.keys() | after.keys()
            if (before.get(key) or ("",))[0] != (after.get(key) or ("",))[0]
        )
        assert changes.changed == expected


def test_new_first_id_renames_the_cluster_and_anchors_move() -> None:
    letter = "本人于去年在贵司借款由于收入中断无法按时还款贵司催收人员多次骚扰本人家人和同事"
    index = TemplateIndex.build([("m2", letter + "甲"), ("m3", letter + "乙")], template_params())
    assert index.assignments(np.arange(index.rows))["m3"] == ("tpl:m2", 2)
    changes = index.add([("m1", letter + "丙"), ("m0", "太短")])
    assert changes.changed == ["m1", "m2", "m3"]
    assert changes.clusters["m3"] == "tpl:m1"
    assert index.count == 4
    assert index.add([("m1", letter + "丙")]).changed == []  # the same text again: nothing
    with pytest.raises(IndexMismatch):
        index.add([("m1", letter + "丁丁丁丁")])  # another text under a known id


def test_a_later_text_that_sorts_first_joins_without_renaming_the_cluster() -> None:
    """In write order the cluster keeps the name of its first written member, the old texts
    keep their pairs, and only the new text is paired (in id order, above, all moved)."""
    letter = "本人于去年在贵司借款由于收入中断无法按时还款贵司催收人员多次骚扰本人家人和同事"
    written = {"m2": 1, "m3": 1, "m1": 2}
    index = TemplateIndex.build(
        [("m2", letter + "甲"), ("m3", letter + "乙")], template_params(), written
    )
    changes = index.add([("m1", letter + "丙")], written)
    assert changes.changed == ["m1"]
    assert changes.clusters == {"m1": "tpl:m2"}
    assert changes.affected == 1
    assert index.add([("m1", letter + "丙")], written).changed == []  # the same again: nothing
    with pytest.raises(IndexMismatch):
        index.add([("m1", letter + "丙")], {"m1": 3})  # a known text moved in write order


@pytest.mark.parametrize(
    "start", [[], [("b", "短")], [("b", "本人于去年在贵司借款由于收入中断无法按时还款贵司催收")]]
)
def test_an_empty_or_tiny_index_grows_to_the_batch(start: list[tuple[str, str]]) -> None:
    letter = "本人于去年在贵司借款由于收入中断无法按时还款贵司催收人员多次骚扰本人家人和同事"
    added = [("a", letter + "甲"), ("c", letter + "乙")]
    index = TemplateIndex.build(start, template_params())
    index.add([*added, ("d", None)])  # a complaint without a text is ignored
    result, _ = cluster_texts(start + added, template_params())
    assert _view(index) == _batch_view(result)


def _joined_buckets(index: TemplateIndex, new: list[str]) -> int:
    """How many rows share a bucket, in any band, with one of the ``new`` ids (them included)."""
    rows = index.find(new)[0]
    rows = rows[rows >= 0]
    keys = np.asarray(index.keys)
    joined = np.zeros(index.rows, dtype=bool)
    for band in range(keys.shape[1]):
        joined |= np.isin(keys[:, band], keys[rows, band])
    return int(joined.sum())


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize(
    ("prefix", "later"),
    [("b", False), ("d", False), ("b", True)],  # new ids before ("b") or after ("d") the old
)
def test_only_buckets_a_new_text_anchors_are_paired_again(
    seed: int, prefix: str, later: bool
) -> None:
    """New texts after every old one anchor no old bucket: only the new texts' own pairs are
    made (affected = the new texts); new texts before every old one anchor every bucket they
    join: all its members are paired again. Either way the result is the batch's. In id order
    new ids before the old ones come first; written later (a later lender's submission whose
    keys sort first), they come after."""
    rng = random.Random(1000 + seed)
    items = _corpus(rng, rng.randint(80, 160))
    cut = len(items) // 2
    base = items[:cut]
    new = [(prefix + key, text) for key, text in items[cut:]]
    written = {key: 2 if key.startswith(prefix) else 1 for key, _ in base + new} if later else None
    index = TemplateIndex.build(base, template_params(), written)
    before = _pairs(index)
    changes = index.add(new, written)
    result, clustering = cluster_texts(base + new, template_params(), written=written)
    assert _view(index) == _batch_view(result)
    assert clustering is not None
    assert _pairs(index) == _pairs(TemplateIndex.from_clustering(clustering, template_params()))
    fresh = [key for key, _ in new if index.find([key])[0][0] >= 0]
    if prefix == "d" or later:
        assert changes.affected == len(fresh)
        old_ids = {key for key, _ in base}
        assert {(a, b, s) for a, b, s in _pairs(index) if a in old_ids and b in old_ids} == before
    else:
        assert changes.affected == _joined_buckets(index, fresh)


def test_ids_without_a_text_are_counted_and_a_text_that_comes_or_goes_raises() -> None:
    letter = "本人于去年在贵司借款由于收入中断无法按时还款贵司催收人员多次骚扰本人家人和同事"
    index = TemplateIndex.build([("a", letter), ("b", None), ("c", "太短")], template_params())
    assert index.count == 3
    assert index.unknown(["a", "b", "c", "d", "e"]) == 2
    changes = index.add([("d", None), ("b", None), ("e", letter + "乙")])
    assert changes.clusters == {"a": "tpl:a", "e": "tpl:a"}
    assert index.count == 5 and index.unknown(["d"]) == 0
    with pytest.raises(IndexMismatch):
        index.add([("d", letter)])  # a complaint without a text got one
    with pytest.raises(IndexMismatch):
        index.add([("a", None)])  # a known text went
