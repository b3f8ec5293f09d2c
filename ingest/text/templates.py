"""Templated complaints: near-duplicate texts clustered with MinHash and LSH.

Agents file the same letter for many borrowers, changing names, amounts, dates and a phrase here
and there. :func:`find_templates` finds those families among any number of texts, in time linear
in the number of texts:

1. **Shingling.** Each text is folded (case, width, styled letters, traditional characters — the
   slang detector's table), stripped of digits, white space, punctuation and symbols, and runs
   of a repeated character are cut to two (the ``XXXX`` masks of redacted exports), then cut into
   overlapping character k-grams (``k=5`` by default: discriminating enough for English, still
   robust to a changed word in Chinese). Texts shorter than ``min_chars`` folded characters are
   not clustered: there is too little text to call it a template.
2. **MinHash signatures**, computed for a whole batch of texts at once with numpy: each shingle is
   hashed once to 32 bits, then ``num_perm`` multiply-shift hash functions
   ``(a·x + b) mod 2⁶⁴ >> 32`` give the permutations (a strongly universal family). This is
   datasketch's MinHash with a cheaper hash family; measured in ``bench/templates.py`` it is about
   30 times faster than ``datasketch.MinHash.bulk`` on the same shingles.
3. **LSH banding** with the band count and width that datasketch's ``MinHashLSH`` chooses for the
   threshold (it minimises false positives and negatives). Texts that agree on a whole band share
   a bucket. Instead of all pairs of a bucket — 12.5 million for a bucket of 5,000 letters — each
   member is paired with the bucket's *anchor*, its smallest id: at most ``n × bands`` candidate
   pairs overall, and the buckets still connect every family.
4. **Verification.** A candidate pair counts when its estimated Jaccard similarity (the share of
   equal signature values) is at least ``threshold``.
5. **Clusters** are the connected components of the verified pairs (scipy). A cluster's id is
   ``tpl:`` + its smallest member id, so it does not depend on input order or on the run.
   Its representative is the member with the most verified links (ties: smallest id).

Links for the graph (``SAME_TEMPLATE``)
---------------------------------------
``links="star"`` (default): every member is linked to its cluster's representative, with their
estimated similarity: ``size − 1`` links per cluster, one visible hub per template, and never the
O(n²) clique. Members that joined through a chain may be less similar to the representative than
the threshold; the similarity says so. ``links="forest"``: a maximum spanning forest of the
verified pairs, every link at or above the threshold.

Example
-------
>>> result = find_templates([("a", "本人因征信问题委托某公司协商还款" * 3),
...                          ("b", "本人因征信问题委托某公司协商还款" * 3 + "谢谢"),
...                          ("c", "快递三天没有送到，客服一直不回复消息，要求赔偿")])
>>> [(c.cluster_id, c.members) for c in result.clusters]
[('tpl:a', ('a', 'b'))]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, NamedTuple

import numpy as np

from graph.errors import UserError
from ingest.text.normalize import fold_tables

DEFAULT_THRESHOLD = 0.6
DEFAULT_NUM_PERM = 128
DEFAULT_SHINGLE = 5
DEFAULT_SEED = 1
DEFAULT_MIN_CHARS = 30
BATCH_TEXTS = 10_000  # texts folded and hashed at once (bounds the working memory)
SIGNATURE_CHUNK = 4_096  # shingles per multiply-shift block (fits the CPU cache)

_LUT_SIZE = 0x20000
_SENTINEL = 0x110000  # beyond Unicode
_MASK64 = (1 << 64) - 1


class TemplateLink(NamedTuple):
    """A ``SAME_TEMPLATE`` link: two complaint ids and their estimated Jaccard similarity."""

    id_a: str
    id_b: str
    similarity: float


@dataclass(frozen=True)
class TemplateCluster:
    cluster_id: str
    members: tuple[str, ...]  # sorted ids
    representative: str  # id of the representative member
    text: str  # the representative's original text

    @property
    def size(self) -> int:
        return len(self.members)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cluster_id": self.cluster_id,
            "size": self.size,
            "representative": self.representative,
            "text": self.text,
            "members": list(self.members),
        }


@dataclass
class TemplateResult:
    clusters: list[TemplateCluster]  # largest first, then by cluster id
    links: list[TemplateLink]
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def pairs(self) -> list[TemplateLink]:
        """Alias of :attr:`links`."""
        return self.links

    def cluster_of(self) -> dict[str, str]:
        """Member id -> cluster id, for every clustered text."""
        return {member: c.cluster_id for c in self.clusters for member in c.members}

    def as_dict(self) -> dict[str, Any]:
        return {
            "params": self.params,
            "clusters": [c.as_dict() for c in self.clusters],
            "links": [link._asdict() for link in self.links],
        }


@lru_cache(maxsize=1)
def _fold_lut() -> np.ndarray:
    """Code point -> folded code point (0: delete) for the first two Unicode planes.

    Folding is the slang detector's one-to-one table (case, full-width and styled letters,
    traditional characters); deleted are digits, spaces, punctuation, symbols and control
    characters. NUL becomes :data:`_SENTINEL`, the boundary between two texts of a batch.
    Applied to a whole batch at once with numpy, it is far faster than per-text NFKC or
    ``str.translate`` (which costs about 200 ns a Chinese character)."""
    lut = np.arange(_LUT_SIZE, dtype=np.uint32)
    for code, folded in fold_tables().table.items():
        if code < _LUT_SIZE:
            lut[code] = ord(folded)
    for code in range(_LUT_SIZE):
        char = chr(int(lut[code]))
        if unicodedata.category(char)[0] in "NPSZC" or char == "_":
            lut[code] = 0
    lut[0] = _SENTINEL
    return lut


def fold_texts(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fold a batch of texts: (code points of all folded texts, start and length of each).

    Runs of three or more identical characters are cut to two (``XXXX`` masks of redacted
    exports, ``!!!!``), so padding does not weigh in the similarity."""
    joined = "\x00".join(t.replace("\x00", "") if "\x00" in t else t for t in texts)
    raw = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    lut = _fold_lut()
    mapped = lut[np.minimum(raw, _LUT_SIZE - 1)]
    beyond = raw >= _LUT_SIZE
    if beyond.any():
        mapped[beyond] = raw[beyond]
    mapped = mapped[mapped != 0]
    if len(mapped) > 2:
        repeat = (mapped[2:] == mapped[1:-1]) & (mapped[1:-1] == mapped[:-2])
        repeat &= mapped[2:] != _SENTINEL
        keep = np.ones(len(mapped), dtype=bool)
        keep[2:] = ~repeat
        mapped = mapped[keep]
    boundaries = np.flatnonzero(mapped == _SENTINEL)
    starts = np.concatenate(([0], boundaries + 1)).astype(np.int64)
    ends = np.concatenate((boundaries, [len(mapped)])).astype(np.int64)
    return mapped, starts, ends - starts


