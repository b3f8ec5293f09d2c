"""Templated complaints in the graph: ``SAME_TEMPLATE`` links and a cluster id per complaint.

The clustering itself is ``graph.text.templates.find_templates`` (MinHash + LSH over character
shingles); this module reads the complaint texts from Neo4j, replaces the previous template links
and cluster ids with the new ones (a rebuild, so a re-run gives the same graph), and describes
each cluster by its complainants and contact phones.
"""

from __future__ import annotations

from typing import Any

from graph.db.store import GraphStore
from graph.text.templates import DEFAULT_THRESHOLD, TemplateResult, find_templates

COMPLAINT_TEXTS = """
MATCH (c:Complaint) WHERE c.text IS NOT NULL
RETURN c.key AS key, c.text AS text
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
SET c.template_cluster = row.cluster, c.template_size = row.size
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
    """Cluster every complaint text and write the clusters and links into the graph."""
    items = ((row["key"], row["text"]) for row in store.stream(COMPLAINT_TEXTS))
    result = find_templates(items, threshold=threshold, seed=seed)
    store.run_autocommit(CLEAR_LINKS)
    store.run_autocommit(CLEAR_CLUSTERS)
    store.write_batches(
        SET_CLUSTERS,
        (
            {"key": member, "cluster": cluster.cluster_id, "size": cluster.size}
            for cluster in result.clusters
            for member in cluster.members
        ),
    )
    method = f"minhash-lsh threshold={threshold} seed={seed}"
    store.write_batches(
        MERGE_LINKS,
        ({"a": a, "b": b, "similarity": round(sim, 4)} for a, b, sim in result.links),
        method=method,
    )
    return result


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


# Each complaint's template cluster, to tell which changed.
COMPLAINT_CLUSTERS = """
MATCH (c:Complaint) WHERE c.template_cluster IS NOT NULL
RETURN c.key AS key, c.template_cluster AS cluster
"""


def refresh_templates(store: GraphStore, complaint_keys: list[str]) -> list[str]:
    """Bring template clusters and SAME_TEMPLATE links up to date after ``complaint_keys`` were
    added; the keys of the complaints whose ``template_cluster`` changed (new ones included).

    Stand-in, replaced by tplinc's incremental index: a full ``build_templates``, comparing
    every complaint's cluster before and after (``complaint_keys`` is not needed for that)."""
    before = {row["key"]: row["cluster"] for row in store.stream(COMPLAINT_CLUSTERS)}
    build_templates(store)
    after = {row["key"]: row["cluster"] for row in store.stream(COMPLAINT_CLUSTERS)}
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
