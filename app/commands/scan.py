"""`leadgraph scan [TEXT | --file F] [--json]`: find black-industry slang, however disguised,
and the contacts a text gives (phones, WeChat, QQ, Telegram, domains, URLs, e-mail).

Output
------
* one TEXT, ``--json``: one JSON object ``{"hits": [...], "lexicon_version": V, "contacts": [...],
  "context": {...}}``;
* ``--file F --json``: JSON Lines, one compact object a line of F (empty lines included, so line
  numbers match): ``{"line": N, "hits": [...], "contacts": [...]}``, streamed as the file is read;
* without ``--json``: one line a hit, ``line N  [start:end]  surface -> term (category)  disguise``,
  and one a contact, ``line N  [start:end]  surface -> contact kind value``.

Each contact is ``{"kind", "value", "surface", "start", "end"}`` (see :mod:`graph.text.contacts`:
``value`` is normalised, E.164 for a phone, the host for a URL).

``context`` is the context model's reading of the whole text (:mod:`graph.text.context`):
``{"score": P(agent-like), "version": V, "top": [{"ngram", "weight"}, ...], "suppressed": [i]}``
— the n-grams pushing the score up most, then down most, and the indices of hits that do not count
as a disguise (a lone weak hit in a text the model calls benign). Without ``--json`` it is one line.

Each hit is ``{"term", "category", "surface", "start", "end", "disguise", "confidence",
"alternative"}``: ``start``/``end`` index the text as given (``text[start:end] == surface``);
``disguise`` is null for the plain term, else the kinds joined by ``+`` (see
:mod:`graph.text.slang`); ``confidence`` is 1.0, or 0.5 with ``alternative`` naming the word the
surface may as well be (徵信 → 微信).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import print_json
from graph.core.errors import UserError

if TYPE_CHECKING:  # the detector's imports are heavy; load them only when scanning
    from graph.text.contacts import Contact
    from graph.text.slang import Hit


def register(subparsers: argparse._SubParsersAction) -> None:
    scan = subparsers.add_parser(
        "scan",
        help="find slang and evasion spellings (征信 → zx, 崔收, 徵.信 …) and contacts in text",
        description=(
            "Scan TEXT, or every line of --file, for the lexicon's black-industry terms in any"
            " disguise: pinyin, initials, homophones, look-alikes, letters and digits, traditional"
            " characters, full-width or styled letters, separators; and the contacts it gives:"
            " phones (also disguised), WeChat ids, QQ numbers, Telegram handles, domains, URLs,"
            " e-mail. With --file and --json the"
            " output is JSON Lines, one object a line of the file."
        ),
    )
    scan.add_argument("text", nargs="?", help="the text to scan")
    scan.add_argument(
        "--file", type=Path, help="scan each line of this file (UTF-8 or GB18030; - for stdin)"
    )
    scan.add_argument("--json", action="store_true", help="print JSON (JSON Lines with --file)")
    scan.add_argument(
        "--lexicon", type=Path, help="use this lexicon YAML instead of the packaged one"
    )
    scan.set_defaults(handler=scan_command)


def _lines(path: Path) -> Iterator[str]:
    if str(path) == "-":
        for line in sys.stdin:
            yield line.rstrip("\r\n")
        return
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror}") from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise UserError(f"{path} is neither UTF-8 nor GB18030 text") from error
    yield from text.splitlines()


def scan_command(args: argparse.Namespace) -> int:
    if (args.text is None) == (args.file is None):
        raise UserError("give either TEXT or --file F")
    from graph.text import context
    from graph.text.contacts import extract
    from graph.text.lexicon import load_lexicon
    from graph.text.slang import Detector, default_detector

    detector = Detector(load_lexicon(args.lexicon)) if args.lexicon else default_detector()
    if args.text is not None:
        hits = detector.scan(args.text)
        contacts = extract(args.text)
        reading = context.summary(args.text, hits)
        if args.json:
            print_json(
                {
                    "hits": [h.as_dict() for h in hits],
                    "lexicon_version": detector.lexicon.version,
                    "contacts": [c.as_dict() for c in contacts],
                    "context": reading,
                }
            )
            return 0
        if not hits:
            print("no terms found")
        for hit in hits:
            print(_describe(hit))
        for contact in contacts:
            print(_describe_contact(contact))
        print(_describe_context(reading))
        return 0
    texts = total_hits = total_contacts = 0
    for number, line in enumerate(_lines(args.file), start=1):
        hits = detector.scan(line)
        contacts = extract(line)
        texts += 1
        total_hits += len(hits)
        total_contacts += len(contacts)
        if args.json:
            record = {
                "line": number,
                "hits": [h.as_dict() for h in hits],
                "contacts": [c.as_dict() for c in contacts],
            }
            print(json.dumps(record, ensure_ascii=False))
        else:
            for hit in hits:
                print(f"line {number}  {_describe(hit)}")
            for contact in contacts:
                print(f"line {number}  {_describe_contact(contact)}")
    if not args.json:
        print(
            f"{texts:,} lines, {total_hits:,} hits, {total_contacts:,} contacts"
            f" (lexicon {detector.lexicon.version})"
        )
    return 0


def _describe(hit: Hit) -> str:
    disguise = hit.disguise or "plain"
    return f"[{hit.start}:{hit.end}]  {hit.surface} -> {hit.term} ({hit.category})  {disguise}"


def _describe_contact(contact: Contact) -> str:
    return f"[{contact.start}:{contact.end}]  {contact.surface} -> contact {contact.kind} {contact.value}"


def _describe_context(reading: dict) -> str:
    ups = ", ".join(t["ngram"] for t in reading["top"] if t["weight"] > 0)
    suppressed = (
        f"; hits {reading['suppressed']} not counted as disguise" if reading["suppressed"] else ""
    )
    return (
        f"context: agent-like {reading['score']:.2f} ({reading['version']}; up: {ups or '-'})"
        f"{suppressed}"
    )