def shingle_text(text: str) -> str:
    """The folded text that shingles are cut from (see the module docstring)."""
    codes, _, _ = fold_texts([text])
    return codes.tobytes().decode("utf-32-le")


def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) that datasketch's MinHashLSH picks for ``threshold`` and ``num_perm``."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 1 << 63, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 1 << 63, num_perm, dtype=np.uint64)
    return a, b


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, in place on a uint64 array."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def shingle_hashes(
    codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hashes of the k-shingles of each text (given as ``codes[start:start+length]``,
    every length at least ``k``), concatenated, and the number of shingles of each text."""
    counts = lengths - k + 1
    first = np.repeat(starts, counts) + (
        np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    wide = codes.astype(np.uint64)
    h = wide[first]
    for j in range(1, k):
        h *= np.uint64(0x100000001B3)
        h ^= wide[first + j]
    _mix64(h)
    h >>= np.uint64(32)
    return h, counts


def signatures(hashes: np.ndarray, counts: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MinHash signatures (texts × num_perm, uint32) from shingle hashes grouped by ``counts``."""
    n_docs = len(counts)
    out = np.empty((n_docs, len(a)), dtype=np.uint32)
    ends = np.cumsum(counts)
    doc = 0
    position = 0
    a_col, b_col = a[:, None], b[:, None]
    while doc < n_docs:
        # a block of whole texts with about SIGNATURE_CHUNK shingles
        last = int(np.searchsorted(ends, position + SIGNATURE_CHUNK, side="right"))
        last = max(last, doc + 1)
        block = hashes[position : int(ends[last - 1])]
        values = a_col * block[None, :]
        values += b_col
        values >>= np.uint64(32)
        local_starts = (np.concatenate(([position], ends[doc : last - 1])) - position).astype(
            np.int64
        )
        out[doc:last] = np.minimum.reduceat(values, local_starts, axis=1).T
        position = int(ends[last - 1])
        doc = last
    return out


