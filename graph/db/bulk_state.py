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

Memory stays bounded whatever the size: each node, Statement and link is held as a *partial
state* of the batches that touched it since the last spill (:func:`node_delta`,
:func:`link_delta`, …), and two partial states of the same key, earlier and later, combine into
the state of both (:func:`combined`) — the rules above are all of that kind (a union, a min, a
max, a sum, a last value wins; the values' "first org keeps them" rule is kept as the list of
each org's values in order, and decided at the end). When too many are held they are written
to a sorted run on disk (:mod:`graph.db.bulk_runs`); :meth:`BulkGraph.write_files` merges the
runs key by key into the import files. Firms stay in memory whole: resolving a firm by name
reads their current state. How many nodes and links each submission created is known at the
merge (a node's first submission, a link's first source), in :attr:`BulkGraph.created`.

Equality with the transactional path is what the tests check (``tests/ingest/test_bulk_load.py``
compares the snapshots of both); a change to a rule in ``writer.py`` needs its twin here.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from graph.core.clock import utc_now
from graph.core.model import ENTITY_LABEL, load_model
from graph.core.private import private_folder
from graph.core.records import RowResult
from graph.db.bulk_files import KEYED, KEYS_SPACE, ImportFiles, ImportWriter
from graph.db.bulk_runs import merged, write_run
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
    new_link_props,
    node_rows,
    submission_params,
)

Props = dict[str, Any]

SPILL_AT = 200_000  # partial states (a SubmissionKeys node weighs its keys) held before a spill

# what a partial state is of, first in its sort key: an entity node, a link, a Statement, the
# keys of one batch (a SubmissionKeys node)
ENTITY, LINK, STATEMENT, KEYS = "e", "l", "s", "k"


# --- partial states and how two of them combine ------------------------------------------------


def node_delta(label: str, row: Props, *, org: str, submission: str) -> Props:
    """The partial state of an entity node that one batch's ``row`` (``node_rows``) gives."""
    return {
        "label": label,
        "identity": dict(row["identity"]),
        "first": row["first"],
        "last": row["last"],
        "submissions": [submission],
        "sources": list(row["sources"]),
        # (org, holder, values) in order; decided in node_props (the first org keeps them)
        "values": [(org, row["holder"], dict(row["values"]))] if row["values"] else [],
    }


def statement_delta(row: Props, *, org: str, submission: str, received_at: str) -> Props:
    start = {
        "key": row["statement"],
        "org": org,
        "submission": submission,
        "entity": row["key"],
        "at": received_at,
        "forwarded_for": row["forwarded_for"],
    }
    return {"start": start, "values": dict(row["values"]), "rows": list(row["rows"])}


def _union(earlier: list[Any], later: list[Any]) -> None:
    """``earlier`` with the items of ``later`` it lacks appended, in order (as the writer)."""
    seen = set(earlier)
    earlier.extend(item for item in later if item not in seen)


def _combine_node(a: Props, b: Props) -> Props:
    a["identity"].update(b["identity"])
    a["first"] = min(a["first"], b["first"])
    a["last"] = max(a["last"], b["last"])
    _union(a["submissions"], b["submissions"])
    _union(a["sources"], b["sources"])
    values = a["values"]
    for org, holder, stated in b["values"]:
        # the same org (and holder flag) again: both apply, or neither does, so one will do
        if values and values[-1][:2] == (org, holder):
            values[-1] = (org, holder, {**values[-1][2], **stated})
        else:
            values.append((org, holder, stated))
    return a


def _combine_statement(a: Props, b: Props) -> Props:
    a["values"].update(b["values"])
    _union(a["rows"], b["rows"])
    return a


def _combine_link(a: Props, b: Props) -> Props:
    """The writer adds only sources a link lacks; a source is one row of one submission, and a
    row is in one batch only, so every source of a later batch is new (checked)."""
    if not set(b["sources"]).isdisjoint(a["sources"]):
        raise AssertionError(f"a source in two batches: {a['sources']} and {b['sources']}")
    combined = {
        **a,
        **b,
        "sources": a["sources"] + b["sources"],
        "first_seen": min(a["first_seen"], b["first_seen"]),
        "last_seen": max(a["last_seen"], b["last_seen"]),
    }
    if "count" in a:
        combined["count"] = a["count"] + b["count"]
        combined["total_seconds"] = a["total_seconds"] + b["total_seconds"]
    return combined


def _first(a: Props, b: Props) -> Props:
    return a  # a SubmissionKeys node is written once (MERGE … ON CREATE)


COMBINE = {
    ENTITY: _combine_node,
    LINK: _combine_link,
    STATEMENT: _combine_statement,
    KEYS: _first,
}


