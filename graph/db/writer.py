"""Write ingested rows into Neo4j with their provenance, idempotently.

A :class:`SubmissionWriter` takes what ``ingest.pipeline`` yields — a
:class:`~graph.core.records.RowResult` per accepted row, a
:class:`~graph.core.records.QuarantineEntry` per problem — for one :class:`SubmissionInfo`, and
writes the rows in batches of UNWIND … MERGE, one explicit transaction per label or link type per
batch. It never sees a file; ``ingest.submit`` holds it.

Provenance, and why re-running changes nothing
----------------------------------------------
* A source is ``"<submission id>#<row>"``. The submission id is derived from the organisation,
  the kind and the file's SHA-256, so the same file submitted again is the same submission —
  unless that submission was withdrawn (``graph/workflow/withdraw.py``): the file then loads
  as the next generation, a new submission whose id also hashes the generation number, and
  the withdrawn one stays as the record of what was taken back.
* Every link keeps the list of sources that assert it, ``first_seen`` / ``last_seen`` (the data's
  own date — a complaint's filing date, a call's time — or else the submission's receipt time)
  and its ``kind`` (fact, inference or match, from the model).
* A submission's ``landed_at`` is when its first complete run finished (its facts are all in
  the graph from then on; a re-run keeps it): what watches compare with (graph/workflow/watch.py).
* Every node keeps ``submissions`` (the ids that mention it), ``first_seen`` / ``last_seen``, and
  ``sources`` for the rows whose subject it is (the Phone of a phone-list row, the Firm of a
  registry row, the Complaint of a complaint row, the Account of an account row). A hotline that
  10,000 complaints name is reached through 10,000 CONTACT links, each with its row, rather than
  by a 10,000-item list on the node.
* Sources are added only when not already present, counts (a call link's ``count`` and
  ``total_seconds``) grow only by new sources, and first/last only widen: so a repeated batch, a
  re-run of the same file, or a re-run after a crash mid-file ends in the state of one clean run.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from graph.core.clock import utc_now
from graph.core.errors import UserError
from graph.core.model import ENTITY_LABEL, identifier, load_model
from graph.core.records import LinkRecord, QuarantineEntry, RowResult
from graph.db.store import ConstraintError, GraphStore

# Link properties the loader aggregates over sources rather than overwrites.
AGGREGATED_LINK_PROPS = {"count", "total_seconds", "first", "last"}


@dataclass(frozen=True)
class SubmissionInfo:
    """One ingested file: who submitted what, when, and its fingerprint."""

    org: str
    kind: str
    file_name: str
    sha256: str
    received_at: str  # ISO 8601, UTC
    user: str | None = None
    grade: str | None = None  # source reliability A-E and information 1-5, e.g. "B2"
    lexicon_version: str | None = None  # the slang lexicon that read the submission's texts
    contacts_version: str | None = None  # the contact extractor that read them (text/contacts)
    context_version: str | None = None  # the context model that scored them (graph.text.context)
    # 0, or 1, 2 … for the same file submitted again after its earlier submission was withdrawn
    generation: int = 0

    @property
    def id(self) -> str:
        parts = [self.org, self.kind, self.sha256] + (
            [str(self.generation)] if self.generation else []
        )
        digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        return f"sub-{digest[:20]}"

    @property
    def key(self) -> str:
        return f"submission:{self.id}"


@dataclass
class LoadReport:
    """What a load wrote, by label and link type: records sent and how many were new."""

    rows_loaded: int = 0
    quarantine: list[QuarantineEntry] = field(default_factory=list)
    nodes_sent: dict[str, int] = field(default_factory=dict)
    nodes_created: dict[str, int] = field(default_factory=dict)
    links_sent: dict[str, int] = field(default_factory=dict)
    links_created: dict[str, int] = field(default_factory=dict)
    # wall seconds spent writing each label's nodes / each type's links (where the time goes;
    # labels written at the same time overlap, so the parts may add up to more than the whole)
    write_seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, name: str, started: float) -> None:
        self.write_seconds[name] = self.write_seconds.get(name, 0.0) + time.perf_counter() - started

    @property
    def rows_quarantined(self) -> int:
        return len({entry.row for entry in self.quarantine if entry.refuses_row})

    @property
    def fields_dropped(self) -> int:
        """Warnings: values of loaded rows that were dropped (see ingest/pipeline.py)."""
        return sum(1 for entry in self.quarantine if not entry.refuses_row)

    # What a submitter is told: how many entities and links its own rows named, by label and
    # type. Never how many were new: "created 0, matched 1" for a Person would tell the analyst
    # that another org already holds that person. (nodes_created / links_created stay for
    # benchmarks and tests of the writer itself.)
    def entities(self) -> dict[str, int]:
        return dict(sorted(self.nodes_sent.items()))

    def links(self) -> dict[str, int]:
        return dict(sorted(self.links_sent.items()))


# --- Cypher -------------------------------------------------------------------------------------

BEGIN_SUBMISSION = """
MERGE (o:Org {name: $org})
  ON CREATE SET o.key = 'org:' + $org, o.kind = 'enterprise', o.created_at = $received_at
