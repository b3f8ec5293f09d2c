"""An export that is written to the audit log, or does not exist.

The CLI (`leadgraph export`) and the workbench's export button both call
:func:`export_and_audit`, so every package that leaves has one ``export`` audit entry naming the
lead, the package and its manifest hash; if that entry cannot be written, the package is deleted.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from graph.db.store import GraphStore
from graph.export.package import ExportResult, export_package
from graph.workflow import audit


def export_and_audit(
    store: GraphStore,
    bundle: dict[str, Any],
    out_dir: Path,
    *,
    actor: str,
    user: str,
    audience: str,
    fmt: str = "zip",
    via: str,
    notes: list[dict[str, Any]] | None = None,
) -> ExportResult:
    """Write the package and its audit entry (``actor`` is who the log names; ``user`` who the
    package names as exporting; ``notes`` the working notes the exporter may read, annexed for
    an entitled audience only, see :func:`graph.export.package.build_files`)."""
    result = export_package(bundle, out_dir, fmt=fmt, audience=audience, user=user, notes=notes)
    try:
        audit.append(
            store,
            actor,
            "export",
            f"lead:{result.lead_id}",
            {
                "package_id": result.package_id,
                "audience": result.audience,
                "format": result.format,
                "path": str(result.path),
                "manifest_sha256": result.manifest_sha256,
                "key_fingerprint": result.key_fingerprint,
                "exported_at": result.exported_at,
                "via": via,
            },
        )
    except BaseException:
        if result.path.is_dir():
            shutil.rmtree(result.path, ignore_errors=True)
        else:
            result.path.unlink(missing_ok=True)
        raise
    return result
