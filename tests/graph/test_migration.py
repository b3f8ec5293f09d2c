"""A version-1 database (one set of values on each entity, whoever wrote last) is moved to
version 2 (each party's values in its own Statement) by ``leadgraph db init``."""

from __future__ import annotations

from graph.db.schema import init_schema, recorded_version
from graph.db.store import GraphStore

VERSION_1 = """
MERGE (m:LeadGraphMeta {id: 'schema'}) SET m.version = 1
CREATE (:Org {name: '星河', key: 'org:星河'})-[:SUBMITTED]->
       (:Submission {id: 'sub-1', key: 'submission:sub-1', org: '星河',
                     received_at: '2025-01-01T00:00:00Z', status: 'complete'})
CREATE (:Entity:Complaint {key: 'complaint:星河:C1', source: '星河', complaint_id: 'C1',
                           text: '停息挂账', filed_date: '2025-01-01',
                           submissions: ['sub-1'], sources: ['sub-1#2']})
CREATE (:Entity:Phone {key: 'phone:+8613800138000', e164: '+8613800138000', type: 'mobile',
                       submissions: ['sub-1']})
"""

STATEMENTS = """
MATCH (s:Statement)-[:ABOUT]->(n:Entity)
RETURN n.key AS entity, s.org AS org, s.submission AS submission, s.rows AS rows,
       s.text AS text, n.values_org AS values_org
"""


def test_db_init_moves_a_version_1_database_to_statements(store: GraphStore) -> None:
    store.write(VERSION_1)
    report = init_schema(store)
    assert report.version_before == 1 and recorded_version(store) == 2
    rows = store.read(STATEMENTS)
    # the complaint's values become the statement of the org whose submission named it first;
    # the phone, which carries identity only, gets none
    assert rows == [
        {"entity": "complaint:星河:C1", "org": "星河", "submission": "sub-1", "rows": [2],
         "text": "停息挂账", "values_org": "星河"}
    ]  # fmt: skip
    init_schema(store)  # again: nothing more
    assert len(store.read(STATEMENTS)) == 1
