"""The reads behind intermediary scores and rings: each Cypher query beside the thin function
that runs it, and the pure algorithms of ``graph.evidence.scores`` and ``graph.evidence.rings``
(tested without a server) called on what it returns.

* ``score_entities``: ``ENTITY_COMPLAINTS`` rows, scored by ``scores.score_rows``.
* ``find_rings``: ``read_ring_data`` — seeds (``rings.select_seeds``), their ties (``TIES``), the
  handles their texts give (``CONTACT_TIES``, ``CONTACT_MENTIONS``, kept by
  ``rings.contact_ties``), the people they deal with (``SEED_PEOPLE``, tied by
  ``rings.seed_ties``), the facts about every
  node of the ring graph (``ENTITY_INFO``: hubs and service numbers) and the ambiguous name-only
  firms (``AMBIGUOUS_NAME_FIRMS``) — grouped into rings by ``rings.rings_from_ties``.
* ``rings_evidence``: the complaints behind each ring (``RINGS_EVIDENCE``) and their summary.
* ``contact_evidence``: where each handle that ties a ring was given (``CONTACT_EVIDENCE``), for
  the lead's explanation.

What the scores and rings mean is told in ``scores`` and ``rings``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graph.core.limits import LIMITS
from graph.core.model import load_model
from graph.db.store import GraphStore, chunked_by_weight
from graph.evidence import gds, ringfacts
from graph.evidence.bursts import with_bursts
from graph.evidence.rings import (
    Ring,
    rings_from_ties,
    seed_ties,
    select_seeds,
    tied_keys,
)
from graph.evidence.rings import contact_ties as handle_ties
from graph.evidence.scores import (
    SCORING_METHOD,
    SERVICE_TYPES,
    WEIGHTS,
    EntityScore,
    firm_age_years,
    score_rows,
)
from graph.text.context import AGENT_AT

__all__ = [
    "AMBIGUOUS_NAME_FIRMS",
    "CONTACT_EVIDENCE",
    "CONTACT_LABELS",
    "CONTACT_MENTIONS",
    "CONTACT_TIES",
    "ENTITY_COMPLAINTS",
    "ENTITY_COMPLAINTS_OF_KEYS",
    "ENTITY_INFO",
    "RINGS_EVIDENCE",
    "SCORING_METHOD",
    "SEED_PEOPLE",
    "SERVICE_TYPES",
    "TIES",
    "WEIGHTS",
    "Beyond",
    "EntityScore",
    "Ring",
    "RingData",
    "ambiguous_name_firms",
    "contact_evidence",
    "contact_mentions",
    "contact_rows",
    "entity_info",
    "find_rings",
    "firm_age_years",
    "read_ring_data",
    "rings_evidence",
    "score_entities",
    "seed_people",
]

# Complaints that name an entity: as contact or agent, or through a firm's or account's phone.
# One body after two heads: every entity (``detect``), or only those of ``$keys`` found by the key
# index (the incremental path and the profile page) — one text with both heads made the planner
# scan every entity for a few keys. The same body either way, so both paths score alike.
_ENTITY_COMPLAINTS_BODY = """
CALL (x) {
  MATCH (x)<-[:CONTACT|REPRESENTED_BY]-(c:Complaint) RETURN c
  UNION
  MATCH (x:Firm)-[:HAS_PHONE]->(:Phone)<-[:CONTACT]-(c:Complaint) RETURN c
  UNION
  MATCH (x:Account)-[:ADVERTISES]->(:Phone)<-[:CONTACT]-(c:Complaint) RETURN c
  UNION
  MATCH (x:Phone)-[:CALLED]->(:Phone)<-[:HAS_PHONE]-(:Person)<-[:FILED_BY]-(c:Complaint)
  RETURN c
}
WITH x, collect(c) AS cs
WHERE size(cs) >= $min_complaints
CALL {
  WITH x, cs
  UNWIND cs AS c
  OPTIONAL MATCH (c)-[:FILED_BY]->(who:Person)
  WHERE NOT (who)-[:HAS_PHONE]->(x)
  RETURN count(DISTINCT who) AS complainants,
         count(DISTINCT c.institution) AS lenders,
         count(DISTINCT c.source) AS sources,
         sum(CASE WHEN coalesce(c.disguise_count, 0) > 0 THEN 1 ELSE 0 END) AS disguised,
         sum(CASE WHEN coalesce(c.agent_score, 0.0) >= $agent_at THEN 1 ELSE 0 END) AS agent_like,
         min(c.filed_date) AS first_date, max(c.filed_date) AS last_date
}
CALL {
  WITH cs
  UNWIND cs AS c
  WITH c.template_cluster AS cluster, count(*) AS n
  WHERE cluster IS NOT NULL
  RETURN max(n) AS top_template, collect({cluster: cluster, n: n}) AS clusters
}
WITH x, cs, complainants, lenders, sources, disguised, agent_like, first_date, last_date,
     top_template, clusters
