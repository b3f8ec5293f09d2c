"""Rings from plain data: which intermediaries work together.

Seeds are entities that score at least ``min_seed_score`` *and* whose complaints look
agent-written: at least ``min_agent_share`` of them in one template cluster, or disguising slang
(``select_seeds``). A law firm's office line, a shared family phone or a popular number also
serves many complainants, but in their own words; without this test they score like a ring
(complainants, lenders, calls) and lead.

Seeds and the entities tied to them (a firm's phones, an account's phone, a legal
representative) are projected into an undirected networkx graph (``ring_graph``) whose edges are
the facts that tie intermediaries together: a complaint naming both, a firm's phone, an account
advertising a phone, a shared legal representative, calls (these come from the database), shared
people and shared templates (``seed_ties``, from plain data):

* shared people (``SAME_PEOPLE``): two seeds dealing with at least two of the same borrowers —
  complainants whose complaints name them, or people whose phones they called. At the 1M world
  no two seeds of different rings shared even one, while a ring's numbers that no complaint or
  firm tied, such as a second number that only chases the first one's clients, shared many.
* shared templates (``SAME_TEMPLATE``): two seeds with at least half of the complaints of the
  one with fewer in the same template clusters — how a ring's second and third numbers, which
  only call borrowers or appear as contacts, join the ring instead of leading alone, while two
  rings whose boilerplate overlaps a little stay apart. A template tie also needs a person in
  common — a borrower whose complaints name both seeds, or whom one of them called — because
  rings buy the same letters: at the 100k world a third of the template ties joined two
  different rings, and none of those shared a person.

* shared contact handles (``CONTACT_IN_BIO``, ``CONTACT_IN_COMPLAINTS``, from the database's
  ``MENTIONS_CONTACT`` links): a WeChat id, QQ number, Telegram username, site or e-mail address
  that an account's own bio gives, or that complaints naming a seed give — the handle a ring
  prints on its adverts and letters. The handle becomes a node of the ring graph tied to each
  seed whose texts give it, so two accounts, or the numbers behind two sets of complaints, that
  give the same handle are one ring. ``contact_ties`` keeps only handles that can hold a ring:
  a platform's own host (``PLATFORM_HOSTS``: weixin.qq.com, the complaint site …) ties nothing;
  a handle more than ``LIMITS.ring_contact_holders`` seeds reach is generic; and a handle whose
  texts are mostly not the ring graph's own (under ``LIMITS.ring_contact_own_share`` of the texts
  that give it come from the bios of its accounts or complaints naming its nodes: a lender's
  official site that its customers cite) is a hub. Complaints alone are a
  weak tie: one complaint giving a handle (a stranger who approached two borrowers) ties nothing.

A person or a template cluster that too many seeds share is generic and ties nothing, and hubs
(nodes with more links in the whole graph than ``LIMITS.ring_hub_degree``) and service numbers do
not hold rings together (``prune_ring_graph``). A firm known only by a name that several
registered firms bear is left out too: it cannot say which of them the complaints meant (the
caller names such nodes in ``drop``). Louvain communities (seeded, so a re-run gives the same
rings) are the candidate rings, ranked by score (``rings_from_communities``).

Nothing here reads the database: ``graph.evidence.analytics`` reads the ties, the people and the
node facts, and calls these functions.

Examples
--------
Two numbers that deal with the same two borrowers are one ring; a third stays alone:

>>> from graph.evidence.scores import EntityScore
>>> def seed(key):
...     features = {"complaints": 2, "template_share": 1.0, "disguise_rate": 0.0}
...     return EntityScore(key, "Phone", 80.0, {}, features)
>>> seeds = select_seeds([seed("phone:a"), seed("phone:b"), seed("phone:c")])
>>> people = {"phone:a": {"person:1": 1, "person:2": 1},
...           "phone:b": {"person:1": 1, "person:2": 1}, "phone:c": {"person:3": 1}}
>>> ties = seed_ties(seeds, people)
>>> ties
[{'key': 'phone:a', 'other': 'phone:b', 'why': 'SAME_PEOPLE', 'weight': 2}]
>>> [ring.members for ring in rings_from_ties(seeds, ties, info={})]
[['phone:a', 'phone:b'], ['phone:c']]
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import networkx as nx

from graph.core.limits import LIMITS
from graph.evidence.scores import EntityScore, is_service_number

# A tie: ``{"key": a, "other": b, "why": kind, "weight": n}`` (the ``TIES`` rows of
# ``graph.evidence.analytics`` have this shape; ``other`` may be None and is then ignored).
Tie = Mapping[str, Any]

# Hosts of the platforms and public services themselves: a complaint citing the complaint site or
# WeChat's own pages says nothing about who wrote it (subdomains included).
PLATFORM_HOSTS = frozenset(
    {
        "weixin.qq.com", "qq.com", "wechat.com", "t.me", "telegram.org", "telegram.me",
        "tousu.sina.com.cn", "sina.com.cn", "weibo.com", "douyin.com", "kuaishou.com",
        "xiaohongshu.com", "baidu.com", "alipay.com", "taobao.com", "jd.com",
        "pbccrc.org.cn", "cbirc.gov.cn", "nfra.gov.cn", "pbc.gov.cn", "12315.cn", "gov.cn",
    }
)  # fmt: skip
# Tie kinds that complaints alone state: one complaint is not enough (``prune_ring_graph``).
COMPLAINT_TIES = frozenset({"SAME_COMPLAINT", "CONTACT_IN_COMPLAINTS"})

# Louvain's resolution: below 1 favours larger communities (a ring's numbers, firms and accounts
# together) over many pairs.
RESOLUTION = 0.5
# Louvain runs on each connected component on its own (``ring_communities``); modularity's null
# model is scaled as if the component were part of a ring graph of this total edge weight, so a
# component's rings depend on it alone. (Modularity over the whole graph scales it by the whole
# graph's weight: a submission anywhere would change how every component splits. On a component
# alone, a firm, its office line and its numbers — one ring — split into pieces.)
REFERENCE_WEIGHT = 1_000.0


@dataclass
class Ring:
    """A candidate ring: its member keys (sorted), its seeds (best first), its score and the
    edges that hold it together as ``(a, b, why, weight)`` with ``a < b``, sorted, ``why``
    comma-separated kinds."""

    members: list[str]
    seeds: list[EntityScore]
    score: float
    edges: list[tuple[str, str, str, float]] = field(default_factory=list)


def looks_agent_written(score: EntityScore, min_share: float) -> bool:
    """Templated or disguised texts: what sets a ring's numbers apart from a law firm's office
    line, a family phone or a popular number, which also serve many complainants.

    Examples
    --------
    >>> looks_agent_written(EntityScore("phone:a", "Phone", 80.0, {}, {"template_share": 0.3}), 0.25)
    True
    >>> looks_agent_written(EntityScore("phone:b", "Phone", 80.0, {}, {"disguise_rate": 0.1}), 0.25)
    False
    """
    features = score.features
    return (
        features.get("template_share", 0.0) >= min_share
        or features.get("disguise_rate", 0.0) >= min_share
    )


def select_seeds(
    scores: Iterable[EntityScore], *, min_seed_score: float = 45.0, min_agent_share: float = 0.25
) -> dict[str, EntityScore]:
    """The seeds among ``scores``, by key in the order of ``scores``: a score of at least
    ``min_seed_score`` and complaints that look agent-written (``looks_agent_written``)."""
    return {
        s.key: s
        for s in scores
        if s.score >= min_seed_score and looks_agent_written(s, min_agent_share)
    }


def shared_counts(
    holdings: Mapping[str, Mapping[str, int]],
    max_holders: int,
    outside: Mapping[str, int] | None = None,
) -> dict[tuple[str, str], int]:
    """For each pair of keys, how much they hold in common.

    Parameters
    ----------
    holdings : mapping
        A key to the items it holds (a template cluster, a person) with a count.
    max_holders : int
        An item more than this many keys hold is generic and counts for none.
    outside : mapping, optional
        Item to how many keys beyond ``holdings`` hold it (ring finding over part of the seeds,
        ``graph.evidence.ringregion``): they count toward ``max_holders``.

    Returns
    -------
    dict
        ``(a, b)`` with ``a < b`` to the sum, over the items both hold, of the smaller count.

    Examples
    --------
    >>> shared_counts({"b": {"x": 3, "y": 1}, "a": {"x": 2, "y": 5}, "c": {"y": 1}}, 3)
    {('a', 'b'): 3, ('a', 'c'): 1, ('b', 'c'): 1}
    >>> shared_counts({"b": {"x": 3, "y": 1}, "a": {"x": 2, "y": 5}, "c": {"y": 1}}, 2)
    {('a', 'b'): 2}
    """
    holders: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for key in sorted(holdings):
        for item, count in holdings[key].items():
            holders[item].append((key, count))
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for item, members in holders.items():
        total = len(members) + (outside.get(item, 0) if outside else 0)
        if len(members) < 2 or total > max_holders:
            continue
        for i, (a, count_a) in enumerate(members):
            for b, count_b in members[i + 1 :]:
                shared[(a, b)] += min(count_a, count_b)
    return dict(shared)


def template_ties(
    seeds: Mapping[str, EntityScore],
    *,
    min_shared: int,
    min_overlap: float,
    max_holders: int,
    outside: Mapping[str, int] | None = None,
) -> list[tuple[str, str, int]]:
    """Pairs of seeds whose complaints share template clusters.

    A pair ties when it shares at least ``min_shared`` complaints (counted as the smaller side
    per cluster) and at least ``min_overlap`` of the complaints of the seed with fewer: one
    ring's numbers carry the same letters, while two rings whose boilerplate happens to overlap
    share a small part of their complaints. A cluster that more than ``max_holders`` seeds share
    is generic wording, not one ring's letter, and ties nothing (``outside``: as
    ``shared_counts``').

    Returns
    -------
    list of tuple
        ``(a, b, complaints in common)``, sorted, ``a < b``.
    """
    shared = shared_counts(
        {key: seed.templates for key, seed in seeds.items()}, max_holders, outside
    )
    ties = []
    for (a, b), n in sorted(shared.items()):
        fewer = min(seeds[a].features["complaints"], seeds[b].features["complaints"])
        if n >= min_shared and n >= min_overlap * fewer:
            ties.append((a, b, n))
    return ties


def seed_ties(
    seeds: Mapping[str, EntityScore],
    people: Mapping[str, Mapping[str, int]],
    *,
    min_shared_people: int = 2,
    max_people_holders: int = LIMITS.ring_person_holders,
    min_shared_templates: int = 2,
    min_template_overlap: float = 0.5,
    max_template_holders: int = LIMITS.ring_template_holders,
    outside: Mapping[str, Mapping[str, int]] | None = None,
) -> list[dict[str, Any]]:
    """The ties between seeds that no single fact states: shared people, then shared templates.

    Parameters
    ----------
    seeds : mapping
        Seed key to its score (``select_seeds``).
    people : mapping
        Seed key to the people it deals with, as ``{person key: 1}``.
    min_shared_people : int
        People two seeds must share for a ``SAME_PEOPLE`` tie.
    max_people_holders : int
        A person more seeds than this deal with (a popular complainant, a number everyone
        calls) ties nobody.
    min_shared_templates, min_template_overlap, max_template_holders
        See ``template_ties``. A ``SAME_TEMPLATE`` tie also needs one person in common.
    outside : mapping, optional
        ``{"people": {person: n}, "templates": {cluster: n}}``: how many seeds beyond ``seeds``
        hold each item (see ``shared_counts``).

    Returns
    -------
    list of dict
        Ties (``{"key", "other", "why", "weight"}``), ``SAME_PEOPLE`` ones first, each kind
        sorted by pair.
    """
    outside = outside or {}
    shared_people = shared_counts(people, max_people_holders, outside.get("people"))
    ties: list[dict[str, Any]] = [
        {"key": a, "other": b, "why": "SAME_PEOPLE", "weight": n}
        for (a, b), n in sorted(shared_people.items())
        if n >= min_shared_people
    ]
    ties += [
        {"key": a, "other": b, "why": "SAME_TEMPLATE", "weight": n}
        for a, b, n in template_ties(
            seeds,
            min_shared=min_shared_templates,
            min_overlap=min_template_overlap,
            max_holders=max_template_holders,
            outside=outside.get("templates"),
        )
        if shared_people.get((a, b), 0) > 0
    ]
    return ties


def is_platform_contact(key: str) -> bool:
    """A platform's or public service's own host (``PLATFORM_HOSTS``, subdomains included).

    Examples
    --------
    >>> [is_platform_contact(k) for k in ("domain:m.weibo.com", "domain:fawu12.com", "wechat:qq.com")]
    [True, False, False]
    """
    if not key.startswith("domain:"):
        return False
    host = key.removeprefix("domain:")
    return any(host == known or host.endswith("." + known) for known in PLATFORM_HOSTS)


def contact_ties(
    ties: Iterable[Tie],
    mentions: Mapping[str, int],
    *,
    seeds: Collection[str] | None = None,
    max_holders: int = LIMITS.ring_contact_holders,
    min_own_share: float = LIMITS.ring_contact_own_share,
    outside: Mapping[str, int] | None = None,
    outside_subjects: Mapping[str, Collection[str]] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The ties through shared handles that can hold a ring, and the handles set aside.

    Parameters
    ----------
    ties : iterable of dict
        ``{"key": node, "other": handle key, "why", "weight", "subjects"}``: the texts of a node
        of the ring graph that give the handle (an account's own key for its bio, complaint keys).
    mentions : mapping
        Handle key to how many subjects (complaints, accounts) give it in the whole graph.
    seeds : collection of str, optional
        The seeds: only their ties are kept, and only they count as holders; the other nodes'
        texts count as the ring graph's own. None: every ``key`` is a seed.
    max_holders : int
        A handle more seeds than this reach is generic.
    min_own_share : float
        At least this share of the subjects giving a handle must be the seeds' own.
    outside : mapping, optional
        Handle key to how many seeds beyond those of ``ties`` give it: they count toward
        ``max_holders``.
    outside_subjects : mapping, optional
        Handle key to the subjects giving it of the ring graph's nodes beyond those of ``ties``:
        they count as its own.

    Returns
    -------
    tuple
        The kept ties of seeds (``{"key", "other", "why", "weight"}``, in the order given) and
        the handles set aside, each with why: ``platform``, ``generic`` or ``public``.

    Examples
    --------
    A ring's WeChat id, given by two of its accounts' bios and nowhere else, ties them; a
    lender's site, cited by 40 complaints of which two name a seed, is a hub:

    >>> ties = [
    ...     {"key": "account:a", "other": "wechat:fw1", "why": "CONTACT_IN_BIO", "weight": 1,
    ...      "subjects": ["account:a"]},
    ...     {"key": "account:b", "other": "wechat:fw1", "why": "CONTACT_IN_BIO", "weight": 1,
    ...      "subjects": ["account:b"]},
    ...     {"key": "phone:1", "other": "domain:lender.com", "why": "CONTACT_IN_COMPLAINTS",
    ...      "weight": 2, "subjects": ["complaint:x", "complaint:y"]},
    ... ]
    >>> kept, hubs = contact_ties(ties, {"wechat:fw1": 2, "domain:lender.com": 40})
    >>> [(t["key"], t["other"]) for t in kept], hubs
    ([('account:a', 'wechat:fw1'), ('account:b', 'wechat:fw1')], {'domain:lender.com': 'public'})
    """
    by_handle: dict[str, list[Tie]] = defaultdict(list)
    for tie in ties:
        by_handle[tie["other"]].append(tie)
    kept: list[dict[str, Any]] = []
    hubs: dict[str, str] = {}
    for handle, group in by_handle.items():
        subjects = {subject for tie in group for subject in tie["subjects"]}
        own = len(subjects.union((outside_subjects or {}).get(handle, ())))
        total = max(int(mentions.get(handle, 0)), own)
        held = [tie for tie in group if seeds is None or tie["key"] in seeds]
        if not held:
            continue
        if is_platform_contact(handle):
            hubs[handle] = "platform"
        elif len({tie["key"] for tie in held}) + (outside or {}).get(handle, 0) > max_holders:
            hubs[handle] = "generic"
        elif own < min_own_share * total:
            hubs[handle] = "public"
        else:
            kept += [{k: tie[k] for k in ("key", "other", "why", "weight")} for tie in held]
    return kept, hubs


