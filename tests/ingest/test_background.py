"""ingest.background: parsing in a child process yields exactly what iter_file yields."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.core.errors import UserError
from graph.db.schema import wipe_data
from graph.db.store import GraphStore
from ingest.background import ParseFailed, iter_file_in_background
from ingest.pipeline import iter_file
from ingest.submit import submit_file

ROOT = Path(__file__).resolve().parents[2]
WORLD = ROOT / "fixtures" / "world"
KEY = b"test-hashing-key"

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs fork"
)


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("complaints", "complaints_forwarded.csv"),  # GB18030, bad rows among good ones
        ("accounts", "accounts.jsonl"),
        ("firms", "firms.xlsx"),
    ],
)
def test_same_items_in_the_same_order(kind: str, name: str) -> None:
    path = WORLD / name
    direct = list(iter_file(kind, path, source="fixture", hashing_key=KEY))
    # a chunk of 7 items: many messages, and a last chunk that is not full
    background = list(
        iter_file_in_background(kind, path, source="fixture", hashing_key=KEY, chunk_items=7)
    )
    assert background == direct
    assert len(direct) >= 20


def test_unknown_headers_raise_at_the_call(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("colour,flavour\nred,sweet\n", encoding="utf-8")
    with pytest.raises(UserError, match="colour"):
        iter_file_in_background("phones", path, source="s", hashing_key=KEY)


def test_a_consumer_that_stops_early_stops_the_child() -> None:
    items = iter_file_in_background(
        "complaints", WORLD / "complaints_xinghe.csv", source="s", hashing_key=KEY, chunk_items=5
    )
    first = next(items)
    assert first.row == 2
    children = multiprocessing.active_children()
    assert children, "the parsing child should be running"
    items.close()  # what a caller's loop does when it breaks off
    assert not multiprocessing.active_children()


def graph_state(store: GraphStore) -> list[dict[str, object]]:
    return store.read(
        "MATCH (n:Entity) OPTIONAL MATCH (n)-[r]->(m:Entity) "
        "RETURN n.key AS key, n.sources AS sources, type(r) AS link, m.key AS other, "
        "r.sources AS link_sources ORDER BY key, link, other"
    )


def test_submit_file_in_background_writes_the_same_graph(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of 40 rows, so the writes of one batch overlap the parsing of the next."""
    path = WORLD / "complaints_beichen.csv"
    monkeypatch.setattr(store, "batch_size", 40)
    serial = submit_file(store, "complaints", path, org="lender-b", background=False)
    expected = graph_state(store)
    wipe_data(store)
    overlapped = submit_file(store, "complaints", path, org="lender-b", background=True)
    assert graph_state(store) == expected
    fields = ("rows_read", "rows_loaded", "rows_quarantined", "fields_dropped", "quarantine")
    for field in (*fields, "entities"):
        assert overlapped[field] == serial[field]


def test_the_child_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    """kill -9 of `leadgraph ingest` must not leave a parsing process behind for ever."""
    script = tmp_path / "consume_one.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from ingest.background import ParseFailed, iter_file_in_background\n"
        "items = iter_file_in_background('complaints', sys.argv[1], source='s',\n"
        "                                hashing_key=b'k', chunk_items=1)\n"
        "next(items)\n"
        "import multiprocessing\n"
        "print(multiprocessing.active_children()[0].pid, flush=True)\n"
        "time.sleep(600)\n",
        encoding="utf-8",
    )
    parent = subprocess.Popen(
        [sys.executable, str(script), str(WORLD / "complaints_xinghe.csv")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        child = int(parent.stdout.readline())  # type: ignore[union-attr]
        assert _running(child)
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + 15
        while _running(child) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _running(child), "the parsing child outlived its killed parent"
    finally:
        parent.kill()


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan is reaped by init, but not at once)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_the_child_does_not_run_the_parents_sigterm_handler(tmp_path: Path) -> None:
    """The workbench forks the parser from Streamlit, whose SIGTERM handler stops the server.

    Stopping the child (``terminate()``: an early-stopping consumer, a shutdown) must end the
    child by the default action, not run the parent's handler inside it.
    """
    marker = tmp_path / "handler-ran-in"

    def parents_handler(number: int, frame: object) -> None:
        marker.write_text(str(os.getpid()))

    previous = signal.signal(signal.SIGTERM, parents_handler)
    try:
        items = iter_file_in_background(
            "complaints", WORLD / "complaints_forwarded.csv", source="fixture",
            hashing_key=KEY, chunk_items=1,
        )  # fmt: skip
        next(items)
        (child,) = multiprocessing.active_children()
        os.kill(child.pid, signal.SIGTERM)
        child.join(timeout=10)
        assert child.exitcode == -signal.SIGTERM
        assert not marker.exists()
        with pytest.raises(ParseFailed):
            list(items)
    finally:
        signal.signal(signal.SIGTERM, previous)
