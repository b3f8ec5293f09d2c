"""`leadgraph serve` stopped as a process manager stops it (issue 15, point 10): SIGTERM to the
pid it started with ends the workbench and frees its port, leaving no Streamlit server behind
that still answers on it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from support import ROOT, free_port

START_SECONDS = 90


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def port_free(port: int) -> bool:
    """A new server could listen on ``port`` (as servers do, past connections in TIME_WAIT)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_sigterm_stops_the_workbench_and_frees_its_port() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: cleaned up below whatever happens
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not answers(port):
            assert process.poll() is None, "leadgraph serve exited while starting"
            assert time.monotonic() < deadline, "the workbench did not start"
            time.sleep(0.5)

        process.send_signal(signal.SIGTERM)  # what systemd or supervisord sends
        process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while not port_free(port) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not answers(port), "a server still answers after SIGTERM"
        assert port_free(port), "the port is still held after SIGTERM"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # this test's own group only
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