MERGE (s:Submission {id: $id})
  ON CREATE SET s.key = $key, s.received_at = $received_at, s.status = 'loading'
SET s.org = $org, s.kind = $kind, s.file_name = $file_name, s.sha256 = $sha256,
    s.user = $user, s.grade = $grade, s.lexicon_version = $lexicon_version,
    s.contacts_version = $contacts_version,
    s.context_version = $context_version,
    s.generation = $generation, s.replaces = $replaces
MERGE (o)-[:SUBMITTED]->(s)
RETURN s.received_at AS received_at, s.status AS status
"""

# A firm named without a code resolves to the one registered firm of that name, when there is one.
FIRMS_BY_NAME = """
UNWIND $name_keys AS name_key
MATCH (f:Firm {name_key: name_key}) WHERE f.uscc IS NOT NULL
WITH name_key, collect(f.key) AS keys
WHERE size(keys) = 1
RETURN name_key, keys[0] AS key
"""

SUBMISSION_STATUS = "MATCH (s:Submission {id: $id}) RETURN s.status AS status"

FINISH_SUBMISSION = """
MATCH (s:Submission {id: $id})
SET s.status = 'complete', s.rows_read = $rows_read, s.rows_loaded = $rows_loaded,
    s.rows_quarantined = $rows_quarantined, s.fields_dropped = $fields_dropped,
    s.quarantine_report = $quarantine_report,
    s.landed_at = coalesce(s.landed_at, $landed_at),
    s.landed_ms = coalesce(s.landed_ms, timestamp())
