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
   member is paired with the bucket's *anchor*, its first text in write order (see below): at
   most ``n × bands`` candidate pairs overall, and the buckets still connect every family.
4. **Verification.** A candidate pair counts when its estimated Jaccard similarity (the share of
   equal signature values) is at least ``threshold``.
5. **Clusters** are stars, not connected components: components chain (A~B, B~C, C~D put A
   and D together however unlike they are — on a million synthetic complaints, texts drawn from
   a small pool of phrases chained into two components of ~250,000). Rounds of star peeling
   (:func:`_star_clusters`) pick hubs — texts with more verified links than any unassigned
   neighbour — and give each text to the hub, among those one or two links away, that it is
   most similar to, when that estimated similarity is at least ``threshold``; the rest go round
   again (at most ``max_rounds`` rounds; ``params["unplaced"]`` counts any left). So every
   member of a cluster is within the threshold of its representative, the hub. A cluster's id
   is ``tpl:`` + its first member in write order.

Write order
-----------
Every choice — anchors, the peel's ties, a cluster's id — follows one order of the texts: by
``written`` (an integer per id that grows as texts are written; for complaints, the receipt
time of the submission that first named them), then by id. Without ``written`` it is id order.
So the result depends only on the items and their ``written``, not on input order or the run.
Why write order rather than id order: a later submission's texts then come after every text
already clustered, so they become the anchor of no existing bucket and the incremental index
(:mod:`graph.text.template_index`) pairs again little more than the new texts themselves; in
id order a new lender's keys that sort first (``complaint:云杉…``) re-anchored every bucket they
joined and re-clustered far more complaints than the submission touched.

Links for the graph (``SAME_TEMPLATE``)
---------------------------------------
``links="star"`` (default): every member is linked to its cluster's representative, with their
estimated similarity (at least the threshold): ``size − 1`` links per cluster, one visible hub
per template, and never the O(n²) clique. ``links="forest"``: a maximum spanning forest of the
verified pairs and spokes inside each cluster, every link at or above the threshold.

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, NamedTuple

import numpy as np

from graph.core.errors import UserError
from graph.text.normalize import fold_tables

DEFAULT_THRESHOLD = 0.6
DEFAULT_NUM_PERM = 128
DEFAULT_SHINGLE = 5
DEFAULT_SEED = 1
DEFAULT_MIN_CHARS = 30
DEFAULT_MAX_ROUNDS = 50  # star-peeling rounds (see _star_clusters); a few suffice in practice
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
    members: tuple[str, ...]  # sorted ids (the cluster id names the first in write order)
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


