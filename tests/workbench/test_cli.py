"""The `leadgraph` command line as a user runs it: a real process, real exit codes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT, free_port, is_server_version, run_cli

from app.cli import build_parser, main
from graph.core import settings
from graph.core.errors import UserError
from graph.db import local_neo4j


def all_command_paths(parser=None, prefix=()):  # type: ignore[no-untyped-def]
    """Every command path, e.g. ('db', 'status'), found by walking the argparse tree."""
    import argparse

    parser = parser or build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from all_command_paths(sub, (*prefix, name))


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    paths = list(all_command_paths())
    assert ("db", "status") in paths and ("serve",) in paths
    for path in paths:
        with pytest.raises(SystemExit) as exit_info:
            main([*path, "--help"])
        assert exit_info.value.code == 0
        assert "usage: leadgraph" in capsys.readouterr().out


def test_each_family_registers_the_commands_the_cli_expects_of_it() -> None:
    """A command imports only its family (COMMAND_MODULES), so the table must be right."""
    import argparse
    import importlib

    from app.cli import COMMAND_MODULES

    for module_name, commands in COMMAND_MODULES.items():
        subparsers = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module_name).register(subparsers)
        assert tuple(subparsers.choices) == commands, module_name
    top = {name for path in all_command_paths() if len(path) == 1 for name in path}
    assert top == {name for commands in COMMAND_MODULES.values() for name in commands}


def test_a_command_loads_only_what_it_needs() -> None:
    """`leadgraph scan` works without the Neo4j driver, pandas or phonenumbers being imported
    (loading every command family took ~3.5 s before any work)."""
    probe = (
        "import sys; from app.cli import main; code = main(['scan', '帮你协商zx']); "
        "print(code, sorted(m for m in ('neo4j', 'pandas', 'phonenumbers') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "0 []"


def test_closed_port_gives_one_line_error() -> None:
    port = free_port()
    result = run_cli(
        "db", "status", env={"NEO4J_URI": f"bolt://127.0.0.1:{port}", "NEO4J_PASSWORD": "x"}
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"leadgraph: error: Neo4j at bolt://127.0.0.1:{port}")
    assert "Traceback" not in result.stderr


def test_user_error_exits_1_and_internal_error_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail_user(_args: object) -> int:
        raise UserError("the file is missing")

    def fail_internal(_args: object) -> int:
        raise RuntimeError("boom")

    from app.commands import db

    monkeypatch.setattr(db, "stop_command", fail_user)
    monkeypatch.setattr(db, "init_command", fail_internal)
    assert main(["db", "stop"]) == 1
    assert capsys.readouterr().err == "leadgraph: error: the file is missing\n"
    assert main(["db", "init"]) == 2
    assert "internal error: RuntimeError: boom" in capsys.readouterr().err


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    """`leadgraph … | head` closes the pipe before the output ends: exit 0, nothing on stderr."""
    text = tmp_path / "texts.txt"
    text.write_text("帮你协商zx逾期，停息挂账，反崔收\n" * 20_000, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "scan", "--file", str(text), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b'{"line": 1')
    process.stdout.close()  # as `head -1` does
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0, stderr
    assert stderr == ""


def test_db_status_json_prints_version_and_counts(neo4j_server: settings.Settings) -> None:
    env = {}
    if neo4j_server.uses_local_server:
        env["NEO4J_URI"] = ""  # the local server of this test session, found by its state folder
    result = run_cli("db", "status", "--json", env=env)
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert is_server_version(status["server"]["version"])
    assert set(status["nodes"]) >= {"Phone", "Firm", "Person", "Account", "Complaint"}
    assert all(isinstance(v, int) for v in status["relationships"].values())


def test_db_start_with_uri_set_starts_nothing() -> None:
    result = run_cli("db", "start", env={"NEO4J_URI": "bolt://127.0.0.1:1"})
    assert result.returncode == 1
    assert "starts none" in result.stderr


def test_db_start_on_a_taken_port_is_a_user_error(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        config = settings.load()
        other = settings.Settings(**{**config.__dict__, "home": tmp_path, "neo4j_uri": None})
        with pytest.raises(UserError, match="taken"):
            local_neo4j.start(other, port=port)


def test_serve_becomes_the_server_and_shows_no_tracebacks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`leadgraph serve` replaces itself by Streamlit (so SIGTERM from a process manager stops
    the server, not only its parent), and the server shows users no tracebacks."""
    from app.commands import serve

    seen: list[list[str]] = []
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: seen.append([path, *argv]))
    assert main(["serve", "--port", "8599"]) == 0
    [command] = seen
    assert "--server.port=8599" in command and "--server.address=127.0.0.1" in command
    assert "--client.showErrorDetails=type" in command
