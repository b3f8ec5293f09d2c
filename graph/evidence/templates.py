"""Templated complaints in the graph: ``SAME_TEMPLATE`` links and a cluster id per complaint.

A cluster's size is not stored on its members (a grown cluster would rewrite every member):
readers count it (``template_cluster`` is indexed; :func:`cluster_sizes`).

The clustering itself is ``graph.text.templates.find_templates`` (MinHash + LSH over character
shingles); this module reads the complaint texts from Neo4j, replaces the previous template links
and cluster ids with the new ones (a rebuild, so a re-run gives the same graph), and describes
each cluster by its complainants and contact phones.

After a submission, :func:`refresh_templates` brings the clusters and links up to date for its
new complaints only, through the template index that ``build_templates`` leaves in the state
folder (:mod:`graph.evidence.template_index`); the graph it leaves is exactly the one a full
``build_templates`` would write on the same data. When the index cannot be trusted — missing,
written for other parameters, from another database or host, or complaints were removed — it
falls back to the full build (logged, and the next refresh is incremental again).

Both cluster the complaints in write order (:mod:`graph.text.templates`): a complaint's place is
the receipt time of its first submission (``submissions[0]``, the submission that created it;
``received_at``, in seconds), then its key. The graph already holds both, so no property is
added and no migration is needed; an index saved before write order lacks its ``written`` array
and is rebuilt once. A withdrawal can change a complaint's first submission, so it forgets the
index (:mod:`graph.workflow.withdraw`) and the next refresh rebuilds; a complaint whose place
changed otherwise is seen by the index (:class:`IndexMismatch`) and rebuilt too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graph.core.clock import parse_time
from graph.db.store import GraphStore
from graph.evidence import template_index as stored
from graph.text.template_index import IndexMismatch, TemplateChanges, TemplateIndex
from graph.text.templates import (
    DEFAULT_THRESHOLD,
    TemplateLink,
    TemplateResult,
    cluster_texts,
    template_params,
)

log = logging.getLogger(__name__)

COMPLAINT_TEXTS = """
MATCH (c:Complaint)
RETURN c.key AS key, c.text AS text, c.submissions[0] AS first_submission
"""
RECEIVED = """
MATCH (s:Submission)
RETURN s.id AS id, s.received_at AS received_at
"""
CLEAR_LINKS = """
MATCH (:Complaint)-[r:SAME_TEMPLATE]->(:Complaint)
CALL { WITH r DELETE r } IN TRANSACTIONS OF 10000 ROWS
"""
CLEAR_CLUSTERS = """
MATCH (c:Complaint) WHERE c.template_cluster IS NOT NULL
CALL { WITH c REMOVE c.template_cluster, c.template_size } IN TRANSACTIONS OF 10000 ROWS
"""
SET_CLUSTERS = """
UNWIND $rows AS row
MATCH (c:Entity {key: row.key})
SET c.template_cluster = row.cluster
REMOVE c.template_size
"""
CLUSTER_SIZES = """
UNWIND $clusters AS cluster
MATCH (c:Complaint {template_cluster: cluster})
RETURN cluster, count(c) AS size
"""
UNSET_CLUSTERS = """
UNWIND $keys AS key
MATCH (c:Entity {key: key})
REMOVE c.template_cluster, c.template_size
"""
DELETE_LINKS = """
UNWIND $rows AS row
MATCH (:Entity {key: row.a})-[r:SAME_TEMPLATE]->(:Entity {key: row.b})
DELETE r
"""
TEXTS_OF = """
UNWIND $keys AS key
MATCH (c:Entity {key: key}) WHERE c:Complaint
RETURN c.key AS key, c.text AS text, c.submissions[0] AS first_submission
"""
CLUSTER_OF = """
MATCH (c:Complaint) WHERE c.template_cluster IS NOT NULL
RETURN c.key AS key, c.template_cluster AS cluster
"""
MERGE_LINKS = """
UNWIND $rows AS row
MATCH (a:Entity {key: row.a})
MATCH (b:Entity {key: row.b})
MERGE (a)-[r:SAME_TEMPLATE]->(b)
SET r.similarity = row.similarity, r.kind = 'match', r.method = $method, r.sources = []
"""
DESCRIBE_CLUSTERS = """
UNWIND $clusters AS cluster
MATCH (c:Complaint {template_cluster: cluster})
OPTIONAL MATCH (c)-[:FILED_BY]->(p:Person)
OPTIONAL MATCH (c)-[:CONTACT]->(ph:Phone)
RETURN cluster, count(DISTINCT c) AS complaints, count(DISTINCT p) AS complainants,
       count(DISTINCT ph) AS contact_phones, collect(DISTINCT ph.e164)[..5] AS top_phones
