"""Start, stop and inspect LeadGraph's own local Neo4j server.

The server is a real Neo4j 5.26 Community, embedded by ``graph/db/server/Launcher.java`` and run as a
single-file Java program over the jars that Maven copies from its cache into
``graph/db/server/lib`` (fetched once; later starts take seconds). Data, logs, the generated password
and the pid live in the state folder, ``Settings.home`` (mode 700, files 600; the server runs with
umask 077 so that its own files are as private). Nothing here is used when ``NEO4J_URI`` names
another server.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from graph.core.errors import UserError
from graph.core.private import open_private, write_private
from graph.core.settings import Settings, read_or_create_secret

SERVER_DIR = Path(__file__).with_name("server")
POM = SERVER_DIR / "pom.xml"
LAUNCHER = SERVER_DIR / "Launcher.java"
LIB_DIR = SERVER_DIR / "lib"
LIB_STAMP = LIB_DIR / ".pom-sha256"
# The optional GDS plugin (`make gds`, ``ensure_gds``): its procedure jars, scanned by the server,
# and their other dependencies, on the class path only. The server loads it when present.
GDS_DIR = SERVER_DIR / "gds"
GDS_PLUGINS = GDS_DIR / "plugins"
GDS_LIB = GDS_DIR / "lib"
GDS_STAMP = GDS_PLUGINS / ".pom-sha256"
SUPPORTED_JAVA = (17, 21)
SERVER_UMASK = 0o077  # the server's files: 600, its folders 700

# Neo4j's own default JVM options that Java 17 needs, or the server fails with a LinkageError.
JVM_FLAGS = [
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
]


@dataclass(frozen=True)
class ServerState:
    running: bool
    pid: int | None
    port: int | None
    uri: str | None
    home: Path


def _pid_file(config: Settings) -> Path:
    return config.home / "neo4j.pid"


def _port_file(config: Settings) -> Path:
    return config.home / "neo4j.port"


def log_file(config: Settings) -> Path:
    return config.home / "neo4j-server.log"


def _require_local(config: Settings) -> None:
    if not config.uses_local_server:
        raise UserError(
            f"NEO4J_URI is set ({config.neo4j_uri}); LeadGraph uses that server and starts none"
        )


def ensure_jars(quiet: bool = True) -> Path:
    """Copy the pinned Neo4j jars into ``graph/db/server/lib`` unless the pom is unchanged since."""
    stamp = hashlib.sha256(POM.read_bytes()).hexdigest()
    if LIB_STAMP.exists() and LIB_STAMP.read_text().strip() == stamp:
        return LIB_DIR
    _copy_dependencies(POM, "the Neo4j jars", quiet)
    LIB_STAMP.write_text(stamp + "\n")
    return LIB_DIR


def _copy_dependencies(pom: Path, what: str, quiet: bool, *options: str) -> None:
    """``mvn dependency:copy-dependencies`` of ``pom`` (fetched once into Maven's cache)."""
    command = ["mvn", "-B", "-Dstyle.color=never", "-f", str(pom), "dependency:copy-dependencies"]
    if quiet:
        command.insert(1, "-q")
    try:
        subprocess.run(
            [*command, *options], check=True, stdout=subprocess.DEVNULL if quiet else None
        )
    except FileNotFoundError:
        raise UserError(f"Maven (mvn) is needed to fetch {what}; install it") from None
    except subprocess.CalledProcessError as error:
        raise UserError(f"Maven could not fetch {what} (exit {error.returncode})") from None


def ensure_gds(quiet: bool = True) -> Path:
    """Copy the Graph Data Science Community plugin (``graph/db/server/gds/pom.xml``) for the
    local server: its ``org.neo4j.gds`` jars into ``gds/plugins``, the rest into ``gds/lib``."""
    pom = GDS_DIR / "pom.xml"
    stamp = hashlib.sha256(pom.read_bytes()).hexdigest()
    if GDS_STAMP.exists() and GDS_STAMP.read_text().strip() == stamp:
        return GDS_PLUGINS
    group = "-D{}GroupIds=org.neo4j.gds"
    for folder, only in (
        (GDS_PLUGINS, group.format("include")),
        (GDS_LIB, group.format("exclude")),
    ):
        _copy_dependencies(pom, "the GDS plugin", quiet, only, f"-DoutputDirectory={folder}")
    GDS_STAMP.write_text(stamp + "\n")
    return GDS_PLUGINS


def gds_installed() -> bool:
    """Whether ``make gds`` placed the GDS plugin (the local server then loads it)."""
    return GDS_STAMP.exists()


def java_major_version(java: str) -> int:
    try:
        output = subprocess.run(
            [java, "-version"], capture_output=True, text=True, check=True
        ).stderr
    except (FileNotFoundError, subprocess.CalledProcessError):
        raise UserError(
            f"cannot run Java ({java}); set LEADGRAPH_JAVA to a Java 17 or 21"
        ) from None
    match = re.search(r'version "(\d+)', output)
    return int(match.group(1)) if match else 0


def _pid_alive(pid: int) -> bool:
    """True when ``pid`` runs our launcher (not merely any process that reused the number)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"Launcher.java" in cmdline


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def state(config: Settings) -> ServerState:
    pid = _read_int(_pid_file(config))
    port = _read_int(_port_file(config))
    running = pid is not None and _pid_alive(pid)
    uri = f"bolt://127.0.0.1:{port}" if running and port else None
    return ServerState(running, pid if running else None, port, uri, config.home)


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _log_tail(config: Settings, lines: int = 15) -> str:
    try:
        text = log_file(config).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def start(config: Settings, port: int | None = None, timeout: float = 180.0) -> ServerState:
    """Start the local server (or find it running) and wait until Bolt answers."""
    _require_local(config)
    port = port or config.local_port
    current = state(config)
    if current.running:
        if current.port != port:
            raise UserError(
                f"the local Neo4j of {config.home} already runs on port {current.port}; "
                "stop it first to change the port"
            )
        return current
    if _port_open(port):
        raise UserError(f"port {port} on 127.0.0.1 is taken by another program; pick --port")
    if java_major_version(config.java) not in SUPPORTED_JAVA:
        raise UserError(
            f"{config.java} is not Java 17 or 21, which Neo4j 5.26 needs; set LEADGRAPH_JAVA"
        )
    lib = ensure_jars()

    config.state_folder("neo4j")
    if not config.password_file.exists():
        # A new password for an existing database: the launcher sets it again on its first start.
        (config.server_dir / "password-set").unlink(missing_ok=True)
    read_or_create_secret(config.password_file)

    classpath = [f"{lib}/*"]
    plugins: list[str] = []
    if gds_installed():
        classpath += [f"{GDS_PLUGINS}/*", f"{GDS_LIB}/*"]
        plugins = ["--plugins", str(GDS_PLUGINS)]
    command = [
        config.java,
        *JVM_FLAGS,
        f"-Xms{config.heap}",
        f"-Xmx{config.heap}",
        "-cp",
        ":".join(classpath),
        str(LAUNCHER),
        "--home",
        str(config.server_dir),
        "--port",
        str(port),
        "--password-file",
        str(config.password_file),
        "--pagecache",
        config.pagecache,
        *plugins,
    ]
    with open_private(log_file(config), "ab") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives the CLI; stopped with `leadgraph db stop`
            # LeadGraph's one umask: Neo4j writes its store, logs and transaction files itself,
            # and they are to be as private as the files LeadGraph writes (600, folders 700)
            umask=SERVER_UMASK,
        )
    write_private(_pid_file(config), f"{process.pid}\n")
    # The store it serves may not be the one this process saw before (another home, an import):
    # bookmarks of the old one would make reads wait for transactions that never come.
    from graph.db import bookmarks  # here: commands that never start a server load no driver

    bookmarks.forget_all()
    write_private(_port_file(config), f"{port}\n")

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _pid_file(config).unlink(missing_ok=True)
            raise UserError(
                f"the local Neo4j exited with code {process.returncode} while starting; "
                f"see {log_file(config)}:\n{_log_tail(config)}"
            )
        if _port_open(port):
            return state(config)
        time.sleep(0.5)
    stop(config)
    raise UserError(
        f"the local Neo4j did not open Bolt within {timeout:.0f} s; see {log_file(config)}"
    )


def stop(config: Settings, timeout: float = 90.0) -> bool:
    """Stop the local server cleanly (SIGTERM, then SIGKILL after ``timeout``).

    Returns True when a server was running."""
    _require_local(config)
    current = state(config)
    if not current.running or current.pid is None:
        _pid_file(config).unlink(missing_ok=True)
        return False
    os.kill(current.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _pid_alive(current.pid):
        _reap(current.pid)
        time.sleep(0.2)
    if _pid_alive(current.pid):
        os.kill(current.pid, signal.SIGKILL)
    _pid_file(config).unlink(missing_ok=True)
    return True


def _reap(pid: int) -> None:
    """Collect the exit status when the server is our own child, so it does not linger."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