def _band_keys(band: np.ndarray) -> np.ndarray:
    key = np.zeros(band.shape[0], dtype=np.uint64)
    for column in band.T:
        key ^= column.astype(np.uint64)
        key *= np.uint64(0x9E3779B97F4A7C15)
        key ^= key >> np.uint64(29)
    return key


def _candidate_pairs(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Anchor pairs (anchor index, member index) from every band, deduplicated, as int64 codes
    ``anchor * n + member``."""
    n = sig.shape[0]
    found: list[np.ndarray] = []
    for band in range(bands):
        keys = _band_keys(sig[:, band * rows : (band + 1) * rows])
        order = np.argsort(keys, kind="stable")  # within a bucket: ascending index = id order
        sorted_keys = keys[order]
        new_group = np.empty(n, dtype=bool)
        new_group[0] = True
        np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=new_group[1:])
        group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
        anchors = order[group_start]
        members = order
        keep = ~new_group
        if keep.any():
            found.append(anchors[keep].astype(np.int64) * n + members[keep])
    if not found:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(found))


def _similarity(sig: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    out = np.empty(len(left), dtype=np.float32)
    step = 100_000
    for i in range(0, len(left), step):
        equal = sig[left[i : i + step]] == sig[right[i : i + step]]
        out[i : i + step] = equal.mean(axis=1)
    return out


def find_templates(
    items: Iterable[tuple[str, str]],
    threshold: float = DEFAULT_THRESHOLD,
    num_perm: int = DEFAULT_NUM_PERM,
    seed: int = DEFAULT_SEED,
    k: int = DEFAULT_SHINGLE,
    min_chars: int = DEFAULT_MIN_CHARS,
    links: Literal["star", "forest"] = "star",
) -> TemplateResult:
    """Cluster near-duplicate texts.

    Parameters
    ----------
    items : iterable of (id, text)
        Ids must be unique. Order does not matter: the result depends only on the set of items.
    threshold : float
        Estimated Jaccard similarity of shingle sets at which two texts are the same template.
    num_perm : int
        MinHash permutations (signature length); more is more precise and slower.
    seed : int
        Seed of the hash functions; the same seed gives the same result.
    k : int
        Shingle length in folded characters.
    min_chars : int
        Texts with fewer folded characters are left out of clustering.
    links : "star" or "forest"
        Which ``SAME_TEMPLATE`` links to return (see the module docstring).

    Returns
    -------
    TemplateResult
        ``clusters`` (two or more members each) and ``links``.
    """
    if not 0.0 < threshold <= 1.0:
        raise UserError(f"threshold must be in (0, 1], not {threshold}")
    if num_perm < 8 or k < 1:
        raise UserError("num_perm must be at least 8 and k at least 1")
    if links not in ("star", "forest"):
        raise UserError(f"links must be 'star' or 'forest', not {links!r}")
    bands, rows = lsh_bands(threshold, num_perm)
    params = {
        "threshold": threshold,
        "num_perm": num_perm,
        "seed": seed,
        "k": k,
        "min_chars": min_chars,
        "bands": bands,
        "rows": rows,
        "links": links,
    }
    pairs = list(items)
    ids = [item_id for item_id, _ in pairs]
    if len(set(ids)) != len(ids):
        raise UserError("find_templates: ids must be unique")
    pairs.sort(key=lambda pair: pair[0])
    ids = [item_id for item_id, _ in pairs]
    texts = [text for _, text in pairs]
    del pairs

    a, b = _permutations(num_perm, seed)
    kept_blocks: list[np.ndarray] = []  # index (in id order) of every text with a signature
    blocks: list[np.ndarray] = []
    shortest = max(min_chars, k)
    for first in range(0, len(texts), BATCH_TEXTS):
        codes_batch, starts, lengths = fold_texts(
            [t or "" for t in texts[first : first + BATCH_TEXTS]]
        )
        eligible = np.flatnonzero(lengths >= shortest)
        if len(eligible):
            kept_blocks.append(eligible + first)
            hashes, counts = shingle_hashes(codes_batch, starts[eligible], lengths[eligible], k)
            blocks.append(signatures(hashes, counts, a, b))
    kept = np.concatenate(kept_blocks).tolist() if kept_blocks else []
    if len(kept) < 2:
        return TemplateResult([], [], params)
    sig = np.concatenate(blocks)
    blocks.clear()

    codes = _candidate_pairs(sig, bands, rows)
    n = sig.shape[0]
    left, right = codes // n, codes % n
    similarity = _similarity(sig, left, right)
    ok = similarity >= threshold - 1e-6
    left, right, similarity = left[ok], right[ok], similarity[ok]
    if len(left) == 0:
        return TemplateResult([], [], params)

    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    degree = np.bincount(left, minlength=n) + np.bincount(right, minlength=n)
    sizes = np.bincount(labels)
    clustered = np.flatnonzero(sizes[labels] >= 2)
    # members grouped by label, ordered by index (= id order) inside each group
    order = clustered[np.argsort(labels[clustered], kind="stable")]
    group_labels = labels[order]
    boundaries = np.flatnonzero(np.diff(group_labels)) + 1
    groups = np.split(order, boundaries)

    clusters: list[TemplateCluster] = []
    representative_of = np.full(n, -1, dtype=np.int64)
    for group in groups:
        best = group[np.argmax(degree[group])]  # argmax keeps the first (smallest id) on ties
        representative_of[group] = best
        members = tuple(ids[kept[i]] for i in group)
        clusters.append(
            TemplateCluster(
                cluster_id=f"tpl:{members[0]}",
                members=members,
                representative=ids[kept[best]],
                text=texts[kept[best]],
            )
        )
    clusters.sort(key=lambda c: (-c.size, c.cluster_id))

    result_links: list[TemplateLink] = []
    if links == "star":
        spokes = np.flatnonzero((representative_of >= 0) & (representative_of != np.arange(n)))
        hubs = representative_of[spokes]
        star_similarity = _similarity(sig, hubs, spokes)
        for hub, member, value in zip(hubs, spokes, star_similarity, strict=True):
            result_links.append(
                TemplateLink(ids[kept[hub]], ids[kept[member]], round(float(value), 4))
            )
    else:
        weights = coo_matrix((2.0 - similarity.astype(np.float64), (left, right)), shape=(n, n))
        forest = minimum_spanning_tree(weights.tocsr()).tocoo()
        for u, v, weight in zip(forest.row, forest.col, forest.data, strict=True):
            low, high = (u, v) if u < v else (v, u)
            result_links.append(
                TemplateLink(ids[kept[low]], ids[kept[high]], round(2.0 - float(weight), 4))
            )
    result_links.sort(key=lambda link: (link.id_a, link.id_b))
    return TemplateResult(clusters, result_links, params)