def combined(what: str, records: Iterable[tuple[Any, Props]]) -> Iterator[tuple[Any, Props]]:
    """Each key of ``records`` (in key order, a key's partial states consecutive and earliest
    first, as :func:`graph.db.bulk_runs.merged` gives them) with its states combined."""
    join = COMBINE[what]
    records = iter(records)
    first = next(records, None)
    if first is None:
        return
    key, state = first
    for next_key, later in records:
        if next_key == key:
            state = join(state, later)
        else:
            yield key, state
            key, state = next_key, later
    yield key, state


def node_props(key: str, state: Props) -> Props:
    """The entity node's properties: what the writer's MERGE leaves after every batch."""
    props = {"key": key, **state["identity"]}
    props.update(
        first_seen=state["first"], last_seen=state["last"], submissions=state["submissions"]
    )
    if state["sources"]:
        props["sources"] = state["sources"]
    values_org, values = None, {}
    for org, holder, stated in state["values"]:
        if values_org in (None, org) or holder:
            values.update(stated)
            values_org = org
    if values_org is not None:
        props.update(values)
        props["values_org"] = values_org
    return props


def statement_props(state: Props) -> Props:
    return {**state["start"], **state["values"], "rows": state["rows"]}


# --- the fold ------------------------------------------------------------------------------


