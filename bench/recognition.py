"""Recognition on the evaluation set: slang disguises and contacts, per class and per kind.

Run::

    .venv/bin/python bench/recognition.py                    # the dev split
    .venv/bin/python bench/recognition.py --split heldout    # the held-out split: figures only
    .venv/bin/python bench/recognition.py --misses 20        # dev: also show what was missed
    .venv/bin/python bench/recognition.py --json             # the figures as JSON

The set is ``tests/data/recognition/`` (see its README: what each disguise class is, how it was
written, and why the held-out split is never used for tuning — so this script shows no examples
from it).

How a finding is matched (one-to-one, largest overlap first):

* a term: a :func:`graph.text.slang.scan` hit matches a label when their spans overlap and the
  hit's ``term`` is the label's canonical term. Recall is per labelled class; a *disguised hit* is
  one with disguise kinds, and its precision is the share that match a label — printed overall and
  per kind the scanner reported. A hit overlapping a contact other than a phone (URL, domain,
  handle, e-mail) or a trap span is counted there too (every such hit is wrong: no label lies
  inside a contact or a trap).
* a contact: a found contact matches a label when their spans overlap, their kinds agree (a URL
  and a domain count as one kind, ``domain``) and their normalised values are equal (phones as
  E.164 with +86 for a bare mainland number; ids, handles and hosts lower-case without ``@``,
  ``www.`` or a path; QQ digits). Contacts are read from ``graph.text.contacts`` when it exists:
  the first of ``extract``, ``extract_contacts``, ``find_contacts``, ``scan`` it has, called with
  one text, returning items with ``kind``, ``value``, ``start`` and ``end`` (attributes or keys).

Speed is the scan's, in MB of UTF-8 a second of CPU (median of repeats over the split's texts).

Context model (``graph.text.context``), marked ``[context]`` in the output: how well "agent-like"
(``trade`` other than ``benign``) is told from benign by rules alone (any lexicon hit; the number
of hits) and by the model's agent score, as AUC and as precision/recall of "any hit" and of
"score ≥ 0.5"; and the disguised-hit precision and recall when lone weak hits in texts the model
calls benign are suppressed (:func:`graph.text.context.suppressed`). On dev these figures are
IN-SAMPLE — the shipped model was trained on dev —; ``bench/context.py`` gives the
cross-validated dev figures. On heldout they are honest.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SET_DIR = ROOT / "tests" / "data" / "recognition"
CLASS_ORDER = (
    "plain",
    "homophone",
    "homophone_rare",
    "all_homophone",
    "lookalike",
    "noise",
    "foreign_lookalike",
    "traditional",
    "styled",
    "initials",
    "pinyin",
    "mixed",
    "pinyin_homophone",
)
KIND_FAMILY = {
    "phone": "phone",
    "mobile": "phone",
    "tel": "phone",
    "wechat": "wechat",
    "weixin": "wechat",
    "wx": "wechat",
    "qq": "qq",
    "telegram": "telegram",
    "tg": "telegram",
    "domain": "domain",
    "url": "domain",
    "website": "domain",
    "web": "domain",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
}
CONTACT_ORDER = ("phone", "wechat", "qq", "telegram", "domain", "email")
HANDLES = ("wechat", "qq", "telegram", "domain")

Row = dict[str, Any]
Span = tuple[int, int]


def load(split: str) -> list[Row]:
    """The rows of ``dev``, ``heldout`` or ``all``."""
    names = ("dev", "heldout") if split == "all" else (split,)
    rows = []
    for name in names:
        with (SET_DIR / f"{name}.jsonl").open(encoding="utf-8") as handle:
            rows += [json.loads(line) for line in handle if line.strip()]
    return rows


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def pair(gold: list[tuple[Span, object]], found: list[tuple[Span, object]]) -> dict[int, int]:
    """One-to-one matching of found to gold items, each a span and a key: items match when their
    spans overlap and their keys are equal, largest overlap first. Returns {found: gold}."""
    options = [
        (_overlap(g_span, f_span), g, f)
        for g, (g_span, g_key) in enumerate(gold)
        for f, (f_span, f_key) in enumerate(found)
        if g_key == f_key and _overlap(g_span, f_span) > 0
    ]
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _, g, f in sorted(options, key=lambda o: (-o[0], o[1], o[2])):
        if f not in matched and g not in used:
            matched[f] = g
            used.add(g)
    return matched


# -- terms ---------------------------------------------------------------------------------------


def hit_kinds(hit: Any) -> tuple[str, ...]:
    kinds = getattr(hit, "kinds", None)
    if kinds is None:
        disguise = getattr(hit, "disguise", None)
        kinds = tuple(disguise.split("+")) if disguise else ()
    return tuple(kinds)


def score_terms(rows: list[Row], scan: Callable[[str], list[Any]]) -> dict[str, Any]:
    recall: dict[str, Counter[str]] = {c: Counter() for c in CLASS_ORDER}
    rare: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    totals: Counter[str] = Counter()
    in_contacts: list[tuple[str, str, str]] = []
    on_traps: Counter[str] = Counter()
    misses: list[tuple[str, str, str]] = []
    wrong: list[tuple[str, str, str]] = []
    for row in rows:
        hits = scan(row["text"])
        labels = row["terms"]
        matched = pair(
            [((t["start"], t["end"]), t["term"]) for t in labels],
            [((h.start, h.end), h.term) for h in hits],
        )
        found_labels = set(matched.values())
        for index, label in enumerate(labels):
            outcome = "found" if index in found_labels else "missed"
            recall[label["class"]][outcome] += 1
            if label["rare"]:
                rare[outcome] += 1
            if outcome == "missed":
                misses.append((label["class"], label["surface"], row["text"]))
        handles = [
            (c["start"], c["end"]) for c in row["contacts"] if c["kind"] != "phone"
        ]  # a hit on a phone's digits is judged as any other wrong hit
        for index, hit in enumerate(hits):
            kinds = hit_kinds(hit)
            correct = index in matched
            span = (hit.start, hit.end)
            inside = any(_overlap(span, c) for c in handles)
            totals["hits"] += 1
            totals["correct"] += correct
            if kinds:
                totals["disguised"] += 1
                totals["disguised_correct"] += correct
            for kind in kinds or ("(plain)",):
                counter = by_kind.setdefault(kind, Counter())
                counter["hits"] += 1
                counter["correct"] += correct
                counter["in_contact"] += inside
            if inside:
                in_contacts.append((hit.term, hit.surface, row["text"]))
            for trap in row["traps"]:
                if _overlap(span, (trap["start"], trap["end"])):
                    on_traps[trap["class"]] += 1
            if not correct:
                wrong.append((hit.term, hit.surface, row["text"]))
    disguised_labels = sum(sum(recall[c].values()) for c in CLASS_ORDER[1:])
    disguised_found = sum(recall[c]["found"] for c in CLASS_ORDER[1:])
    return {
        "recall_by_class": {
            c: {
                "labels": sum(recall[c].values()),
                "found": recall[c]["found"],
                "recall": _ratio(recall[c]["found"], sum(recall[c].values())),
            }
            for c in CLASS_ORDER
        },
        "recall_disguised": _ratio(disguised_found, disguised_labels),
        "recall_rare": _ratio(rare["found"], sum(rare.values())),
        "disguised_labels": disguised_labels,
        "rare_labels": sum(rare.values()),
        "hits": totals["hits"],
        "precision": _ratio(totals["correct"], totals["hits"]),
        "disguised_hits": totals["disguised"],
        "precision_disguised": _ratio(totals["disguised_correct"], totals["disguised"]),
        "by_scanner_kind": {
            kind: {
                "hits": c["hits"],
                "precision": _ratio(c["correct"], c["hits"]),
                "in_contact": c["in_contact"],
            }
            for kind, c in sorted(by_kind.items())
        },
        "hits_in_contacts": len(in_contacts),
        "hits_on_traps": dict(sorted(on_traps.items())),
        "examples": {"missed": misses, "wrong": wrong, "in_contacts": in_contacts},
    }


# -- contacts ------------------------------------------------------------------------------------


def contact_extractor() -> Callable[[str], Iterable[Any]] | None:
    """``graph.text.contacts``' extraction function, or None while the module does not exist."""
    try:
        module = importlib.import_module("graph.text.contacts")
    except ImportError:
        return None
    for name in ("extract", "extract_contacts", "find_contacts", "scan"):
        function = getattr(module, name, None)
        if callable(function):
            return function  # type: ignore[no-any-return]
    return None