def tied_keys(seeds: Iterable[str], ties: Iterable[Tie]) -> list[str]:
    """Every key of the ring graph (``ring_graph``'s nodes), sorted."""
    ends = (end for tie in ties if tie["other"] is not None for end in (tie["key"], tie["other"]))
    return sorted({*seeds, *ends})


def ring_graph(seeds: Iterable[str], ties: Iterable[Tie]) -> nx.Graph:
    """The undirected graph of seeds and ties.

    Ties between the same two keys add up: one edge whose ``weight`` is the sum of theirs and
    whose ``why`` is the set of their kinds. Nodes come in the order of ``seeds``, then of first
    appearance in ``ties`` (Louvain's result depends on it, so callers keep it stable).

    Examples
    --------
    >>> graph = ring_graph(["a", "b"], [{"key": "a", "other": "x", "why": "HAS_PHONE", "weight": 1},
    ...                                 {"key": "a", "other": "x", "why": "SAME_COMPLAINT", "weight": 2}])
    >>> list(graph.nodes), graph["a"]["x"]["weight"], sorted(graph["a"]["x"]["why"])
    (['a', 'b', 'x'], 3.0, ['HAS_PHONE', 'SAME_COMPLAINT'])
    """
    graph = nx.Graph()
    graph.add_nodes_from(seeds)
    for tie in ties:
        if tie["other"] is None:
            continue
        a, b = tie["key"], tie["other"]
        weight = float(tie["weight"])
        if graph.has_edge(a, b):
            graph[a][b]["weight"] += weight
            graph[a][b]["why"].add(tie["why"])
        else:
            graph.add_edge(a, b, weight=weight, why={tie["why"]})
    return graph


