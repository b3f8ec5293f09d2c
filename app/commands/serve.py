"""`leadgraph serve`: the Streamlit workbench on 127.0.0.1."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from graph.core.limits import FILE_LIMITS

WORKBENCH = Path(__file__).resolve().parent.parent / "workbench.py"


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser("serve", help="serve the workbench on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8501, help="HTTP port (default 8501)")
    serve.set_defaults(handler=serve_command)


def streamlit_command(port: int) -> list[str]:
    """The command that serves the workbench: loopback only, no usage statistics sent anywhere."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(WORKBENCH),
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
        "--client.toolbarMode=minimal",
        # an error reaches the user as its type only: no traceback with paths of this machine
        "--client.showErrorDetails=type",
        # clue files are spreadsheets of some thousands of rows, not archives
        f"--server.maxUploadSize={FILE_LIMITS.upload_mebibytes}",
    ]


def serve_command(args: argparse.Namespace) -> int:
    """Becomes the Streamlit server (exec, not a child): a process manager's SIGTERM reaches the
    server itself, which stops and frees the port, instead of leaving an orphan behind."""
    print(f"LeadGraph workbench on http://127.0.0.1:{args.port}", flush=True)
    command = streamlit_command(args.port)
    os.execv(command[0], command)
    return 0  # not reached: exec replaces this process
