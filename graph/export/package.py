"""Write a court package for one lead: a folder or a zip that proves it was not altered.

Files of a package (``chart-N.svg`` only when the chart has more than one page)::

    cover.txt, cover.pdf       lead, case, analyst, officer, classification, time zone, snapshot,
                               versions, export time, package id, signing key
    chart.pdf                  the link chart, every page (vector, embedded CJK font)
    chart.svg, chart-N.svg     the same pages as SVG
    chart.html                 the chart to explore in a browser, offline (vis-network inlined),
                               with every link's sources on hover
    entities.csv, links.csv    every entity by stable key; every link with its sources
    matches.csv                alliance matches (graph/alliance/matches.py): not facts
    statements.csv             who said which value: every party's statement about each entity
    excerpts/*.txt             complaint records and texts behind the links
    redactions.txt             what was masked or left out for this audience
    graph.graphml, graph.json  the subgraph for Gephi, networkx and programs
    graph.anx                  the subgraph as an i2 Analyst's Notebook chart
    method.txt                 how the lead was found: queries, parameters, thresholds, scores
    notes.txt                  working notes (not evidence), for court and police audiences only,
                               and only when the exporter passed notes it may read
    public_key.pem             the installation's Ed25519 public key (fingerprint in the manifest)
    manifest.json              SHA-256 and SM3 of every file above, lead, user, time
    manifest.sig               Ed25519 signature over manifest.json

The package id (``pkg-`` + 16 hex digits) is a hash of the masked bundle and the audience: the
same lead and data give the same id and, apart from the cover, manifest and signature, the same
bytes in every file. Two exports differ in their export time, which only the cover and manifest
carry, and in their signature.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.core.errors import UserError
from graph.core.keys import SigningKey, load_or_create
from graph.export import (
    annex,
    chart,
    cover,
    formats,
    interactive,
    masking,
    method,
    statements,
    tables,
)
from graph.export.common import canonical_json, check_bundle, sorted_bundle
from graph.export.manifest import MANIFEST, SIGNATURE, build_manifest, signature_file

FORMATS = ("zip", "dir")
# Fixed timestamp of zip entries (the zip format's epoch), so entries do not carry the export time.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class ExportResult:
    path: Path
    package_id: str
    lead_id: str
    audience: str
    format: str
    exported_by: str
    exported_at: str
    key_fingerprint: str
    manifest_sha256: str
    files: list[str] = field(default_factory=list)
    chart_pages: int = 1
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "path": str(self.path)}


def package_id_for(
    bundle: dict[str, Any], audience: str, notes: list[dict[str, Any]] | None = None
) -> str:
    """The content id of a package: a hash of the masked, sorted bundle and the audience (and
    of its annexed notes, when it has any)."""
    content: dict[str, Any] = {"audience": audience, "bundle": bundle}
    if notes:
        content["notes"] = notes
    text = canonical_json(content)
    return "pkg-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def build_files(
    bundle: dict[str, Any],
    *,
    audience: str,
    exported_by: str,
    exported_at: datetime,
    key: SigningKey,
    notes: list[dict[str, Any]] | None = None,
) -> tuple[dict[str, bytes], dict[str, Any]]:
    """Every file of the package in memory, and facts about it (package id, pages, notes).

    ``notes`` (working notes, :mod:`graph.workflow.notes`) become the annex ``notes.txt``, listed
    in the manifest like every file, for a court or police audience; a partner package never
    carries them, whatever the caller passes."""
    if audience not in masking.AUDIENCES:
        raise UserError(f"unknown audience {audience!r}; choose {', '.join(masking.AUDIENCES)}")
    try:
        check_bundle(bundle)
    except ValueError as error:
        raise UserError(f"cannot export this lead: {error}") from None
    masked = masking.mask_bundle(bundle, audience, key.derived_secret("export-pseudonyms"))
    data = sorted_bundle(masked.bundle)
    annexed = annex.entitled_notes(notes, audience)
    package_id = package_id_for(data, audience, annexed)
    lead = data["lead"]
    header = chart.ChartHeader(
        title=lead.get("title") or lead["id"],
        lead_id=lead["id"],
        case_ref=lead.get("case_ref"),
        analyst=lead.get("analyst"),
        officer=lead.get("officer"),
        package_id=package_id,
        audience=audience,
        classification=cover.CLASSIFICATION[audience],
        snapshot=data["snapshot"].get("latest_submission"),
        software=data["snapshot"].get("software_version"),
    )
    drawn = chart.render(data, header)
    files: dict[str, bytes] = {"chart.pdf": drawn.pdf}
    for number, svg in enumerate(drawn.svgs, start=1):
        files["chart.svg" if number == 1 else f"chart-{number}.svg"] = svg
    files["chart.html"] = interactive.package_chart(data, header)
    files["entities.csv"] = tables.entities_csv(data)
    files["links.csv"] = tables.links_csv(data)
    files["matches.csv"] = tables.matches_csv(data)
    files["statements.csv"] = statements.statements_csv(data)
    files.update(tables.excerpts(data))
    files["redactions.txt"] = tables.redactions_txt(masked, drawn.notes)
    files["graph.json"] = formats.graph_json(data, package_id, audience)
    files["graph.graphml"] = formats.graphml(data)
    files["graph.anx"] = formats.anx(data, package_id, drawn.positions)
    files["method.txt"] = method.method_txt(data, package_id, drawn.notes)
    files["public_key.pem"] = key.public.pem
    if annexed:
        files[annex.NOTES_FILE] = annex.notes_txt(annexed, package_id)
    info = cover.CoverInfo(
        package_id=package_id,
        audience=audience,
        exported_by=exported_by,
        exported_at=exported_at,
        key_fingerprint=key.public.fingerprint,
        chart_pages=len(drawn.svgs),
    )
    files["cover.txt"] = cover.cover_txt(data, info)
    files["cover.pdf"] = cover.cover_pdf(data, info)
    manifest = build_manifest(
        files,
        package_id=package_id,
        lead_id=lead["id"],
        audience=audience,
        exported_by=exported_by,
        exported_at=exported_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        time_zone=cover.TIME_ZONE_TEXT,
        software=data["snapshot"].get("software_version"),
        public_key=key.public,
    )
    files[MANIFEST] = manifest
    files[SIGNATURE] = signature_file(manifest, key)
    facts = {"package_id": package_id, "chart_pages": len(drawn.svgs), "notes": drawn.notes}
    return files, facts


def _name(lead_id: str, audience: str, moment: datetime) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", lead_id).strip("._") or "lead"
    return f"{safe[:60]}-{audience}-{moment.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"


def write_zip(files: dict[str, bytes], target: Path, top: str) -> None:
    """A zip whose bytes depend only on the files: sorted entries, fixed times and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"{top}/{path}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, files[path])
    temp = target.with_name(f".{target.name}.tmp")
    temp.write_bytes(buffer.getvalue())
    os.replace(temp, target)