WHERE complainants >= $min_complainants
RETURN x.key AS key, [l IN labels(x) WHERE l <> 'Entity'][0] AS label,
       x.type AS phone_type, x.name AS name, x.business_scope AS scope,
       x.registered_date AS registered,
       size(cs) AS complaints, complainants, lenders, sources, disguised, agent_like,
       coalesce(top_template, 0) AS top_template, clusters,
       first_date, last_date,
       COUNT { (x)-[:CALLED]->(:Phone)<-[:HAS_PHONE]-(:Person)<-[:FILED_BY]-(:Complaint) }
         AS calls_to_complainants,
       COUNT { (x)<-[:ADVERTISES]-(:Account) } AS advertised,
       COUNT { (x)<-[:LEGAL_REP_OF]-(:Person)-[:LEGAL_REP_OF]->(other:Firm) WHERE other <> x }
         AS shared_legal_rep,
       [(x)-[m:ALLIANCE_MATCH]->(o:Org) | {counterpart: o.name, by_org: m.by_org}] AS alliance
"""
ENTITY_COMPLAINTS = "\nMATCH (x:Entity)" + _ENTITY_COMPLAINTS_BODY
ENTITY_COMPLAINTS_OF_KEYS = (
    "\nUNWIND $keys AS key\nWITH DISTINCT key\nMATCH (x:Entity {key: key})"
    + _ENTITY_COMPLAINTS_BODY
)


def score_entities(
    store: GraphStore, *, min_complainants: int = 5, keys: list[str] | None = None
) -> tuple[list[EntityScore], list[dict[str, Any]]]:
    """Score every entity named by at least ``min_complainants`` complainants (two borrowers
    sharing a family phone are not a ring); only those of ``keys`` when it is given.

    Returns the scores (best first) and the service numbers set aside (see
    ``graph.evidence.scores.score_rows``); each row's burst periods are read for the ``burst``
    feature (``graph.evidence.bursts.read_bursts``)."""
    rows = store.read(
        ENTITY_COMPLAINTS if keys is None else ENTITY_COMPLAINTS_OF_KEYS,
        keys=keys,
        min_complaints=min_complainants,
        min_complainants=min_complainants,
        agent_at=AGENT_AT,
    )
    return score_rows(with_bursts(store, rows))


# The people each seed deals with: the complainants whose complaints name it and the people whose
# phones it called. Two seeds dealing with two or more of the same people are one ring's numbers
# (``SAME_PEOPLE``); two seeds that share a template are when they share even one (rings buy the
# same letters: at the 100k world 68% of one ring's template ties shared a person, none of the
# ties across rings did).
SEED_PEOPLE = """
UNWIND $keys AS key
MATCH (x:Entity {key: key})
RETURN key,
       COLLECT { MATCH (x)<-[:CONTACT|REPRESENTED_BY]-(:Complaint)-[:FILED_BY]->(p:Person)
                 RETURN DISTINCT p.key } AS complainants,
       COLLECT { MATCH (x)-[:CALLED]-(:Phone)<-[:HAS_PHONE]-(p:Person)
                 RETURN DISTINCT p.key } AS called