"""


def build_templates(
    store: GraphStore, *, threshold: float = DEFAULT_THRESHOLD, seed: int = 1
) -> TemplateResult:
    """Cluster every complaint text and write the clusters and links into the graph, and the
    template index into the state folder (for :func:`refresh_templates`)."""
    folder = stored.index_folder()
    with stored.locked(folder):
        return _build(store, folder, threshold, seed)


def _build(store: GraphStore, folder: Any, threshold: float, seed: int) -> TemplateResult:
    params = template_params(threshold=threshold, seed=seed)
    stored.write_stamp(store, stored.UPDATING, "", -1)
    bare: list[str] = []  # complaints without a text: counted by the index, not clustered
    received = receipt_seconds(store)
    written: dict[str, int] = {}

    def texts() -> Iterator[tuple[str, str]]:
        for row in store.stream(COMPLAINT_TEXTS):
            if row["text"] is None:
                bare.append(row["key"])
            else:
                written[row["key"]] = received.get(row["first_submission"], 0)
                yield row["key"], row["text"]

    result, clustering = cluster_texts(texts(), params, written=written)
    store.run_autocommit(CLEAR_LINKS)
    store.run_autocommit(CLEAR_CLUSTERS)
    store.write_batches(
        SET_CLUSTERS,
        (
            {"key": member, "cluster": cluster.cluster_id}
            for cluster in result.clusters
            for member in cluster.members
        ),
    )
    store.write_batches(
        MERGE_LINKS,
        ({"a": a, "b": b, "similarity": round(sim, 4)} for a, b, sim in result.links),
        method=_method(threshold, seed),
    )
    assert clustering is not None
    index = TemplateIndex.from_clustering(clustering, params, bare)
    version = stored.save_index(folder, index, whole=True)
    stored.write_stamp(store, version, stored.stamp_params(params), index.count)
    return result


def refresh_templates(
    store: GraphStore,
    complaint_keys: list[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = 1,
) -> list[str]:
    """Bring template clusters and ``SAME_TEMPLATE`` links up to date after the complaints
    ``complaint_keys`` were added; return the keys whose ``template_cluster`` changed (new ones
    included), sorted.

    Only the difference is written: clusters of the texts the new ones can affect, links of the
    components peeled again. Keys without a text are only counted. Falls back to the full
    :func:`build_templates` (logged) when the stored index is missing or stale — written for
    other parameters, stamped for another database, or the number of complaints (Neo4j's count
    store) is not the index's plus the new ones (complaints were removed or added without a
    refresh) — or a known complaint's text changed, came or went.
    """
    folder = stored.index_folder()
    with stored.locked(folder):
        params = template_params(threshold=threshold, seed=seed)
        index = stored.load_index(folder, params, stored.read_stamp(store))
        reason = "no usable template index (missing, other parameters or another database)"
        if index is not None:
            rows = store.read(TEXTS_OF, keys=sorted(set(complaint_keys)))
            items = [(row["key"], row["text"]) for row in rows]
            received = receipt_seconds(store)
            written = {row["key"]: received.get(row["first_submission"], 0) for row in rows}
            fresh = index.unknown([key for key, _ in items])
            complaints = stored.count_complaints(store)
            reason = f"{complaints} complaints, the index has {index.count} + {fresh} new"
            if complaints == index.count + fresh:
                stored.write_stamp(store, stored.UPDATING, "", -1)
                try:
                    changes = index.add(items, written)
                except IndexMismatch as error:
                    reason = str(error)
                else:
                    _write_changes(store, changes, _method(threshold, seed))
                    version = stored.save_index(folder, index, whole=False)
                    stored.write_stamp(store, version, stored.stamp_params(params), index.count)
                    log.info(
                        "templates refreshed: %d new complaints, %d affected, %d peeled again, %d "
                        "changed clusters",
                        fresh,
                        changes.affected,
                        changes.repeeled,
                        len(changes.changed),
                    )
                    return changes.changed
        log.warning("template index not used (%s): full rebuild", reason)
        before = {row["key"]: row["cluster"] for row in store.stream(CLUSTER_OF)}
        result = _build(store, folder, threshold, seed)
        after = result.cluster_of()
        return sorted(
            key for key in before.keys() | after.keys() if before.get(key) != after.get(key)
        )


def receipt_seconds(store: GraphStore) -> dict[str, int]:
    """Each submission's receipt time, in seconds since the epoch: the place in write order of
    the complaints it created (a complaint without a known first submission takes 0)."""
    places = {}
    for row in store.read(RECEIVED):
        moment = parse_time(row["received_at"])
        if moment is not None:
            places[row["id"]] = int(moment.timestamp())
    return places


def _method(threshold: float, seed: int) -> str:
    return f"minhash-lsh threshold={threshold} seed={seed}"


def _write_changes(store: GraphStore, changes: TemplateChanges, method: str) -> None:
    store.write_batches(
        DELETE_LINKS, ({"a": link.id_a, "b": link.id_b} for link in changes.links_removed)
    )
    if changes.unclustered:
        store.write(UNSET_CLUSTERS, keys=changes.unclustered)
    store.write_batches(
        SET_CLUSTERS,
        ({"key": key, "cluster": cluster} for key, cluster in changes.clusters.items()),
    )
    store.write_batches(
        MERGE_LINKS, (_link_row(link) for link in changes.links_added), method=method
    )


def _link_row(link: TemplateLink) -> dict[str, Any]:
    return {"a": link.id_a, "b": link.id_b, "similarity": link.similarity}


def cluster_sizes(store: GraphStore, clusters: list[str]) -> dict[str, int]:
    """Each template cluster's number of complaints."""
    return {
        row["cluster"]: row["size"]
        for row in store.read(CLUSTER_SIZES, clusters=sorted(set(clusters)))
    }


def describe_clusters(
    store: GraphStore, result: TemplateResult, top: int = 50
) -> list[dict[str, Any]]:
    """The largest ``top`` clusters with their size, representative text, complainants and
    contact phones, largest first."""
    chosen = result.clusters[:top]
    facts = {
        row["cluster"]: row
        for row in store.read(DESCRIBE_CLUSTERS, clusters=[c.cluster_id for c in chosen])
    }
    described = []
    for cluster in chosen:
        row = facts.get(cluster.cluster_id, {})
        described.append(
            {
                "cluster_id": cluster.cluster_id,
                "size": cluster.size,
                "representative": cluster.representative,
                "text": cluster.text,
                "complainants": row.get("complainants", 0),
                "contact_phones": row.get("contact_phones", 0),
                "top_phones": row.get("top_phones", []),
            }
        )
    return described