def write_dir(files: dict[str, bytes], target: Path) -> None:
    """The files in a new folder, written beside it and renamed into place when complete."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for path, data in sorted(files.items()):
            destination = staging / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)
        staging.chmod(0o755)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def export_package(
    bundle: dict[str, Any],
    out_dir: Path,
    *,
    fmt: str = "zip",
    audience: str = "court",
    user: str,
    now: datetime | None = None,
    key: SigningKey | None = None,
    notes: list[dict[str, Any]] | None = None,
) -> ExportResult:
    """Write the package of ``bundle`` into ``out_dir`` and return where and what it is.

    ``key`` defaults to the installation's key (created on first use); ``now`` to the current
    time.
    """
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r}; choose {' or '.join(FORMATS)}")
    if not user:
        raise UserError("an export needs the exporting user's name")
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    moment = moment.replace(microsecond=0)
    signing_key = key or load_or_create()
    files, facts = build_files(
        bundle,
        audience=audience,
        exported_by=user,
        exported_at=moment,
        key=signing_key,
        notes=notes,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    name = _name(bundle["lead"]["id"], audience, moment)
    target = out_dir / (f"{name}.zip" if fmt == "zip" else name)
    if target.exists():
        raise UserError(f"{target} already exists; choose another --out folder")
    if fmt == "zip":
        write_zip(files, target, name)
    else:
        write_dir(files, target)
    return ExportResult(
        path=target,
        package_id=facts["package_id"],
        lead_id=bundle["lead"]["id"],
        audience=audience,
        format=fmt,
        exported_by=user,
        exported_at=moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        key_fingerprint=signing_key.public.fingerprint,
        manifest_sha256=hashlib.sha256(files[MANIFEST]).hexdigest(),
        files=sorted(files),
        chart_pages=facts["chart_pages"],
        notes=facts["notes"],
    )
