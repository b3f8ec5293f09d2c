"""Candidate leads: rings found by analytics, stored as ``Lead`` nodes with their evidence.

``detect`` scores intermediaries, finds rings and writes each worthy ring as a candidate lead:
title, score, summary, explanation and ``INVOLVES`` links to its entities. A lead's id comes from
its ring's anchor (its smallest firm key, else its smallest phone key, else its smallest key), so
re-running detect on the same or grown data updates the same candidate in place. Leads an analyst
has accepted (any status but ``candidate``) are never touched; candidates not found again are
marked ``stale``. A dismissed lead stays dismissed (with its assignees and case fields) until
an analyst restores it.

``lead_bundle`` gathers everything an export needs about one lead as plain data.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from graph.alliance.matches import match_links, matches_of
from graph.core.clock import utc_now
from graph.core.model import display_name, load_model
from graph.db.store import GraphStore, chunked_by_weight
from graph.evidence import gds, rerank, ringfacts, ringregion, scorestate
from graph.evidence.analytics import (
    CONTACT_MENTIONS,
    CONTACT_TIES,
    ENTITY_COMPLAINTS,
    SEED_PEOPLE,
    TIES,
    contact_evidence,
    is_contact_key,
    rings_evidence,
    score_entities,
)
from graph.evidence.bursts import DAILY_COUNTS
from graph.evidence.bursts import METHOD as BURST_METHOD
from graph.evidence.bursts import describe as describe_burst
from graph.evidence.rights import statements
from graph.evidence.rings import Ring
from graph.evidence.scores import SCORING_METHOD, WEIGHTS
from graph.evidence.templates import cluster_sizes
from graph.text.context import AGENT_AT, model_version
from graph.text.slang import lexicon_version

SOFTWARE_VERSION = "leadgraph 0.1.0"
ALGORITHM = "intermediary scores (weighted features) + Louvain communities (networkx)"

# Candidate leads, many a query: ``$leads`` is ``[{id, title, score, summary_json,
# explanation_json, size, date_first, date_last, involves: [{key, role}]}]``; each records the
# scoring method that found it (``$method_version``) and the slang lexicon in force then. A lead
# an analyst has accepted (any status but candidate or stale) is left as it is.
UPSERT_CANDIDATES = """
UNWIND $leads AS lead
MERGE (l:Lead {id: lead.id})
  ON CREATE SET l.key = 'lead:' + lead.id, l.status = 'candidate', l.created_at = $now
WITH l, lead
WHERE l.status IN ['candidate', 'stale']
SET l.status = 'candidate', l.title = lead.title, l.score = lead.score, l.updated_at = $now,
    l.summary_json = lead.summary_json, l.explanation_json = lead.explanation_json,
    l.method_json = $method_json, l.method_version = $method_version,
    l.lexicon_version = $lexicon_version, l.context_version = $context_version,
    l.size = lead.size, l.features_json = lead.features_json,
    l.date_first = lead.date_first, l.date_last = lead.date_last, l.row_digest = lead.row_digest
WITH l, lead
CALL (l) {
  MATCH (l)-[old:INVOLVES]->()
  DELETE old
}
CALL (l, lead) {
  UNWIND lead.involves AS item
  MATCH (x:Entity {key: item.key})
  MERGE (l)-[r:INVOLVES]->(x)
  SET r.role = item.role, r.kind = 'match'
}
RETURN count(l) AS written
"""

MARK_STALE = """
MATCH (l:Lead {status: 'candidate'})
WHERE NOT l.id IN $ids
SET l.status = 'stale', l.updated_at = $now
RETURN collect(l.id) AS stale
"""

LIST_LEADS = """
MATCH (l:Lead)
WHERE $statuses IS NULL OR l.status IN $statuses
RETURN l.id AS id, l.title AS title, l.score AS score, l.status AS status, l.size AS size,
       l.rank_score AS rank_score,
       l.date_first AS date_first, l.date_last AS date_last,
       l.explanation_json AS explanation_json, l.summary_json AS summary_json,
       [(l)-[:INVOLVES]->(x) | x.key] AS entities