def _field(item: Any, name: str) -> Any:
    return item[name] if isinstance(item, dict) else getattr(item, name)


def normalise(family: str, value: str) -> str:
    """The comparable form of a contact value (see the module docstring)."""
    value = str(value).strip()
    if family == "phone":
        digits = re.sub(r"\D", "", value)
        if not value.startswith("+") and len(digits) == 11 and digits.startswith("1"):
            digits = "86" + digits  # a bare mainland mobile; "+1380…" stays a foreign number
        return "+" + digits
    if family == "qq":
        return re.sub(r"\D", "", value)
    value = value.lower()
    if family == "telegram":
        return re.sub(r"^(https?://)?(t\.me/|@)", "", value)
    if family == "domain":
        host = re.sub(r"^[a-z]+://", "", value).split("/")[0].split("?")[0]
        return host.removeprefix("www.")
    return value


def score_contacts(rows: list[Row], extract: Callable[[str], Iterable[Any]]) -> dict[str, Any]:
    per: dict[str, Counter[str]] = {k: Counter() for k in CONTACT_ORDER}
    forms: dict[str, Counter[str]] = {}
    disguised_phones: Counter[str] = Counter()
    value_wrong = 0
    misses: list[tuple[str, str, str]] = []
    wrong: list[tuple[str, str, str]] = []
    for row in rows:
        labels = row["contacts"]
        items = []
        for item in extract(row["text"]):
            family = KIND_FAMILY.get(str(_field(item, "kind")).lower(), "other")
            items.append(
                (
                    family,
                    normalise(family, _field(item, "value")),
                    _field(item, "start"),
                    _field(item, "end"),
                )
            )
        gold = [
            (KIND_FAMILY[c["kind"]], normalise(KIND_FAMILY[c["kind"]], c["value"])) for c in labels
        ]
        spans = [(c["start"], c["end"]) for c in labels]
        found_spans = [(i[2], i[3]) for i in items]
        matched = pair(
            list(zip(spans, gold, strict=True)),
            [(f, i[:2]) for f, i in zip(found_spans, items, strict=True)],
        )
        loose = pair(
            [(span, key[0]) for span, key in zip(spans, gold, strict=True)],
            [(f, i[0]) for f, i in zip(found_spans, items, strict=True)],
        )
        value_wrong += len(loose) - len(matched)
        found_labels = set(matched.values())
        for index, label in enumerate(labels):
            family = gold[index][0]
            hit = index in found_labels
            per[family]["labels"] += 1
            per[family]["found"] += hit
            if family == "phone":
                for form in label.get("form", ["plain"]):
                    forms.setdefault(form, Counter())["found" if hit else "missed"] += 1
                if label.get("disguised"):
                    disguised_phones["found" if hit else "missed"] += 1
            if not hit:
                misses.append((family, label["surface"], row["text"]))
        for index, item in enumerate(items):
            per.setdefault(item[0], Counter())
            per[item[0]]["predicted"] += 1
            per[item[0]]["correct"] += index in matched
            if index not in matched:
                wrong.append((item[0], f"{item[1]} @{item[2]}:{item[3]}", row["text"]))
    handles: Counter[str] = Counter()
    for family in HANDLES:
        handles.update(per[family])
    return {
        "by_kind": {
            family: {
                "labels": c["labels"],
                "recall": _ratio(c["found"], c["labels"]),
                "predicted": c["predicted"],
                "precision": _ratio(c["correct"], c["predicted"]),
            }
            for family, c in per.items()
        },
        "handles": {
            "labels": handles["labels"],
            "recall": _ratio(handles["found"], handles["labels"]),
            "precision": _ratio(handles["correct"], handles["predicted"]),
        },
        "phones_in_disguise": {
            "labels": sum(disguised_phones.values()),
            "recall": _ratio(disguised_phones["found"], sum(disguised_phones.values())),
        },
        "phone_forms": {
            form: {"labels": sum(c.values()), "recall": _ratio(c["found"], sum(c.values()))}
            for form, c in sorted(forms.items())
        },
        "value_wrong": value_wrong,
        "examples": {"missed": misses, "wrong": wrong},
    }


