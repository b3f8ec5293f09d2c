"""The demo accounts, and *demo mode*: when their published passwords may open the workbench.

The demo accounts' passwords are printed in the README, by ``leadgraph demo users`` and on the
login page, so they must never open a real installation. They sign in only in demo mode, which
holds when all of these do:

* ``LEADGRAPH_DEMO_ACCOUNTS`` is on (the default, so that ``make run`` shows the demo world);
* the installation is for this machine: ``LEADGRAPH_PUBLIC_URL`` names a loopback host (an
  installation that gives its officers an address to follow is not a demo);
* the sign-in reached a workbench that listens on loopback only (``leadgraph serve`` always
  does; ``streamlit run`` by hand listens on every interface) directly: the browser asked for a
  loopback host and no proxy forwarded the request (``X-Forwarded-For``, ``Forwarded``,
  ``X-Real-IP``). The workbench tells :func:`graph.workflow.auth.authenticate` so
  (:func:`request_is_local`); anyone else is refused by default.

A *demo account* is one created by ``leadgraph demo users`` (marked ``demo`` in the graph when
created), or any account whose password is one of the published demo passwords (an account made
before the mark existed). Outside demo mode such a sign-in gets the one answer a wrong password
gets; the audit log records ``demo_account``. New passwords may never be a demo password.

This module is pure: no database, no files.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from graph.core import settings as settings_module


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    org: str | None
    password: str  # demo only: printed, documented in the README, never for real data


DEMO_ORGS = (
    ("星河消费金融股份有限公司", "enterprise"),
    ("云杉小额贷款有限公司", "enterprise"),
    ("示例市公安局经侦支队", "police"),
    ("示例市公安局反诈中心", "police"),
)

DEMO_ACCOUNTS = (
    DemoAccount("analyst_a", "分析员甲", "analyst", "星河消费金融股份有限公司", "analyst_a-demo"),
    DemoAccount("analyst_b", "分析员乙", "analyst", "云杉小额贷款有限公司", "analyst_b-demo"),
    DemoAccount("officer_1", "民警一", "officer", "示例市公安局经侦支队", "officer_1-demo"),
    DemoAccount("officer_2", "民警二", "officer", "示例市公安局反诈中心", "officer_2-demo"),
    DemoAccount("admin", "系统管理员", "admin", None, "admin-demo"),
)

DEMO_BY_USERNAME = {demo.username: demo for demo in DEMO_ACCOUNTS}
DEMO_PASSWORDS = frozenset(demo.password for demo in DEMO_ACCOUNTS)

# Headers a reverse proxy adds: their presence means the browser is not on this machine.
PROXY_HEADERS = ("x-forwarded-for", "x-forwarded-host", "forwarded", "x-real-ip")


def is_demo_password(password: str) -> bool:
    """True for a published demo password (compared without case or surrounding spaces)."""
    return (password or "").strip().lower() in DEMO_PASSWORDS


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``), with or without
    a port or IPv6 brackets: ``127.0.0.1:8501``, ``[::1]:8501``, ``localhost``."""
    text = (host or "").strip().lower()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    if text in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def demo_configured(config: settings_module.Settings) -> bool:
    """The installation's half of demo mode: the setting is on and the workbench's published
    address (``LEADGRAPH_PUBLIC_URL``) is on this machine."""
    return config.demo_accounts and is_loopback_host(urlsplit(config.public_url).hostname)


def request_is_local(server_address: str | None, headers: Mapping[str, str]) -> bool:
    """The request's half of demo mode, from what the workbench knows about one session: the
    server listens on a loopback address only (``server_address``, Streamlit's
    ``server.address``; unset means every interface), the browser asked for a loopback host and
    no proxy header is present. ``headers`` is empty only outside a real browser session (the
    in-process AppTest), which has no remote party."""
    if not is_loopback_host(server_address):
        return False
    lowered = {str(name).lower(): value for name, value in headers.items()}
    if any(name in lowered for name in PROXY_HEADERS):
        return False
    host = lowered.get("host")
    return host is None or is_loopback_host(host)