ORDER BY coalesce(l.rank_score, l.score) DESC, l.id
LIMIT $limit
"""

LEAD_NODE = "MATCH (l:Lead {id: $id}) RETURN properties(l) AS lead"

LEAD_ENTITIES = """
MATCH (:Lead {id: $id})-[:INVOLVES]->(x:Entity)
RETURN x.key AS key, [l IN labels(x) WHERE l <> 'Entity'][0] AS label, properties(x) AS props
"""

LEAD_LINKS = """
MATCH (:Lead {id: $id})-[:INVOLVES]->(a:Entity)
MATCH (a)-[r]->(b:Entity)<-[:INVOLVES]-(:Lead {id: $id})
RETURN a.key AS start, b.key AS end, type(r) AS type, r.kind AS kind,
       coalesce(r.sources, []) AS sources, r.first_seen AS first_seen, r.last_seen AS last_seen,
       properties(r) AS props
"""

SUBMISSIONS = """
UNWIND $ids AS id
MATCH (s:Submission {id: id})
RETURN s.id AS id, s.file_name AS file_name, s.sha256 AS sha256, s.org AS org, s.user AS user,
       s.received_at AS received_at, s.grade AS grade, s.lexicon_version AS lexicon_version,
       s.contacts_version AS contacts_version, s.context_version AS context_version
"""

LATEST_SUBMISSION = """
MATCH (s:Submission) RETURN s.id AS id ORDER BY s.received_at DESC, s.id LIMIT 1
"""


def lead_id(ring: Ring) -> str:
    """A stable id for a ring: from its anchor entity, not from its exact membership."""
    firms = [m for m in ring.members if m.startswith("firm:")]
    phones = [m for m in ring.members if m.startswith("phone:")]
    anchor = min(firms or phones or ring.members)
    return "lead-" + hashlib.sha256(anchor.encode()).hexdigest()[:12]


def _display(key: str) -> str:
    return key.split(":", 1)[1] if ":" in key else key


def _title(ring: Ring, evidence: dict[str, Any]) -> str:
    firms = [s for s in ring.seeds if s.label == "Firm"]
    anchor = firms[0] if firms else ring.seeds[0]
    return (
        f"疑似代理维权团伙：{_display(anchor.key)} 等 {len(ring.members)} 个主体，"
        f"{len(evidence['complaints'])} 件投诉"
    )


# The ring-graph tie kinds through a handle, and where the handle was given (the lead page and the
# explanation's words for them).
CONTACT_WHERE = {"CONTACT_IN_BIO": "bio", "CONTACT_IN_COMPLAINTS": "complaints"}


def _contact_pairs(ring: Ring) -> list[tuple[str, str, str]]:
    """``(member, handle, where)`` for each tie of the ring through a handle, sorted."""
    pairs = set()
    for a, b, why, _ in ring.edges:
        handle, member = (a, b) if is_contact_key(a) else (b, a)
        for reason in why.split(","):
            if reason in CONTACT_WHERE and is_contact_key(handle):
                pairs.add((member, handle, CONTACT_WHERE[reason]))
    return sorted(pairs)


def _contact_explanation(
    ring: Ring, evidence: dict[tuple[str, str], dict[str, Any]]
) -> list[dict[str, Any]]:
    """One item a handle that ties the ring: the members whose texts give it, where (their own
    bio, or complaints naming them), how many texts, and the first texts' sources — e.g.
    "账号 douyin:a 的简介、账号 weibo:b 的简介中出现同一微信号 wechat:fw_12（来源 …）"."""
    labels = {seed.key: seed.label for seed in ring.seeds}
    by_handle: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for member, handle, where in _contact_pairs(ring):
        found = evidence.get((member, handle)) or {"texts_count": 0, "texts": []}
        sources = sorted({str(s) for text in found["texts"] for s in text["sources"]})
        by_handle[handle].append(
            {
                "key": member,
                "label": labels.get(member) or load_model().label_of_key(member),
                "where": where,
                "texts": found["texts_count"],
                "sources": sources,
            }
        )
    items = []
    for handle, members in sorted(by_handle.items()):
        label = load_model().label_of_key(handle)
        parts = [
            f"{display_name(m['label'])} {_display(m['key'])} 的"
            + ("简介" if m["where"] == "bio" else f"{m['texts']} 件投诉")
            for m in members
        ]
        sources = sorted({s for m in members for s in m["sources"]})
        items.append(
            {
                "entity": handle,
                "feature": "contact_tie",
                "value": handle,
                "contribution": 0.0,
                "handle_label": label,
                "members": members,
                "sources": sources,
                "text": f"{'、'.join(parts)}中出现同一{display_name(label)} {handle}"
                + (f"（来源 {', '.join(sources)}）" if sources else ""),
            }
        )
    return items


def _tie_counts(ring: Ring) -> dict[str, int]:
    """What holds the ring together: how many of its links each kind of fact supports (a link
    may have several), most first — e.g. ``{"SAME_PEOPLE": 5, "HAS_PHONE": 2}``."""
    counts: dict[str, int] = defaultdict(int)
    for _, _, why, _ in ring.edges:
        for reason in why.split(","):
            counts[reason] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _explanation(ring: Ring) -> list[dict[str, Any]]:
    """The top features of the ring's best entities, each with its contribution."""
    items = []
    for entity in ring.seeds[:3]:
        for feature, contribution in sorted(entity.contributions.items(), key=lambda kv: -kv[1]):
            if contribution <= 0:
                continue
            items.append(
                {
                    "entity": entity.key,
                    "feature": feature,
                    "value": entity.features.get(feature),
                    "contribution": contribution,
                    "text": f"{_display(entity.key)}: "
                    + (
                        describe_burst(entity.features[feature])
                        if feature == "burst"
                        else describe_matches(entity.features[feature])
                        if feature == "alliance_match"
                        else f"{feature} = {entity.features.get(feature)}"
                    ),
                }
            )
    return items