"""


def seed_people(store: GraphStore, keys: list[str]) -> dict[str, dict[str, int]]:
    """The people each seed deals with (see ``SEED_PEOPLE``), as ``{person key: 1}``."""
    rows = store.read(SEED_PEOPLE, keys=keys) if keys else []
    return {
        row["key"]: dict.fromkeys(sorted({*row["complainants"], *row["called"]}), 1) for row in rows
    }


# A firm known only by a name that two or more registered firms bear: the complaints naming it may
# be about either, so it cannot tie intermediaries together (at the 1M world such names were the
# only nodes joining different rings into one lead).
AMBIGUOUS_NAME_FIRMS = """
UNWIND $keys AS key
MATCH (f:Entity {key: key})
WHERE f:Firm AND f.uscc IS NULL AND f.name_key IS NOT NULL
  AND COUNT { MATCH (g:Firm {name_key: f.name_key}) WHERE g.uscc IS NOT NULL } >= 2
RETURN f.key AS key
"""


def ambiguous_name_firms(store: GraphStore, keys: list[str]) -> list[str]:
    """The name-only firms among ``keys`` whose name two or more registered firms bear."""
    firms = [key for key in keys if key.startswith("firm:name:")]
    return [row["key"] for row in store.read(AMBIGUOUS_NAME_FIRMS, keys=firms)] if firms else []


# Each node of the ring graph: its kind, identifiers and links in the whole graph (hubs). The
# degree counts the links facts state, not a lead's INVOLVES (written by detect and the analysis
# themselves, or by an analyst) nor an alliance match: so a node's degree changes only when a
# submission writes a link at it, which the analysis after it knows (``graph.evidence.ringregion``).
ENTITY_INFO = """
UNWIND $keys AS key
MATCH (x:Entity {key: key})
RETURN x.key AS key, [l IN labels(x) WHERE l <> 'Entity'][0] AS label, x.type AS phone_type,
       x.name AS name, x.e164 AS e164, x.uscc AS uscc, x.platform AS platform,
       x.handle AS handle,
       COUNT { (x)--() } - COUNT { (x)<-[:INVOLVES]-() } - COUNT { (x)-[:ALLIANCE_MATCH]->() }
         AS degree
"""


def entity_info(store: GraphStore, keys: list[str]) -> dict[str, dict[str, Any]]:
    """Label, phone type, identifiers and degree (links in the whole graph) of each of
    ``keys`` (see ``ENTITY_INFO``)."""
    return {row["key"]: row for row in store.read(ENTITY_INFO, keys=keys)} if keys else {}


# The facts that tie intermediaries together, for the ring projection. A call ties two seeds only:
# ``read_ring_data`` keeps the ``CALLED`` rows whose other end is a seed (so a key's rows do not
# depend on which keys are seeds, and ``graph.evidence.ringfacts`` can keep them).
TIES = """
UNWIND $keys AS key
MATCH (x:Entity {key: key})
CALL {
  WITH x
  MATCH (x)-[r:HAS_PHONE|ADVERTISES|OPERATED_BY]-(y:Entity)
  WHERE NOT y:Complaint
  RETURN y.key AS other, type(r) AS why, 1 AS weight
  UNION
  WITH x
  MATCH (x)-[r:CALLED]-(y:Entity)
  RETURN y.key AS other, 'CALLED' AS why, 1 AS weight
  UNION
  WITH x
  MATCH (x)<-[:LEGAL_REP_OF]-(p:Person)
  RETURN p.key AS other, 'LEGAL_REP_OF' AS why, 1 AS weight
  UNION
  WITH x
  MATCH (x)<-[:CONTACT|REPRESENTED_BY]-(c:Complaint)-[:CONTACT|REPRESENTED_BY]->(y:Entity)
  WHERE y <> x
  RETURN y.key AS other, 'SAME_COMPLAINT' AS why, count(c) AS weight
}
RETURN x.key AS key, other, why, sum(weight) AS weight
"""


CONTACT_LABELS = ("WeChat", "QQ", "Telegram", "Domain", "Email")
CONTACT_PREFIXES = tuple(f"{load_model().node(label).prefix}:" for label in CONTACT_LABELS)


def is_contact_key(key: str) -> bool:
    """A handle's key: ``wechat:``, ``qq:``, ``telegram:``, ``domain:``, ``email:``."""
    return key.startswith(CONTACT_PREFIXES)