def prune_ring_graph(
    graph: nx.Graph,
    seeds: Collection[str],
    info: Mapping[str, Mapping[str, Any]],
    *,
    drop: Iterable[str] = (),
    hub_degree: int = LIMITS.ring_hub_degree,
) -> nx.Graph:
    """Take out of ``graph`` (in place, and return it) what does not hold a ring together.

    * a non-seed hub (``info[key]["degree"]``, its links in the whole graph, above
      ``hub_degree``) or service number (``info[key]["label"]``, ``["phone_type"]``);
    * the keys of ``drop`` (seeds too: an ambiguous name-only firm);
    * edges between two non-seeds, and edges that only one complaint supports (one complaint
      naming both, or one complaint giving a handle: ``COMPLAINT_TIES``);
    * non-seeds left with no edge.
    """
    for key, row in info.items():
        hub = (row.get("degree") or 0) > hub_degree or is_service_number(row)
        if hub and key not in seeds and key in graph:
            graph.remove_node(key)
    graph.remove_nodes_from(list(drop))
    # Non-seed neighbours joined only through one complaint are noise: keep structural ties.
    for a, b, data in list(graph.edges(data=True)):
        structural = data["why"] - COMPLAINT_TIES
        weak = not structural and data["weight"] < 2
        if (a not in seeds and b not in seeds) or weak:
            graph.remove_edge(a, b)
    graph.remove_nodes_from(
        [n for n in list(graph.nodes) if graph.degree(n) == 0 and n not in seeds]
    )
    return graph