@dataclass
class BulkGraph:
    """The nodes and links a series of submissions writes, folded into partial states that
    spill to sorted runs in ``folder`` (made if missing) every ``spill_at`` states."""

    folder: Path
    spill_at: int = field(default_factory=lambda: SPILL_AT)  # read when made (tests lower it)
    held: dict[str, dict[Any, Props]] = field(
        default_factory=lambda: {ENTITY: {}, LINK: {}, STATEMENT: {}, KEYS: {}}
    )
    firms: dict[str, Props] = field(default_factory=dict)  # Firm key -> state, never spilled
    orgs: dict[str, Props] = field(default_factory=dict)  # org name -> properties
    submissions: dict[str, Props] = field(default_factory=dict)  # submission id -> properties
    # name_key -> keys of the firms with a USCC of that name (FIRMS_BY_NAME)
    firm_names: dict[str, set[str]] = field(default_factory=dict)
    # the runs of each kind of state, in the order they were written
    runs: dict[str, list[Path]] = field(
        default_factory=lambda: {ENTITY: [], LINK: [], STATEMENT: [], KEYS: []}
    )
    weight: int = 0  # what ``held`` holds, against ``spill_at``
    # submission id -> how many nodes (by label) and links (by type) it created; at the merge
    created: dict[str, tuple[Counter[str], Counter[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        private_folder(self.folder)

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

    def _hold(self, what: str, key: Any, delta: Props, weight: int = 1) -> None:
        held = self.held[what]
        state = held.get(key)
        if state is None:
            held[key] = delta
            self.weight += weight
        else:
            held[key] = COMBINE[what](state, delta)

    def merge_nodes(self, label: str, rows: list[Props], *, org: str, submission: str) -> None:
        """Fold one batch of one label's node rows."""
        for row in rows:
            delta = node_delta(label, row, org=org, submission=submission)
            if label == "Firm":
                self._merge_firm(row["key"], delta)
            else:
                self._hold(ENTITY, row["key"], delta)

    def _merge_firm(self, key: str, delta: Props) -> None:
        state = self.firms.get(key)
        old_name_key = None
        if state is not None:
            before = node_props(key, state)
            old_name_key = before.get("name_key") if "uscc" in before else None
            delta = _combine_node(state, delta)
        self.firms[key] = delta
        firm = node_props(key, delta)
        if old_name_key is not None:
            self.firm_names.get(old_name_key, set()).discard(key)
        if firm.get("uscc") is not None and firm.get("name_key") is not None:
            self.firm_names.setdefault(firm["name_key"], set()).add(key)

    def record_keys(self, submission: str, keys: list[str]) -> None:
        identifier = _record_keys_id(submission, keys)
        state = {"id": identifier, "submission": submission, "keys": keys}
        self._hold(KEYS, identifier, state, weight=len(keys))

    def merge_statements(
        self, statements: list[Props], *, org: str, submission: str, received_at: str
    ) -> None:
        for row in statements:
            delta = statement_delta(row, org=org, submission=submission, received_at=received_at)
            self._hold(STATEMENT, row["statement"], delta)

    # --- links (the writer's _merge_links_query) ---------------------------------------------

    def merge_links(
        self, link_type: str, by_pair: dict[tuple[str, str], _LinkAcc], kind: str
    ) -> None:
        """Fold one batch of one type's links."""
        counting = link_type == "CALLED"
        for (start, end), acc in by_pair.items():
            self._hold(LINK, (link_type, start, end), new_link_props(acc, kind, counting))

    # --- spilling, and the import files ------------------------------------------------------

    def spill_if_full(self) -> None:
        if self.weight >= self.spill_at:
            self.spill()

    def _sorted_held(self, what: str) -> list[tuple[Any, Props]]:
        held = self.held[what]
        return [(key, held[key]) for key in sorted(held)]

    def spill(self) -> None:
        """Write what is held as one sorted run of each kind, and hold nothing."""
        for what, held in self.held.items():
            if held:
                path = self.folder / f"run-{len(self.runs[what]):05d}-{what}.pickle"
                write_run(path, self._sorted_held(what))
                self.runs[what].append(path)
                held.clear()
        self.weight = 0

    def write_files(self, folder: Path) -> ImportFiles:
        """Merge the runs, and what is still held, into the import files in ``folder``; the runs
        are deleted after. The kinds go one after the other, entities first (as they sort)."""
        writer = ImportWriter(folder)
        write: dict[str, Callable[[ImportWriter, Any, Props], None]] = {
            ENTITY: self._write_node,
            KEYS: self._write_keys,
            LINK: self._write_link,
            STATEMENT: self._write_statement,
        }
        for what in sorted(self.held):
            records = merged(self.runs[what], self._sorted_held(what))
            self.held[what].clear()
            write_one = write[what]
            for key, state in combined(what, records):
                write_one(writer, key, state)
        for key, state in self.firms.items():
            self._write_node(writer, key, state)
        for props in self.orgs.values():
            writer.node(("Org",), KEYED, "key", props)
        for props in self.submissions.values():
            writer.node(("Submission",), KEYED, "key", props)
            writer.link("SUBMITTED", f"org:{props['org']}", props["key"], {})
        shutil.rmtree(self.folder, ignore_errors=True)
        self.runs = {what: [] for what in self.runs}
        return writer.close()

    def _write_keys(self, writer: ImportWriter, key: str, state: Props) -> None:
        writer.node(("SubmissionKeys",), KEYS_SPACE, "id", state)

    def _write_statement(self, writer: ImportWriter, key: str, state: Props) -> None:
        writer.node(("Statement",), KEYED, "key", statement_props(state))
        writer.link("ABOUT", key, state["start"]["entity"], {})

    def _write_link(self, writer: ImportWriter, key: tuple[str, str, str], state: Props) -> None:
        link_type, start, end = key
        self._created(state["sources"][0].rpartition("#")[0])[1][link_type] += 1
        writer.link(link_type, start, end, state)

    def _write_node(self, writer: ImportWriter, key: str, state: Props) -> None:
        self._created(state["submissions"][0])[0][state["label"]] += 1
        writer.node(entity_labels(state["label"]), KEYED, "key", node_props(key, state))

    def _created(self, submission: str) -> tuple[Counter[str], Counter[str]]:
        counters = self.created.get(submission)
        if counters is None:
            counters = self.created[submission] = (Counter(), Counter())
        return counters


class BulkWriter(SubmissionWriter):
    """A :class:`SubmissionWriter` that folds its batches into a :class:`BulkGraph` instead of
    sending them to Neo4j: the same batching, aggregation, firm resolution, endpoint checks and
    report, but for how many nodes and links were new (:func:`set_created`, after the merge);
    no store."""

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
            self.graph.merge_links(link_type, by_pair, self.model.link(link_type).kind)
            report = self.report
            report.links_sent[link_type] = report.links_sent.get(link_type, 0) + len(by_pair)
        self.report.rows_loaded += len(results)
        self.graph.spill_if_full()

    def _fold_nodes(self, label: str, by_key: dict[str, _NodeAcc]) -> None:
        org, submission = self.submission.org, self.submission.id
        rows, statements = node_rows(label, by_key, org, submission)
        self.graph.merge_nodes(label, rows, org=org, submission=submission)
        if rows:
            self.graph.record_keys(submission, [a.key for a in by_key.values()])
        self.graph.merge_statements(
            statements, org=org, submission=submission, received_at=self.submission.received_at
        )
        report = self.report
        report.nodes_sent[label] = report.nodes_sent.get(label, 0) + len(rows)

    def _finish(self) -> None:
        self.graph.finish(self.submission.id, self.report, self.quarantine_report)


@cache
def entity_labels(label: str) -> tuple[str, str]:
    """The labels of an entity node of the model's ``label``: the shared one and its own."""
    return ENTITY_LABEL, load_model().node(label).label


def set_created(graph: BulkGraph, submission: str, report: LoadReport) -> None:
    """``report``'s new nodes and links, once :meth:`BulkGraph.write_files` has counted them."""
    nodes, links = graph.created.get(submission, (Counter(), Counter()))
    report.nodes_created = {label: nodes[label] for label in report.nodes_sent}
    report.links_created = {link_type: links[link_type] for link_type in report.links_sent}
