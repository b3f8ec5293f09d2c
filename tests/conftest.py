"""Shared fixtures: a real Neo4j for every test that needs one.

Unless ``NEO4J_URI`` names a server, the test session starts its own throwaway local Neo4j in
``LEADGRAPH_TEST_HOME`` (default ``.leadgraph/test``) on ``LEADGRAPH_TEST_PORT`` (default 7697),
never the development database, and stops it at the end even when tests fail. With
``NEO4J_URI`` set (and ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``), tests use that
server and WIPE ITS DATA: point it only at a scratch database (``make test`` starts one).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"

# The tests' state folder (keys, reports, the audit seal), never the development one, whichever
# server they use.
os.environ["LEADGRAPH_HOME"] = os.environ.get(
    "LEADGRAPH_TEST_HOME", str(ROOT / ".leadgraph" / "test")
)
if not os.environ.get("NEO4J_URI"):
    os.environ["LEADGRAPH_NEO4J_PORT"] = os.environ.get("LEADGRAPH_TEST_PORT", "7697")
    os.environ.setdefault("LEADGRAPH_HEAP", "2g")
    os.environ.setdefault("LEADGRAPH_PAGECACHE", "1g")
os.environ.setdefault("LEADGRAPH_RETRY_SECONDS", "60")
# no analysis worker thread in the workbench unless a test asks for one (graph/workflow/jobs.py)
os.environ.setdefault("LEADGRAPH_WORKER", "off")

from support import running_server  # noqa: E402

from graph.core import settings  # noqa: E402  (after the environment is set)
from graph.db.schema import init_schema, wipe_data  # noqa: E402
from graph.db.store import GraphStore  # noqa: E402


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that reaches the server (through any fixture) ``neo4j``, so that
    ``pytest -m "not neo4j"`` runs the pure half with no server, and no file can forget the mark."""
    for item in items:
        if "neo4j_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(scope="session", autouse=True)
def workbench_on_loopback() -> None:
    """AppTest runs the workbench in this process, with no server: give it the address
    `leadgraph serve` always binds, 127.0.0.1, so that it is in demo mode as `make run` is (demo
    accounts sign in only on a loopback-only workbench, graph/workflow/demo.py)."""
    from streamlit import config

    config.set_option("server.address", "127.0.0.1")


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[settings.Settings]:
    """The settings of a running Neo4j: the given one, or a local server this session owns."""
    with running_server(settings.load()) as config:
        yield config


@pytest.fixture(scope="session")
def session_store(neo4j_server: settings.Settings) -> Iterator[GraphStore]:
    with GraphStore.open(neo4j_server) as store:
        init_schema(store)
        yield store


@pytest.fixture
def store(session_store: GraphStore) -> GraphStore:
    """A store over an empty database (schema kept)."""
    wipe_data(session_store)
    return session_store


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent")
    return SHARED_DATA
