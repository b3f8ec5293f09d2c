"""Candidate leads scored against a synthetic world's ``truth.json``: one definition for the tests
and the benchmarks, so the figures they quote mean the same thing.

* A planted ring is **found** when one lead covers at least ``FOUND_SHARE`` of its phones and
  firm USCCs (recall = found rings / rings).
* A lead is **real** when it holds at least two of some ring's keys (precision = real leads /
  leads; ``precision_at[k]`` over the ``k`` best-ranked leads, as leads come best first).
* A lead holding two keys or more of more than one ring **merges** rings.
* Decoys — lender hotlines, law firms and their phones, shared family phones, popular numbers,
  lenders' official sites and the complaint site cited by many unrelated complaints, a handle two
  unrelated texts give once — must never be in a lead.
"""

from __future__ import annotations

from typing import Any

FOUND_SHARE = 0.75
TOP_K = (10, 50, 100, 200, 400)


def ring_keys(ring: dict[str, Any]) -> set[str]:
    """A planted ring's phone and firm keys, as leads name them."""
    return {f"phone:{p}" for p in ring["phones"]} | {f"firm:{u}" for u in ring["firm_usccs"]}


def decoy_keys(truth: dict[str, Any]) -> set[str]:
    """The keys of everything that looks like a ring signal but is not one."""
    decoys = truth["decoys"]
    keys = {f"phone:{h['e164']}" for h in decoys["hotlines"]}
    keys |= {f"firm:{f['uscc']}" for f in decoys["law_firms"]}
    keys |= {f"phone:{f['phone']}" for f in decoys["law_firms"]}
    keys |= {f"phone:{f['phone']}" for f in decoys["family_phones"]}
    keys |= {f"phone:{p['e164']}" for p in decoys["popular_numbers"]}
    keys |= {hub["key"] for hub in decoys.get("contact_hubs", [])}
    keys |= {stray["key"] for stray in decoys.get("stray_handles", [])}
    return keys


def lead_quality(truth: dict[str, Any], leads: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall, precision (overall and at the top), merged rings and decoys of ``leads`` (each
    with ``entities``, ranked best first) against ``truth``."""
    entity_sets = [set(lead["entities"]) for lead in leads]
    rings = [ring_keys(ring) for ring in truth["rings"]]
    missed = [
        ring["id"]
        for ring, wanted in zip(truth["rings"], rings, strict=True)
        if not any(len(wanted & found) / len(wanted) >= FOUND_SHARE for found in entity_sets)
    ]
    spans = [sum(1 for wanted in rings if len(wanted & found) >= 2) for found in entity_sets]
    real = [span > 0 for span in spans]
    decoys = decoy_keys(truth)
    return {
        "rings": len(rings),
        "leads": len(leads),
        "recall": (len(rings) - len(missed)) / max(1, len(rings)),
        "precision": sum(real) / max(1, len(leads)),
        "precision_at": {k: sum(real[:k]) / k for k in TOP_K if k < len(leads)},
        "merged_leads": sum(1 for span in spans if span > 1),
        "largest_merge": max(spans, default=0),
        "missed": missed,
        "decoy_leads": sum(1 for found in entity_sets if decoys & found),
        "decoys_in_leads": sorted(set().union(*entity_sets) & decoys) if entity_sets else [],
    }
