"""What ring finding reads from the database about each entity, kept in the graph so that the
analysis after a submission reads again only the entities the submission can have changed.

One ``RingFacts`` node per entity key, with one property per kind of fact (JSON; absent until
read):

* ``ties``: the entity's ``TIES`` rows (``CALLED`` to any entity: ring finding keeps those to a
  seed, as the seeds change from one analysis to the next);
* ``people``: the people it deals with (``SEED_PEOPLE``);
* ``contacts``: its ``CONTACT_TIES`` rows (the handles its texts give);
* ``mentions``: for a handle, how many subjects give it (``CONTACT_MENTIONS``).

Each fact reads only the entity's own links, the complaints naming it and, for ``people``, the
owners of the phones it called. The database only grows between two analyses (a withdrawal
forgets the kept scores, and the next analysis starts again from nothing), and a submission's
recorded keys name both ends of every link it wrote; so a fact can change only for a key the
submission wrote, an entity one of its complaints names, or an entity that called one of its
phones (``STALE``). ``forget_stale`` drops those facts before the rings are found again; ``detect``
drops every fact (``forget_all``) and reads the world. What every node is linked to in the whole
graph (its degree: hubs) and the ambiguous name-only firms are read each time for the nodes ring
finding looks at, not kept here (``graph.evidence.ringregion`` keeps which were left out).

The thresholds over all seeds (a person, template cluster or handle shared by too many seeds ties
nobody) are evaluated exactly as a full rebuild evaluates them: over every seed's facts by
``detect``, and from the holder counts of the kept ring index for a region
(``graph.evidence.ringregion``).

Louvain's communities of each component of the ring graph are kept too (``KeptCommunities``, by a
digest of the component's keys, edges and weights): Louvain runs only on the components that
changed. They depend on the component alone (``rings.ring_communities``), so a kept one is what
Louvain would find again; a component no longer found leaves an unused node behind until the next
``detect``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from graph.db.store import GraphStore

KINDS = ("ties", "people", "contacts", "mentions")

READ_FACTS = """
UNWIND $keys AS key
MATCH (f:RingFacts {key: key})
WITH f WHERE f[$kind] IS NOT NULL
RETURN f.key AS key, f[$kind] AS json
"""

# ``$rows``: ``[{key, facts: {<kind>: json}}]``.
WRITE_FACTS = """
UNWIND $rows AS row
MERGE (f:RingFacts {key: row.key})
SET f += row.facts
"""

FORGET = """
UNWIND $keys AS key
MATCH (f:RingFacts {key: key})
DELETE f
"""

FORGET_ALL = """
MATCH (f:RingFacts)
CALL { WITH f DELETE f } IN TRANSACTIONS OF 10000 ROWS
"""

# The entities whose facts a submission's keys may change beyond the keys themselves: those its
# complaints name (a complaint's new person or handle) and those that called its phones (a
# phone's new owner is a person the caller deals with).
STALE = """
UNWIND $keys AS key
MATCH (s:Entity {key: key})
CALL (s) {
  MATCH (s:Complaint)-[:CONTACT|REPRESENTED_BY]->(x:Entity) RETURN x
  UNION
  MATCH (s:Phone)-[:CALLED]-(x:Entity) RETURN x
}
RETURN DISTINCT x.key AS key
"""

# Louvain's communities of a component of the ring graph, by ``rings.component_signature``.
READ_COMMUNITIES = """
UNWIND $signatures AS signature
MATCH (c:RingCommunities {signature: signature})
RETURN signature, c.json AS json
"""
WRITE_COMMUNITIES = """
UNWIND $rows AS row
MERGE (c:RingCommunities {signature: row.signature})
SET c.json = row.json
"""
FORGET_ALL_COMMUNITIES = """
MATCH (c:RingCommunities)
CALL { WITH c DELETE c } IN TRANSACTIONS OF 10000 ROWS
"""

BATCH = 5_000


class KeptCommunities:
    """Louvain's communities of the ring graph's components as found before, kept in the graph
    (``RingCommunities`` nodes) by ``rings.component_signature``: a component whose keys, edges
    and weights are unchanged is not split again (``rings.ring_communities``)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def get(self, signatures: list[str]) -> dict[str, list[list[str]]]:
        found = {}
        for start in range(0, len(signatures), BATCH):
            batch = signatures[start : start + BATCH]
            for row in self.store.read(READ_COMMUNITIES, signatures=batch):
                found[row["signature"]] = json.loads(row["json"])
        return found

    def put(self, found: Mapping[str, list[list[str]]]) -> None:
        rows = [
            {"signature": k, "json": json.dumps(v, ensure_ascii=False)} for k, v in found.items()
        ]
        for start in range(0, len(rows), BATCH):
            self.store.write(WRITE_COMMUNITIES, rows=rows[start : start + BATCH])


def read_kept(
    store: GraphStore,
    kind: str,
    keys: list[str],
    read: Callable[[list[str]], dict[str, Any]],
    *,
    kept: bool,
    empty: Any,
    memo: dict[str, dict[str, Any]] | None = None,
) -> tuple[dict[str, Any], int]:
    """Each of ``keys``' fact of ``kind``: the kept one, else ``read`` from the database (``empty``
    for a key it says nothing about) and kept. ``kept=False`` reads every key and keeps nothing.
    ``memo``: facts this process already has (by kind, then key), used and added to (one ring
    finding reads the same keys in several rounds). Returns the facts and how many keys were
    read from the database."""
    if memo is not None:
        known = memo.setdefault(kind, {})
        wanted = [key for key in keys if key not in known]
        fresh_facts, reads = read_kept(store, kind, wanted, read, kept=kept, empty=empty)
        known.update(fresh_facts)
        return {key: known[key] for key in keys}, reads
    if not kept:
        fresh = read(keys) if keys else {}
        return {key: fresh.get(key, empty) for key in keys}, len(keys)
    found: dict[str, Any] = {}
    for start in range(0, len(keys), BATCH):
        rows = store.read(READ_FACTS, keys=keys[start : start + BATCH], kind=kind)
        found.update((row["key"], json.loads(row["json"])) for row in rows)
    missing = [key for key in keys if key not in found]
    fresh = read(missing) if missing else {}
    rows = []
    for key in missing:
        found[key] = fresh.get(key, empty)
        rows.append({"key": key, "facts": {kind: json.dumps(found[key], ensure_ascii=False)}})
    for start in range(0, len(rows), BATCH):
        store.write(WRITE_FACTS, rows=rows[start : start + BATCH])
    return found, len(missing)


def stale_keys(store: GraphStore, keys: list[str]) -> list[str]:
    """``keys`` (a submission's) and the entities whose facts they may change (``STALE``)."""
    found = set(keys)
    for start in range(0, len(keys), BATCH):
        found.update(row["key"] for row in store.read(STALE, keys=keys[start : start + BATCH]))
    return sorted(found)


def forget_stale(store: GraphStore, keys: list[str]) -> list[str]:
    """Drop the facts ``keys`` (a submission's) may have changed; the keys that covers."""
    stale = stale_keys(store, keys)
    for start in range(0, len(stale), BATCH):
        store.write(FORGET, keys=stale[start : start + BATCH])
    return stale


def forget_all(store: GraphStore) -> None:
    """Drop every kept fact and community: the next ring finding reads the world."""
    store.run_autocommit(FORGET_ALL)
    store.run_autocommit(FORGET_ALL_COMMUNITIES)
