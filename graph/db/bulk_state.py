"""What the transactional path would leave in the graph, folded in memory for a bulk load.

A bulk first load (``leadgraph bulk-load``) writes the graph with ``neo4j-admin database import``
instead of Cypher, so the state the :class:`~graph.db.writer.SubmissionWriter`'s statements
would build must be computed here first. :class:`BulkWriter` is that writer with its Cypher
replaced by :class:`BulkGraph`, a plain-Python fold of the same rules, batch by batch in the
same order (``ingest`` file by file, ``store.batch_size`` rows a batch):

* an entity node takes identity properties as given, widens ``first_seen`` / ``last_seen``,
  appends its submission and new sources; its values are the first org's (or the holder's);
* every batch's values of an entity and submission go to the one Statement of the two, linked
  ``ABOUT`` the entity, its rows appended;
* a link keeps the list of the sources asserting it; only fresh sources change it (``kind``,
  props, first/last, a call's ``count`` and ``total_seconds``);
* a firm named without a code resolves to the one registered firm of that name the graph holds
  before the batch (``FIRMS_BY_NAME``);
* each label's keys of a batch are kept in a ``SubmissionKeys`` node, for the analysis job.

Equality with the transactional path is what the tests check (``tests/ingest/test_bulk_load.py``
compares the snapshots of both); a change to a rule in ``writer.py`` needs its twin here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

from graph.core.clock import utc_now
from graph.core.model import ENTITY_LABEL, load_model
from graph.core.records import RowResult
from graph.db.writer import (
    LoadReport,
    SubmissionInfo,
    SubmissionWriter,
    _check_endpoints,
    _LinkAcc,
    _NodeAcc,
    _record_keys_id,
    _rekey,
    aggregate,
    node_rows,
    submission_params,
)

Props = dict[str, Any]


@dataclass
class BulkGraph:
    """The nodes and links a series of submissions writes, by key, as plain dicts."""

    entities: dict[str, Props] = field(default_factory=dict)  # entity key -> properties
    label_of: dict[str, str] = field(default_factory=dict)  # entity key -> its model label
    statements: dict[str, Props] = field(default_factory=dict)  # statement key -> properties
    links: dict[tuple[str, str, str], Props] = field(default_factory=dict)  # (type, start, end)
    orgs: dict[str, Props] = field(default_factory=dict)  # org name -> properties
    submissions: dict[str, Props] = field(default_factory=dict)  # submission id -> properties
    submission_keys: dict[str, Props] = field(default_factory=dict)  # id -> properties
    # name_key -> keys of the firms with a USCC of that name (FIRMS_BY_NAME)
    firm_names: dict[str, set[str]] = field(default_factory=dict)

    # --- submissions (BEGIN_SUBMISSION, FINISH_SUBMISSION) ------------------------------------

    def begin(self, s: SubmissionInfo) -> str:
        """The Org and the Submission, ``loading``; returns the receipt time kept."""
        self.orgs.setdefault(
            s.org,
            {
                "name": s.org,
                "key": f"org:{s.org}",
                "kind": "enterprise",
                "created_at": s.received_at,
            },
        )
        node = self.submissions.setdefault(
            s.id, {"id": s.id, "key": s.key, "received_at": s.received_at, "status": "loading"}
        )
        # BEGIN_SUBMISSION sets every property but those of its ON CREATE
        params = submission_params(s)
        node.update((k, v) for k, v in params.items() if k not in ("id", "key", "received_at"))
        return str(node["received_at"])

    def finish(self, submission_id: str, report: LoadReport, quarantine_report: str | None) -> None:
        node = self.submissions[submission_id]
        node.update(
            status="complete",
            rows_read=report.rows_loaded + report.rows_quarantined,
            rows_loaded=report.rows_loaded,
            rows_quarantined=report.rows_quarantined,
            fields_dropped=report.fields_dropped,
            quarantine_report=quarantine_report,
        )
        node.setdefault("landed_at", utc_now())
        node.setdefault("landed_ms", int(time.time() * 1000))  # the writer's timestamp()

    # --- entities (the writer's _merge_nodes_query, RECORD_KEYS, _merge_statements_query) ------

    def firms_by_name(self, name_keys: set[str]) -> dict[str, str]:
        found = {}
        for name_key in name_keys:
            keys = self.firm_names.get(name_key)
            if keys and len(keys) == 1:
                found[name_key] = next(iter(keys))
        return found

    def merge_nodes(self, label: str, rows: list[Props], *, org: str, submission: str) -> int:
        """Fold one batch of one label's node rows; returns how many nodes were new."""
        created = 0
        for row in rows:
            key = row["key"]
            n = self.entities.get(key)
            if n is None:
                n = self.entities[key] = {"key": key}
                self.label_of[key] = label
                created += 1
            old_name_key = n.get("name_key") if label == "Firm" and "uscc" in n else None
            n.update(row["identity"])
            if "first_seen" not in n or row["first"] < n["first_seen"]:
                n["first_seen"] = row["first"]
            if "last_seen" not in n or row["last"] > n["last_seen"]:
                n["last_seen"] = row["last"]
            submissions = n.setdefault("submissions", [])
            if submission not in submissions:
                submissions.append(submission)
            if row["sources"]:
                sources = n.setdefault("sources", [])
                seen = set(sources)
                sources.extend(s for s in row["sources"] if s not in seen)
            if row["values"] and (n.get("values_org") in (None, org) or row["holder"]):
                n.update(row["values"])
                n["values_org"] = org
            if label == "Firm":
                self._index_firm(key, old_name_key, n)
        return created

    def _index_firm(self, key: str, old_name_key: str | None, firm: Props) -> None:
        if old_name_key is not None:
            self.firm_names.get(old_name_key, set()).discard(key)
        if firm.get("uscc") is not None and firm.get("name_key") is not None:
            self.firm_names.setdefault(firm["name_key"], set()).add(key)

    def record_keys(self, submission: str, keys: list[str]) -> None:
        identifier = _record_keys_id(submission, keys)
        self.submission_keys.setdefault(
            identifier, {"id": identifier, "submission": submission, "keys": keys}
        )

    def merge_statements(
        self, statements: list[Props], *, org: str, submission: str, received_at: str
    ) -> None:
        for row in statements:
            s = self.statements.get(row["statement"])
            if s is None:
                s = self.statements[row["statement"]] = {
                    "key": row["statement"],
                    "org": org,
                    "submission": submission,
                    "entity": row["key"],
                    "at": received_at,
                    "forwarded_for": row["forwarded_for"],
                }
            s.update(row["values"])
            rows = s.setdefault("rows", [])
            seen = set(rows)
            rows.extend(r for r in row["rows"] if r not in seen)

    # --- links (the writer's _merge_links_query) ---------------------------------------------

    def merge_links(
        self, link_type: str, by_pair: dict[tuple[str, str], _LinkAcc], kind: str
    ) -> int:
        """Fold one batch of one type's links; returns how many links were new."""
        created = 0
        for (start, end), acc in by_pair.items():
            r = self.links.get((link_type, start, end))
            if r is None:
                r = self.links[(link_type, start, end)] = {}
                created += 1
            sources = r.get("sources", [])
            known = set(sources)
            fresh = [item for item in acc.items if item["source"] not in known]
            if not fresh:
                continue
            r.update(acc.props)
            r["kind"] = kind
            r["sources"] = sources + [item["source"] for item in fresh]
            for item in fresh:
                if r.get("first_seen") is None or item["first"] < r["first_seen"]:
                    r["first_seen"] = item["first"]
                if r.get("last_seen") is None or item["last"] > r["last_seen"]:
                    r["last_seen"] = item["last"]
            if link_type == "CALLED":
                r["count"] = r.get("count", 0) + len(fresh)
                r["total_seconds"] = r.get("total_seconds", 0) + sum(
                    item["seconds"] or 0 for item in fresh
                )
        return created


