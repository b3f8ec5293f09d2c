"""The workbench's analysis worker: one background thread per server process.

``leadgraph serve`` becomes the Streamlit server (exec), which runs ``app/workbench.py`` afresh
for every rerun of every session, so a module-level flag there would not hold; Streamlit's
``st.cache_resource`` does — it keeps one value per process — and starts the thread the first
time any page is opened. A thread rather than a child process: it shares the server's lifetime
with nothing to orphan, and the analysis is I/O-bound on Neo4j. When the process exits, the
thread's job is handed back to the queue (``atexit``); a crash leaves its heartbeat to go stale
and the next worker takes it back. ``LEADGRAPH_WORKER=off`` starts none (the AppTest tests).
"""

from __future__ import annotations

import atexit

import streamlit as st

from graph.core import settings
from graph.db.store import GraphStore
from graph.workflow import jobs


@st.cache_resource(show_spinner=False)
def background_worker() -> jobs.Worker | None:
    """The process's worker thread, started once; None when ``LEADGRAPH_WORKER`` is off."""
    config = settings.load()
    if not config.worker:
        return None
    worker = jobs.Worker(GraphStore.open(config), config).start_thread()
    atexit.register(worker.stop)
    return worker