def band_key_matrix(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """The LSH bucket of every text in every band (texts × bands, uint64): two texts share a
    bucket of a band when they agree on that band's ``rows`` signature values."""
    out = np.empty((sig.shape[0], bands), dtype=np.uint64)
    for band in range(bands):
        out[:, band] = _band_keys(sig[:, band * rows : (band + 1) * rows])
    return out


def anchor_pairs(keys: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Within each bucket of ``keys`` (one band's key per text), every member paired with the
    bucket's *anchor*, its member of smallest ``rank`` (write order): (anchor, member) indices."""
    n = len(keys)
    if n == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    order = np.lexsort((rank, keys))  # within a bucket: by rank
    sorted_keys = keys[order]
    new_group = np.empty(n, dtype=bool)
    new_group[0] = True
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=new_group[1:])
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    keep = ~new_group
    return order[group_start][keep].astype(np.int64), order[keep].astype(np.int64)


def _candidate_pairs(keys: np.ndarray) -> np.ndarray:
    """Anchor pairs (anchor index, member index) from every band of ``keys`` (texts × bands, the
    texts in write order), deduplicated, as int64 codes ``anchor * n + member``."""
    n = keys.shape[0]
    rank = np.arange(n, dtype=np.int64)
    found: list[np.ndarray] = []
    for band in range(keys.shape[1]):
        anchors, members = anchor_pairs(keys[:, band], rank)
        if len(anchors):
            found.append(anchors * n + members)
    if not found:
        return np.empty(0, dtype=np.int64)
    return sorted_unique(np.concatenate(found))


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of a 1-d array, by sorting: numpy 2's hash-based ``unique`` is a hundred
    times slower on a million distinct integers."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def verified(
    sig: np.ndarray, left: np.ndarray, right: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs whose estimated similarity is at least ``threshold``, with it."""
    similarity = _similarity(sig, left, right)
    ok = similarity >= threshold - 1e-6
    return left[ok], right[ok], similarity[ok]


def _similarity(sig: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    out = np.empty(len(left), dtype=np.float32)
    step = 100_000
    for i in range(0, len(left), step):
        equal = sig[left[i : i + step]] == sig[right[i : i + step]]
        out[i : i + step] = equal.mean(axis=1)
    return out


def _best_per_node(
    node: np.ndarray, hub: np.ndarray, value: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each distinct ``node``, its candidate with the highest ``value`` (ties: smallest
    hub index)."""
    order = np.lexsort((hub, -value, node))
    node, hub, value = node[order], hub[order], value[order]
    first = np.ones(len(node), dtype=bool)
    first[1:] = node[1:] != node[:-1]
    return node[first], hub[first], value[first]


def _star_clusters(
    sig: np.ndarray, left: np.ndarray, right: np.ndarray, threshold: float, max_rounds: int
) -> tuple[np.ndarray, int, int]:
    """Clusters in which every member is within ``threshold`` of its cluster's hub.

    ``left``/``right`` are the verified pairs (indices into ``sig``). Connected components of
    those pairs chain: A~B and B~C put A and C together however unlike they are, and at scale
    texts drawn from a small pool of phrases chain into a few giant components. Instead, rounds
    of star peeling over the still unassigned texts (the *active* ones):

    1. a *hub* is an active text whose (active degree, smaller index) beats that of every active
       neighbour — a local maximum, so every part of the graph with an edge has one;
    2. every active text is offered, as candidate hubs, its adjacent new hubs, the best new hub
       of each active neighbour (two hops), and the hub of each neighbour already assigned in an
       earlier round; it joins the candidate with the highest estimated similarity (ties:
       smallest hub index) when that is at least ``threshold``;
    3. a new hub that won members becomes a cluster; everything assigned leaves the active set.

    Each round assigns at least the neighbours of the best hub in each part, so the rounds end;
    after ``max_rounds`` the texts still active stay unclustered (counted in the result). All
    choices depend on indices (= write order) only: deterministic and independent of input
    order.

    Returns ``(hub_of, rounds, unplaced)``: ``hub_of[i]`` is the hub index of text ``i`` (itself
    for a hub) or -1 when unclustered.
    """
    n = sig.shape[0]
    src = np.concatenate((left, right)).astype(np.int64)  # both directions of every pair
    dst = np.concatenate((right, left)).astype(np.int64)
    hub_of = np.full(n, -1, dtype=np.int64)
    assigned_in = np.full(n, -1, dtype=np.int64)  # the round a text was assigned in
    active = np.zeros(n, dtype=bool)
    active[src] = True
    tie = n - 1 - np.arange(n, dtype=np.int64)  # on equal degree, the smaller index wins
    rounds = 0
    while True:
        # the edges that still matter: from an active text to an active one, or to a text
        # assigned in the last round (its hub is a new offer; older hubs were offered before)
        live = active[dst]
        keep = active[src] & (live | (assigned_in[dst] == rounds))
        src, dst, live = src[keep], dst[keep], live[keep]
        if len(src) == 0 or rounds >= max_rounds:
            break
        rounds += 1
        degree = np.bincount(src[live], minlength=n).astype(np.int64)
        key = degree * n + tie
        best_neighbour = np.full(n, -1, dtype=np.int64)
        np.maximum.at(best_neighbour, src[live], key[dst[live]])
        is_hub = active & (degree > 0) & (key > best_neighbour)
        # each active text's best adjacent new hub (the two-hop offers go through it)
        via = live & is_hub[dst]
        best_hub_key = np.full(n, -1, dtype=np.int64)
        np.maximum.at(best_hub_key, src[via], key[dst[via]])
        best_hub = np.where(best_hub_key >= 0, n - 1 - best_hub_key % n, -1)
        old = ~live
        node = np.concatenate((src[via], src[live], src[old]))
        hub = np.concatenate((dst[via], best_hub[dst[live]], hub_of[dst[old]]))
        keep = (hub >= 0) & ~is_hub[node]
        codes = sorted_unique(node[keep] * n + hub[keep])
        node, hub = codes // n, codes % n
        value = _similarity(sig, node, hub)
        ok = value >= threshold - 1e-6
        node, hub, value = _best_per_node(node[ok], hub[ok], value[ok])
        new_hubs = sorted_unique(hub[is_hub[hub]])
        hub_of[node] = hub
        hub_of[new_hubs] = new_hubs
        active[node] = False
        active[new_hubs] = False
        assigned_in[node] = rounds
        assigned_in[new_hubs] = rounds
    unplaced = len(sorted_unique(src[active[src] & active[dst]]))
    return hub_of, rounds, unplaced


def find_templates(
    items: Iterable[tuple[str, str]],
    threshold: float = DEFAULT_THRESHOLD,
    num_perm: int = DEFAULT_NUM_PERM,
    seed: int = DEFAULT_SEED,
    k: int = DEFAULT_SHINGLE,
    min_chars: int = DEFAULT_MIN_CHARS,
    links: Literal["star", "forest"] = "star",
    max_rounds: int = DEFAULT_MAX_ROUNDS,
    written: Mapping[str, int] | None = None,
) -> TemplateResult:
    """Cluster near-duplicate texts.

    Parameters
    ----------
    items : iterable of (id, text)
        Ids must be unique. Order does not matter: the result depends only on the set of items
        (and ``written``).
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
    max_rounds : int
        Bound on the rounds of star peeling; texts still unassigned after it stay unclustered
        (``params["unplaced"]``).
    written : mapping of id to int, optional
        Each text's place in write order (absent: 0), ties broken by id; see the module
        docstring. Without it, id order.

    Returns
    -------
    TemplateResult
        ``clusters`` (two or more members each) and ``links``.
    """
    result, _ = cluster_texts(
        items,
        template_params(threshold, num_perm, seed, k, min_chars, links, max_rounds),
        keep=False,
        written=written,
    )
    return result


def template_params(
    threshold: float = DEFAULT_THRESHOLD,
    num_perm: int = DEFAULT_NUM_PERM,
    seed: int = DEFAULT_SEED,
    k: int = DEFAULT_SHINGLE,
    min_chars: int = DEFAULT_MIN_CHARS,
    links: str = "star",
    max_rounds: int = DEFAULT_MAX_ROUNDS,
) -> dict[str, Any]:
    """The checked parameters of a clustering, with the LSH bands and rows they imply."""
    if not 0.0 < threshold <= 1.0:
        raise UserError(f"threshold must be in (0, 1], not {threshold}")
    if num_perm < 8 or k < 1:
        raise UserError("num_perm must be at least 8 and k at least 1")
    if links not in ("star", "forest"):
        raise UserError(f"links must be 'star' or 'forest', not {links!r}")
    bands, rows = lsh_bands(threshold, num_perm)
    return {
        "threshold": threshold,
        "num_perm": num_perm,
        "seed": seed,
        "k": k,
        "min_chars": min_chars,
        "bands": bands,
        "rows": rows,
        "links": links,
        "max_rounds": max_rounds,
    }


@dataclass
class Clustering:
    """Everything a clustering computed, indexed by text in write order: what an incremental
    update (:mod:`graph.text.template_index`) starts from."""

    ids: list[str]  # texts long enough to cluster, in write order (then id)
    written: np.ndarray  # their place in write order (int64)
    short: list[str]  # texts too short to cluster
    sig: np.ndarray  # MinHash signatures (texts × num_perm, uint32)
    keys: np.ndarray  # LSH bucket keys (texts × bands, uint64)
    left: np.ndarray  # verified pairs (indices), left < right
    right: np.ndarray
    similarity: np.ndarray  # their estimated similarity (float32)
    hub_of: np.ndarray  # the hub of each text (itself for a hub), -1 when unclustered


def text_signatures(texts: list[str], params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(indices of the texts long enough to cluster, their MinHash signatures)."""
    k, num_perm = params["k"], params["num_perm"]
    a, b = _permutations(num_perm, params["seed"])
    kept_blocks: list[np.ndarray] = []
    blocks: list[np.ndarray] = []
    shortest = max(params["min_chars"], k)
    for start in range(0, len(texts), BATCH_TEXTS):
        codes_batch, starts, lengths = fold_texts(
            [t or "" for t in texts[start : start + BATCH_TEXTS]]
        )
        eligible = np.flatnonzero(lengths >= shortest)
        if len(eligible):
            kept_blocks.append(eligible + start)
            hashes, counts = shingle_hashes(codes_batch, starts[eligible], lengths[eligible], k)
            blocks.append(signatures(hashes, counts, a, b))
    if not blocks:
        return np.empty(0, dtype=np.int64), np.empty((0, num_perm), dtype=np.uint32)
    return np.concatenate(kept_blocks), np.concatenate(blocks)


def cluster_texts(
    items: Iterable[tuple[str, str]],
    params: dict[str, Any],
    *,
    keep: bool = True,
    written: Mapping[str, int] | None = None,
) -> tuple[TemplateResult, Clustering | None]:
    """:func:`find_templates` with checked ``params`` (:func:`template_params`); with ``keep``
    also the :class:`Clustering` it computed. ``written``: each id's place in write order."""
    params = dict(params)
    pairs = list(items)
    ids = [item_id for item_id, _ in pairs]
    if len(set(ids)) != len(ids):
        raise UserError("find_templates: ids must be unique")
    place = written or {}
    pairs.sort(key=lambda pair: (place.get(pair[0], 0), pair[0]))
    ids = [item_id for item_id, _ in pairs]
    texts = [text for _, text in pairs]
    del pairs

    kept_index, sig = text_signatures(texts, params)
    kept = kept_index.tolist()
    n = sig.shape[0]
    keys = band_key_matrix(sig, params["bands"], params["rows"])
    codes = _candidate_pairs(keys)
    left, right, similarity = verified(sig, codes // n, codes % n, params["threshold"])
    if len(left):
        hub_of, rounds, unplaced = _star_clusters(
            sig, left, right, params["threshold"], params["max_rounds"]
        )
        params["rounds"] = rounds
        params["unplaced"] = unplaced
    else:
        hub_of = np.full(n, -1, dtype=np.int64)
    clustering = None
    if keep:
        chosen = set(kept)
        clustering = Clustering(
            ids=[ids[i] for i in kept],
            written=np.array([place.get(ids[i], 0) for i in kept], dtype=np.int64),
            short=[item_id for i, item_id in enumerate(ids) if i not in chosen],
            sig=sig,
            keys=keys,
            left=left,
            right=right,
            similarity=similarity,
            hub_of=hub_of,
        )
    result = _result(ids, texts, kept, sig, left, right, similarity, hub_of, params)
    return result, clustering


def _result(
    ids: list[str],
    texts: list[str],
    kept: list[int],
    sig: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    similarity: np.ndarray,
    hub_of: np.ndarray,
    params: dict[str, Any],
) -> TemplateResult:
    """Clusters and links from the hubs (``kept[i]``: the position in ``ids`` of text ``i``)."""
    links = params["links"]
    n = sig.shape[0]
    clustered = np.flatnonzero(hub_of >= 0)
    if len(clustered) == 0:
        return TemplateResult([], [], params)
    # members grouped by hub, ordered by index (= write order) inside each group
    order = clustered[np.argsort(hub_of[clustered], kind="stable")]
    boundaries = np.flatnonzero(np.diff(hub_of[order])) + 1
    clusters: list[TemplateCluster] = []
    for group in np.split(order, boundaries):
        hub = int(hub_of[group[0]])
        clusters.append(
            TemplateCluster(
                cluster_id=f"tpl:{ids[kept[group[0]]]}",
                members=tuple(sorted(ids[kept[i]] for i in group)),
                representative=ids[kept[hub]],
                text=texts[kept[hub]],
            )
        )
    clusters.sort(key=lambda c: (-c.size, c.cluster_id))

    spokes = np.flatnonzero((hub_of >= 0) & (hub_of != np.arange(n)))
    hubs = hub_of[spokes]
    star_similarity = _similarity(sig, hubs, spokes)
    result_links: list[TemplateLink] = []
    if links == "star":
        for hub, member, value in zip(hubs, spokes, star_similarity, strict=True):
            result_links.append(
                TemplateLink(ids[kept[hub]], ids[kept[member]], round(float(value), 4))
            )
    else:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import minimum_spanning_tree

        # verified pairs inside one cluster, and the spokes (which connect every cluster)
        inside = (hub_of[left] >= 0) & (hub_of[left] == hub_of[right])
        ends_a = np.concatenate((left[inside], hubs))
        ends_b = np.concatenate((right[inside], spokes))
        values = np.concatenate((similarity[inside], star_similarity)).astype(np.float64)
        low_end, high_end = np.minimum(ends_a, ends_b), np.maximum(ends_a, ends_b)
        _, first = np.unique(low_end * n + high_end, return_index=True)  # a pair once
        weights = coo_matrix((2.0 - values[first], (low_end[first], high_end[first])), shape=(n, n))
        forest = minimum_spanning_tree(weights.tocsr()).tocoo()
        for u, v, weight in zip(forest.row, forest.col, forest.data, strict=True):
            low, high = (u, v) if u < v else (v, u)
            result_links.append(
                TemplateLink(ids[kept[low]], ids[kept[high]], round(2.0 - float(weight), 4))
            )
    result_links.sort(key=lambda link: (link.id_a, link.id_b))
    return TemplateResult(clusters, result_links, params)