class BulkWriter(SubmissionWriter):
    """A :class:`SubmissionWriter` that folds its batches into a :class:`BulkGraph` instead of
    sending them to Neo4j: the same batching, aggregation, firm resolution, endpoint checks and
    report; no store."""

    def __init__(self, graph: BulkGraph, submission: SubmissionInfo, *, batch_rows: int) -> None:
        self.graph = graph
        self.submission = submission
        self.model = load_model()
        self.report = LoadReport()
        self.quarantine_report: str | None = None
        self._batch_rows = batch_rows
        self._on_progress = None
        self._pending: list[RowResult] = []

    def __enter__(self) -> BulkWriter:
        received_at = self.graph.begin(self.submission)
        if received_at != self.submission.received_at:
            self.submission = replace(self.submission, received_at=received_at)
        return self

    def resolve_firm_names(self, results: list[RowResult]) -> tuple[list[RowResult], set[str]]:
        name_keys = {
            node.props["name_key"]
            for result in results
            for node in result.nodes
            if node.label == "Firm" and node.props.get("key_strength") == "name"
        }
        found = self.graph.firms_by_name(name_keys) if name_keys else {}
        to_key = {f"firm:name:{name_key}": key for name_key, key in found.items()}
        if not to_key:
            return results, set()
        return [_rekey(result, to_key) for result in results], set(to_key.values())

    def write(self, results: list[RowResult]) -> None:
        results, existing = self.resolve_firm_names(results)
        nodes, links = aggregate(results, self.submission)
        _check_endpoints(nodes, links, existing)
        for label, by_key in nodes.items():
            self._fold_nodes(label, by_key)
        for link_type, by_pair in links.items():
            created = self.graph.merge_links(link_type, by_pair, self.model.link(link_type).kind)
            report = self.report
            report.links_sent[link_type] = report.links_sent.get(link_type, 0) + len(by_pair)
            report.links_created[link_type] = report.links_created.get(link_type, 0) + created
        self.report.rows_loaded += len(results)

    def _fold_nodes(self, label: str, by_key: dict[str, _NodeAcc]) -> None:
        org, submission = self.submission.org, self.submission.id
        rows, statements = node_rows(label, by_key, org, submission)
        created = self.graph.merge_nodes(label, rows, org=org, submission=submission)
        if rows:
            self.graph.record_keys(submission, [a.key for a in by_key.values()])
        self.graph.merge_statements(
            statements, org=org, submission=submission, received_at=self.submission.received_at
        )
        report = self.report
        report.nodes_sent[label] = report.nodes_sent.get(label, 0) + len(rows)
        report.nodes_created[label] = report.nodes_created.get(label, 0) + created

    def _finish(self) -> None:
        self.graph.finish(self.submission.id, self.report, self.quarantine_report)


def entity_labels(label: str) -> tuple[str, str]:
    """The labels of an entity node of the model's ``label``: the shared one and its own."""
    return ENTITY_LABEL, load_model().node(label).label
