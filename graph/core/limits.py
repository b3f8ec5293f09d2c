"""Guardrails of every trace, expansion and ring search, and of reading files from outside, in
one place (cf. Datasette's time limits).

A query that reaches a cap returns what it has and says so; one that runs past its time limit is
stopped by the server. Hubs — nodes with more links than ``hub_degree`` (a lender's 95xxx
hotline, a regulator's number) — are not walked through, and results name them.

Ring finding (``graph.evidence.rings``) has hubs of its own, a different idea from the trace cap:
a node with very many links cannot tie a ring together, nor can a person or a template letter
that many seeds share. Its thresholds are the ``ring_*`` fields.

:class:`FileLimits` caps what one clue file or court package may cost to read (see there).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_hops: int = 6  # the most hops any trace may ask for
    default_hops: int = 4
    max_paths: int = 10  # top-k shortest paths
    neighbourhood_nodes: int = 300  # nodes in one neighbourhood (charts draw ~300 comfortably)
    neighbourhood_hops: int = 3
    hub_degree: int = 200  # more links than this: a hub, set aside
    timeout_seconds: float = 10.0
    # A ring's firm or account phone may carry hundreds of complaints; only a node with more
    # links than this (a hotline, a regulator's number) is a hub that cannot tie a ring.
    ring_hub_degree: int = 2_000
    # A person more seeds than this deal with (a popular complainant, a number everyone calls)
    # says nothing about who works together.
    ring_person_holders: int = 20
    # A template cluster more seeds than this share is generic wording, not one ring's letter.
    ring_template_holders: int = 50
    # A contact handle (WeChat, QQ, Telegram, a site, an e-mail) more seeds than this reach is
    # generic — a platform's channel, a lender's site — as a person so shared is (same number).
    ring_contact_holders: int = 20
    # A ring writes its own handle (its bios, its letters): at least this share of the texts that
    # give a handle must be the seeds' own — their bios or complaints naming them — or it is
    # an official channel that the public cites (a lender's site), offered as a hub instead.
    ring_contact_own_share: float = 0.5
    # Complaints read per entity when a page counts its bursts within the viewer's rights (the
    # newest; ``graph.evidence.bursts.complaint_days``).
    burst_complaints: int = 20_000


LIMITS = Limits()


@dataclass(frozen=True)
class FileLimits:
    """What reading one file from outside may cost: a clue file (``ingest/read.py``), its
    preview on the Submit page (``ingest/bounded.py``) and a court package (``verify``).

    A hostile file is small on the wire and large inside: an XLSX is a zip whose parts may
    unpack a thousandfold and whose sheet may declare a million rows by sixteen thousand
    columns in a few bytes. These caps are checked before the expensive part is read; a file
    beyond one is refused with a message naming the file and the cap, never cut short silently.
    """

    # --- every clue file
    upload_mebibytes: int = 100  # the workbench's upload cap (``leadgraph serve``)
    max_columns: int = 1_024  # a clue file has tens of columns; no header may name more
    max_field_chars: int = 1 << 20  # one CSV field, one JSON line or array element (1 Mi chars)
    # --- XLSX, checked from the zip's directory before any part is unpacked
    xlsx_max_entries: int = 1_000  # a workbook has tens of parts
    xlsx_max_unpacked_bytes: int = 1 << 30  # all parts together, as the zip declares them
    xlsx_max_ratio: int = 100  # unpacked / packed of one part (real sheets: 5-20; bombs: 1,000)
    xlsx_ratio_from_bytes: int = 1 << 20  # parts smaller than this are not held to the ratio
    xlsx_max_rows: int = 1_048_576  # Excel's own last row: a sheet numbering past it is forged
    # --- the Submit page's preview (guess the kind, read and check every row) in a child
    preview_cpu_seconds: int = 300
    preview_memory_bytes: int = 2 << 30  # address space the child may add to what it starts with
    preview_wall_seconds: float = 600.0
    # --- a court package (``leadgraph verify``), hashed a block at a time
    package_max_entries: int = 10_000
    package_max_entry_bytes: int = 256 << 20  # a chart PDF or table of one lead: megabytes
    package_max_total_bytes: int = 1 << 30
    package_max_manifest_bytes: int = 16 << 20  # manifest.json and manifest.sig, read whole
    # --- an alliance request, response or receipt (graph/alliance/files.py), read whole
    alliance_max_file_bytes: int = 512 << 20  # 1M x 1M phones: about 100 MiB
    alliance_max_watchlist_bytes: int = 64 << 20  # a watchlist file (one number a line)


FILE_LIMITS = FileLimits()


def size_text(size: int) -> str:
    """A byte count as people read it in a message: ``512 B``, ``3.2 MiB``, ``1.0 GiB``."""
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            break
    return f"{value:.1f} {unit}"
