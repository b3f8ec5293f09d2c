"""Settings from the environment, in one typed place.

Nothing else in LeadGraph reads ``os.environ``: every module asks :func:`load` for a
:class:`Settings`. Values are read when :func:`load` is called, so tests and the CLI can set the
environment first.

=========================  ===========================================================  =========
variable                   meaning                                                      default
=========================  ===========================================================  =========
``LEADGRAPH_HOME``         state folder (mode 700, files 600): Neo4j, password, keys, audit seal, reports ``<project>/.leadgraph``
``NEO4J_URI``              use this Neo4j instead of starting the local one             (unset)
``NEO4J_USER``             user for ``NEO4J_URI``                                        ``neo4j``
``NEO4J_PASSWORD``         password for ``NEO4J_URI``                                    (unset)
``NEO4J_DATABASE``         database name                                                 server default
``LEADGRAPH_NEO4J_PORT``   Bolt port of the local server                                 ``7687``
``LEADGRAPH_JAVA``         java executable for the local server (Java 17 or 21)          ``java``
``LEADGRAPH_HEAP``         JVM heap of the local server                                  ``4g``
``LEADGRAPH_PAGECACHE``    Neo4j page cache of the local server                          ``4g``
``LEADGRAPH_BATCH_SIZE``   rows per UNWIND write transaction                             ``10000``
``LEADGRAPH_WRITE_THREADS`` node labels of an ingest batch written at the same time          ``2``
``LEADGRAPH_PARSE_WORKERS`` processes parsing a large file at ingest; ``1``: one, beside the writer  ``2`` (cores, at most 2)
``LEADGRAPH_RETRY_SECONDS`` how long a transaction is retried on transient errors        ``60``
``LEADGRAPH_ID_KEY``       key for hashing ID numbers (falls back to a generated file)   (file in home)
``LEADGRAPH_UPLOAD_RETENTION_DAYS`` days a workbench upload is kept; 0: deleted once ingested ``0``
``LEADGRAPH_LOCKOUT_THRESHOLD`` failed logins in a row that lock an account                ``5``
``LEADGRAPH_LOCKOUT_MINUTES`` how long a locked account stays locked                       ``15``
``LEADGRAPH_LOGIN_CLIENT_ATTEMPTS`` sign-in attempts one client (workbench session) may make per window ``10``
``LEADGRAPH_LOGIN_CLIENT_WINDOW_SECONDS`` the window of that per-client throttle            ``60``
``LEADGRAPH_SESSION_TIMEOUT_MINUTES`` idle minutes after which a workbench session ends    ``30``
``LEADGRAPH_DEMO_ACCOUNTS`` ``1``: demo mode (demo accounts sign in on loopback; graph/workflow/demo.py) ``1``
``LEADGRAPH_PUBLIC_URL``   the workbench's address, for links in notifications           ``http://127.0.0.1:8501``
``LEADGRAPH_WEBHOOK_URL``  a push is POSTed here as signed JSON                          (unset: no webhook)
``LEADGRAPH_WEBHOOK_SECRET`` HMAC-SHA256 key of the webhook's signature (required with the URL) (unset)
``LEADGRAPH_SMTP_HOST``    a push is mailed through this SMTP server                     (unset: no email)
``LEADGRAPH_SMTP_PORT``    its port                                                      ``25``
``LEADGRAPH_SMTP_USER``, ``LEADGRAPH_SMTP_PASSWORD`` SMTP login, only over verified TLS  (unset: no login)
``LEADGRAPH_SMTP_STARTTLS`` ``auto`` (when offered), ``1`` (required), ``0`` (never), ``tls`` (implicit) ``auto``
``LEADGRAPH_SMTP_CA_FILE`` PEM file of CAs that verify the SMTP server's certificate      (unset: system CAs)
``LEADGRAPH_SMTP_FROM``    sender address of the mails                                   ``leadgraph@localhost``
``LEADGRAPH_SMTP_TO``      recipients (comma-separated) when the officer has no ``email``  (unset)
``LEADGRAPH_NOTIFY_MAX_ATTEMPTS`` attempts before a notification is marked failed       ``12``
``LEADGRAPH_NOTIFY_BACKOFF_SECONDS`` wait after the first failure, doubling after each  ``30``
``LEADGRAPH_NOTIFY_TIMEOUT_SECONDS`` network timeout of one webhook or SMTP attempt      ``10``
``LEADGRAPH_WORKER``       ``0``/``off``: ``leadgraph serve`` runs no analysis worker thread ``on``
``LEADGRAPH_JOB_STALE_SECONDS`` a running job without a heartbeat this long is taken back   ``60``
``LEADGRAPH_JOB_DELAY_SECONDS`` tests only: a worker holds each job this long first         ``0``
``LEADGRAPH_ALLIANCE_NAME`` this installation's name in the alliance (the sender of its files) the host name
``LEADGRAPH_ALLIANCE_MIN_SET`` the smallest set an alliance request may ask about or be answered with ``100``
``LEADGRAPH_ALLIANCE_MAX_PER_DAY`` alliance requests answered per counterpart in 24 hours ``5``
=========================  ===========================================================  =========
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from graph.core.private import private_folder, write_private

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    home: Path
    neo4j_uri: str | None
    neo4j_user: str
    neo4j_password: str | None
    neo4j_database: str | None
    local_port: int
    java: str
    heap: str
    pagecache: str
    batch_size: int
    retry_seconds: float
    id_key: str | None
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    login_client_attempts: int = 10
    login_client_window_seconds: int = 60
    session_timeout_minutes: int = 30
    demo_accounts: bool = True
    public_url: str = "http://127.0.0.1:8501"
    write_threads: int = 2
    webhook_url: str | None = None
    webhook_secret: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: str = "auto"  # auto | always | never | tls
    smtp_ca_file: str | None = None
    smtp_from: str = "leadgraph@localhost"
    smtp_to: tuple[str, ...] = ()
    notify_max_attempts: int = 12
    notify_backoff_seconds: float = 30.0
    notify_timeout_seconds: float = 10.0
    searches_per_minute: int = 30
    upload_retention_days: int = 0
    alert_min_score: float = 60.0
    worker: bool = True  # `leadgraph serve` runs the job worker thread (graph/workflow/jobs.py)
    job_stale_seconds: float = 60.0
    # A test aid: a worker holds each claimed job this long (beating its heartbeat) before the
    # body, so that a test can kill it mid-job. 0 everywhere else.
    job_delay_seconds: float = 0.0
    alliance_name: str = "leadgraph"
    alliance_min_set: int = 100
    alliance_max_per_day: int = 5
    parse_workers: int = 2  # ingest/submit.py: forked parsers of a large file (1: no pool)

    @property
    def uses_local_server(self) -> bool:
        """True when LeadGraph starts and owns its Neo4j (no ``NEO4J_URI`` given)."""
        return not self.neo4j_uri

    def state_folder(self, *parts: str) -> Path:
        """The state folder, or the folder ``parts`` inside it: the one place LeadGraph makes
        them, each mode 700 (an existing one is narrowed to 700), whether or not a local Neo4j
        ever starts. Files written there go through :mod:`graph.core.private` (mode 600)."""
        folder = private_folder(self.home)
        for part in parts:
            folder = private_folder(folder / part)
        return folder

    @property
    def server_dir(self) -> Path:
        return self.home / "neo4j"

    @property
    def password_file(self) -> Path:
        return self.home / "neo4j.password"

    @property
    def audit_seal_file(self) -> Path:
        """The audit log's signed head (``graph.workflow.audit_seal``)."""
        return self.home / "audit-seal.json"

    def bolt_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.local_port}"

    def credentials(self) -> tuple[str, str]:
        """User and password: the given ones, or the local server's generated password."""
        if self.neo4j_uri:
            return self.neo4j_user, self.neo4j_password or ""
        return "neo4j", read_secret(self.password_file)

    def hashing_key(self) -> bytes:
        """Key of the keyed hash that turns ID numbers into Person keys."""
        if self.id_key:
            return self.id_key.encode()
        return read_or_create_secret(self.state_folder() / "id-hash.key").encode()


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def load() -> Settings:
    """Read the settings from the environment now."""
    env = os.environ
    home = Path(env.get("LEADGRAPH_HOME") or PROJECT_ROOT / ".leadgraph").resolve()
    return Settings(
        home=home,
        neo4j_uri=env.get("NEO4J_URI") or None,
        neo4j_user=env.get("NEO4J_USER") or "neo4j",
        neo4j_password=env.get("NEO4J_PASSWORD"),
        neo4j_database=env.get("NEO4J_DATABASE") or None,
        local_port=_int("LEADGRAPH_NEO4J_PORT", 7687),
        java=env.get("LEADGRAPH_JAVA") or "java",
        heap=env.get("LEADGRAPH_HEAP") or "4g",
        pagecache=env.get("LEADGRAPH_PAGECACHE") or "4g",
        batch_size=_int("LEADGRAPH_BATCH_SIZE", 10_000),
        retry_seconds=float(env.get("LEADGRAPH_RETRY_SECONDS") or 60),
        id_key=env.get("LEADGRAPH_ID_KEY") or None,
        lockout_threshold=_int("LEADGRAPH_LOCKOUT_THRESHOLD", 5),
        lockout_minutes=_int("LEADGRAPH_LOCKOUT_MINUTES", 15),
        login_client_attempts=max(1, _int("LEADGRAPH_LOGIN_CLIENT_ATTEMPTS", 10)),
        login_client_window_seconds=max(1, _int("LEADGRAPH_LOGIN_CLIENT_WINDOW_SECONDS", 60)),
        session_timeout_minutes=_int("LEADGRAPH_SESSION_TIMEOUT_MINUTES", 30),
        demo_accounts=(env.get("LEADGRAPH_DEMO_ACCOUNTS") or "1").strip().lower()
        not in ("0", "false", "no", "off"),
        public_url=env.get("LEADGRAPH_PUBLIC_URL") or "http://127.0.0.1:8501",
        webhook_url=env.get("LEADGRAPH_WEBHOOK_URL") or None,
        write_threads=max(1, _int("LEADGRAPH_WRITE_THREADS", 2)),
        webhook_secret=env.get("LEADGRAPH_WEBHOOK_SECRET") or None,
        smtp_host=env.get("LEADGRAPH_SMTP_HOST") or None,
        smtp_port=_int("LEADGRAPH_SMTP_PORT", 25),
        smtp_user=env.get("LEADGRAPH_SMTP_USER") or None,
        smtp_password=env.get("LEADGRAPH_SMTP_PASSWORD") or None,
        smtp_starttls=_starttls(env.get("LEADGRAPH_SMTP_STARTTLS")),
        smtp_ca_file=env.get("LEADGRAPH_SMTP_CA_FILE") or None,
        smtp_from=env.get("LEADGRAPH_SMTP_FROM") or "leadgraph@localhost",
        smtp_to=tuple(
            a.strip() for a in (env.get("LEADGRAPH_SMTP_TO") or "").split(",") if a.strip()
        ),
        notify_max_attempts=max(1, _int("LEADGRAPH_NOTIFY_MAX_ATTEMPTS", 12)),
        notify_backoff_seconds=float(env.get("LEADGRAPH_NOTIFY_BACKOFF_SECONDS") or 30),
        notify_timeout_seconds=float(env.get("LEADGRAPH_NOTIFY_TIMEOUT_SECONDS") or 10),
        searches_per_minute=max(1, _int("LEADGRAPH_SEARCHES_PER_MINUTE", 30)),
        upload_retention_days=max(0, _int("LEADGRAPH_UPLOAD_RETENTION_DAYS", 0)),
        alert_min_score=float(env.get("LEADGRAPH_ALERT_MIN_SCORE") or 60),
        worker=_on(env.get("LEADGRAPH_WORKER")),
        job_stale_seconds=max(1.0, float(env.get("LEADGRAPH_JOB_STALE_SECONDS") or 60)),
        job_delay_seconds=max(0.0, float(env.get("LEADGRAPH_JOB_DELAY_SECONDS") or 0)),
        alliance_name=(env.get("LEADGRAPH_ALLIANCE_NAME") or socket.gethostname()).strip(),
        alliance_min_set=max(1, _int("LEADGRAPH_ALLIANCE_MIN_SET", 100)),
        alliance_max_per_day=max(0, _int("LEADGRAPH_ALLIANCE_MAX_PER_DAY", 5)),
        parse_workers=max(1, _int("LEADGRAPH_PARSE_WORKERS", min(2, os.cpu_count() or 1))),
    )


def _on(value: str | None) -> bool:
    """A switch that is on unless set to ``0``, ``false``, ``no`` or ``off``."""
    return (value or "1").strip().lower() not in ("0", "false", "no", "off")


def _starttls(value: str | None) -> str:
    """``LEADGRAPH_SMTP_STARTTLS``: ``auto`` upgrades when the server offers it, ``1`` refuses a
    server that does not, ``0`` never upgrades (a relay on the same host; no login then),
    ``tls`` speaks TLS from the first byte (port 465)."""
    text = (value or "auto").strip().lower()
    if text in ("tls", "ssl", "implicit", "smtps"):
        return "tls"
    if text in ("1", "true", "yes", "on", "always", "required"):
        return "always"
    if text in ("0", "false", "no", "off", "never"):
        return "never"
    return "auto"


def read_secret(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip() if path.exists() else ""


def read_or_create_secret(path: Path) -> str:
    """A random secret kept in ``path`` with mode 600 (its folder 700), created on first use;
    of two processes creating it at once, both read the first one's."""
    if not path.exists():
        write_private(path, secrets.token_urlsafe(32) + "\n", replace=False)
    return read_secret(path)
