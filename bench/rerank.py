"""Learning from outcomes, honestly evaluated: precision@20 of the hand weights against the
learned ranking, on leads that never got feedback.

For each seed a world with hard decoys is generated (``leadgraph synth --hard-decoys``: law
firms and debt-counselling charities filing many complaints with one representative letter
each, in an agent's voice but lawful, which pass the templated test and score like rings, besides
the usual family phones), loaded, templated and
detected. Officers read the first ``--read`` leads by the hand ranking (default 20; a
5,000-complaint world has only about 30 leads, so 10,000 is the default scale): a real lead
(one holding a planted ring's phone or firm, :func:`is_real`) is filed (立案 → ``confirmed``), any
other not (不立案 → ``no_action``); ``--noise`` flips that share of labels. The labels come from
six officers of three units and (dismissals of what is not a ring) analysts of the lenders the
lead's complaints came from (``labelled``), so the caps of ``graph.evidence.rerank`` hold. The
model is trained on them (``rerank.train_examples``), and both rankings are scored on the leads
nobody read: precision@20 (real leads among the 20 best ranked).

Seeds 1–5 are the ones looked at while writing the re-ranker (the README table: 1–3);
``--seeds 101-105`` is the held-out range, not tuned on (the README table: 101–103).

    .venv/bin/python bench/rerank.py --scale 10000 --seeds 1-3 --read 20,30,40
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from common import ROOT, WORLDS, bench_store

from app.synth.scoring import ring_keys
from graph.db.schema import wipe_data
from graph.evidence import rerank
from graph.evidence.leads import detect
from graph.evidence.templates import build_templates
from ingest.demo import load_world

TOP = 20


def hard_world(scale: int, seed: int) -> Path:
    folder = WORLDS / f"hard-{scale}-{seed}"
    if not (folder / "truth.json").exists():
        subprocess.run(
            [sys.executable, "-m", "app.cli", "synth", "--hard-decoys", "--scale", str(scale),
             "--seed", str(seed), "--out", str(folder)],
            check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return folder


def is_real(entities: list[str], rings: list[set[str]]) -> bool:
    """A lead is real when it holds a planted ring's phone or firm: an officer reading it finds
    the ring (a fragment naming one ring phone and the ring's agents is the ring, not a decoy)."""
    members = set(entities)
    return any(keys & members for keys in rings)


def kind_of(entities: list[str], rings: list[set[str]], truth: dict[str, Any]) -> str:
    """What a lead is, for the labels by class: ring, law (firm), charity, family or other."""
    if is_real(entities, rings):
        return "ring"
    members = set(entities)
    decoys = truth["decoys"]
    for law in decoys["law_firms"]:
        if {f"firm:{law['uscc']}", f"phone:{law['phone']}"} & members:
            return "charity" if law["name"].endswith("服务中心") else "law"
    if any(f"phone:{fam['phone']}" in members for fam in decoys["family_phones"]):
        return "family"
    return "other"


def precision(leads: list[dict[str, Any]], key: str) -> float:
    ranked = sorted(leads, key=lambda lead: (-lead[key], lead["id"]))[:TOP]
    return sum(lead["real"] for lead in ranked) / max(1, len(ranked))


def labelled(lead: dict[str, Any], i: int, rng: random.Random, noise: float) -> rerank.Example:
    """The feedback the ``i``-th lead read gets. Every read lead is pushed to an officer (six
    officers of three units, in turn): a real one is filed (立案 → ``confirmed``). A lead that is
    not a ring is, half the time, dismissed first by an analyst of one of the lenders whose
    complaints it holds (the lender's staff know the law firm or charity that writes to them),
    otherwise the officer files nothing (不立案 → ``no_action``). ``noise`` flips that share."""
    y = int(lead["real"]) ^ int(rng.random() < noise)
    if not y and lead["orgs"] and rng.random() < 0.5:
        org = rng.choice(lead["orgs"])
        return rerank.Example(lead["id"], lead["x"], y, f"analyst@{org}", org)
    return rerank.Example(lead["id"], lead["x"], y, f"officer{i % 6}", f"unit{i % 3}")


def world_leads(store: Any, scale: int, seed: int) -> list[dict[str, Any]]:
    """The hard world's leads, best hand score first, each with its vector and truth."""
    folder = hard_world(scale, seed)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    wipe_data(store)
    load_world(store, folder)
    build_templates(store)
    found = detect(store)["leads"]
    rings = [ring_keys(ring) for ring in truth["rings"]]
    vectors = {row["id"]: json.loads(row["x"]) for row in store.read(rerank.LEAD_VECTORS)}
    leads = [
        {
            "id": lead["id"],
            "score": lead["score"],
            "x": vectors[lead["id"]],
            "real": is_real(lead["entities"], rings),
            "kind": kind_of(lead["entities"], rings, truth),
            "orgs": lead["summary"]["orgs"],
        }
        for lead in found
    ]
    return sorted(leads, key=lambda lead: (-lead["score"], lead["id"]))


def evaluate(leads: list[dict[str, Any]], seed: int, read: int, noise: float) -> dict[str, Any]:
    """Feedback on the first ``read`` leads, a model trained on it, and precision@20 of both
    rankings over the leads nobody read."""
    rng = random.Random(seed)
    examples = [labelled(lead, i, rng, noise) for i, lead in enumerate(leads[:read])]
    model = rerank.train_examples(examples)
    unread = leads[read:]
    for lead in unread:
        lead["learned"] = (
            rerank.rank_score(lead["x"], model["coefficients"])
            if model["coefficients"]
            else lead["score"]
        )
    return {
        "seed": seed,
        "read": read,
        "leads": len(leads),
        "real": sum(lead["real"] for lead in leads),
        "labels": f"{model['positives']}+/{model['negatives']}-",
        "negatives": dict(
            Counter(
                lead["kind"] for lead, ex in zip(leads[:read], examples, strict=True) if not ex.y
            )
        ),
        "unread": len(unread),
        "hand": precision(unread, "score"),
        "learned": precision(unread, "learned"),
        "reason": model["reason"],
        "coefficients": model["coefficients"],
    }


def seeds_of(text: str) -> list[int]:
    """``1-5`` or ``1,2,101``."""
    seeds: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        seeds += range(int(first), int(last or first) + 1)
    return seeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--seeds", default="1-5", help="a range, e.g. 1-5 (held out: 101-105)")
    parser.add_argument(
        "--read", default="20", help="leads officers read and label; several, e.g. 20,40"
    )
    parser.add_argument("--noise", type=float, default=0.0, help="share of labels flipped")
    args = parser.parse_args()
    rows = []
    with bench_store() as store:
        for seed in seeds_of(args.seeds):
            leads = world_leads(store, args.scale, seed)
            for read in (int(r) for r in args.read.split(",")):
                row = evaluate(leads, seed, read, args.noise)
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
    for read in (int(r) for r in args.read.split(",")):
        table([row for row in rows if row["read"] == read], args.scale, read, args.noise)


def table(rows: list[dict[str, Any]], scale: int, read: int, noise: float) -> None:
    print(f"\nscale {scale:,}, first {read} leads read, noise {noise}")
    print(
        f"{'seed':>6} {'leads':>6} {'real':>5} {'labels':>8} {'unread':>7} {'hand P@20':>10} {'learned P@20':>13}  negatives by class"
    )
    for row in rows:
        print(
            f"{row['seed']:>6} {row['leads']:>6} {row['real']:>5} {row['labels']:>8} "
            f"{row['unread']:>7} {row['hand']:>10.2f} {row['learned']:>13.2f}  "
            + " ".join(f"{kind}:{n}" for kind, n in sorted(row["negatives"].items()))
        )
    for key in ("hand", "learned"):
        values = [row[key] for row in rows]
        print(
            f"{key:>8}: median {statistics.median(values):.2f}, "
            f"min {min(values):.2f}, max {max(values):.2f}"
        )


if __name__ == "__main__":
    main()
