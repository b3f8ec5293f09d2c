"""Loading a synthetic world (``leadgraph synth`` output, e.g. ``fixtures/world``) as the demo.

Each lender's complaint export is submitted by that lender; the regulator's forwarded complaints
by the regulator; firms, accounts, calls and the blacklist by the first lender, as an analyst of
that lender would. Kinds and lenders come from the world's ``truth.json``; without one, each
file's kind is guessed from its headers and everything is submitted by one demo org.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.db.writer import SubmissionInfo, submission_status
from ingest.kinds import KIND_NAMES
from ingest.pipeline import guess_kind
from ingest.read import detect_encoding
from ingest.submit import file_sha256, submit_file

FIXTURE_WORLD = Path(__file__).resolve().parent.parent / "fixtures" / "world"
REGULATOR = "金融监管局转办"
DEMO_ORG = "示例消费金融"


def plan(folder: Path) -> list[tuple[str, Path, str]]:
    """(kind, file, submitting org) for every clue file in ``folder``, firms first."""
    truth_path = folder / "truth.json"
    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder")
    steps: list[tuple[str, Path, str]] = []
    if truth_path.exists():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        lenders = {lender["file"]: lender["name"] for lender in truth.get("lenders", [])}
        first_lender = next(iter(lenders.values()), DEMO_ORG)
        for name, spec in truth["files"].items():
            kind = spec["kind"]
            org = lenders.get(name) or (REGULATOR if kind == "complaints" else first_lender)
            steps.append((kind, folder / name, org))
    else:
        for path in sorted(
            p for p in folder.iterdir() if p.suffix in {".csv", ".xlsx", ".jsonl", ".json"}
        ):
            kind = guess_kind(path)
            if kind:
                steps.append((kind, path, DEMO_ORG))
    steps.sort(key=lambda step: (KIND_NAMES.index(step[0]), step[1].name))
    return steps


def load_world(
    store: GraphStore,
    folder: Path = FIXTURE_WORLD,
    user: str | None = None,
    *,
    skip_loaded: bool = False,
) -> list[dict[str, Any]]:
    """Submit every file of the world; safe to run again (re-submitting changes nothing).
    With ``skip_loaded``, files whose submission is already complete are not read again, nor
    files whose submission was withdrawn (``make run`` must not bring them back)."""
    summaries = []
    for kind, path, org in plan(folder):
        if skip_loaded:
            info = SubmissionInfo(
                org=org, kind=kind, file_name=path.name, sha256=file_sha256(path), received_at=""
            )
            if submission_status(store, info.id) in ("complete", "withdrawing", "withdrawn"):
                continue
        summaries.append(submit_file(store, kind, path, org=org, user=user, via="demo"))
    return summaries


def csv_rows(path: Path) -> list[list[str]]:
    """The rows of a CSV clue file, header first, in whatever encoding it came."""
    text = path.read_text(encoding=detect_encoding(path))
    return list(csv.reader(io.StringIO(text, newline="")))


def cut_csv(path: Path, out: Path, sizes: list[int]) -> list[Path]:
    """``path``'s rows cut into UTF-8 files of ``sizes`` rows each, the last file taking the
    rest, each with the header (``<stem>.part<i>.csv`` in ``out``): a world submitted in parts,
    as the loop's tests and ``bench/loop.py`` do."""
    header, *rows = csv_rows(path)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    start = 0
    for index, size in enumerate([*sizes, len(rows)]):
        chunk = rows[start : start + size] if index < len(sizes) else rows[start:]
        start += len(chunk)
        if chunk:
            target = out / f"{path.stem}.part{index}{path.suffix}"
            with target.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows([header, *chunk])
            files.append(target)
    return files


def plan_in_parts(folder: Path, out: Path, sizes: list[int]) -> list[tuple[str, Path, str]]:
    """``plan`` with each CSV complaints file cut by ``cut_csv`` into ``out``."""
    steps: list[tuple[str, Path, str]] = []
    for kind, path, org in plan(folder):
        if kind == "complaints" and path.suffix == ".csv":
            steps += [(kind, part, org) for part in cut_csv(path, out, sizes)]
        else:
            steps.append((kind, path, org))
    return steps
