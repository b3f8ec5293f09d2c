"""The asking side's runs, kept in the state folder and nowhere else.

``<home>/alliance/runs/<run_id>/`` (mode 700) holds ``key`` (the run's secret PSI key),
``items.txt`` (the keys asked about, in request order) and ``run.json`` (mode, counterpart,
set, size, when): all mode 600. The files sent out carry none of them.

The stored item lists let the asking side see its own differential requests: ask about S, then
about S plus one number, and the two counts tell whether that number is known. Only the asking
side holds its plain sets, so only it can compare them (:func:`near_duplicate`).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.core import settings
from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.core.private import write_private

# A new set this close to an earlier one asked of the same counterpart is a near-duplicate.
NEAR_ITEMS = 5
NEAR_SHARE = 0.05


@dataclass(frozen=True)
class Run:
    run_id: str
    folder: Path
    meta: dict[str, Any]

    @property
    def key(self) -> bytes:
        return (self.folder / "key").read_bytes()

    @property
    def items(self) -> list[str]:
        return _read_items(self.folder)


def runs_folder(config: settings.Settings | None = None) -> Path:
    return (config or settings.load()).state_folder("alliance", "runs")


def new_run_id() -> str:
    return secrets.token_hex(16)


def save(run_id: str, key: bytes, items: list[str], meta: dict[str, Any]) -> Run:
    """Keep a new run's secret key, items and facts in the state folder."""
    folder = runs_folder() / run_id
    write_private(folder / "key", key)
    write_private(folder / "items.txt", "".join(f"{item}\n" for item in items))
    meta = {**meta, "run_id": run_id, "created": utc_now()}
    write_private(folder / "run.json", json.dumps(meta, indent=1))
    return Run(run_id, folder, meta)


def load(run_id: str) -> Run:
    """A run this installation asked, or a UserError when it has none of that id."""
    folder = runs_folder() / run_id
    if not (folder / "run.json").is_file():
        raise UserError(f"this installation asked no run {run_id}")
    return Run(run_id, folder, json.loads((folder / "run.json").read_text(encoding="utf-8")))


def update(run: Run, **facts: Any) -> None:
    write_private(run.folder / "run.json", json.dumps({**run.meta, **facts}, indent=1))


def _read_items(folder: Path) -> list[str]:
    return (folder / "items.txt").read_text(encoding="utf-8").splitlines()


def near_duplicate(items: list[str], fingerprint: str) -> tuple[str, int] | None:
    """(run id, items that differ) of an earlier run to the counterpart of identity
    ``fingerprint`` (a new name for it changes nothing) whose set differs from
    ``items`` by at least one and at most ``NEAR_ITEMS`` items or ``NEAR_SHARE`` of their union
    (Jaccard distance); None when there is none. The same set again is no differential."""
    new = set(items)
    for meta_file in sorted(runs_folder().glob("*/run.json")):
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("counterpart_fingerprint") != fingerprint:
            continue
        size = int(meta.get("size", 0))
        if abs(size - len(new)) > max(NEAR_ITEMS, NEAR_SHARE * (size + len(new))):
            continue  # the sizes alone rule it out: the list need not be read
        old = set(_read_items(meta_file.parent))
        differ = len(new ^ old)
        if differ and (differ <= NEAR_ITEMS or differ <= NEAR_SHARE * len(new | old)):
            return meta_file.parent.name, differ
    return None


def listed() -> list[dict[str, Any]]:
    """The facts of every run this installation asked (no key, no item), newest first."""
    metas = [
        json.loads(path.read_text(encoding="utf-8")) for path in runs_folder().glob("*/run.json")
    ]
    return sorted(metas, key=lambda meta: str(meta.get("created", "")), reverse=True)
