"""Two LeadGraph installations: this session's server (installation A) and a second one with
its own state folder and its own Neo4j on the test port + 20 (installation B), started the way
tests/conftest.py starts the first and stopped at the end of the session.

A test acts as one of them inside ``with installation.acting():`` (alliance_support.py).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alliance_support import Installation, introduce
from support import running_server
from test_two_installations import BANK_NUMBERS, LENDER_NUMBERS

from graph.core import settings
from graph.db.schema import init_schema
from graph.db.store import GraphStore

SECOND_PORT_OFFSET = 20


@pytest.fixture(scope="session")
def second_server(neo4j_server: settings.Settings) -> Iterator[settings.Settings]:
    """Installation B's server: a local one this session starts, also when installation A's is a
    server the tests were given (``NEO4J_URI``), so the two never share a database."""
    test_port = int(os.environ.get("LEADGRAPH_TEST_PORT", "7697"))
    config = dataclasses.replace(
        neo4j_server,
        neo4j_uri=None,
        neo4j_password=None,
        home=Path(f"{neo4j_server.home}-second"),
        local_port=test_port + SECOND_PORT_OFFSET,
        heap="1g",
        pagecache="512m",
    )
    with running_server(config):
        yield config


@pytest.fixture(scope="session")
def second_store(second_server: settings.Settings) -> Iterator[GraphStore]:
    with GraphStore.open(second_server) as store:
        init_schema(store)
        yield store


@pytest.fixture
def bank(store: GraphStore, neo4j_server: settings.Settings) -> Installation:
    """Installation A, an enterprise (or the police unit, as a test names it)."""
    installation = Installation("bank-a", neo4j_server, store)
    installation.reset()
    return installation


@pytest.fixture
def lender(second_store: GraphStore, second_server: settings.Settings) -> Installation:
    """Installation B, another institution with its own state folder and server."""
    installation = Installation("lender-b", second_server, second_store)
    installation.reset()
    return installation


@pytest.fixture
def allies(bank: Installation, lender: Installation) -> tuple[Installation, Installation]:
    """The two installations, each trusting the other's identity (files are signed)."""
    introduce(bank, lender)
    return bank, lender


@pytest.fixture
def loaded(allies, tmp_path: Path) -> tuple[Installation, Installation]:
    """The allies holding overlapping phone sets (50 shared), loaded through the real ingest."""
    bank, lender = allies
    bank.load_phones(tmp_path, BANK_NUMBERS, "Bank A")
    lender.load_phones(tmp_path, LENDER_NUMBERS, "Lender B")
    return bank, lender
