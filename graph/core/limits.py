"""Guardrails of every trace, expansion and ring search, in one place (cf. Datasette's time
limits).

A query that reaches a cap returns what it has and says so; one that runs past its time limit is
stopped by the server. Hubs — nodes with more links than ``hub_degree`` (a lender's 95xxx
hotline, a regulator's number) — are not walked through, and results name them.

Ring finding (``graph.evidence.rings``) has hubs of its own, a different idea from the trace cap:
a node with very many links cannot tie a ring together, nor can a person or a template letter
that many seeds share. Its thresholds are the ``ring_*`` fields.
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


LIMITS = Limits()
