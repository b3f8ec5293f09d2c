"""Where the hard decoys land by hand score: per decoy family, its best lead's rank and score.

Loads a ``leadgraph synth --hard-decoys`` world (the one ``bench/rerank.py`` uses), builds the
templates, detects, and prints the leads best first with what each is (a planted ring, a law firm
or charity, a family phone, anything else), then each decoy family's best rank. The question it
answers: do the decoys reach the first leads officers read, where feedback could teach anything?

    .venv/bin/python bench/hard_decoys.py --scale 10000 --seed 1 [--top 30]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from common import bench_store
from rerank import hard_world, is_real

from app.synth.scoring import ring_keys
from graph.db.schema import wipe_data
from graph.evidence.leads import detect
from graph.evidence.templates import build_templates
from ingest.demo import load_world


def families(truth: dict[str, Any]) -> dict[str, set[str]]:
    """Each decoy family's keys by a short name: law firms and charities (firm and office
    line), family phones."""
    decoys = truth["decoys"]
    named = {  # two charities of one city share a name: the USCC's end tells them apart
        f"law:{law['name']}/{law['uscc'][-4:]}": {f"firm:{law['uscc']}", f"phone:{law['phone']}"}
        for law in decoys["law_firms"]
    }
    named |= {
        f"family:{fam['phone']}": {f"phone:{fam['phone']}"} for fam in decoys["family_phones"]
    }
    return named


def what_is(lead: dict[str, Any], rings: list[set[str]], named: dict[str, set[str]]) -> str:
    if is_real(lead["entities"], rings):
        return "ring"
    entities = set(lead["entities"])
    hits = [name for name, keys in named.items() if keys & entities]
    return ",".join(hits) or "other"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    folder = hard_world(args.scale, args.seed)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    rings = [ring_keys(ring) for ring in truth["rings"]]
    named = families(truth)
    with bench_store() as store:
        wipe_data(store)
        load_world(store, folder)
        build_templates(store)
        leads = sorted(detect(store)["leads"], key=lambda lead: (-lead["score"], lead["id"]))
    best: dict[str, tuple[int, float]] = {}
    for rank, lead in enumerate(leads, 1):
        kind = what_is(lead, rings, named)
        if rank <= args.top:
            print(f"{rank:>4} {lead['score']:>6.1f} {kind[:60]}  {lead['title'][:40]}")
        for name in kind.split(","):
            best.setdefault(name, (rank, lead["score"]))
    real = sum(1 for lead in leads if what_is(lead, rings, named) == "ring")
    print(f"\nseed {args.seed}: {len(leads)} leads, {real} real")
    decoys = {k: v for k, v in best.items() if k not in ("ring", "other")}
    for name, (rank, score) in sorted(decoys.items(), key=lambda kv: kv[1]):
        print(f"  {name[:50]:<50} best rank {rank:>4}  hand score {score:.1f}")
    print(
        f"  decoy families in leads: {len(decoys)} of {len(named)}; "
        f"in the top 20: {sum(1 for r, _ in decoys.values() if r <= 20)}, "
        f"top 30: {sum(1 for r, _ in decoys.values() if r <= 30)}"
    )


if __name__ == "__main__":
    main()