# -- speed ---------------------------------------------------------------------------------------


def speed(function: Callable[[str], Any], texts: list[str], repeats: int) -> float:
    """MB of UTF-8 a CPU second, median of ``repeats`` passes (the machine is shared)."""
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    times = []
    for _ in range(repeats):
        started = time.process_time()
        for text in texts:
            function(text)
        times.append(time.process_time() - started)
    return megabytes / max(statistics.median(times), 1e-9)


def auc(labels: list[int], scores: list[float]) -> float | None:
    """Area under the ROC curve (the Mann–Whitney statistic, ties counting one half)."""
    ranked = sorted(zip(scores, labels, strict=True))
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return None
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mid = (i + j + 1) / 2  # the mean rank (1-based) of the tie block
        rank_sum += mid * sum(label for _, label in ranked[i:j])
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def classify(labels: list[int], predicted: list[bool]) -> dict[str, float | None]:
    """Precision, recall and F1 of ``predicted`` for the positive ``labels``."""
    true_pos = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    precision = _ratio(true_pos, sum(predicted))
    recall = _ratio(true_pos, sum(labels))
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
    return {"precision": precision, "recall": recall, "f1": f1}


def score_context(
    rows: list[Row],
    scan: Callable[[str], list[Any]],
    agent_score: Callable[[str], float],
    suppress_below: float | None = None,
) -> dict[str, Any]:
    """Rules alone vs the context model for "agent-like" (trade not benign), per trade too, and
    the effect of suppressing lone weak hits on disguised-hit precision and recall."""
    from graph.text import context

    threshold = context.SUPPRESS_BELOW if suppress_below is None else suppress_below
    hits = {row["id"]: scan(row["text"]) for row in rows}
    scores = {row["id"]: agent_score(row["text"]) for row in rows}
    labels = [int(row["trade"] != "benign") for row in rows]
    count = [float(len(hits[row["id"]])) for row in rows]
    model = [scores[row["id"]] for row in rows]
    any_hit = [c > 0 for c in count]
    agent = [s >= context.AGENT_AT for s in model]
    per_trade: dict[str, dict[str, Any]] = {}
    for trade in sorted({row["trade"] for row in rows}):
        index = [i for i, row in enumerate(rows) if row["trade"] == trade]
        per_trade[trade] = {
            "texts": len(index),
            "any_hit": _ratio(sum(any_hit[i] for i in index), len(index)),
            "model": _ratio(sum(agent[i] for i in index), len(index)),
            "either": _ratio(sum(any_hit[i] or agent[i] for i in index), len(index)),
        }

    by_text = {row["text"]: row["id"] for row in rows}

    def kept(text: str) -> list[Any]:
        found = hits[by_text[text]]
        gone = set(context.suppressed(found, scores[by_text[text]]) if threshold > 0 else [])
        return [hit for i, hit in enumerate(found) if i not in gone]

    context.SUPPRESS_BELOW, saved = threshold, context.SUPPRESS_BELOW
    try:
        after = score_terms(rows, kept)
    finally:
        context.SUPPRESS_BELOW = saved
    before = score_terms(rows, lambda text: hits[by_text[text]])
    suppressed_hits = before["disguised_hits"] - after["disguised_hits"]
    return {
        "auc": {
            "any_hit": auc(labels, [float(a) for a in any_hit]),
            "hit_count": auc(labels, count),
            "model": auc(labels, model),
            "model_then_hits": auc(
                labels, [s + c / 1000 for s, c in zip(model, count, strict=True)]
            ),
        },
        "any_hit": classify(labels, any_hit),
        "model": classify(labels, agent),
        "hit_and_model": classify(labels, [h and a for h, a in zip(any_hit, agent, strict=True)]),
        "hit_or_model": classify(labels, [h or a for h, a in zip(any_hit, agent, strict=True)]),
        "per_trade": per_trade,
        "suppress_below": threshold,
        "suppression": {
            "suppressed_hits": suppressed_hits,
            "precision_disguised": [before["precision_disguised"], after["precision_disguised"]],
            "recall_disguised": [before["recall_disguised"], after["recall_disguised"]],
            "precision": [before["precision"], after["precision"]],
            "hits_in_contacts": [before["hits_in_contacts"], after["hits_in_contacts"]],
        },
    }


