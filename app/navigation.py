"""Which pages each role sees: one registry that the workbench turns into ``st.navigation``.

To add a page, write ``def my_page() -> None`` in a module under ``app/views/``, add its title as
``nav.<key>`` to ``app/i18n.py`` (both languages) and add (or replace the placeholder of) one
:class:`PageEntry` below. The first page a role can see is its landing page.

Hiding a page is not access control: the library functions a page calls check the principal.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from graph.workflow.auth import Principal


@dataclass(frozen=True)
class PageEntry:
    key: str  # URL path, and the title's i18n key `nav.<key>`
    roles: tuple[str, ...]  # analyst | officer | admin
    target: str  # "module:function" of the page, imported when the page is listed
    icon: str | None = None


PAGES: list[PageEntry] = [
    # first: the home page of analysts and officers (what is new on what they watch)
    PageEntry(
        "updates",
        ("analyst", "officer"),
        "app.views.updates:updates_page",
        ":material/notifications:",
    ),
    PageEntry("submit", ("analyst",), "app.views.submit:submit_page", ":material/upload:"),
    PageEntry("leads", ("analyst",), "app.views.leads:leads_page", ":material/hub:"),
    PageEntry("inbox", ("officer",), "app.views.inbox:inbox_page", ":material/inbox:"),
    PageEntry(
        "search", ("analyst", "officer"), "app.views.search:search_page", ":material/search:"
    ),
    PageEntry(
        "entity", ("analyst", "officer"), "app.views.entity:entity_page", ":material/account_box:"
    ),
    PageEntry("admin", ("admin",), "app.views.admin:admin_page", ":material/manage_accounts:"),
    PageEntry(
        "alliance",
        ("admin", "analyst"),
        "app.views.alliance:alliance_page",
        ":material/join_inner:",
    ),
    PageEntry("status", ("admin",), "app.views.status:status_page", ":material/database:"),
    PageEntry(
        "account",
        ("analyst", "officer", "admin"),
        "app.views.account:account_page",
        ":material/key:",
    ),
]
# The one page of a user who must choose a new password first.
PASSWORD_PAGE = "account"


def entries_for(role: str, *, must_change_password: bool = False) -> list[PageEntry]:
    """The pages of ``role``; only the password page while a new password is due."""
    return [
        entry
        for entry in PAGES
        if role in entry.roles and (entry.key == PASSWORD_PAGE or not must_change_password)
    ]


def page_function(entry: PageEntry) -> Callable[[], None]:
    module_name, _, function_name = entry.target.partition(":")
    return getattr(importlib.import_module(module_name), function_name)  # type: ignore[no-any-return]


def pages_for(principal: Principal, t: Callable[[str], str]) -> list[st.Page]:
    """The ``st.Page`` objects of ``principal``'s role, the first one the default (only the
    password page while the principal must choose a new password)."""
    return [
        st.Page(
            page_function(entry),
            title=t(f"nav.{entry.key}"),
            icon=entry.icon,
            url_path=entry.key,
            default=index == 0,
        )
        for index, entry in enumerate(
            entries_for(principal.role, must_change_password=principal.must_change_password)
        )
    ]
