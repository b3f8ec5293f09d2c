"""Intermediary scores from plain rows: which phones, firms and accounts stand behind many
complaints, and why.

Every phone, firm, account and person that complaints name as contact or agent — directly, or
through a firm's or an account's phone — and every phone that calls complainants gets a score of
0–100 from features an investigator recognises. Each feature's contribution is kept, so the
workbench can say why:

=====================  ========================================================  ======
feature                meaning                                                   weight
=====================  ========================================================  ======
complainants           distinct complainants who list it (log-scaled, 50 = full)     30
lenders                distinct institutions complained about (4 = full)             10
template_share         share of its complaints in its largest template cluster       25
disguise_rate          share of its complaints whose text disguises slang            15
agent_text_share       share of its complaints the context model calls agent-like    10
calls_to_complainants  distinct complainants' phones it called (10 = full)           10
advertised             accounts advertising it (2 = full)                             5
consulting_scope       a firm whose business scope is debt / legal / info consulting  5
shared_legal_rep       a firm whose legal representative also runs another firm       5
firm_age_years         a firm's age at its first complaint (≤ 1 y full, 5 y none)     5
burst                  its complaints surged against its own baseline in some week    5
alliance_match         an alliance counterpart's set also holds it (≥ 1 = full)       5
=====================  ========================================================  ======

A score is the sum of the contributions, at most 100. ``agent_text_share`` reads the
``agent_score`` ingest writes on each complaint (:mod:`graph.text.context`: how agent-like the
whole text is, whether or not it uses slang); a complaint scoring at least
``graph.text.context.AGENT_AT`` counts. ``burst`` reads the periods ``graph.evidence.bursts``
finds in the row's ``bursts`` (method and threshold stated there); its feature value is the
strongest period, so the explanation can say when, how many and against what baseline.
``alliance_match`` reads the row's ``alliance`` (``{counterpart, by_org}`` of each
``ALLIANCE_MATCH`` link, :mod:`graph.alliance.matches`): a private set intersection found the
entity in another institution's set too. It is a hint, not a fact, hence its small weight; its
feature value names the counterparts and the orgs that ran the matches, so a page shows it only
to those orgs (``graph.views``).

Service numbers (95xxx, 400/800, 12xxx) are institutions' own lines: they score 0 and are named
in the result instead.

Everything here works on plain rows (the ``ENTITY_COMPLAINTS`` rows of
``graph.evidence.analytics``, or dicts made by hand in a test); nothing reads the database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.evidence.bursts import strongest

# The version of the scoring method: recorded on every candidate lead (``method_version``) and
# reported by its court package. Change it whenever a lead's score or membership may change for
# the same data: the weights or features here, the seed test or the ring score in ``rings``.
# 2026.12: the agent_text_share feature (graph.text.context), and rings also tied through shared
# contact handles (``rings.contact_ties``), so a lead may gain members (the handles, and seeds
# only a handle joins) for the same data.
# 2026.12.1: the burst feature (graph.evidence.bursts), weight 5.
# 2026.12.2: Louvain runs on each connected component of the ring graph on its own
# (``rings.ring_communities``), so a component's rings no longer depend on the rest of the graph
# (what lets the incremental analysis equal the full detect); a large component may split
# differently than before for the same data.
# 2026.12.3: the alliance_match feature (graph.alliance.matches), weight 5.
SCORING_METHOD = "scores-2026.12.3"

SERVICE_TYPES = frozenset({"service", "toll_free", "shared_cost", "premium_rate", "uan", "voip"})
CONSULTING_WORDS = ("债务", "法律咨询", "法务", "信息咨询", "商务咨询", "信用修复", "协商", "维权")
WEIGHTS = {
    "complainants": 30.0,
    "lenders": 10.0,
    "template_share": 25.0,
    "disguise_rate": 15.0,
    "agent_text_share": 10.0,
    "calls_to_complainants": 10.0,
    "advertised": 5.0,
    "consulting_scope": 5.0,
    "shared_legal_rep": 5.0,
    "firm_age_years": 5.0,
    "burst": 5.0,
    "alliance_match": 5.0,
}
# A firm set up shortly before its complaints begin looks like a vehicle for them: full weight
# at this age or younger (years), none from ``OLD_FIRM_YEARS`` on.
YOUNG_FIRM_YEARS = 1.0
OLD_FIRM_YEARS = 5.0


@dataclass
class EntityScore:
    """An entity's score, each feature's contribution to it and the feature values behind them."""

    key: str
    label: str
    score: float
    contributions: dict[str, float]
    features: dict[str, Any]
    templates: dict[str, int] = field(default_factory=dict)  # template cluster -> complaints

    def reasons(self, top: int = 3) -> list[str]:
        """The ``top`` features that contribute most, as ``name=value``."""
        ranked = sorted(self.contributions.items(), key=lambda kv: -kv[1])
        return [f"{name}={self.features.get(name)}" for name, value in ranked[:top] if value > 0]


def firm_age_years(registered: str | None, first_complaint: str | None) -> float | None:
    """A firm's age in years on the date of its first complaint.

    Parameters
    ----------
    registered, first_complaint : str or None
        ISO dates (anything after the first ten characters is ignored).

    Returns
    -------
    float or None
        Years, to one decimal; negative when the firm was registered after its first complaint.
        None when either date is unknown.

    Examples
    --------
    >>> firm_age_years("2024-03-01", "2025-03-01")
    1.0
    >>> firm_age_years("2025-06-01", "2025-03-01")
    -0.3
    >>> firm_age_years(None, "2025-03-01") is None
    True
    """
    try:
        born = date.fromisoformat(str(registered)[:10])
        first = date.fromisoformat(str(first_complaint)[:10])
    except ValueError:
        return None
    return round((first - born).days / 365.25, 1)


def youth(age: float | None) -> float:
    """How young a firm is, 0–1: 1 at ``YOUNG_FIRM_YEARS`` or younger, 0 from
    ``OLD_FIRM_YEARS`` on, linear between; 0 when its age is unknown.

    Examples
    --------
    >>> [youth(age) for age in (0.5, 3.0, 13.0, None)]
    [1.0, 0.5, 0.0, 0.0]
    """
    if age is None:
        return 0.0
    span = OLD_FIRM_YEARS - YOUNG_FIRM_YEARS
    return max(0.0, min(1.0, (OLD_FIRM_YEARS - age) / span))


def feature_values(row: Mapping[str, Any], age: float | None) -> dict[str, float]:
    """Each feature of ``WEIGHTS`` as a value from 0 to 1.

    Parameters
    ----------
    row : mapping
        An ``ENTITY_COMPLAINTS`` row: ``complaints``, ``complainants``, ``lenders``,
        ``top_template``, ``disguised``, ``calls_to_complainants``, ``advertised``,
        ``shared_legal_rep`` (counts), optionally ``agent_like`` (complaints the context model
        calls agent-like; 0 when absent), ``scope`` (a firm's business scope, or None) and
        ``bursts`` (its burst periods, ``graph.evidence.bursts``; none when absent) and
        ``alliance`` (its alliance matches; none when absent).
    age : float or None
        A firm's age at its first complaint (see ``firm_age_years``).

    Examples
    --------
    >>> row = {"complaints": 4, "complainants": 50, "lenders": 4, "top_template": 2,
    ...        "disguised": 1, "calls_to_complainants": 5, "advertised": 0,
    ...        "shared_legal_rep": 0, "scope": "债务咨询"}
    >>> values = feature_values(row, 3.0)
    >>> values["complainants"], values["template_share"], values["firm_age_years"]
    (1.0, 0.5, 0.5)
    """
    complaints = max(int(row["complaints"]), 1)
    scope = row.get("scope") or ""
    return {
        "complainants": min(1.0, math.log1p(row["complainants"]) / math.log1p(50)),
        "lenders": min(1.0, max(0, row["lenders"] - 1) / 3),
        "template_share": row["top_template"] / complaints if complaints >= 3 else 0.0,
        "disguise_rate": row["disguised"] / complaints,
        "agent_text_share": row.get("agent_like", 0) / complaints,
        "calls_to_complainants": min(1.0, row["calls_to_complainants"] / 10),
        "advertised": min(1.0, row["advertised"] / 2),
        "consulting_scope": 1.0 if any(w in scope for w in CONSULTING_WORDS) else 0.0,
        "shared_legal_rep": 1.0 if row["shared_legal_rep"] > 0 else 0.0,
        "firm_age_years": youth(age),
        "burst": 1.0 if row.get("bursts") else 0.0,
        "alliance_match": 1.0 if row.get("alliance") else 0.0,
    }


def template_counts(clusters: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Complaints per template cluster, for clusters holding two or more of the entity's
    complaints, by cluster id.

    Examples
    --------
    >>> template_counts([{"cluster": "t2", "n": 3}, {"cluster": "t1", "n": 2},
    ...                  {"cluster": "t3", "n": 1}])
    {'t1': 2, 't2': 3}
    """
    return {
        row["cluster"]: int(row["n"])
        for row in sorted(clusters, key=lambda row: row["cluster"])
        if row["n"] >= 2
    }


def alliance_matches(matches: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The distinct ``{counterpart, by_org}`` pairs of an entity's alliance matches, sorted.

    Examples
    --------
    >>> alliance_matches([{"counterpart": "B", "by_org": "A"}, {"counterpart": "B", "by_org": "A"},
    ...                   {"counterpart": "C", "by_org": None}])
    [{'counterpart': 'B', 'by_org': 'A'}, {'counterpart': 'C', 'by_org': ''}]
    """
    pairs = {(str(m["counterpart"]), str(m.get("by_org") or "")) for m in matches}
    return [{"counterpart": c, "by_org": o} for c, o in sorted(pairs)]


def is_service_number(row: Mapping[str, Any]) -> bool:
    """An institution's own line (95xxx, 400/800, 12xxx …): set aside, never scored."""
    return row["label"] == "Phone" and row.get("phone_type") in SERVICE_TYPES


def score_row(row: Mapping[str, Any]) -> EntityScore:
    """One entity's score, its contributions and the feature values behind them.

    Parameters
    ----------
    row : mapping
        An ``ENTITY_COMPLAINTS`` row: ``key``, ``label``, the counts ``feature_values`` reads,
        ``sources``, ``first_date``, ``last_date``, and for a firm ``registered``; optionally
        ``clusters`` (``{"cluster", "n"}`` rows).

    Examples
    --------
    >>> row = {"key": "firm:X", "label": "Firm", "complaints": 5, "complainants": 5,
    ...        "lenders": 1, "sources": 1, "top_template": 0, "disguised": 0,
    ...        "calls_to_complainants": 0, "advertised": 0, "shared_legal_rep": 0,
    ...        "scope": None, "registered": "2024-09-01", "first_date": "2025-03-01",
    ...        "last_date": "2025-03-05"}
    >>> s = score_row(row)
    >>> s.score, s.contributions["firm_age_years"], s.features["firm_age_years"]
    (18.67, 5.0, 0.5)
    """
    age = (
        firm_age_years(row.get("registered"), row.get("first_date"))
        if row["label"] == "Firm"
        else None
    )
    values = feature_values(row, age)
    contributions = {name: round(WEIGHTS[name] * v, 2) for name, v in values.items()}
    features = {
        "complaints": row["complaints"],
        "complainants": row["complainants"],
        "lenders": row["lenders"],
        "sources": row["sources"],
        "template_share": round(values["template_share"], 3),
        "disguise_rate": round(values["disguise_rate"], 3),
        "agent_text_share": round(values["agent_text_share"], 3),
        "calls_to_complainants": row["calls_to_complainants"],
        "advertised": row["advertised"],
        "consulting_scope": bool(values["consulting_scope"]),
        "shared_legal_rep": row["shared_legal_rep"],
        "firm_age_years": age,
        "burst": strongest(row.get("bursts") or []),
        "alliance_match": alliance_matches(row.get("alliance") or []),
        "first_date": row["first_date"],
        "last_date": row["last_date"],
    }
    return EntityScore(
        key=row["key"],
        label=row["label"],
        score=min(100.0, round(sum(contributions.values()), 2)),
        contributions=contributions,
        features=features,
        templates=template_counts(row.get("clusters") or []),
    )


def score_rows(
    rows: Iterable[Mapping[str, Any]],
) -> tuple[list[EntityScore], list[dict[str, Any]]]:
    """Score every row but service numbers.

    Returns
    -------
    scores : list of EntityScore
        Best first (ties by key).
    set_aside : list of dict
        The service numbers, as ``{"key", "type", "complaints"}``, in the order of ``rows``.
    """
    scores: list[EntityScore] = []
    set_aside: list[dict[str, Any]] = []
    for row in rows:
        if is_service_number(row):
            set_aside.append(
                {"key": row["key"], "type": row["phone_type"], "complaints": row["complaints"]}
            )
            continue
        scores.append(score_row(row))
    scores.sort(key=lambda s: (-s.score, s.key))
    return scores, set_aside
