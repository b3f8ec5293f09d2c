"""``method.txt``: how the lead was found, so that a third party can reproduce it.

It repeats the bundle's method verbatim — the algorithm and its seed, the thresholds, each query
exactly as run with its parameters — then the score and the contribution of each feature, the
lexicon version, context model and scoring method recorded when the lead was detected (not those
installed at export time), the software version, the submissions (by SHA-256, each with the
versions of the lexicon, contact extractor and context model that read its texts at ingest) the
result rests on, and what the chart summarised.
"""

from __future__ import annotations

import json
from typing import Any

from graph.core.model import load_model
from graph.export.common import clean


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2, default=str)


def ranking_lines(ranking: dict[str, Any] | None) -> list[str]:
    """What ordered the candidates when the lead was last ranked (graph/evidence/rerank.py): the
    learned model's version, its labels by class and when it was trained, or the hand weights and
    why no model was in force."""
    if not ranking:
        return ["ranking: hand weights (no ranking recorded)"]
    if ranking.get("model"):
        return [
            f"ranking: learned model version {ranking['model']}, trained_at "
            f"{ranking.get('trained_at')}, labels {ranking.get('labels')} "
            f"({ranking.get('positives')} positive, {ranking.get('negatives')} negative) "
            f"from {ranking.get('orgs')} orgs",
            "learned contributions (learned weight × value, in score points): "
            + _json(ranking.get("learned") or {}),
        ]
    return [f"ranking: hand weights ({ranking.get('reason') or 'no model'})"]


def method_txt(bundle: dict[str, Any], package_id: str, chart_notes: list[str]) -> bytes:
    lead = bundle["lead"]
    method = lead.get("method") or {}
    lines = [
        "LeadGraph 线索发现方法 How this lead was found",
        "=" * 40,
        f"lead: {lead['id']}",
        f"title: {clean(lead.get('title'))}",
        f"package: {package_id}",
        f"software: {bundle['snapshot'].get('software_version') or '-'}",
        f"lexicon version at detection: {lead.get('lexicon_version') or '-'}",
        f"context model at detection: {lead.get('context_version') or '-'}",
        f"scoring method: {lead.get('scoring_method') or '-'}",
        f"algorithm: {method.get('algorithm') or '-'}",
        f"seed: {method.get('seed') if method.get('seed') is not None else '-'}",
        "",
        "thresholds:",
        _json(method.get("thresholds") or {}),
        "",
        "burst method (the score's burst feature; graph/evidence/bursts.py):",
        _json(method.get("bursts") or "(not used by this scoring method)"),
        "",
        "queries (exact text and parameters, in the order they ran):",
    ]
    queries = method.get("queries") or []
    if not queries:
        lines.append("  (none recorded)")
    for number, query in enumerate(queries, start=1):
        lines += [
            f"--- query {number}: {query.get('name') or '-'}",
            str(query.get("cypher") or "").rstrip(),
            f"--- parameters of query {number}:",
            _json(query.get("params") or {}),
        ]
    lines += ["", f"score: {lead.get('score')}", *ranking_lines(lead.get("ranking"))]
    lines += ["", "contributions to the score:"]
    explanation = lead.get("explanation") or []
    if not explanation:
        lines.append("  (none recorded)")
    for item in explanation:
        lines.append(
            f"  {item.get('feature')}: value {_json(item.get('value'))}, "
            f"contribution {item.get('contribution')} — {clean(item.get('text'))}"
        )
    lines += ["", "summary:", _json(lead.get("summary") or {}), ""]
    lines.append(
        "data: the result rests on these submissions (a reproduction needs the same files, "
        "checked by SHA-256), the newest in the database at export time being "
        f"{bundle['snapshot'].get('latest_submission') or '-'}:"
    )
    for sub in bundle["submissions"]:
        lines.append(
            f"  {sub['id']}  {clean(sub.get('file_name'))}  sha256 {sub.get('sha256')}  "
            f"org {clean(sub.get('org'))}  received {sub.get('received_at')}  "
            f"grade {sub.get('grade') or '-'}  lexicon {sub.get('lexicon_version') or '-'}  "
            f"contacts {sub.get('contacts_version') or '-'}  "
            f"context {sub.get('context_version') or '-'}"
        )
    lines += [
        "",
        "link kinds: "
        + "; ".join(f"{kind} = {entry.about.en}" for kind, entry in load_model().kinds.items())
        + " (links.csv names the submission and row of every fact; SAME_TEMPLATE is a match).",
        "alliance matches (matches.csv, ALLIANCE_MATCH links to a counterpart org, dashed): a "
        "private set intersection with another institution's LeadGraph found the same key in "
        "its set on that date. It means only that the counterpart also holds the key; it is not "
        "a fact, not a complaint, not evidence of what the entity did, and it ties no two "
        "entities together.",
        "",
        "chart:",
        *([f"  {note}" for note in chart_notes] or ["  every entity and link is drawn"]),
    ]
    return ("\n".join(lines) + "\n").encode()
