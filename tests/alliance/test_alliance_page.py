"""The alliance page (issue 19), an admin's and an analyst's: an analyst prepares a request on the
page and gets the file; an officer neither sees the page nor passes its views; and a whole round
trip between two installations goes through the page's views (:mod:`graph.views`), files as
bytes, the result's matches shown as the viewer may see them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from test_two_installations import BANK_NUMBERS, SHARED, entries_of

from app.i18n import translate
from app.navigation import entries_for
from app.views.alliance import PREPARED
from graph import views
from graph.alliance import exchange, matches
from graph.workflow import audit
from graph.workflow.auth import Forbidden, Principal

ANALYST = Principal("ana_a", "analyst", "Bank A", "enterprise")
STRANGER = Principal("ana_o", "analyst", "Other Org", "enterprise")
OFFICER = Principal("officer_w", "officer", "Unit W", "police")
LENDER_ADMIN = Principal("admin_b", "admin", None, None)


def zh(key: str) -> str:
    return translate(key, "zh")


def page(who: Principal) -> AppTest:
    at = AppTest.from_string(
        "from app.views.alliance import alliance_page\nalliance_page()\n", default_timeout=120
    )
    at.session_state["principal"] = who
    at.run()
    assert not at.exception, at.exception
    return at


def test_an_analyst_prepares_a_request_and_gets_a_file(loaded, tmp_path: Path) -> None:
    bank, lender = loaded
    assert "alliance" in {entry.key for entry in entries_for("analyst")}
    with bank.acting():
        at = page(ANALYST)
        assert at.header[0].value == zh("nav.alliance")
        assert [tab.label for tab in at.tabs][:4] == [
            zh("alliance.tab_ask"), zh("alliance.tab_answer"), zh("alliance.tab_result"),
            zh("alliance.tab_runs"),
        ]  # fmt: skip
        assert at.selectbox(key="alliance_ask_to").options == [lender.name]
        at.selectbox(key="alliance_ask_mode").set_value("intersection")
        at.button(key="alliance_prepare").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        prepared: dict[str, Any] = at.session_state[PREPARED]
        assert prepared["size"] == 200 and prepared["mode"] == "intersection"
        assert any(prepared["run_id"] in s.value for s in at.success)
        downloads = at.get("download_button")
        assert len(downloads) == 1
        runs_table = at.dataframe[0].value  # the runs tab lists the new run, by its asker
        assert prepared["run_id"] in set(runs_table.iloc[:, 0])
    sent = json.loads(prepared["file"])
    assert sent["kind"] == "request" and sent["sender_fingerprint"]
    assert not any(number in prepared["file"].decode() for number in BANK_NUMBERS)
    (request := tmp_path / prepared["file_name"]).write_bytes(prepared["file"])
    with lender.acting() as store:  # the lender can answer the file the page gave
        answered = exchange.respond(store, LENDER_ADMIN, request, "phones", out=tmp_path / "r")
    assert answered["request_size"] == 200 and answered["counterpart"] == bank.name


def test_an_officer_neither_sees_the_page_nor_passes_its_views(loaded, tmp_path: Path) -> None:
    bank, _ = loaded
    assert "alliance" not in {entry.key for entry in entries_for("officer")}
    watchlist = "\n".join(BANK_NUMBERS).encode()
    with bank.acting() as store:
        at = page(OFFICER)  # reached anyway (a stale link): refused, nothing offered
        assert at.error and not at.tabs and not at.get("download_button")
        attempts = [
            lambda: views.alliance_overview(store, OFFICER),
            lambda: views.alliance_request(
                store, OFFICER, "watchlist", "intersection", "lender-b", watchlist=watchlist
            ),
            lambda: views.alliance_respond(store, OFFICER, b"{}", "phones"),
            lambda: views.alliance_finish(store, OFFICER, b"{}"),
        ]
        for attempt in attempts:
            with pytest.raises(Forbidden):
                attempt()
        denied = audit.entries(store, 20, actor=OFFICER.username, action="view_denied")
    assert [e.target for e in denied] == ["alliance"] * 5
    assert entries_of(bank, "alliance_request") == []


def test_a_round_trip_between_two_installations_through_the_views(loaded) -> None:
    bank, lender = loaded
    with bank.acting() as store:
        asked = views.alliance_request(store, ANALYST, "phones", "intersection", lender.name)
    with lender.acting() as store:
        answered = views.alliance_respond(store, LENDER_ADMIN, asked["file"], "phones")
        assert answered["counterpart"] == bank.name and "count" not in answered
        overview = views.alliance_overview(store, LENDER_ADMIN)
        assert overview["runs"] == []  # the answering side keeps no run
        assert [row["name"] for row in overview["trusted"]] == [bank.name]
    with bank.acting() as store:
        with pytest.raises(Forbidden):  # another org's analyst may not read this run's answer
            views.alliance_finish(store, STRANGER, answered["file"])
        result = views.alliance_finish(store, ANALYST, answered["file"])
        overview = views.alliance_overview(store, ANALYST)
        assert views.alliance_overview(store, STRANGER)["runs"] == []
        assert len(matches.matches_of(store, SHARED)) == 50
    assert result["count"] == 50 and result["hidden"] == 0 and result["listed"] == []
    assert sorted(row["display_key"] for row in result["matched"]) == SHARED
    assert {row["label"] for row in result["matched"]} == {"Phone"}
    (run,) = overview["runs"]
    assert run["run_id"] == asked["run_id"] and run["count"] == 50 and run["by"] == ANALYST.username


def test_matches_the_viewer_may_not_see_are_counted_not_named(loaded, tmp_path: Path) -> None:
    """An analyst of another org asks with a watchlist of numbers that only Bank A's rows hold
    here: the result counts them and names none, not even masked."""
    bank, lender = loaded
    watchlist = "\n".join(BANK_NUMBERS[100:]).encode()  # 50 of them the lender holds
    with bank.acting() as store:
        asked = views.alliance_request(
            store, STRANGER, "watchlist", "intersection", lender.name, watchlist=watchlist
        )
    with lender.acting() as store:
        answered = views.alliance_respond(store, LENDER_ADMIN, asked["file"], "phones")
    with bank.acting() as store:
        result = views.alliance_finish(store, STRANGER, answered["file"])
    assert result["count"] == 50 and result["hidden"] == 50
    assert result["matched"] == [] and result["listed"] == []


@pytest.mark.browser
def test_the_page_in_a_browser(loaded) -> None:
    """The analyst signs in, opens the page and prepares a request: a screenshot for the record
    (test-artifacts/screenshots/issue19/alliance_request.png)."""
    from playwright.sync_api import sync_playwright
    from support import (
        CHROMIUM,
        CHROMIUM_ARGS,
        WAIT_MS,
        browser_sign_in,
        need_browser,
        open_page,
        served_workbench,
    )

    from graph.workflow import auth, users

    need_browser()
    bank, lender = loaded
    root = Path(__file__).resolve().parents[2]
    with bank.acting() as store:
        users.add_org(store, "Bank A", "enterprise", exist_ok=True)
        users.add_user(store, ANALYST.username, role="analyst", org="Bank A",
                       password_hash=auth.hash_password("alliance-ana-pass-1"))  # fmt: skip
        with (
            served_workbench(root / "test-artifacts" / "streamlit-alliance.log") as url,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1440, "height": 1400})
                page = context.new_page()
                page.set_default_timeout(WAIT_MS)
                browser_sign_in(page, url, ANALYST.username, "alliance-ana-pass-1")
                open_page(page, "alliance")
                page.get_by_role("button", name=zh("alliance.prepare")).click()
                page.get_by_role("button", name=zh("alliance.download_request")).wait_for()
                page.wait_for_timeout(600)
                shots = root / "test-artifacts" / "screenshots" / "issue19"
                shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shots / "alliance_request.png"), full_page=True)
            finally:
                browser.close()
    (asked,) = entries_of(bank, "alliance_request")
    assert asked.actor == ANALYST.username and asked.target == lender.target()