def report_context(figures: dict[str, Any], title: str) -> None:
    print(f"\n[context] {title}")
    a = figures["auc"]
    print(
        f"  AUC agent-like vs benign: any hit {_pct(a['any_hit'])}, hit count {_pct(a['hit_count'])},"
        f" model {_pct(a['model'])}, model then hits {_pct(a['model_then_hits'])}"
    )
    print("  rule                      precision  recall     F1")
    for name in ("any_hit", "model", "hit_and_model", "hit_or_model"):
        c = figures[name]
        print(f"  {name:24} {_pct(c['precision'])}   {_pct(c['recall'])} {_pct(c['f1'])}")
    print("  called agent-like, by trade      texts  any hit  model  either")
    for trade, c in figures["per_trade"].items():
        print(
            f"  {trade:30} {c['texts']:6} {_pct(c['any_hit'])} {_pct(c['model'])} {_pct(c['either'])}"
        )
    s = figures["suppression"]
    print(
        f"  suppressing lone weak hits below {figures['suppress_below']}: {s['suppressed_hits']} hits;"
        f" disguised-hit precision {_pct(s['precision_disguised'][0])} ->"
        f" {_pct(s['precision_disguised'][1])}, disguised recall {_pct(s['recall_disguised'][0])} ->"
        f" {_pct(s['recall_disguised'][1])}, hits inside a URL/handle"
        f" {s['hits_in_contacts'][0]} -> {s['hits_in_contacts'][1]}"
    )


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def evaluate(
    rows: list[Row],
    scan: Callable[[str], list[Any]] | None = None,
    extract: Callable[[str], Iterable[Any]] | None = None,
) -> dict[str, Any]:
    """Every figure for ``rows`` (no speed); ``scan`` defaults to the packaged scanner."""
    if scan is None:
        from graph.text.slang import scan as default_scan

        scan = default_scan
    figures: dict[str, Any] = {"messages": len(rows), "terms": score_terms(rows, scan)}
    figures["contacts"] = score_contacts(rows, extract) if extract else None
    return figures


