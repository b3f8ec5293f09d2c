"""Helpers several test folders share (tests/ is on sys.path through conftest.py)."""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import math
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Eight ways people type one mainland mobile number.
EIGHT_FORMS = [
    "13800138000",
    "+86 138 0013 8000",
    "0086-138-0013-8000",
    "86 13800138000",
    "(+86)138-0013-8000",
    "１３８００１３８０００",
    "138 0013 8000",
    "+8613800138000",
]


def write(path: Path, text: str) -> Path:
    """A small clue file a test writes (folders made as needed), UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `leadgraph ARGS` as a user would: a new process, the given environment on top, and
    ``stdin`` (when given) as its standard input."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        input=stdin,
    )


def as_read(markdown: str) -> str:
    """What a value escaped for Markdown (``app.views.safe.escape_markdown``) reads as on the
    page: backslash escapes, word joiners and HTML entities undone."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", ""))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rendered(at: object) -> str:
    """Everything a Streamlit AppTest run sent to the browser, as text: every element's message
    (texts, tables, options, widget keys, the HTML of iframes such as the chart)."""
    parts: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(getattr(at, "_tree"))  # noqa: B009  (AppTest keeps its element tree there)
    return "\n".join(parts)


# --- the whole workbench in AppTest: sign in as a user would ------------------------------------

WORKBENCH = ROOT / "app" / "workbench.py"


