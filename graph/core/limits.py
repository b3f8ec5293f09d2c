"""Guardrails of every trace and expansion, in one place (cf. Datasette's time limits).

A query that reaches a cap returns what it has and says so; one that runs past its time limit is
stopped by the server. Hubs — nodes with more links than ``hub_degree`` (a lender's 95xxx
hotline, a regulator's number) — are not walked through, and results name them.
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


LIMITS = Limits()