def describe_matches(matches: list[dict[str, str]]) -> str:
    """The ``alliance_match`` feature in words, naming the counterparts:
    ``联盟匹配 alliance match (not a fact): BankB, BankC``."""
    counterparts = sorted({m["counterpart"] for m in matches})
    return f"联盟匹配 alliance match (not a fact): {', '.join(counterparts)}"


@dataclass(frozen=True)
class DetectSettings:
    """The thresholds and seed of one detection (``detect`` and the incremental analysis)."""

    min_complainants: int = 5
    min_seed_score: float = 45.0
    min_agent_share: float = 0.25
    seed: int = 7
    contact_ties: bool = True


def method_record(settings: DetectSettings, ring_engine: str | None = None) -> dict[str, Any]:
    """How leads are found, recorded on each lead (``method_json``) and in its court package;
    ``ring_engine``: what found the rings when not networkx (``graph.evidence.gds``)."""
    algorithm = ALGORITHM
    if ring_engine:
        algorithm = f"intermediary scores (weighted features) + {ring_engine} communities"
    return {
        "algorithm": algorithm,
        "ring_engine": ring_engine or "Louvain (networkx)",
        "seed": settings.seed,
        "contact_ties": settings.contact_ties,
        "thresholds": {"min_complainants": settings.min_complainants,
                       "min_seed_score": settings.min_seed_score,
                       "min_agent_share": settings.min_agent_share},
        "weights": WEIGHTS,
        "queries": [
            {"name": "entity_complaints", "cypher": ENTITY_COMPLAINTS.strip(),
             "params": {"keys": None, "min_complaints": settings.min_complainants,
                        "min_complainants": settings.min_complainants, "agent_at": AGENT_AT}},
            {"name": "ties", "cypher": TIES.strip(), "params": {"keys": "<ring seeds>"}},
            {"name": "contact_ties", "cypher": CONTACT_TIES.strip(),
             "params": {"keys": "<ring seeds>"}},
            {"name": "contact_mentions", "cypher": CONTACT_MENTIONS.strip(),
             "params": {"keys": "<handles the seeds' texts give>"}},
            {"name": "seed_people", "cypher": SEED_PEOPLE.strip(),
             "params": {"keys": "<ring seeds>"}},
            {"name": "burst_daily_counts", "cypher": DAILY_COUNTS.strip(),
             "params": {"keys": "<entities entity_complaints returned>"}},
        ],
        "bursts": BURST_METHOD,
    }  # fmt: skip