# The handles a seed's own texts give: its bio (an account), or the complaints naming it as contact
# phone or agent. Only handles: a phone in a text ties through CONTACT, ADVERTISES, HAS_PHONE
# and CALLED already. ``subjects`` are the texts' owners, for ``rings.contact_ties``.
CONTACT_TIES = """
UNWIND $keys AS key
MATCH (x:Entity {key: key})
CALL (x) {
  MATCH (x)-[:MENTIONS_CONTACT]->(h:WeChat|QQ|Telegram|Domain|Email)
  RETURN h, 'CONTACT_IN_BIO' AS why, [x.key] AS subjects
  UNION
  MATCH (x)<-[:CONTACT|REPRESENTED_BY]-(c:Complaint)-[:MENTIONS_CONTACT]->
        (h:WeChat|QQ|Telegram|Domain|Email)
  RETURN h, 'CONTACT_IN_COMPLAINTS' AS why, collect(DISTINCT c.key) AS subjects
}
RETURN x.key AS key, h.key AS other, why, size(subjects) AS weight, subjects
ORDER BY key, other, why
"""


def contact_rows(store: GraphStore, keys: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each of ``keys``' ``CONTACT_TIES`` rows (the handles its texts give)."""
    return _grouped(store.read(CONTACT_TIES, keys=keys)) if keys else {}


# How many subjects (complaints, accounts) give each handle in the whole graph.
CONTACT_MENTIONS = """
UNWIND $keys AS key
MATCH (h:Entity {key: key})
RETURN key, COUNT { MATCH (s)-[:MENTIONS_CONTACT]->(h) RETURN DISTINCT s } AS mentions
"""


def contact_mentions(store: GraphStore, keys: list[str]) -> dict[str, int]:
    """Subjects giving each of ``keys`` in the whole graph (see ``CONTACT_MENTIONS``)."""
    rows = store.read(CONTACT_MENTIONS, keys=keys) if keys else []
    return {row["key"]: row["mentions"] for row in rows}


@dataclass(frozen=True)
class Beyond:
    """What ring finding over a region of the seeds (``graph.evidence.ringregion``) needs about
    the seeds beyond it: which of some keys outside the region are seeds (``seeds_among``), and
    how many seeds outside it hold each person, template cluster or handle (``holders(kind,
    items)``, kind ``people``, ``templates`` or ``handles``), and the subjects giving each handle
    of the ring graph's nodes outside it (``subjects(handles, the region's nodes)``)."""

    seeds_among: Callable[[list[str]], set[str]]
    holders: Callable[[str, list[str]], dict[str, int]]
    subjects: Callable[[list[str], list[str]], dict[str, set[str]]]


@dataclass
class RingData:
    """What ring finding reads, as the plain data ``graph.evidence.rings.rings_from_ties`` takes:
    the seeds, their ties (the database's, then ``seed_ties``), every node's label, phone type and
    degree, the ambiguous name-only firms to leave out, the handles set aside as hubs
    (``rings.contact_ties``: key to why), and how many entities' facts were read from the
    database rather than taken as kept (``graph.evidence.ringfacts``); and what the kept ring index
    (``graph.evidence.ringregion``) records: each seed's people and the handle rows each node's
    texts give (``given``)."""

    seeds: dict[str, EntityScore] = field(default_factory=dict)
    ties: list[dict[str, Any]] = field(default_factory=list)
    info: dict[str, dict[str, Any]] = field(default_factory=dict)
    drop: list[str] = field(default_factory=list)
    contact_hubs: dict[str, str] = field(default_factory=dict)
    reads: int = 0
    people: dict[str, list[str]] = field(default_factory=dict)
    given: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def read_ring_data(
    store: GraphStore,
    scores: list[EntityScore],
    *,
    min_seed_score: float = 45.0,
    min_agent_share: float = 0.25,
    min_shared_people: int = 2,
    max_people_holders: int = LIMITS.ring_person_holders,
    max_template_holders: int = LIMITS.ring_template_holders,
    contact_ties: bool = True,
    kept: bool = False,
    beyond: Beyond | None = None,
    memo: dict[str, dict[str, Any]] | None = None,
) -> RingData:
    """The seeds among ``scores`` (``rings.select_seeds``) and what the database says about
    them (``TIES``, ``CONTACT_TIES``, ``SEED_PEOPLE``, ``ENTITY_INFO``,
    ``AMBIGUOUS_NAME_FIRMS``); no read when there is no seed. ``contact_ties=False`` leaves
    handles out (``bench/detect.py``'s before figures). ``kept=True`` takes each entity's ties,
    people, handles and handle mentions from ``graph.evidence.ringfacts`` when kept there (and
    keeps those it reads); ``reads`` counts the entities whose facts were read from the database.
    ``beyond``: ``scores`` are a region's (``graph.evidence.ringregion``), and the seeds outside
    it count toward the thresholds and the calls to seeds. ``memo``: facts (and nodes' info)
    read by an earlier round of the same ring finding (``ringfacts.read_kept``)."""
    seeds = select_seeds(scores, min_seed_score=min_seed_score, min_agent_share=min_agent_share)
    if not seeds:
        return RingData()
    keys = sorted(seeds)
    reads = 0

    def facts(kind: str, wanted: list[str], read: Any, empty: Any) -> dict[str, Any]:
        nonlocal reads
        found, fresh = ringfacts.read_kept(
            store, kind, wanted, read, kept=kept, empty=empty, memo=memo
        )
        reads += fresh
        return found

    by_key = facts("ties", keys, lambda wanted: _grouped(store.read(TIES, keys=wanted)), [])
    called = sorted(
        {t["other"] for k in keys for t in by_key[k] if t["why"] == "CALLED"} - set(seeds)
    )
    seeds_beyond = beyond.seeds_among(called) if beyond and called else set()
    ties = [
        tie
        for key in keys
        for tie in by_key[key]
        if tie["why"] != "CALLED" or tie["other"] in seeds or tie["other"] in seeds_beyond
    ]
    people = facts("people", keys, lambda wanted: _people(store, wanted), [])
    outside = None
    if beyond:
        persons = sorted({p for key in keys for p in people[key]})
        clusters = sorted({t for key in keys for t in seeds[key].templates})
        outside = {
            "people": beyond.holders("people", persons),
            "templates": beyond.holders("templates", clusters),
        }
    ties += seed_ties(
        seeds,
        {key: dict.fromkeys(people[key], 1) for key in keys},
        min_shared_people=min_shared_people,
        max_people_holders=max_people_holders,
        max_template_holders=max_template_holders,
        outside=outside,
    )
    hubs: dict[str, str] = {}
    given: dict[str, list[dict[str, Any]]] = {}
    if contact_ties:
        # every node of the ring graph so far: a ring's texts that give its handle name its
        # other numbers, firms and accounts too, not only its seeds
        nodes = tied_keys(seeds, ties)
        given = facts("contacts", nodes, lambda wanted: contact_rows(store, wanted), [])
        by_handle = [row for key in nodes for row in given[key]]
        handles = sorted({row["other"] for row in by_handle})
        mentions = facts("mentions", handles, lambda wanted: contact_mentions(store, wanted), 0)
        kept_ties, hubs = handle_ties(
            by_handle,
            mentions,
            seeds=seeds,
            outside=beyond.holders("handles", handles) if beyond and handles else None,
            outside_subjects=beyond.subjects(handles, nodes) if beyond and handles else None,
        )
        ties += kept_ties
    nodes = tied_keys(seeds, ties)
    if memo is None:
        info = entity_info(store, nodes)
    else:
        known = memo.setdefault("info", {})
        known.update(entity_info(store, [key for key in nodes if key not in known]))
        info = {key: known[key] for key in nodes if key in known}
    drop = ambiguous_name_firms(store, nodes)
    return RingData(seeds, ties, info, drop, hubs, reads, {k: people[k] for k in keys}, given)


def _grouped(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Rows by their ``key``, each key's in the order read."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        found[row["key"]].append(row)
    return dict(found)


def _people(store: GraphStore, keys: list[str]) -> dict[str, list[str]]:
    return {key: sorted(held) for key, held in seed_people(store, keys).items()}


def find_rings(
    store: GraphStore,
    scores: list[EntityScore],
    *,
    contact_hubs: dict[str, str] | None = None,
    contact_ties: bool = True,
    min_seed_score: float = 45.0,
    min_agent_share: float = 0.25,
    ring_hub_degree: int = LIMITS.ring_hub_degree,
    min_shared_people: int = 2,
    max_people_holders: int = LIMITS.ring_person_holders,
    max_template_holders: int = LIMITS.ring_template_holders,
    seed: int = 7,
    kept: bool = False,
    counts: dict[str, int] | None = None,
) -> list[Ring]:
    """Group high-scoring intermediaries and what ties them into rings (Louvain communities).

    A seed scores at least ``min_seed_score`` and its complaints look agent-written: at least
    ``min_agent_share`` of them in one template cluster or disguising slang. The other
    thresholds are those of ``graph.evidence.rings.seed_ties`` and ``rings_from_ties``. The
    handles set aside as hubs are added to ``contact_hubs`` when it is given; ``kept`` is
    ``read_ring_data``'s, and takes the communities of a component seen before from
    ``ringfacts.KeptCommunities``; ``counts``, when given, gets the ``seeds`` and the entities whose facts
    were read from the database (``reads``)."""
    data = read_ring_data(
        store,
        scores,
        min_seed_score=min_seed_score,
        min_agent_share=min_agent_share,
        min_shared_people=min_shared_people,
        max_people_holders=max_people_holders,
        max_template_holders=max_template_holders,
        contact_ties=contact_ties,
        kept=kept,
    )
    if contact_hubs is not None:
        contact_hubs.update(data.contact_hubs)
    if counts is not None:
        counts.update(seeds=len(data.seeds), reads=data.reads)
    if not data.seeds:
        return []
    return rings_from_ties(
        data.seeds,
        data.ties,
        data.info,
        drop=data.drop,
        hub_degree=ring_hub_degree,
        seed=seed,
        cache=ringfacts.KeptCommunities(store) if kept else None,
        engine=gds.ring_engine(store),
    )


# The complaints behind each ring, many rings a query: ``$rings`` is ``[{id, keys}]``.
RINGS_EVIDENCE = """
UNWIND $rings AS ring
UNWIND ring.keys AS key
MATCH (x:Entity {key: key})
CALL (x) {
  MATCH (x)<-[:CONTACT|REPRESENTED_BY]-(c:Complaint) RETURN c
  UNION
  MATCH (x)-[:HAS_PHONE|ADVERTISES]->(:Phone)<-[:CONTACT]-(c:Complaint) RETURN c
}
WITH DISTINCT ring.id AS ring, c
OPTIONAL MATCH (c)-[:FILED_BY]->(who:Person)
RETURN ring, c.key AS complaint, who.key AS complainant, c.institution AS lender,
       c.source AS source, c.filed_date AS filed_date, c.template_cluster AS template,
       coalesce(c.disguise_count, 0) AS disguised, coalesce(c.slang_terms, []) AS slang
"""


def rings_evidence(
    store: GraphStore, rings: list[Ring], *, keys_per_query: int = 2_000
) -> list[dict[str, Any]]:
    """The complaints behind each ring and their summary (complainants, lenders, dates, slang),
    in the order of ``rings``. Rings are read many at a time, up to ``keys_per_query`` member
    keys a query: one query per ring was most of detect's time at 1M complaints."""
    rows_by_ring: dict[int, list[dict[str, Any]]] = defaultdict(list)
    wanted: list[dict[str, Any]] = [
        {"id": index, "keys": ring.members} for index, ring in enumerate(rings)
    ]
    for batch in chunked_by_weight(wanted, lambda ring: len(ring["keys"]), keys_per_query):
        for row in store.read(RINGS_EVIDENCE, rings=batch):
            rows_by_ring[row["ring"]].append(row)
    return [_summarise_evidence(rows_by_ring[index]) for index in range(len(rings))]


def _summarise_evidence(rows: list[dict[str, Any]]) -> dict[str, Any]:
    slang: dict[str, int] = defaultdict(int)
    templates: dict[str, int] = defaultdict(int)
    for row in rows:
        for term in row["slang"]:
            slang[term] += 1
        if row["template"]:
            templates[row["template"]] += 1
    dates = sorted(row["filed_date"] for row in rows if row["filed_date"])
    return {
        "complaints": sorted({row["complaint"] for row in rows}),
        "complainants": sorted({row["complainant"] for row in rows if row["complainant"]}),
        "lenders": sorted({row["lender"] for row in rows if row["lender"]}),
        "sources": sorted({row["source"] for row in rows if row["source"]}),
        "date_span": [dates[0], dates[-1]] if dates else None,
        # most first, ties by name: the rows come in no set order, and which of two equally
        # common templates makes the top five must not depend on it
        "templates": dict(sorted(templates.items(), key=lambda kv: (-kv[1], kv[0]))[:5]),
        "disguised_complaints": sum(1 for row in rows if row["disguised"]),
        "slang": dict(sorted(slang.items(), key=lambda kv: (-kv[1], kv[0]))[:10]),
    }


# Where each (member, handle) pair of a ring's graph was given: the member's own bio, or the
# complaints naming the member; each text's field, surface and sources (submission#row), a few.
CONTACT_EVIDENCE = """
UNWIND $pairs AS pair
MATCH (x:Entity {key: pair.member})
MATCH (h:Entity {key: pair.handle})
CALL (x, h) {
  MATCH (x)-[m:MENTIONS_CONTACT]->(h)
  RETURN x.key AS subject, m
  UNION
  MATCH (x)<-[:CONTACT|REPRESENTED_BY]-(c:Complaint)-[m:MENTIONS_CONTACT]->(h)
  RETURN c.key AS subject, m
}
WITH pair, subject, m
ORDER BY subject
WITH pair, collect({subject: subject, field: m.field, surface: m.surface,
                    sources: coalesce(m.sources, [])})[..$per_pair] AS texts, count(*) AS n
RETURN pair.member AS member, pair.handle AS handle, n AS texts_count, texts
"""


def contact_evidence(
    store: GraphStore, pairs: list[tuple[str, str]], *, per_pair: int = 3
) -> dict[tuple[str, str], dict[str, Any]]:
    """For each ``(member, handle)``: how many texts give the handle (``texts_count``) and the
    first ``per_pair`` of them by subject key (``texts``: subject, field, surface, sources)."""
    if not pairs:
        return {}
    rows = store.read(
        CONTACT_EVIDENCE,
        pairs=[{"member": m, "handle": h} for m, h in pairs],
        per_pair=per_pair,
    )
    return {(row["member"], row["handle"]): row for row in rows}