"""


def _merge_nodes_query(label: str) -> str:
    """MERGE entity nodes of one label by their key; widen first/last; add new provenance.

    Identity properties (the same whoever names the entity) are set as given. Values (the
    model's ``values`` of the label) become the node's own only while no other party holds
    them: the first org to state values keeps them, and only that org — or the holder the key
    names, a complaint's own source — may change them. Every party's values are also kept in
    its Statement (:func:`_merge_statements_query`)."""
    return f"""
UNWIND $rows AS row
MERGE (n:{ENTITY_LABEL} {{key: row.key}})
  ON CREATE SET n:{identifier(label)}
SET n += row.identity,
    n.first_seen = CASE WHEN n.first_seen IS NULL OR row.first < n.first_seen
                        THEN row.first ELSE n.first_seen END,
    n.last_seen = CASE WHEN n.last_seen IS NULL OR row.last > n.last_seen
                       THEN row.last ELSE n.last_seen END,
    n.submissions = CASE WHEN $submission IN coalesce(n.submissions, [])
                         THEN n.submissions ELSE coalesce(n.submissions, []) + $submission END,
    n.sources = CASE WHEN size(row.sources) = 0 THEN n.sources
                     ELSE coalesce(n.sources, [])
                          + [s IN row.sources WHERE NOT s IN coalesce(n.sources, [])] END
WITH n, row
WHERE size(keys(row.values)) > 0
  AND (n.values_org IS NULL OR n.values_org = $org OR row.holder)
SET n += row.values, n.values_org = $org
"""


# The keys of the nodes one batch of a submission wrote, found by the submission's id (indexed):
# the analysis after a submission (graph/evidence/incremental.py) starts from them instead of
# scanning every node's ``submissions`` list, which no index covers. One node per batch, not a
# property per entity, so nothing the pages or exports show changes. Named by the submission
# and a digest of the keys, so a re-run of the same batch records nothing new.
RECORD_KEYS = """
UNWIND $rows AS row
MERGE (k:SubmissionKeys {id: row.id})
  ON CREATE SET k.submission = $submission, k.keys = row.keys
"""


def _record_keys_id(submission: str, keys: list[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(keys)).encode("utf-8")).hexdigest()[:24]
    return f"{submission}:{digest}"


def _merge_statements_query() -> str:
    """One Statement per entity and submission: the values its rows assert, which org said so,
    in which rows, when; linked ABOUT the entity. Re-running adds nothing."""
    return f"""
UNWIND $rows AS row
MATCH (n:{ENTITY_LABEL} {{key: row.key}})
MERGE (s:Statement {{key: row.statement}})
  ON CREATE SET s.org = $org, s.submission = $submission, s.entity = row.key,
                s.at = $received_at, s.forwarded_for = row.forwarded_for
SET s += row.values,
    s.rows = coalesce(s.rows, []) + [r IN row.rows WHERE NOT r IN coalesce(s.rows, [])]
MERGE (s)-[:ABOUT]->(n)
"""


def _merge_links_query(link_type: str) -> str:
    """MERGE links of one type between existing entities; only new sources change a link."""
    counting = ""
    if link_type == "CALLED":
        counting = """,
    r.count = coalesce(r.count, 0) + size(fresh),
    r.total_seconds = coalesce(r.total_seconds, 0)
                      + reduce(t = 0, i IN fresh | t + coalesce(i.seconds, 0))"""
    return f"""
UNWIND $rows AS row
MATCH (a:{ENTITY_LABEL} {{key: row.start}})
MATCH (b:{ENTITY_LABEL} {{key: row.end}})
MERGE (a)-[r:{identifier(link_type)}]->(b)
WITH r, row, [i IN row.items WHERE NOT i.source IN coalesce(r.sources, [])] AS fresh
WHERE size(fresh) > 0
SET r += row.props,
    r.kind = $kind,
    r.sources = coalesce(r.sources, []) + [i IN fresh | i.source],
    r.first_seen = reduce(m = r.first_seen, i IN fresh |
                          CASE WHEN m IS NULL OR i.first < m THEN i.first ELSE m END),
    r.last_seen = reduce(m = r.last_seen, i IN fresh |
                         CASE WHEN m IS NULL OR i.last > m THEN i.last ELSE m END){counting}
"""


# --- CREATE where the key is new -------------------------------------------------------------
#
# A MERGE reads before it writes and locks what it reads; most of an increment's nodes are new,
# and the links of a new node are new too. So one read per batch finds which of its keys exist;
# the new nodes, their Statements and every link that touches one are CREATEd, all in one
# transaction; the rest take the MERGE path above. Nobody else can see a node before that
# transaction commits, so nobody else can link to it first; another writer creating the same key
# at the same time makes the CREATE fail on the key's uniqueness constraint, and the whole batch
# then takes the MERGE path. The properties written are those the MERGE path gives a node, a
# Statement and a link it creates (tests/graph/test_writer_create.py compares the two).

EXISTING_KEYS = f"""
UNWIND $keys AS key
MATCH (n:{ENTITY_LABEL} {{key: key}})
RETURN key
"""

EXISTING_STATEMENTS = """
UNWIND $keys AS key
MATCH (s:Statement {key: key})
RETURN key
"""


def _create_nodes_query(label: str) -> str:
    """CREATE new entity nodes of one label, each with its Statement when it states values."""
    return f"""
UNWIND $rows AS row
CREATE (n:{ENTITY_LABEL}:{identifier(label)})
SET n = row.props
WITH n, row
WHERE row.statement IS NOT NULL
CREATE (s:Statement)-[:ABOUT]->(n)
SET s = row.statement
"""


def _create_links_query(link_type: str) -> str:
    """CREATE links of one type that touch a node created in the same transaction."""
    return f"""
UNWIND $rows AS row
MATCH (a:{ENTITY_LABEL} {{key: row.start}})
MATCH (b:{ENTITY_LABEL} {{key: row.end}})
CREATE (a)-[r:{identifier(link_type)}]->(b)
SET r = row.props
"""


def new_node_props(row: dict[str, Any], submission: str, org: str) -> dict[str, Any]:
    """The properties :func:`_merge_nodes_query` gives a node it creates from ``row``."""
    props = {
        **row["identity"],
        "key": row["key"],
        "first_seen": row["first"],
        "last_seen": row["last"],
        "submissions": [submission],
    }
    if row["sources"]:
        props["sources"] = list(row["sources"])
    if row["values"]:
        props.update(row["values"], values_org=org)
    return props


def new_statement_props(statement: dict[str, Any], info: SubmissionInfo) -> dict[str, Any]:
    """The properties :func:`_merge_statements_query` gives a Statement it creates."""
    props: dict[str, Any] = {
        "key": statement["statement"],
        "org": info.org,
        "submission": info.id,
        "entity": statement["key"],
        "at": info.received_at,
    }
    if statement["forwarded_for"] is not None:
        props["forwarded_for"] = statement["forwarded_for"]
    props.update(statement["values"])
    props["rows"] = list(statement["rows"])
    return props


def new_link_props(link: _LinkAcc, kind: str, counting: bool) -> dict[str, Any]:
    """The properties :func:`_merge_links_query` gives a link it creates (all its items are
    fresh)."""
    props = {
        **link.props,
        "kind": kind,
        "sources": [item["source"] for item in link.items],
        "first_seen": min(item["first"] for item in link.items),
        "last_seen": max(item["last"] for item in link.items),
    }
    if counting:
        props["count"] = len(link.items)
        props["total_seconds"] = sum(item["seconds"] or 0 for item in link.items)
    return props


# --- batching -----------------------------------------------------------------------------------


def _row_date(result: RowResult) -> str | None:
    for node in result.nodes:
        if node.label == "Complaint" and node.props.get("filed_date"):
            return str(node.props["filed_date"])
    return None


@dataclass
class _NodeAcc:
    key: str
    props: dict[str, Any]
    sources: list[str]
    first: str
    last: str
    rows: list[int] = field(default_factory=list)  # rows that assert values of the node


@dataclass
class _LinkAcc:
    start: str
    end: str
    props: dict[str, Any]
    items: list[dict[str, Any]]


def aggregate(
    results: Iterable[RowResult], submission: SubmissionInfo
) -> tuple[dict[str, dict[str, _NodeAcc]], dict[str, dict[tuple[str, str], _LinkAcc]]]:
    """Fold a batch of rows into one record per node and per link, so a phone named by 500
    rows of a batch is written once with 500 sources, not MERGEd 500 times."""
    values_of = {label: set(node.values) for label, node in load_model().nodes.items()}
    nodes: dict[str, dict[str, _NodeAcc]] = {}
    links: dict[str, dict[tuple[str, str], _LinkAcc]] = {}
    for result in results:
        source = f"{submission.id}#{result.row}"
        date = _row_date(result) or submission.received_at
        for node in result.nodes:
            by_key = nodes.setdefault(node.label, {})
            props = {k: v for k, v in node.props.items() if v is not None}
            acc = by_key.get(node.key)
            if acc is None:
                acc = by_key[node.key] = _NodeAcc(node.key, props, [], date, date)
            else:
                acc.props.update(props)
                acc.first, acc.last = min(acc.first, date), max(acc.last, date)
            if node.key == result.subject and source not in acc.sources:
                acc.sources.append(source)
            if result.row not in acc.rows and any(k in values_of[node.label] for k in props):
                acc.rows.append(result.row)
        for link in result.links:
            by_pair = links.setdefault(link.type, {})
            props = {
                k: v
                for k, v in link.props.items()
                if v is not None and k not in AGGREGATED_LINK_PROPS
            }
            link_acc = by_pair.get((link.start, link.end))
            if link_acc is None:
                link_acc = by_pair[(link.start, link.end)] = _LinkAcc(link.start, link.end, {}, [])
            link_acc.props.update(props)
            if any(item["source"] == source for item in link_acc.items):
                continue  # the same row asserting the same link twice counts once
            link_acc.items.append(
                {
                    "source": source,
                    "first": str(link.props.get("first") or date),
                    "last": str(link.props.get("last") or link.props.get("first") or date),
                    "seconds": link.props.get("total_seconds"),
                }
            )
    return nodes, links


def _forwarded_for(label: str, props: dict[str, Any], org: str) -> str | None:
    """The org a complaint is held by, when another org states it (a regulator forwarding a
    lender's complaint); None when the submitting org is the holder, or the label has none."""
    if label != "Complaint":
        return None
    source = props.get("source")
    return str(source) if source and source != org else None


def _rekey(result: RowResult, to_key: dict[str, str]) -> RowResult:
    """The row with resolved entity keys; a node that resolves to an existing firm is dropped
    (the registered firm's properties stay as the registry gave them)."""
    if not any(n.key in to_key for n in result.nodes):
        return result
    nodes = [n for n in result.nodes if n.key not in to_key]
    links = [
        LinkRecord(
            link.type,
            to_key.get(link.start, link.start),
            to_key.get(link.end, link.end),
            link.props,
        )
        for link in result.links
    ]
    subject = to_key.get(result.subject, result.subject) if result.subject else None
    return RowResult(result.row, nodes, links, subject)


def _check_endpoints(
    nodes: dict[str, dict[str, _NodeAcc]],
    links: dict[str, dict[tuple[str, str], _LinkAcc]],
    existing: set[str],
) -> None:
    """Every link must end at a node its rows assert; a MATCH that finds nothing would drop the
    link silently, and nothing may be lost."""
    known = {key for by_key in nodes.values() for key in by_key} | existing
    for link_type, by_pair in links.items():
        for start, end in by_pair:
            missing = [k for k in (start, end) if k not in known]
            if missing:
                raise ValueError(f"{link_type} link names {missing} but no row asserts that node")


def submission_params(s: SubmissionInfo) -> dict[str, Any]:
    """The parameters of ``BEGIN_SUBMISSION``: the Submission's properties, with ``org``."""
    return {
        "org": s.org,
        "id": s.id,
        "key": s.key,
        "kind": s.kind,
        "file_name": s.file_name,
        "sha256": s.sha256,
        "user": s.user,
        "grade": s.grade,
        "lexicon_version": s.lexicon_version,
        "contacts_version": s.contacts_version,
        "context_version": s.context_version,
        "received_at": s.received_at,
        "generation": s.generation,
        "replaces": replace(s, generation=s.generation - 1).id if s.generation else None,
    }


def node_pairs(
    label: str, accs: Iterable[_NodeAcc], org: str, submission: str
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Each node's parameter row for the node queries, and its Statement's row when it states
    values: identity and values split by the model, the holder of a complaint, its forwarding
    org."""
    values = set(load_model().node(label).values)
    pairs: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    for a in accs:
        stated = {k: v for k, v in a.props.items() if k in values}
        forwarded_for = _forwarded_for(label, a.props, org)
        row = {
            "key": a.key,
            "identity": {k: v for k, v in a.props.items() if k not in values},
            "values": stated,
            "holder": label == "Complaint" and forwarded_for is None,
            "sources": a.sources,
            "first": a.first,
            "last": a.last,
        }
        statement = None
        if stated:
            statement = {
                "key": a.key,
                "statement": f"stmt:{submission}:{a.key}",
                "values": stated,
                "rows": a.rows,
                "forwarded_for": forwarded_for,
            }
        pairs.append((row, statement))
    return pairs


def node_rows(
    label: str, by_key: dict[str, _NodeAcc], org: str, submission: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The parameter rows of one label's nodes in a batch, and of their Statements
    (``node_pairs``)."""
    pairs = node_pairs(label, by_key.values(), org, submission)
    return [row for row, _ in pairs], [st for _, st in pairs if st]


class SubmissionWriter:
    """Writes one submission's rows in batches; ingest holds it as a context manager::

        with SubmissionWriter(store, submission) as writer:
            for item in items:                  # RowResults and QuarantineEntries, in file order
                writer.add(item)
            writer.quarantine_report = path     # where the refused rows were written, if anywhere
        writer.report                           # what was written, by label and link type

    Entering records the Org and the Submission (``loading``); each full batch is written as it
    fills; leaving without an error writes the last batch and marks the submission ``complete``
    with its counts. Leaving on an error writes nothing more: the submission stays ``loading``
    and submitting the same file again completes it, changing nothing already written.
    """

    def __init__(
        self,
        store: GraphStore,
        submission: SubmissionInfo,
        *,
        batch_rows: int | None = None,
        on_progress: Callable[[int], None] | None = None,
        create_new: bool = True,
    ) -> None:
        self.store = store
        # False: MERGE everything, as before issue 20 (benchmarks and the equality test)
        self.create_new = create_new
        self.submission = submission
        self.model = load_model()
        self.report = LoadReport()
        self.quarantine_report: str | None = None
        self._batch_rows = batch_rows or store.batch_size
        self._on_progress = on_progress
        self._pending: list[RowResult] = []
        self._report_lock = threading.Lock()

    def __enter__(self) -> SubmissionWriter:
        self.submission = live_submission(self.store, self.submission)
        received_at = self._begin()
        if received_at != self.submission.received_at:
            # A re-run of a submission keeps the receipt time of its first attempt.
            self.submission = replace(self.submission, received_at=received_at)
        return self

    def __exit__(self, error_type: type[BaseException] | None, *_: object) -> None:
        if error_type is not None:
            return
        self._flush()
        self._finish()

    def add(self, item: RowResult | QuarantineEntry) -> None:
        """Take one accepted row (written with its batch) or one quarantine entry (kept in the
        report for the quarantine file)."""
        if isinstance(item, QuarantineEntry):
            self.report.quarantine.append(item)
            return
        self._pending.append(item)
        if len(self._pending) >= self._batch_rows:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.write(self._pending)
            self._pending = []
        if self._on_progress:
            self._on_progress(self.report.rows_loaded + self.report.rows_quarantined)

    def _begin(self) -> str:
        """MERGE the Org and Submission; returns the receipt time kept from the first attempt."""
        row = self.store.write(BEGIN_SUBMISSION, **submission_params(self.submission))[0]
        return str(row["received_at"])

    def resolve_firm_names(self, results: list[RowResult]) -> tuple[list[RowResult], set[str]]:
        """Point name-keyed firms at the registered firm (by USCC) of the same name, so an agent
        written as a name in a complaint and a firm from the registry are one node."""
        name_keys = {
            node.props["name_key"]
            for result in results
            for node in result.nodes
            if node.label == "Firm" and node.props.get("key_strength") == "name"
        }
        if not name_keys:
            return results, set()
        found = self.store.read(FIRMS_BY_NAME, name_keys=sorted(name_keys))
        to_key = {f"firm:name:{row['name_key']}": row["key"] for row in found}
        if not to_key:
            return results, set()
        return [_rekey(result, to_key) for result in results], set(to_key.values())

    def write(self, results: list[RowResult]) -> None:
        """Write one batch: every label's nodes, then every type's links.

        The labels' statements touch disjoint nodes, so up to ``store.write_threads`` of them run
        at once (Neo4j then works on more than one core); links lock both end nodes and run one
        type after another, so they never wait on each other's locks."""
        results, existing = self.resolve_firm_names(results)
        all_nodes, links = aggregate(results, self.submission)
        _check_endpoints(all_nodes, links, existing)
        nodes = all_nodes
        if self.create_new:
            nodes, links = self._create_new(all_nodes, links)
        threads = min(self.store.write_threads, len(nodes))
        if threads > 1:
            with ThreadPoolExecutor(threads, thread_name_prefix="leadgraph-write") as pool:
                for future in [pool.submit(self._write_nodes, *item) for item in nodes.items()]:
                    future.result()
        else:
            for label, by_key in nodes.items():
                self._write_nodes(label, by_key)
        for link_type, by_pair in links.items():
            self._write_links(link_type, by_pair)
        self._record_keys(all_nodes)
        self.report.rows_loaded += len(results)

    def _create_new(
        self,
        nodes: dict[str, dict[str, _NodeAcc]],
        links: dict[str, dict[tuple[str, str], _LinkAcc]],
    ) -> tuple[dict[str, dict[str, _NodeAcc]], dict[str, dict[tuple[str, str], _LinkAcc]]]:
        """CREATE the batch's new nodes, their Statements and the links that touch them, in one
        transaction; return the nodes and links left for the MERGE path."""
        started = time.perf_counter()
        node_batches = self._new_nodes(nodes)
        new = {item["props"]["key"] for batch in node_batches.values() for item in batch}
        if not new:
            return nodes, links
        new_links = {
            link_type: [a for (start, end), a in by_pair.items() if start in new or end in new]
            for link_type, by_pair in links.items()
        }
        statements = [
            (_create_nodes_query(self.model.node(label).label), {"rows": batch})
            for label, batch in node_batches.items()
            if batch
        ]
        for link_type, accs in new_links.items():
            spec = self.model.link(link_type)
            link_rows = [
                {
                    "start": a.start,
                    "end": a.end,
                    "props": new_link_props(a, spec.kind, spec.type == "CALLED"),
                }
                for a in accs
            ]
            if link_rows:
                statements.append((_create_links_query(spec.type), {"rows": link_rows}))
        try:
            self.store.write_all(statements)
        except ConstraintError:
            # another writer created one of these keys meanwhile: all of them MERGE instead
            return nodes, links
        report = self.report
        report.timed("CREATE new", started)
        for label, batch in node_batches.items():
            report.nodes_sent[label] = report.nodes_sent.get(label, 0) + len(batch)
            report.nodes_created[label] = report.nodes_created.get(label, 0) + len(batch)
        for link_type, accs in new_links.items():
            report.links_sent[link_type] = report.links_sent.get(link_type, 0) + len(accs)
            report.links_created[link_type] = report.links_created.get(link_type, 0) + len(accs)
        rest_nodes = {
            label: kept
            for label, by_key in nodes.items()
            if (kept := {key: a for key, a in by_key.items() if key not in new})
        }
        rest_links = {
            link_type: left
            for link_type, by_pair in links.items()
            if (left := {p: a for p, a in by_pair.items() if p[0] not in new and p[1] not in new})
        }
        return rest_nodes, rest_links

    def _new_nodes(self, nodes: dict[str, dict[str, _NodeAcc]]) -> dict[str, list[dict[str, Any]]]:
        """By label, the rows of :func:`_create_nodes_query` for the nodes a read shows are new."""
        keys = [key for by_key in nodes.values() for key in by_key]
        found = {row["key"] for row in self.store.read(EXISTING_KEYS, keys=keys)}
        pairs = {
            label: self._node_rows(label, [a for a in by_key.values() if a.key not in found])
            for label, by_key in nodes.items()
        }
        # A Statement of this submission about a node that is not there (none the writer leaves
        # behind; a deletion could): that node takes the MERGE path.
        stated = [st["statement"] for rows in pairs.values() for _, st in rows if st]
        kept = {row["key"] for row in self.store.read(EXISTING_STATEMENTS, keys=stated)}
        info = self.submission
        return {
            label: [
                {
                    "props": new_node_props(row, info.id, info.org),
                    "statement": new_statement_props(st, info) if st else None,
                }
                for row, st in rows
                if not (st and st["statement"] in kept)
            ]
            for label, rows in pairs.items()
        }

    def _record_keys(self, nodes: dict[str, dict[str, _NodeAcc]]) -> None:
        """One SubmissionKeys node per label of the batch, with every key the batch wrote."""
        submission = self.submission.id
        rows = [
            {"id": _record_keys_id(submission, list(by_key)), "keys": list(by_key)}
            for by_key in nodes.values()
            if by_key
        ]
        if rows:
            self.store.write(RECORD_KEYS, rows=rows, submission=submission)

    def _node_rows(
        self, label: str, accs: Iterable[_NodeAcc]
    ) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
        """Each node's row for the node queries, and its Statement's row (``node_pairs``)."""
        return node_pairs(label, accs, self.submission.org, self.submission.id)

    def _write_nodes(self, label: str, by_key: dict[str, _NodeAcc]) -> None:
        org, submission = self.submission.org, self.submission.id
        rows, statements = node_rows(label, by_key, org, submission)
        started = time.perf_counter()
        summary = self.store.write_batches(
            _merge_nodes_query(self.model.node(label).label),
            rows,
            batch_size=len(rows) or 1,
            submission=submission,
            org=org,
        )
        if statements:
            self.store.write_batches(
                _merge_statements_query(),
                statements,
                batch_size=len(statements),
                submission=submission,
                org=org,
                received_at=self.submission.received_at,
            )
        with self._report_lock:
            report = self.report
            report.timed(label, started)
            report.nodes_sent[label] = report.nodes_sent.get(label, 0) + len(rows)
            created = summary.counters["nodes_created"]
            report.nodes_created[label] = report.nodes_created.get(label, 0) + created

    def _write_links(self, link_type: str, by_pair: dict[tuple[str, str], _LinkAcc]) -> None:
        rows = [
            {"start": a.start, "end": a.end, "props": a.props, "items": a.items}
            for a in by_pair.values()
        ]
        started = time.perf_counter()
        summary = self.store.write_batches(
            _merge_links_query(self.model.link(link_type).type),
            rows,
            batch_size=len(rows) or 1,
            kind=self.model.link(link_type).kind,
        )
        report = self.report
        report.timed(link_type, started)
        report.links_sent[link_type] = report.links_sent.get(link_type, 0) + len(rows)
        created = summary.counters["relationships_created"]
        report.links_created[link_type] = report.links_created.get(link_type, 0) + created

    def _finish(self) -> None:
        self.store.write(
            FINISH_SUBMISSION,
            id=self.submission.id,
            rows_read=self.report.rows_loaded + self.report.rows_quarantined,
            rows_loaded=self.report.rows_loaded,
            rows_quarantined=self.report.rows_quarantined,
            fields_dropped=self.report.fields_dropped,
            quarantine_report=self.quarantine_report,
            landed_at=utc_now(),
        )


def submission_status(store: GraphStore, submission_id: str) -> str | None:
    """``loading``, ``complete``, ``withdrawing`` or ``withdrawn`` for a known submission, None
    for a new one."""
    row = store.read_one(SUBMISSION_STATUS, id=submission_id)
    return row["status"] if row else None


def live_submission(store: GraphStore, submission: SubmissionInfo) -> SubmissionInfo:
    """The submission a file's rows belong to: its first generation that was not withdrawn.

    A withdrawn submission is a closed record (its rows were taken out of the graph, its node
    says by whom and why), so the same file submitted again is a new submission rather than
    the old one brought back; every later run of that file finds this same generation, so
    re-running still changes nothing. A withdrawal still under way must finish first."""
    for generation in itertools.count(submission.generation):
        candidate = replace(submission, generation=generation)
        status = submission_status(store, candidate.id)
        if status == "withdrawing":
            raise UserError(
                f"submission {candidate.id} of this file is being withdrawn; finish that with "
                f"`leadgraph submission withdraw {candidate.id}` before submitting the file again"
            )
        if status != "withdrawn":
            return candidate
    raise AssertionError("unreachable")