def kept_rings(
    store: GraphStore,
    settings: DetectSettings,
    contact_hubs: dict[str, str] | None = None,
    counts: dict[str, int] | None = None,
) -> list[Ring]:
    """The rings of the scores kept in the graph (``graph.evidence.scorestate``) over every seed,
    as both ``detect`` and the incremental analysis find them: from the facts about each entity
    kept in the graph too (``graph.evidence.ringfacts``), read from the database for the entities
    whose facts are not kept (all of them after ``detect`` forgot them); the kept ring index
    (``graph.evidence.ringregion``) is written whole. ``counts`` as ``find_rings``'."""
    found = ringregion.full_rings(
        store,
        min_seed_score=settings.min_seed_score,
        min_agent_share=settings.min_agent_share,
        contact_ties=settings.contact_ties,
        seed=settings.seed,
    )
    if contact_hubs is not None:
        contact_hubs.update(found.contact_hubs)
    if counts is not None:
        counts.update(seeds=found.seeds, reads=found.reads, region_seeds=found.region_seeds)
    return found.rings


def lead_rows(
    store: GraphStore, rings: list[Ring]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """For each ring, in order: the row ``UPSERT_CANDIDATES`` writes and the lead as ``detect``
    reports it (its evidence and explanation read from the graph)."""
    leads = []
    rows = []
    handles = contact_evidence(
        store, sorted({(m, h) for ring in rings for m, h, _ in _contact_pairs(ring)})
    )
    for ring, evidence in zip(rings, rings_evidence(store, rings), strict=True):
        identifier = lead_id(ring)
        summary = {
            "complaints": len(evidence["complaints"]),
            "complainants": len(evidence["complainants"]),
            "lenders": evidence["lenders"],
            "orgs": evidence["sources"],
            "phones": [m for m in ring.members if m.startswith("phone:")],
            "firms": [m for m in ring.members if m.startswith("firm:")],
            "accounts": [m for m in ring.members if m.startswith("account:")],
            "persons": [m for m in ring.members if m.startswith("person:")],
            "contacts": [m for m in ring.members if is_contact_key(m)],
            "date_span": evidence["date_span"],
            "templates": evidence["templates"],
            "disguised_complaints": evidence["disguised_complaints"],
            "slang": evidence["slang"],
            "ties": ring_ties(ring),
        }
        explanation = _explanation(ring) + _contact_explanation(ring, handles)
        span = evidence["date_span"] or [None, None]
        rows.append(
            {
                "id": identifier,
                "title": _title(ring, evidence),
                "score": ring.score,
                "summary_json": json.dumps(summary, ensure_ascii=False, sort_keys=True),
                "explanation_json": json.dumps(explanation, ensure_ascii=False),
                "features_json": rerank.features_json(ring.seeds, ring.members),
                "size": len(ring.members),
                "date_first": span[0],
                "date_last": span[1],
                "involves": [
                    {"key": m, "role": "contact" if is_contact_key(m) else "intermediary"}
                    for m in ring.members
                ]
                + [{"key": c, "role": "complaint"} for c in evidence["complaints"]],
            }
        )
        rows[-1]["row_digest"] = row_digest(rows[-1])
        leads.append(
            {
                "id": identifier,
                "title": _title(ring, evidence),
                "score": ring.score,
                "entities": ring.members + evidence["complaints"],
                "explanation": [item["text"] for item in explanation],
                "ties": _tie_counts(ring),
                "summary": {k: v for k, v in summary.items() if k != "ties"},
            }
        )
    return rows, leads


def ring_ties(ring: Ring) -> list[dict[str, Any]]:
    """The ring's edges as a lead's summary keeps them: ``{"a", "b", "why", "weight"}``."""
    return [{"a": a, "b": b, "why": why, "weight": w} for a, b, why, w in ring.edges]


def row_digest(row: dict[str, Any]) -> str:
    """A digest of a lead's row (``lead_rows``, its own digest left out), kept on the Lead: the
    incremental analysis rewrites, and reports as updated, only a lead whose row changed."""
    fields = {k: v for k, v in row.items() if k != "row_digest"}
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def write_candidates(
    store: GraphStore,
    rows: list[dict[str, Any]],
    *,
    method: dict[str, Any],
    now: str,
    links_per_batch: int = 20_000,
) -> None:
    """Write ``rows`` (``lead_rows``) as candidate leads, many a transaction, up to about
    ``links_per_batch`` INVOLVES links each (at 1M complaints one write per lead — 4,000 round
    trips — took most of detect's time)."""
    method_json = json.dumps(method, ensure_ascii=False, sort_keys=True)
    for batch in chunked_by_weight(rows, lambda row: len(row["involves"]), links_per_batch):
        store.write(
            UPSERT_CANDIDATES,
            leads=batch,
            now=now,
            method_json=method_json,
            method_version=SCORING_METHOD,
            lexicon_version=lexicon_version(),
            context_version=model_version(),
        )


# The same among the candidates that hold one of ``$keys`` (a region's nodes).
MARK_STALE_AMONG = """
UNWIND $keys AS key
MATCH (:Entity {key: key})<-[r:INVOLVES]-(l:Lead {status: 'candidate'})
WHERE r.role IN ['intermediary', 'contact'] AND NOT l.id IN $ids
WITH DISTINCT l
SET l.status = 'stale', l.updated_at = $now
RETURN l.id AS id
"""


def mark_stale(
    store: GraphStore, ids: list[str], *, now: str, among: list[str] | None = None
) -> list[str]:
    """Retire the candidates whose ring is no longer found (not in ``ids``); their ids. With
    ``among`` (the keys of a region's nodes), only the candidates holding one of them."""
    if among is None:
        return sorted(store.write(MARK_STALE, ids=ids, now=now)[0]["stale"])
    found: list[str] = []
    for start in range(0, len(among), 5_000):
        rows = store.write(MARK_STALE_AMONG, keys=among[start : start + 5_000], ids=ids, now=now)
        found += [row["id"] for row in rows]
    return sorted(found)


def detect(
    store: GraphStore,
    *,
    min_complainants: int = 5,
    min_seed_score: float = 45.0,
    min_agent_share: float = 0.25,
    seed: int = 7,
    links_per_batch: int = 20_000,
    contact_ties: bool = True,
) -> dict[str, Any]:
    """Find rings and write them as candidate leads; returns the leads ranked best first.

    Every entity is scored and its score kept in the graph (``graph.evidence.scorestate``);
    the rings are found from the kept scores, as the incremental analysis finds them
    (``graph.evidence.incremental``). Leads are written many a transaction (``write_candidates``).
    ``contact_ties=False`` finds rings without shared handles, as before issue 16 (for
    ``bench/detect.py``'s before figures)."""
    settings = DetectSettings(min_complainants, min_seed_score, min_agent_share, seed,
                              contact_ties)  # fmt: skip
    now = utc_now()
    scores, set_aside = score_entities(store, min_complainants=min_complainants)
    scorestate.save_all(store, scores, run=scorestate.new_run(), min_complainants=min_complainants)
    ringfacts.forget_all(store)  # a full rebuild reads every entity's facts again
    contact_hubs: dict[str, str] = {}
    rings = kept_rings(store, settings, contact_hubs)
    method = method_record(settings, gds.engine_name(store))
    rows, leads = lead_rows(store, rings)
    write_candidates(store, rows, method=method, now=now, links_per_batch=links_per_batch)
    stale = mark_stale(store, [lead["id"] for lead in leads], now=now)
    rerank.apply_model(store)  # the learned rank of the new candidates, when a model is in force
    return {
        "leads": leads,
        "set_aside": set_aside,
        "contact_hubs": contact_hubs,
        "stale": len(stale),
        "method": method,
        "scoring_method": SCORING_METHOD,
    }


def list_leads(
    store: GraphStore, *, statuses: list[str] | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    rows = store.read(LIST_LEADS, statuses=statuses, limit=limit)
    for row in rows:
        row["explanation"] = json.loads(row.pop("explanation_json") or "[]")
        row["summary"] = json.loads(row.pop("summary_json") or "{}")
    return rows


def lead_bundle(store: GraphStore, lead_identifier: str) -> dict[str, Any]:
    """Everything an export needs about one lead, as plain data (see graph/export)."""
    from graph.core.errors import UserError

    row = store.read_one(LEAD_NODE, id=lead_identifier)
    if row is None:
        raise UserError(f"no lead {lead_identifier!r}")
    lead = row["lead"]
    entities = [
        {
            "key": e["key"],
            "label": e["label"],
            "props": {k: v for k, v in e["props"].items() if k not in ("sources", "submissions")},
        }
        for e in store.read(LEAD_ENTITIES, id=lead_identifier)
    ]
    _with_template_sizes(store, entities)
    links = store.read(LEAD_LINKS, id=lead_identifier)
    for link in links:
        link["props"] = {
            k: v
            for k, v in link["props"].items()
            if k not in ("sources", "first_seen", "last_seen", "kind")
        }
    submission_ids = sorted({s.split("#", 1)[0] for link in links for s in link["sources"]})
    # alliance matches the owning org ran on the lead's entities: drawn as links to the
    # counterpart orgs (kind alliance_match, never facts) and listed in matches.csv
    owner = lead.get("org")
    matches = matches_of(store, [e["key"] for e in entities], [owner] if owner else [])
    counterparts, match_links_ = match_links(matches)
    latest = store.read_one(LATEST_SUBMISSION)
    method = json.loads(lead.get("method_json") or "{}")
    return {
        "lead": {
            "id": lead["id"],
            "title": lead.get("title"),
            "score": lead.get("score"),
            "status": lead.get("status"),
            "summary": json.loads(lead.get("summary_json") or "{}"),
            "explanation": json.loads(lead.get("explanation_json") or "[]"),
            "case_ref": lead.get("case_ref"),
            "analyst": lead.get("accepted_by"),
            # the reviewing officer the police set (graph.workflow.triage), else the one pushed to
            "officer": lead.get("reviewing_officer") or lead.get("officer"),
            "org": lead.get("org"),
            "created_at": lead.get("created_at"),
            "method": method,
            "scoring_method": lead.get("method_version"),
            # what was in force when the lead was detected, not what is installed now
            "lexicon_version": lead.get("lexicon_version"),
            "context_version": lead.get("context_version"),
            "ranking": json.loads(lead.get("ranking_json") or "null"),  # graph.evidence.rerank
        },
        "entities": sorted(entities + counterparts, key=lambda e: e["key"]),
        "links": sorted(links + match_links_, key=lambda r: (r["start"], r["type"], r["end"])),
        "matches": matches,
        "submissions": store.read(SUBMISSIONS, ids=submission_ids),
        # who said which value: every party's Statement about each entity, oldest first
        "statements": [
            {"entity": key, **statement}
            for key, stated in statements(store, [e["key"] for e in entities]).items()
            for statement in stated
        ],
        "snapshot": {
            "latest_submission": latest["id"] if latest else None,
            "software_version": SOFTWARE_VERSION,
        },
    }


def _with_template_sizes(store: GraphStore, entities: list[dict[str, Any]]) -> None:
    """Give each complaint in a template cluster the cluster's size (``template_size``),
    counted now: it is not stored on the members."""
    clustered = [e["props"] for e in entities if e["props"].get("template_cluster")]
    sizes = cluster_sizes(store, [props["template_cluster"] for props in clustered])
    for props in clustered:
        props["template_size"] = sizes.get(props["template_cluster"], 0)