# -- printing ------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "   –  " if value is None else f"{value:6.3f}"


def report(figures: dict[str, Any], split: str, misses: int) -> None:
    terms = figures["terms"]
    print(f"recognition set, {split}: {figures['messages']} messages")
    print("\nterms by labelled class         labels  found  recall")
    for cls, c in terms["recall_by_class"].items():
        print(f"  {cls:28} {c['labels']:7} {c['found']:6} {_pct(c['recall'])}")
    print(
        f"  {'all disguised':28} {terms['disguised_labels']:7}"
        f" {'':6} {_pct(terms['recall_disguised'])}"
    )
    print(
        f"  {'rare substitutes (any class)':28} {terms['rare_labels']:7} {'':6} {_pct(terms['recall_rare'])}"
    )
    print("\nhits by the scanner's kind        hits  precision  inside a URL/handle")
    for kind, c in terms["by_scanner_kind"].items():
        print(f"  {kind:28} {c['hits']:7}    {_pct(c['precision'])}  {c['in_contact']:6}")
    print(
        f"  {'all disguised hits':28} {terms['disguised_hits']:7}    {_pct(terms['precision_disguised'])}"
    )
    print(f"  {'all hits':28} {terms['hits']:7}    {_pct(terms['precision'])}")
    print(f"\nhits inside a URL, domain, handle or e-mail: {terms['hits_in_contacts']}")
    print(f"hits on trap spans: {terms['hits_on_traps'] or 'none'}")
    contacts = figures["contacts"]
    if contacts is None:
        print("\ncontacts: not available (no graph.text.contacts)")
    else:
        print("\ncontacts by kind                 labels  recall  predicted  precision")
        for family, c in contacts["by_kind"].items():
            print(
                f"  {family:28} {c['labels']:7} {_pct(c['recall'])} {c['predicted']:10}"
                f"  {_pct(c['precision'])}"
            )
        h = contacts["handles"]
        print(
            f"  {'handles (wechat qq tg domain)':28} {h['labels']:7} {_pct(h['recall'])} {'':10}  {_pct(h['precision'])}"
        )
        p = contacts["phones_in_disguise"]
        print(f"  {'phones in disguise':28} {p['labels']:7} {_pct(p['recall'])}")
        print(
            "  phone recall by form: "
            + ", ".join(
                f"{form} {c['recall']:.2f} ({c['labels']})"
                for form, c in contacts["phone_forms"].items()
            )
        )
        print(f"  found at the right place with a wrong value: {contacts['value_wrong']}")
    if "speed" in figures:
        s = figures["speed"]
        print(
            f"\nscan: {s['scan_mb_s']:.2f} MB/s CPU (detector ready in {s['load_seconds']:.1f} s;"
            f" load average {s['load_average']:.1f} on {os.cpu_count()} CPUs)"
        )
        if s.get("contacts_mb_s") is not None:
            print(f"contacts: {s['contacts_mb_s']:.2f} MB/s CPU")
        if s.get("context_texts_s") is not None:
            print(
                f"[context] agent score: {s['context_texts_s']:,.0f} texts/s CPU"
                f" (model read in {s['context_load_seconds'] * 1000:.0f} ms)"
            )
    if figures.get("context"):
        sample = (
            "IN-SAMPLE (trained on dev; bench/context.py cross-validates)"
            if split == "dev"
            else "held out"
        )
        report_context(
            figures["context"], f"model {figures['context']['version']}, {split}: {sample}"
        )
    if misses:
        for title, items in (
            ("missed terms", terms["examples"]["missed"]),
            ("wrong hits", terms["examples"]["wrong"]),
            ("missed contacts", contacts["examples"]["missed"] if contacts else []),
            ("wrong contacts", contacts["examples"]["wrong"] if contacts else []),
        ):
            print(f"\n{title} (first {misses} of {len(items)}):")
            for what, surface, text in items[:misses]:
                print(f"  {what:18} {surface!r:24} {text[:60]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    parser.add_argument(
        "--misses", type=int, default=0, help="dev only: show N misses and wrong hits"
    )
    parser.add_argument("--repeats", type=int, default=5, help="passes for the speed figure")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.misses and args.split != "dev":
        parser.error("--misses shows dev examples only: the held-out split is never looked into")

    from graph.text.slang import default_detector

    started = time.perf_counter()
    detector = default_detector()
    detector.scan("预热")
    load_seconds = time.perf_counter() - started
    rows = load(args.split)
    extract = contact_extractor()
    figures = evaluate(rows, detector.scan, extract)
    texts = [row["text"] for row in rows]
    figures["speed"] = {
        "load_seconds": load_seconds,
        "load_average": os.getloadavg()[0],
        "scan_mb_s": speed(detector.scan, texts, args.repeats),
        "contacts_mb_s": speed(lambda t: list(extract(t)), texts, args.repeats)
        if extract
        else None,
    }
    from graph.text import context

    started = time.perf_counter()
    context.default_model()
    context_load = time.perf_counter() - started
    figures["context"] = score_context(rows, detector.scan, context.agent_score)
    figures["context"]["version"] = context.model_version()
    figures["speed"]["context_load_seconds"] = context_load
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    figures["speed"]["context_texts_s"] = (
        speed(context.agent_score, texts, args.repeats) * len(texts) / max(megabytes, 1e-9)
    )
    if args.json:
        for part in (figures["terms"], figures["contacts"] or {}):
            part.pop("examples", None)
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        report(figures, args.split, args.misses)


if __name__ == "__main__":
    main()