def canonical_subgraph(graph: nx.Graph, nodes: Iterable[str]) -> nx.Graph:
    """A copy of ``graph`` on ``nodes``, built in one order whatever order ``graph`` was built
    in: nodes sorted, then edges sorted by their (smaller, larger) end."""
    part = nx.Graph()
    keep = sorted(nodes)
    part.add_nodes_from(keep)
    inside = set(keep)
    edges = sorted((min(a, b), max(a, b)) for a in keep for b in graph[a] if b in inside and a < b)
    for a, b in edges:
        part.add_edge(a, b, **{**graph[a][b], "why": set(graph[a][b]["why"])})
    return part


class CommunityCache(Protocol):
    """Communities found before, by ``component_signature`` (``graph.evidence.ringfacts``)."""

    def get(self, signatures: list[str]) -> Mapping[str, list[list[str]]]: ...

    def put(self, found: Mapping[str, list[list[str]]]) -> None: ...


class CommunityEngine(Protocol):
    """Where the communities are found when not by networkx (``graph.evidence.gds``)."""

    name: str

    def partition(
        self, graph: nx.Graph, *, seed: int, resolution: float, reference_weight: float
    ) -> tuple[list[list[str]], list[set[str]]]: ...


def component_signature(
    graph: nx.Graph,
    component: list[str],
    *,
    seed: int,
    resolution: float,
    reference_weight: float,
    engine: str = "",
) -> str:
    """A digest of everything the communities of one component (sorted keys) depend on: its
    keys, its edges and their weights, the seed, the resolution, the reference weight, the
    version of networkx and the ``engine`` when not networkx's Louvain."""
    inside = set(component)
    edges = sorted(
        (a, b, graph[a][b]["weight"]) for a in component for b in graph[a] if a < b and b in inside
    )
    parts: list[Any] = [component, edges, seed, resolution, reference_weight, nx.__version__]
    text = json.dumps([*parts, engine] if engine else parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def ring_communities(
    graph: nx.Graph,
    *,
    seed: int = 7,
    resolution: float = RESOLUTION,
    reference_weight: float = REFERENCE_WEIGHT,
    cache: CommunityCache | None = None,
    engine: CommunityEngine | None = None,
) -> list[set[str]]:
    """Louvain communities of ``graph`` by edge ``weight`` (networkx), found in each connected
    component on its own (``canonical_subgraph``, every component with the same ``seed``,
    components in the order of their smallest key).

    A component of total weight ``w`` gets the resolution ``resolution * w /
    reference_weight``: the same communities modularity would give it inside a graph of
    ``reference_weight``. A ring never spans two components, so a component's rings depend on
    that component alone, not on the rest of the graph or the order it was built in: the
    incremental analysis (``graph.evidence.incremental``) recomputes the components a submission
    touched and gets the rings a full ``detect`` would. With a ``cache``, a component whose
    ``component_signature`` it knows takes the communities found then (Louvain would find them
    again), and those found now are put in it. With an ``engine`` (GDS on the server), the
    components and the communities of those not cached are the engine's.

    Examples
    --------
    >>> graph = nx.Graph()
    >>> graph.add_edge("b", "a", weight=2.0, why={"HAS_PHONE"})
    >>> graph.add_node("c")
    >>> sorted(sorted(c) for c in ring_communities(graph))
    [['a', 'b'], ['c']]
    """
    split: dict[str, list[set[str]]] = defaultdict(list)  # the engine's, by smallest key
    if engine is None:
        found_components = [sorted(c) for c in nx.connected_components(graph)]
    else:
        found_components, by_engine = engine.partition(
            graph, seed=seed, resolution=resolution, reference_weight=reference_weight
        )
        found_components += [[n] for n in graph.nodes if graph.degree(n) == 0]
        first = {key: component[0] for component in found_components for key in component}
        for community in by_engine:
            split[first[min(community)]].append(community)
    components = sorted(found_components, key=lambda c: c[0])
    signatures = {
        component[0]: component_signature(
            graph,
            component,
            seed=seed,
            resolution=resolution,
            reference_weight=reference_weight,
            engine=engine.name if engine is not None else "",
        )
        for component in components
        if cache is not None and len(component) > 1
    }
    known = cache.get(sorted(signatures.values())) if cache is not None else {}
    found: dict[str, list[list[str]]] = {}
    communities: list[set[str]] = []
    for component in components:
        if len(component) == 1:
            communities.append(set(component))
            continue
        signature = signatures.get(component[0], "")
        if signature in known:
            communities += [set(community) for community in known[signature]]
            continue
        if engine is not None:
            these = split[component[0]]
        else:
            part = canonical_subgraph(graph, component)
            weight = part.size(weight="weight")
            these = nx.community.louvain_communities(
                part, weight="weight", seed=seed, resolution=resolution * weight / reference_weight
            )
        communities += these
        if signature:
            found[signature] = [sorted(community) for community in these]
    if cache is not None and found:
        cache.put(found)
    return communities


def ring_score(seed_scores: list[float], kinds: int) -> float:
    """A ring's score from its seeds' scores (best first) and how many kinds of entity it holds:
    mostly its best seed, partly the mean of its best three, two points a kind beyond the
    first; at most 100.

    Examples
    --------
    >>> ring_score([80.0, 60.0, 40.0, 10.0], kinds=2)
    76.0
    """
    top = seed_scores[:3]
    score = round(0.7 * top[0] + 0.3 * (sum(top) / len(top)) + 2.0 * (kinds - 1), 2)
    return min(score, 100.0)


def rings_from_communities(
    graph: nx.Graph,
    communities: Iterable[Collection[str]],
    seeds: Mapping[str, EntityScore],
    labels: Mapping[str, str | None],
) -> list[Ring]:
    """A ``Ring`` for each community that holds a seed, best first (ties by first member).

    ``labels`` names each key's kind (Phone, Firm …); a key it lacks counts as one unknown kind.
    """
    rings = []
    for community in communities:
        members = sorted(community)
        ring_seeds = sorted((seeds[m] for m in members if m in seeds), key=lambda s: -s.score)
        if not ring_seeds:
            continue
        kinds = {labels.get(m) for m in members}
        inside = set(members)
        edges = [
            (a, b, ",".join(sorted(graph[a][b]["why"])), graph[a][b]["weight"])
            for a in members
            for b in sorted(graph[a])
            if a < b and b in inside
        ]
        score = ring_score([s.score for s in ring_seeds], len(kinds))
        rings.append(Ring(members=members, seeds=ring_seeds, score=score, edges=edges))
    rings.sort(key=lambda r: (-r.score, r.members[0]))
    return rings


def rings_from_ties(
    seeds: Mapping[str, EntityScore],
    ties: Iterable[Tie],
    info: Mapping[str, Mapping[str, Any]],
    *,
    drop: Iterable[str] = (),
    hub_degree: int = LIMITS.ring_hub_degree,
    seed: int = 7,
    resolution: float = RESOLUTION,
    cache: CommunityCache | None = None,
    engine: CommunityEngine | None = None,
) -> list[Ring]:
    """The rings of ``seeds`` and ``ties``: ``ring_graph``, ``prune_ring_graph``,
    ``ring_communities`` (with ``cache`` and ``engine``), ``rings_from_communities``.

    Parameters
    ----------
    seeds : mapping
        Seed key to its score, in a stable order (``select_seeds``).
    ties : iterable of dict
        The facts that tie keys together (``{"key", "other", "why", "weight"}``), in a stable
        order: the database's ties, then ``seed_ties``.
    info : mapping
        Key to ``{"label", "phone_type", "degree"}`` for the keys of the graph (``tied_keys``);
        a key it lacks is never a hub and is of an unknown kind.
    drop : iterable of str
        Keys to leave out (name-only firms whose name several registered firms bear).
    hub_degree : int
        A non-seed with more links than this in the whole graph is a hub, left out.
    seed : int
        Louvain's random seed.
    resolution : float
        Louvain's resolution.
    """
    graph = ring_graph(seeds, ties)
    prune_ring_graph(graph, seeds, info, drop=drop, hub_degree=hub_degree)
    communities = ring_communities(
        graph, seed=seed, resolution=resolution, cache=cache, engine=engine
    )
    labels = {key: row.get("label") for key, row in info.items()}
    return rings_from_communities(graph, communities, seeds, labels)