def workbench() -> Any:
    """The workbench (app/workbench.py) in AppTest after its first run: the login page."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(WORKBENCH), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def page_as(principal: Any, code: str, **state: Any) -> Any:
    """A page's code in AppTest, signed in as ``principal`` (session state ``principal`` and
    ``state``), after its first run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(code, default_timeout=120)
    at.session_state["principal"] = principal
    for name, value in state.items():
        at.session_state[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def lead_page_as(principal: Any, lead: str) -> Any:
    """The lead page (``app.views.lead_detail.lead_view``) of ``lead`` as ``principal``."""
    return page_as(
        principal,
        "import streamlit as st\nfrom app.views.lead_detail import lead_view\n"
        "lead_view(st.session_state['principal'], st.session_state['lead'])\n",
        lead=lead,
    )


def search_as(principal: Any, typed: str) -> Any:
    """The search page as ``principal`` after typing ``typed`` into its box and searching."""
    at = page_as(principal, "from app.views.search import search_page\nsearch_page()\n")
    at.text_input(key="search_text").input(typed)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def sign_in(at: Any, username: str, password: str) -> Any:
    """Type a username and password into the login form and press the button."""
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.form_submit_button[0].click()
    at.run()
    assert not at.exception, at.exception
    return at


def page_keys(at: Any) -> set[str]:
    """The pages ``st.navigation`` registered in the last run (the pages one can reach), as the
    keys of their titles: ``nav.<key>`` -> ``key``."""
    from app.i18n import TEXTS, translate

    by_title = {translate(k, "zh"): k.removeprefix("nav.") for k in TEXTS if k.startswith("nav.")}
    return {
        by_title.get(info["page_name"], info["page_name"]) for info in at._registered_pages.values()
    }


# --- the workbench in a real browser (tests marked ``browser``) ---------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 90_000


def need_browser() -> None:
    """Skip unless Debian's Chromium and Playwright's Python package are here (a test never
    downloads a browser)."""
    import pytest

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (make test installs Debian's chromium)")
    pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is absent")


@contextmanager
def served_workbench(log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """``leadgraph serve`` on a free port with this process's environment (the test Neo4j) and
    ``env`` on top, its output in ``log``; yields the base URL once Streamlit answers, stops it
    on the way out."""
    import pytest

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            cwd=ROOT, env={**os.environ, **(env or {})}, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the workbench did not start; see {log}")
                time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def idle(page: Any) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=WAIT_MS)


def browser_choose(page: Any, key: str, typed: str) -> None:
    """Pick the option that ``typed`` finds in the select box (or multiselect) whose Streamlit
    key is ``key``.

    Enter is pressed only once the list shows a matching option: on a loaded machine the rerun
    that brings the option (e.g. after another filter changed) can still be on its way when
    :func:`idle` returns, and Enter on a list without it would pick nothing. A list left over
    from before that rerun is closed and opened again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator(f".st-key-{key} input").first
    option = page.get_by_role("option").filter(has_text=typed).first
    for _ in range(3):
        box.click()
        box.fill(typed)
        try:
            option.wait_for(timeout=WAIT_MS // 3)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            idle(page)
    page.keyboard.press("Enter")
    idle(page)


def browser_sign_in(page: Any, url: str, username: str, password: str) -> None:
    """Sign in through the login page (Chinese, the default language) and wait for the pages."""
    from app.i18n import translate

    page.goto(url)
    page.get_by_label(translate("login.username", "zh")).fill(username)
    page.get_by_label(translate("login.password", "zh")).fill(password)
    page.get_by_role("button", name=translate("login.submit", "zh")).click()
    page.get_by_role("button", name=translate("session.logout", "zh")).wait_for(timeout=WAIT_MS)
    idle(page)


def open_page(page: Any, key: str) -> None:
    """Open a workbench page from the sidebar (``nav.<key>``) and wait for its heading."""
    from app.i18n import translate

    page.get_by_role("link", name=translate(f"nav.{key}", "zh")).click()
    page.get_by_role("heading", name=translate(f"nav.{key}", "zh")).wait_for(timeout=WAIT_MS)
    idle(page)


# --- a webhook receiver ---------------------------------------------------------------------


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 that checks each request's HMAC (independently of
    graph.workflow.notify), answers 500 while ``fail_next`` > 0, and records what it accepted."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.fail_next = 0
        self.requests = 0
        self.accepted: list[dict[str, Any]] = []
        self.rejected: list[str] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                timestamp = self.headers.get("X-LeadGraph-Timestamp") or ""
                signature = self.headers.get("X-LeadGraph-Signature") or ""
                expected = hmac.new(
                    receiver.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                with receiver.lock:
                    receiver.requests += 1
                    if not hmac.compare_digest(signature, "sha256=" + expected) or not (
                        timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
                    ):
                        receiver.rejected.append(signature)
                        code = 401
                    elif receiver.fail_next > 0:
                        receiver.fail_next -= 1
                        code = 500
                    else:
                        receiver.accepted.append(
                            {
                                "body": json.loads(body),
                                "delivery": self.headers.get("X-LeadGraph-Delivery"),
                                "content_type": self.headers.get("Content-Type"),
                            }
                        )
                        code = 200
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/leadgraph"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> WebhookReceiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- a ring tied by a shared contact handle, through ingest (tests/graph/test_contact_ties.py,
# tests/workbench/test_contact_lead.py) ------------------------------------------------------

CONTACT_ORG = "星河消费金融股份有限公司"
LENDERS = ["星河消费金融股份有限公司", "云杉小额贷款有限公司", "北辰网络小额贷款有限公司",
           "青禾金融科技有限公司"]  # fmt: skip
CONTACT_HEADER = (
    "投诉编号,投诉日期,被投诉机构,投诉人姓名,本人手机号,联系电话,代理人/委托代理,投诉内容\n"
)
TEMPLATE_A = (
    "本人{name}在{lender}借款后失业，名下网d多笔yu期，现委托代理人申请停息挂帐，"
    "请贵司协商减免罚息并出具书面分期方案，否则本人将向监管部门逐级投诉。"
)
TEMPLATE_B = (
    "投诉人{name}系贵司借款用户，贵司第三方催收公司暴力催收、爆通讯录骚扰亲友，"
    "现要求停息挂帐并修复z信记录，本金分期偿还，如七个工作日内未答复将向法院起诉。"
)
NAMES = ["董福晓", "李春梅", "王建国", "赵丽华", "孙志强", "周晓燕", "吴海波", "郑秀英"]
WECHAT = "wechat:fawu_lv88"
ACCOUNTS = {
    "account:douyin:fawu_helper1": "专注网贷协商 加V：Fawu_Lv88 免费咨询",
    "account:weibo:shangan_2": "停息挂账｜个性化分期\nvx fawu_lv88",
}


def complaint_rows(prefix: str, template: str, *, contact: str = "", agent: str = "",
                   extra: dict[int, str] | None = None, first_phone: int = 0) -> list[str]:  # fmt: skip
    """Six borrowers' complaints in one template, against the four lenders in turn."""
    rows = []
    for n, name in enumerate(NAMES[:6]):
        lender = LENDERS[n % 4]
        text = template.format(name=name, lender=lender) + (extra or {}).get(n, "")
        own = f"139{first_phone + n:08d}"
        rows.append(
            f"{prefix}{n:04d},2025-06-0{n + 1},{lender},{name},{own},{contact},{agent},{text}"
        )
    return rows


def submit_complaints(
    store: Any,
    folder: Path,
    complaints: list[str],
    accounts: str = "",
    *,
    complaints_org: str = CONTACT_ORG,
) -> None:
    """Submit ``complaints`` (CSV rows) as ``complaints_org`` and ``accounts`` (JSON Lines) as
    ``CONTACT_ORG``, then build the template clusters."""
    from graph.evidence.templates import build_templates
    from ingest.submit import submit_file

    path = write(folder / "complaints.csv", CONTACT_HEADER + "\n".join(complaints) + "\n")
    submit_file(store, "complaints", path, org=complaints_org, user="analyst")
    if accounts:
        submit_file(store, "accounts", write(folder / "accounts.jsonl", accounts), org=CONTACT_ORG)
    build_templates(store)


def demo_world(store: Any) -> None:
    """The fixture world with its template clusters, candidate leads and the demo accounts, on
    a wiped database: where the browser tests start."""
    from graph.db.schema import wipe_data
    from graph.evidence.leads import detect
    from graph.evidence.templates import build_templates
    from graph.workflow import admin, auth
    from ingest.demo import load_world

    wipe_data(store)
    load_world(store)
    build_templates(store)
    detect(store)
    admin.ensure_demo_accounts(store, auth.operator())


def who(store: Any, username: str) -> Any:
    """The signed-in principal of an existing account."""
    from graph.workflow import users
    from graph.workflow.auth import Principal

    user = users.get_user(store, username)
    assert user is not None
    return Principal.of(user)


def one_contact_ring(
    store: Any, folder: Path, *, complaints_org: str = CONTACT_ORG
) -> dict[str, Any]:
    """Two agent accounts whose bios give one WeChat id two ways, each named as agent by six
    borrowers' templated complaints (tests/graph/test_contact_ties.py); the accounts come from
    ``CONTACT_ORG``, the complaints from ``complaints_org``. Returns detect's result."""
    from graph.evidence.leads import detect

    rows, accounts = contact_ring_data()
    submit_complaints(store, folder, rows, accounts, complaints_org=complaints_org)
    return detect(store)


def contact_ring_data() -> tuple[list[str], str]:
    """:func:`one_contact_ring`'s complaint rows (CSV) and accounts (JSON Lines)."""
    lines = [
        json.dumps({"platform": key.split(":")[1], "handle": key.split(":")[2],
                    "nickname": "上岸老师", "bio": bio, "followers": 300}, ensure_ascii=False)
        for key, bio in ACCOUNTS.items()
    ]  # fmt: skip
    rows = complaint_rows("DY", TEMPLATE_A, agent="抖音：@fawu_helper1")
    rows += complaint_rows("WB", TEMPLATE_B, agent="微博：@shangan_2", first_phone=50)
    return rows, "\n".join(lines) + "\n"


# --- a phone whose complaints surge in one week, and a steady one (tests/graph/test_bursts.py,
# tests/security/test_burst_rights.py) -------------------------------------------------------

SURGE_PHONE = "phone:+8613812340001"
STEADY_PHONE = "phone:+8613812340002"
SURGE_WEEK = ("2026-03-02", "2026-03-08")  # the ninth week from 2026-01-05


def page_text(at: Any) -> str:
    """An AppTest page as read: its Markdown and captions unescaped, its tables, and everything
    else it sent (``rendered``)."""
    shown = [as_read(m.value) for m in [*at.markdown, *at.caption]]
    return "\n".join([*shown, *(d.value.to_string() for d in at.dataframe), rendered(at)])


def burst_rows() -> list[str]:
    """Complaint rows (``CONTACT_HEADER``'s columns): one a week naming ``SURGE_PHONE`` as contact
    for eight weeks from 2026-01-05, then twelve in ``SURGE_WEEK``; two a week naming
    ``STEADY_PHONE`` for the same nine weeks. Each from its own borrower, in one template a phone,
    against the four lenders in turn."""
    from datetime import date, timedelta

    monday = date(2026, 1, 5)
    surge = [monday + timedelta(weeks=w, days=2) for w in range(8)]
    surge += [monday + timedelta(weeks=8, days=d % 7) for d in range(12)]
    steady = [monday + timedelta(weeks=w, days=d) for w in range(9) for d in (1, 4)]
    rows = []
    for prefix, days, contact, template, first in (
        ("SG", surge, "13812340001", TEMPLATE_A, 100),
        ("ST", steady, "13812340002", TEMPLATE_B, 200),
    ):
        for n, day in enumerate(days):
            name, lender = NAMES[n % len(NAMES)], LENDERS[n % len(LENDERS)]
            text = template.format(name=name, lender=lender)
            rows.append(
                f"{prefix}{n:04d},{day.isoformat()},{lender},{name},139{first + n:08d},"
                f"{contact},,{text}"
            )
    return rows


def two_org_lead(store: Any, folder: Path, other_org: str) -> str:
    """:func:`one_contact_ring` plus the same agent named by six complaints of ``other_org``:
    the ring's lead rests on both orgs' complaints. Returns the lead's id (a candidate)."""
    from graph.evidence.leads import detect

    one_contact_ring(store, folder)
    more = folder / "other"
    more.mkdir(exist_ok=True)
    rows = complaint_rows("YS", TEMPLATE_A, agent="抖音：@fawu_helper1", first_phone=80)
    submit_complaints(store, more, rows, complaints_org=other_org)
    found = detect(store)
    return str(next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"]))


# --- what a submission's analysis changed, the slow way (tests/graph/test_alerts.py) -----------


def lead_snapshot(store: Any) -> dict[str, tuple[str, float, tuple[str, ...]]]:
    """Every lead's status, score and members (what ``analysis_changes`` compares)."""
    from graph.evidence.leads import list_leads

    found = list_leads(store, limit=100_000)
    return {lead["id"]: (lead["status"], lead["score"], tuple(sorted(lead["entities"])))
            for lead in found}  # fmt: skip


def analysis_changes(store: Any, submission: str, before: dict[str, Any]) -> dict[str, Any]:
    """The dict of ``graph.evidence.incremental.analyse_submission`` for ``submission``, made by
    a full ``build_templates`` + ``detect`` compared with ``before`` (a :func:`lead_snapshot`
    taken before the submission): ``created`` candidates new or back from stale, ``updated``
    candidates whose score or members changed, ``stale`` candidates retired."""
    from graph.evidence.leads import detect
    from graph.evidence.templates import build_templates

    build_templates(store)
    detect(store)
    after = lead_snapshot(store)
    created, updated, stale = [], [], []
    for lead, (status, score, members) in sorted(after.items()):
        was = before.get(lead)
        if status == "candidate" and (was is None or was[0] == "stale"):
            created.append(lead)
        elif status == "candidate" and was is not None and was[1:] != (score, members):
            updated.append(lead)
        elif status == "stale" and was is not None and was[0] == "candidate":
            stale.append(lead)
    return {"submission": submission, "created": created, "updated": updated, "stale": stale,
            "touched": 0, "seconds": 0.0}  # fmt: skip


# --- a world for alerts (tests/graph/test_alerts.py, tests/security/test_alert_rights.py,
# tests/workbench/test_alert_pages.py) -----------------------------------------------------------

ALERT_UNIT = "滨江公安分局经侦大队"
OTHER_UNIT = "西湖公安分局经侦大队"


def alert_world(store: Any, folder: Path) -> dict[str, Any]:
    """:func:`one_contact_ring` (``CONTACT_ORG``'s complaints), then a second submission: six
    complaints of ``LENDERS[1]`` naming the same agent, analysed by a full rebuild
    (:func:`analysis_changes`). Accounts: ``analyst_a`` (``CONTACT_ORG``), ``analyst_b``
    (``LENDERS[1]``), ``analyst_c`` (``LENDERS[2]``, not in the lead), ``officer_p``
    (``ALERT_UNIT``) and ``officer_q`` (``OTHER_UNIT``). Returns ``{lead, submission,
    changes}``."""
    from graph.workflow import users
    from ingest.submit import submit_file

    for org in LENDERS[:3]:
        users.add_org(store, org, "enterprise", exist_ok=True)
    for unit in (ALERT_UNIT, OTHER_UNIT):
        users.add_org(store, unit, "police", exist_ok=True)
    for name, role, org in (("analyst_a", "analyst", LENDERS[0]),
                            ("analyst_b", "analyst", LENDERS[1]),
                            ("analyst_c", "analyst", LENDERS[2]),
                            ("officer_p", "officer", ALERT_UNIT),
                            ("officer_q", "officer", OTHER_UNIT)):  # fmt: skip
        users.add_user(store, name, role=role, org=org, password_hash="x")
    one_contact_ring(store, folder)
    before = lead_snapshot(store)
    rows = complaint_rows("YS", TEMPLATE_A, agent="抖音：@fawu_helper1", first_phone=80)
    path = write(folder / "second" / "complaints.csv", CONTACT_HEADER + "\n".join(rows) + "\n")
    submission = str(submit_file(store, "complaints", path, org=LENDERS[1])["submission"])
    changes = analysis_changes(store, submission, before)
    lead = next(lead for lead, found in lead_snapshot(store).items() if WECHAT in found[2])
    return {"lead": lead, "submission": submission, "changes": changes}


def new_evidence(store: Any, folder: Path, name: str, org: str = CONTACT_ORG) -> str:
    """A later submission of ``org``: three complaints naming the ring's agent, from borrowers
    whose own phones are 13900000300 to 13900000302, in a file ``name``. Returns its submission
    id."""
    from ingest.submit import submit_file

    rows = complaint_rows("NE", TEMPLATE_B, agent="抖音：@fawu_helper1", first_phone=300)[:3]
    rows = [row.replace("NE", f"NE{name[:2].upper()}", 1) for row in rows]
    path = write(folder / name, CONTACT_HEADER + "\n".join(rows) + "\n")
    return str(submit_file(store, "complaints", path, org=org)["submission"])


@contextmanager
def webhook_configured(monkeypatch: Any, secret: str, public_url: str) -> Iterator[WebhookReceiver]:
    """A :class:`WebhookReceiver` set as the only channel (``LEADGRAPH_WEBHOOK_URL`` and its
    secret; no SMTP) with ``public_url`` as the workbench's address, for the length of a test."""
    with WebhookReceiver(secret) as server:
        monkeypatch.setenv("LEADGRAPH_WEBHOOK_URL", server.url)
        monkeypatch.setenv("LEADGRAPH_WEBHOOK_SECRET", secret)
        monkeypatch.setenv("LEADGRAPH_PUBLIC_URL", public_url)
        monkeypatch.delenv("LEADGRAPH_SMTP_HOST", raising=False)
        yield server


# --- the analysis job queue (tests/graph/test_jobs.py, tests/workbench/test_jobs_*.py) --------


def contact_ring_files(folder: Path) -> tuple[Path, Path]:
    """The files of :func:`one_contact_ring` (its complaints CSV and its accounts JSON Lines),
    written but not submitted: for tests that ingest them as a user would."""
    rows, accounts = contact_ring_data()
    complaints = write(folder / "complaints.csv", CONTACT_HEADER + "\n".join(rows) + "\n")
    return complaints, write(folder / "accounts.jsonl", accounts)


@contextmanager
def running_server(config: Any) -> Iterator[Any]:
    """``config`` with its local Neo4j running for the block: started here (and stopped after,
    even when tests fail) unless it runs already or ``NEO4J_URI`` names another server."""
    from graph.db import local_neo4j

    started_here = False
    if config.uses_local_server and not local_neo4j.state(config).running:
        local_neo4j.start(config)
        started_here = True
    try:
        yield config
    finally:
        if started_here:
            local_neo4j.stop(config)


# --- any Neo4j (issue 20): no test assumes the version of the server it is given -------------


def is_server_version(text: str) -> bool:
    """True for a Neo4j version string of any release: ``5.26.0``, ``2025.01.0``, ``5.27-aura``."""
    return re.match(r"\d+\.\d+", text or "") is not None


def whole_text_score(text: str) -> float:
    """The agent score as the context model was trained: from the whole folded text's n-grams
    (what the per-segment tables of ``graph.text.context`` must reproduce to the last bit)."""
    from graph.text import context

    model = context.default_model()
    if not text or not text.strip():
        return 0.0
    grams = context.whole_text_ngrams(text, model.max_n)
    if not grams:
        return context._sigmoid(model.agent_bias)
    total = math.fsum(model.agent.get(g, 0.0) for g in grams)
    return context._sigmoid(model.agent_bias + total / math.sqrt(len(grams)))
