# LeadGraph: `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
LEADGRAPH := $(BIN)/leadgraph
PORT ?= 8501
TEST_HOME := $(CURDIR)/.leadgraph/test
TEST_PORT ?= 7697
# `make test-external`: a second server the tests did not start, in its own home and port.
EXTERNAL_HOME := $(CURDIR)/.leadgraph/external
EXTERNAL_PORT ?= 7696
EXTERNAL_HEAP ?= 2g
EXTERNAL_PAGECACHE ?= 1g
# The tests that exercise the self-started server (restart, generated password, `db status` of
# a local server, bulk-load's import into a stopped local server); `make test` runs them beside
# the external pass. (tests/security's state folder test starts a local server of its own in
# either pass.)
# bulk-load's 10k-world equality takes minutes that CI's 30 do not have: run it with
# `make test-local TESTS=tests/ingest/test_bulk_load.py`.
SELF_STARTED_TESTS ?= tests/graph/test_store.py tests/graph/test_bookmarks.py \
	tests/workbench/test_cli.py tests/ingest/test_bulk_load.py \
	--deselect tests/ingest/test_bulk_load.py::test_bulk_load_of_a_generated_10k_world_equals_ingest
# Where `make test` runs that local pass: not TEST_HOME/TEST_PORT, which the external pass uses.
LOCAL_PASS_HOME := $(CURDIR)/.leadgraph/test-local
LOCAL_PASS_PORT ?= 7695
LOCAL_PASS_LOG := $(CURDIR)/.leadgraph/test-local.log
SYSTEM_PACKAGES := graphviz fonts-noto-cjk poppler-utils chromium maven

.PHONY: help run test test-local test-external test-pure lint bench stop system-deps venv jars clean gds gds-remove

help:
	@echo "make run    - install, start the local Neo4j, make the first admin (and the demo accounts"
	@echo "             in demo mode), load the demo world, serve the workbench"
	@echo "make test   - install, run every test against a second Neo4j it starts as an external"
	@echo "             server (neo4j://), then the self-started server's tests; stop both"
	@echo "make test-external [TESTS=...] - only the external pass (default: every test)"
	@echo "make test-local [TESTS=...]    - the tests start their own throwaway Neo4j"
	@echo "make test-pure - the tests that need no server (pytest -m 'not neo4j')"
	@echo "make lint   - ruff (lint and format) and mypy"
	@echo "make bench  - run the benchmarks in bench/"
	@echo "make stop   - stop the local Neo4j started by make run"
	@echo "make gds    - add the optional GDS Community plugin (GPLv3) to the local Neo4j"

# Debian packages: installed only when one is missing (apt-get needs root, as on CI here).
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# The virtual environment, reinstalled when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

# Neo4j jars from Maven's cache into graph/db/server/lib (a no-op once the pom is unchanged).
jars: venv
	$(BIN)/python -c "from graph.db.local_neo4j import ensure_jars; ensure_jars()"

# Optional: the Graph Data Science Community plugin (GPLv3, ~31 MB) for the local server, which
# loads it from its next start; ring finding then runs on it (docs/scale.md). Undo: make gds-remove.
gds: jars
	$(BIN)/python -c "from graph.db.local_neo4j import ensure_gds; ensure_gds()"

gds-remove:
	rm -rf graph/db/server/gds/plugins graph/db/server/gds/lib

run: system-deps venv jars
	$(LEADGRAPH) db start
	$(LEADGRAPH) db init
	$(LEADGRAPH) user bootstrap
	$(LEADGRAPH) demo users --if-demo
	$(LEADGRAPH) demo load --if-needed
	$(LEADGRAPH) serve --port $(PORT)

# CI's run (.ci/run): every test against a Neo4j the tests did not start (test-external), then
# the tests of the self-started path (SELF_STARTED_TESTS) against a server their session starts
# (test-local). One full pass, not two: see "Running on another Neo4j" in the README.
# The local pass runs beside the external one (its own home and port; it takes about two of CI's
# thirty minutes); its output is printed after the external pass's.
test: system-deps venv jars
	mkdir -p $(CURDIR)/.leadgraph
	( $(MAKE) --no-print-directory test-local TESTS="$(SELF_STARTED_TESTS)" \
		TEST_HOME=$(LOCAL_PASS_HOME) TEST_PORT=$(LOCAL_PASS_PORT) \
		> $(LOCAL_PASS_LOG) 2>&1 ) & local=$$!; \
	status=0; \
	$(MAKE) --no-print-directory test-external || status=1; \
	wait $$local || status=1; \
	echo "--- the self-started server's tests (make test-local) ---"; \
	cat $(LOCAL_PASS_LOG); \
	exit $$status

# A throwaway Neo4j in its own state folder and port; tests/conftest.py starts and stops it, and
# the trailing stop makes sure it is gone even if pytest itself was killed. TESTS: what to run.
test-local: venv jars
	rm -rf $(TEST_HOME)
	LEADGRAPH_TEST_HOME=$(TEST_HOME) LEADGRAPH_TEST_PORT=$(TEST_PORT) NEO4J_URI= \
		$(BIN)/pytest $(TESTS); \
	status=$$?; \
	LEADGRAPH_HOME=$(TEST_HOME) NEO4J_URI= $(LEADGRAPH) db stop >/dev/null 2>&1; \
	exit $$status

# The "external" Neo4j: started here with `leadgraph db start` in its own home and port, as any
# server another team runs, and reached only through NEO4J_URI (neo4j:// routing), NEO4J_USER,
# NEO4J_PASSWORD and NEO4J_DATABASE. The tests WIPE its data; it is stopped whatever they do.
test-external: venv jars
	rm -rf $(TEST_HOME) $(EXTERNAL_HOME)
	LEADGRAPH_HOME=$(EXTERNAL_HOME) NEO4J_URI= LEADGRAPH_HEAP=$(EXTERNAL_HEAP) \
		LEADGRAPH_PAGECACHE=$(EXTERNAL_PAGECACHE) $(LEADGRAPH) db start --port $(EXTERNAL_PORT)
	NEO4J_URI=neo4j://127.0.0.1:$(EXTERNAL_PORT) NEO4J_USER=neo4j NEO4J_DATABASE=neo4j \
		NEO4J_PASSWORD="$$(cat $(EXTERNAL_HOME)/neo4j.password)" \
		LEADGRAPH_TEST_HOME=$(TEST_HOME) $(BIN)/pytest $(TESTS); \
	status=$$?; \
	LEADGRAPH_HOME=$(EXTERNAL_HOME) NEO4J_URI= $(LEADGRAPH) db stop >/dev/null 2>&1; \
	exit $$status

# ruff over everything; mypy over the product code, then the bench scripts (each a script of
# its own, checked from bench/ so that bench/common.py is found as their helper module).
# The pure half of the suite: no server is started (tests that need one are marked neo4j).
test-pure: venv
	$(BIN)/pytest -m "not neo4j"

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app graph ingest
	cd bench && ../$(BIN)/mypy --explicit-package-bases *.py

bench: venv jars
	$(BIN)/python bench/write_batches.py

stop: venv
	$(LEADGRAPH) db stop

clean: stop
	rm -rf .leadgraph graph/db/server/lib
