"""An index of clustered texts that new texts are added to, with exactly the batch result.

:func:`graph.text.templates.find_templates` clusters a whole corpus at once. A
:class:`TemplateIndex` keeps what that computed — every text's MinHash signature and LSH bucket
keys, the verified pairs, each text's hub and connected component — so that adding a few texts
(:meth:`TemplateIndex.add`) recomputes only what they can change, and the clusters and links are
always exactly those ``find_templates`` gives on all texts so far. Why this is exact:

* **Candidate pairs are anchor pairs** (each bucket member with the bucket's first text in
  write order: by ``written``, then id — :mod:`graph.text.templates`). A bucket that no new
  text joined keeps its members and anchor, so its pairs stand. A bucket a new text joined
  after its anchor keeps its anchor: its old pairs stand, and it gains only the pairs of its
  new members. A new text that becomes a bucket's anchor (or a bucket of new texts only)
  changes every pair of it. So the *affected* set A is the new texts and every member of every
  bucket (of any band) whose anchor is a new text. A pair with no end in A is in the same
  buckets with the same anchors in every band before and after, so it is a candidate after
  exactly when it was before; every pair that appears or goes has an end in A. Stored pairs
  touching A are dropped and every anchor pair involving A is made again from all bands'
  buckets, then verified with the stored signatures. A submission's new complaints are written
  after every complaint already indexed, so they anchor no old bucket and A is just the new
  texts; only texts placed before old ones — a submission received earlier but refreshed later,
  two received in the same second, a caller's own ``written`` — make A larger, and the same
  rule keeps that general case exact. (In id order, a new lender whose keys sort first
  re-anchored every bucket it joined: at 1M, A was 141,870 rows for yunshan's file.)
* **Star peeling depends only on each connected component of the verified pairs** (every step
  of :func:`graph.text.templates._star_clusters` reads a text's neighbours, and the round bound
  counts the same rounds in a component alone). Components that neither contained nor now touch
  A keep their edges, hence their clusters. The rest — the old components of A (they may split
  when a pair goes) and the components new pairs joined to them — are peeled again, as one
  subgraph with the write order kept, by the same function the batch uses.

Texts are stored in the order they were added (rows); ``order`` lists the rows in write order,
so ties that the batch breaks by that order are broken the same way (``by_id`` lists them in id
order, for finding ids). An id added again with the same text and place in write order changes
nothing; with another text or place, :class:`IndexMismatch` is raised and the caller rebuilds.
Ids added without a text (``None``) are kept too (``bare``), so that :attr:`TemplateIndex.count`
counts every id the index has seen and a caller can compare it with a cheap count of all its
items; a known id that gains or loses its text raises :class:`IndexMismatch`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graph.text.templates import (
    Clustering,
    TemplateLink,
    _similarity,
    _star_clusters,
    anchor_pairs,
    band_key_matrix,
    cluster_texts,
    sorted_unique,
    text_signatures,
    verified,
)

_KEY_TABLE = 1 << 22  # bits of the bucket-key filter in ``_in_keys``


class IndexMismatch(Exception):
    """The index cannot be updated to the batch result (a text changed): rebuild it."""


@dataclass
class TemplateChanges:
    """What an update changed, for writing only the difference into the graph."""

    clusters: dict[str, str] = field(default_factory=dict)  # id -> its new cluster id
    unclustered: list[str] = field(default_factory=list)  # ids that lost their cluster
    links_removed: list[TemplateLink] = field(default_factory=list)
    links_added: list[TemplateLink] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # ids whose cluster id changed
    affected: int = 0  # texts whose pairs were made again
    repeeled: int = 0  # texts whose components were peeled again
    seconds: dict[str, float] = field(default_factory=dict)  # each step's time (bench/)


@dataclass
class TemplateIndex:
    params: dict[str, Any]
    ids: np.ndarray  # bytes (UTF-8) of each row's id, in the order rows were added
    order: np.ndarray  # rows in write order (int64): by ``written``, then id
    short: np.ndarray  # ids too short to cluster, sorted (bytes)
    sig: np.ndarray  # rows × num_perm (uint32)
    keys: np.ndarray  # rows × bands (uint64)
    left: np.ndarray  # verified pairs (rows, int64)
    right: np.ndarray
    similarity: np.ndarray  # float32
    hub_of: np.ndarray  # each row's hub row, -1 when unclustered (int64)
    comp: np.ndarray  # each row's component: its smallest row (int64)
    written: np.ndarray  # each row's place in write order (int64)
    by_id: np.ndarray  # rows in id order (int64)
    bare: np.ndarray = field(default_factory=lambda: _encode([]))  # ids without a text, sorted
    # how new rows join ``sig`` and ``keys`` (a file-backed index appends to its files)
    grow: Callable[[str, np.ndarray, np.ndarray], np.ndarray] | None = None

    @property
    def rows(self) -> int:
        return len(self.ids)

    @property
    def count(self) -> int:
        """Ids indexed: clustered, too short or without a text."""
        return len(self.ids) + len(self.short) + len(self.bare)

    @classmethod
    def from_clustering(
        cls, clustering: Clustering, params: dict[str, Any], bare: Iterable[str] = ()
    ) -> TemplateIndex:
        n = len(clustering.ids)
        return cls(
            params=params,
            ids=_encode(clustering.ids),
            order=np.arange(n, dtype=np.int64),
            short=np.sort(_encode(clustering.short)),
            sig=clustering.sig,
            keys=clustering.keys,
            left=clustering.left.astype(np.int64),
            right=clustering.right.astype(np.int64),
            similarity=clustering.similarity.astype(np.float32),
            hub_of=clustering.hub_of.astype(np.int64),
            comp=_components(n, clustering.left, clustering.right, np.arange(n)),
            written=clustering.written.astype(np.int64),
            by_id=np.argsort(_encode(clustering.ids), kind="stable").astype(np.int64),
            bare=np.sort(_encode(list(bare))),
        )

    @classmethod
    def build(
        cls,
        items: list[tuple[str, str | None]],
        params: dict[str, Any],
        written: Mapping[str, int] | None = None,
    ) -> TemplateIndex:
        texts = [(key, text) for key, text in items if text is not None]
        _, clustering = cluster_texts(texts, params, written=written)
        assert clustering is not None
        return cls.from_clustering(clustering, params, [k for k, t in items if t is None])

    # --- reading -------------------------------------------------------------------------------

    def rank(self) -> np.ndarray:
        """Each row's position in write order."""
        rank = np.empty(self.rows, dtype=np.int64)
        rank[self.order] = np.arange(self.rows, dtype=np.int64)
        return rank

    def assignments(self, rows: np.ndarray) -> dict[str, tuple[str, int]]:
        """id -> (cluster id, size) for the clustered ones of ``rows`` (whole clusters)."""
        return _assignments(self.ids, self.rank(), self.order, rows, self.hub_of[rows])

    def links(self, rows: np.ndarray | None = None) -> list[TemplateLink]:
        """The star links (hub -> member) of ``rows`` (default: all), sorted."""
        rows = np.arange(self.rows) if rows is None else rows
        return _star_links(self.ids, self.sig, rows, self.hub_of[rows])

    def find(self, ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """For each id, its row (-1 when not a row), and whether it is a known short text."""
        wanted = _encode(ids)
        return _lookup(self.ids[self.by_id], wanted, self.by_id), _lookup(
            self.short, wanted, np.arange(len(self.short))
        ) >= 0

    def unknown(self, ids: list[str]) -> int:
        """How many of ``ids`` (distinct) the index has not seen, with or without a text."""
        rows, short = self.find(ids)
        bare = _lookup(self.bare, _encode(ids), np.arange(len(self.bare))) >= 0
        return int(((rows < 0) & ~short & ~bare).sum())

    # --- adding ----------------------------------------------------------------------------------

    def add(
        self, items: Iterable[tuple[str, str | None]], written: Mapping[str, int] | None = None
    ) -> TemplateChanges:
        """Add texts (new ids; known ids must bring their old text and place) and return what
        changed. ``written``: each id's place in write order (absent: 0), as the batch takes it."""
        clock = _Stopwatch()
        place = written or {}
        items = list(items)
        self._add_bare(sorted({key for key, text in items if text is None}))
        texts = dict(sorted((key, text) for key, text in items if text is not None))
        item_ids = list(texts)
        kept, sig = text_signatures(list(texts.values()), self.params)
        clock.lap("signatures")
        row_of, is_short = self.find(item_ids)
        if (_lookup(self.bare, _encode(item_ids), np.arange(len(self.bare))) >= 0).any():
            raise IndexMismatch("a complaint without a text got one")
        clock.lap("find")
        eligible = np.zeros(len(item_ids), dtype=bool)
        eligible[kept] = True
        known = (row_of >= 0) | is_short
        if (eligible & is_short).any() or (~eligible & (row_of >= 0)).any():
            raise IndexMismatch("a known text changed length")
        signature_of = np.full(len(item_ids), -1, dtype=np.int64)
        signature_of[kept] = np.arange(len(kept))
        again = np.flatnonzero(eligible & (row_of >= 0))
        if len(again) and not np.array_equal(
            sig[signature_of[again]], np.asarray(self.sig[row_of[again]])
        ):
            raise IndexMismatch("a known text changed")
        places = np.array([place.get(key, 0) for key in item_ids], dtype=np.int64)
        if len(again) and not np.array_equal(places[again], self.written[row_of[again]]):
            raise IndexMismatch("a known text changed its place in write order")
        new_short = [item_ids[i] for i in np.flatnonzero(~eligible & ~known)]
        if new_short:
            self.short = np.sort(np.concatenate((self.short, _encode(new_short))))
        fresh = np.flatnonzero(eligible & ~known)
        if len(fresh) == 0:
            return TemplateChanges()
        return self._add_rows(
            [item_ids[i] for i in fresh], places[fresh], sig[signature_of[fresh]], clock
        )

    def _add_bare(self, keys: list[str]) -> None:
        """Keep ``keys`` as ids without a text (a known text that went raises)."""
        rows, short = self.find(keys)
        if (rows >= 0).any() or short.any():
            raise IndexMismatch("a known text was removed")
        wanted = _encode(keys)
        new = wanted[_lookup(self.bare, wanted, np.arange(len(self.bare))) < 0]
        if len(new):
            self.bare = np.sort(np.concatenate((self.bare, new)))

    def _add_rows(
        self, new_ids: list[str], new_written: np.ndarray, new_sig: np.ndarray, clock: _Stopwatch
    ) -> TemplateChanges:
        params = self.params
        old_n, m = self.rows, len(new_ids)
        n = old_n + m
        new_rows = np.arange(old_n, n, dtype=np.int64)
        encoded = _encode(new_ids)  # sorted, as ``add`` sorts its items
        self.by_id = np.insert(self.by_id, np.searchsorted(self.ids[self.by_id], encoded), new_rows)
        in_write_order = np.argsort(new_written, kind="stable")  # by place, then id
        position = _write_positions(
            self.written[self.order],
            self.ids[self.order],
            new_written[in_write_order],
            encoded[in_write_order],
        )
        self.order = np.insert(self.order, position, new_rows[in_write_order])
        self.ids = np.concatenate((self.ids, encoded))
        self.written = np.concatenate((self.written, new_written))
        new_keys = band_key_matrix(new_sig, params["bands"], params["rows"])
        grow = self.grow or _concatenate
        self.sig = grow("sig", self.sig, new_sig)
        self.keys = grow("keys", self.keys, new_keys)
        self.hub_of = np.concatenate((self.hub_of, np.full(m, -1, dtype=np.int64)))
        self.comp = np.concatenate((self.comp, new_rows))
        rank = self.rank()
        clock.lap("grow")

        # A: the new texts and every member of every bucket whose anchor a new text became
        columns = np.ascontiguousarray(np.asarray(self.keys).T)  # bands × rows, in memory
        affected = np.zeros(n, dtype=bool)
        affected[new_rows] = True
        for column in columns:
            affected[_reanchored(column, rank, old_n)] = True
        # S: A and the old components of A (a dropped pair may split them)
        old_touch = _components_of(self.comp, affected)
        clock.lap("affected")

        # drop the pairs touching A; make every anchor pair involving A again, and verify them
        stay = ~(affected[self.left] | affected[self.right])
        made_left, made_right = _anchor_pairs_of(columns, affected, rank)
        clock.lap("pair")
        made_left, made_right, made_similarity = verified(
            self.sig, made_left, made_right, params["threshold"]
        )
        self.left = np.concatenate((self.left[stay], made_left))
        self.right = np.concatenate((self.right[stay], made_right))
        self.similarity = np.concatenate((self.similarity[stay], made_similarity))
        clock.lap("verify")

        # R: S and the old components the new pairs reach; peel R's components again
        reached = np.zeros(n, dtype=bool)
        reached[made_left] = True
        reached[made_right] = True
        region = old_touch | _components_of(self.comp, reached)
        rows = np.flatnonzero(region)
        rows = rows[np.argsort(rank[rows], kind="stable")]  # write order
        inside = region[self.left]
        local = np.full(n, -1, dtype=np.int64)
        local[rows] = np.arange(len(rows), dtype=np.int64)
        sub_left, sub_right = local[self.left[inside]], local[self.right[inside]]
        self.comp[rows] = _components(len(rows), sub_left, sub_right, rows)
        clock.lap("components")
        old_hub = self.hub_of[rows]
        new_hub = np.full(len(rows), -1, dtype=np.int64)
        if len(sub_left):
            hub_local, _, _ = _star_clusters(
                np.asarray(self.sig[rows]),
                sub_left,
                sub_right,
                params["threshold"],
                params["max_rounds"],
            )
            new_hub = np.where(hub_local >= 0, rows[np.maximum(hub_local, 0)], -1)
        self.hub_of[rows] = new_hub
        clock.lap("peel")
        changes = _difference(self, rank, rows, old_hub)
        clock.lap("diff")
        changes.affected = int(affected.sum())
        changes.repeeled = len(rows)
        changes.seconds = clock.seconds
        return changes


def _anchor_pairs_of(
    columns: np.ndarray, affected: np.ndarray, rank: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every anchor pair, in any band (a row of ``columns``), with an end in ``affected``;
    (left, right) with left the earlier in write order, deduplicated."""
    n = len(rank)
    found: list[np.ndarray] = []
    for column in columns:
        members = np.flatnonzero(_in_keys(column, column[affected]))
        anchors, others = anchor_pairs(column[members], rank[members])
        anchors, others = members[anchors], members[others]
        keep = affected[anchors] | affected[others]
        found.append(anchors[keep] * n + others[keep])
    codes = sorted_unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
    return codes // n, codes % n


def _reanchored(column: np.ndarray, rank: np.ndarray, old_n: int) -> np.ndarray:
    """The rows of the buckets of ``column`` (one band's keys) whose anchor is a new row (rows
    from ``old_n`` on): a new bucket, or one a new row joined ahead of every old member in
    write order (``rank``). Only these buckets' pairs change otherwise than by a new row's own
    pairs."""
    joined = np.flatnonzero(_in_keys(column, column[old_n:]))
    members = joined[np.lexsort((rank[joined], column[joined]))]  # by bucket, then rank
    keys = column[members]
    first = np.ones(len(members), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    bucket = np.cumsum(first) - 1
    anchor_is_new = members[first] >= old_n
    return members[anchor_is_new[bucket]]


def _write_positions(
    old_written: np.ndarray, old_ids: np.ndarray, written: np.ndarray, ids: np.ndarray
) -> np.ndarray:
    """Where rows of place ``written`` and id ``ids`` go among rows in write order (``old_*``,
    both sorted by place, then id): a binary search by place, then by id among equal places."""
    first = np.searchsorted(old_written, written, side="left")
    last = np.searchsorted(old_written, written, side="right")
    position = first.copy()
    for value in sorted_unique(written):
        chosen = np.flatnonzero(written == value)
        start, stop = int(first[chosen[0]]), int(last[chosen[0]])
        position[chosen] = start + np.searchsorted(old_ids[start:stop], ids[chosen])
    return position


def _in_keys(column: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Which entries of ``column`` (bucket keys) are in ``wanted``: a bit table of the keys'
    low bits filters the column, a binary search settles the few that pass (``np.isin`` is
    many times slower on millions of keys)."""
    out = np.zeros(len(column), dtype=bool)
    wanted = sorted_unique(wanted)
    if len(wanted) == 0:
        return out
    mask = np.uint64(_KEY_TABLE - 1)
    table = np.zeros(_KEY_TABLE, dtype=bool)
    table[wanted & mask] = True
    maybe = np.flatnonzero(table[column & mask])
    position = np.minimum(np.searchsorted(wanted, column[maybe]), len(wanted) - 1)
    out[maybe[wanted[position] == column[maybe]]] = True
    return out


def _components_of(comp: np.ndarray, marked: np.ndarray) -> np.ndarray:
    """The rows whose component (``comp``: each row's smallest row) holds a ``marked`` row."""
    chosen = np.zeros(len(comp), dtype=bool)
    chosen[comp[marked]] = True
    return chosen[comp]


class _Stopwatch:
    """Seconds spent in each named step (laps add up when a name comes again)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._last
        self._last = now


def _concatenate(_: str, old: np.ndarray, new: np.ndarray) -> np.ndarray:
    return np.concatenate((old, new))


def _encode(ids: list[str]) -> np.ndarray:
    if not ids:
        return np.empty(0, dtype="S1")
    return np.array([item_id.encode("utf-8") for item_id in ids], dtype=bytes)


def _lookup(sorted_ids: np.ndarray, wanted: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values[i]`` where ``sorted_ids[i]`` is the wanted id, else -1."""
    out = np.full(len(wanted), -1, dtype=np.int64)
    if len(sorted_ids) == 0 or len(wanted) == 0:
        return out
    position = np.minimum(np.searchsorted(sorted_ids, wanted), len(sorted_ids) - 1)
    found = sorted_ids[position] == wanted
    out[found] = values[position[found]]
    return out


def _components(n: int, left: np.ndarray, right: np.ndarray, label: np.ndarray) -> np.ndarray:
    """Connected components of ``n`` nodes: each node's smallest ``label`` in its component."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    label = np.asarray(label, dtype=np.int64)
    if n == 0:
        return label.copy()
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    smallest = np.full(component.max() + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(smallest, component, label)
    return smallest[component]


def _clusters_of(
    rank: np.ndarray, order: np.ndarray, rows: np.ndarray, hubs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For ``rows`` (whole clusters) with their ``hubs``: each row's cluster as its first member
    in write order (its id is ``tpl:`` + that member's id, as in the batch; -1 when unclustered),
    and the cluster's size (0)."""
    first_row = np.full(len(rows), -1, dtype=np.int64)
    size = np.zeros(len(rows), dtype=np.int64)
    clustered = hubs >= 0
    if clustered.any():
        group = hubs[clustered]  # hubs are rows: a table over all rows groups them
        first = np.full(len(rank), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, group, rank[rows[clustered]])
        first_row[clustered] = order[first[group]]
        size[clustered] = np.bincount(group, minlength=len(rank))[group]
    return first_row, size


def _assignments(
    ids: np.ndarray, rank: np.ndarray, order: np.ndarray, rows: np.ndarray, hubs: np.ndarray
) -> dict[str, tuple[str, int]]:
    """id -> (cluster id, size) for the clustered ones of ``rows`` (whole clusters)."""
    first_row, size = _clusters_of(rank, order, rows, hubs)
    return {
        ids[row].decode("utf-8"): ("tpl:" + ids[first].decode("utf-8"), int(n))
        for row, first, n in zip(rows.tolist(), first_row.tolist(), size.tolist(), strict=True)
        if first >= 0
    }


def _star_links(
    ids: np.ndarray, sig: np.ndarray, rows: np.ndarray, hubs: np.ndarray
) -> list[TemplateLink]:
    spoke = (hubs >= 0) & (hubs != rows)
    members, hubs = rows[spoke], hubs[spoke]
    values = _similarity(sig, hubs, members)
    links = [
        TemplateLink(ids[hub].decode("utf-8"), ids[member].decode("utf-8"), round(float(v), 4))
        for hub, member, v in zip(hubs.tolist(), members.tolist(), values, strict=True)
    ]
    links.sort(key=lambda link: (link.id_a, link.id_b))
    return links


def _difference(
    index: TemplateIndex, rank: np.ndarray, rows: np.ndarray, old_hub: np.ndarray
) -> TemplateChanges:
    """What changed in ``rows`` (whole old and new clusters) since they had ``old_hub``."""
    new_hub = index.hub_of[rows]
    old_first, _ = _clusters_of(rank, index.order, rows, old_hub)
    new_first, _ = _clusters_of(rank, index.order, rows, new_hub)
    renamed = old_first != new_first
    changes = TemplateChanges()
    reset = np.flatnonzero(renamed & (new_first >= 0))  # sizes are counted on read
    for row, first in zip(rows[reset].tolist(), new_first[reset].tolist(), strict=True):
        changes.clusters[index.ids[row].decode("utf-8")] = "tpl:" + index.ids[first].decode("utf-8")
    lost = (old_first >= 0) & (new_first < 0)
    changes.unclustered = sorted(index.ids[row].decode("utf-8") for row in rows[lost].tolist())
    changes.changed = sorted(index.ids[row].decode("utf-8") for row in rows[renamed].tolist())
    n = index.rows
    old_codes = np.where(old_hub >= 0, old_hub * n + rows, -1)
    new_codes = np.where(new_hub >= 0, new_hub * n + rows, -1)
    gone = (old_codes != new_codes) & (old_hub >= 0) & (old_hub != rows)
    came = (old_codes != new_codes) & (new_hub >= 0) & (new_hub != rows)
    changes.links_removed = _star_links(index.ids, index.sig, rows[gone], old_hub[gone])
    changes.links_added = _star_links(index.ids, index.sig, rows[came], new_hub[came])
    return changes
