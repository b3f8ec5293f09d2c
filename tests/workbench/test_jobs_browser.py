"""Upload on the Submit page, and the workbench's own worker thread analyses it: a real browser
against `leadgraph serve` with LEADGRAPH_WORKER on, and no other worker anywhere. The page
shows the job's progress until it is done with the new candidates counted; the leads page then
lists the new candidate. Screenshots in test-artifacts/screenshots/issue18/."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    WAIT_MS,
    WECHAT,
    browser_sign_in,
    contact_ring_files,
    idle,
    need_browser,
    open_page,
    served_workbench,
    who,
)

from app.i18n import translate
from graph.db.store import GraphStore
from graph.evidence.leads import list_leads
from graph.workflow import admin, audit, auth, jobs, lifecycle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots" / "issue18"


def zh(key: str) -> str:
    return translate(key, "zh")


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(600)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_upload_is_analysed_by_the_workbench_s_worker(store: GraphStore, tmp_path: Path) -> None:
    need_browser()
    from playwright.sync_api import sync_playwright

    admin.ensure_demo_accounts(store, auth.operator())
    files = contact_ring_files(tmp_path)
    log = ROOT / "test-artifacts" / "streamlit-jobs.log"
    with (
        served_workbench(log, env={"LEADGRAPH_WORKER": "on"}) as url,
        sync_playwright() as playwright,
    ):
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = chromium.new_context(viewport={"width": 1440, "height": 1800}).new_page()
            page.set_default_timeout(WAIT_MS)
            browser_sign_in(page, url, "analyst_a", "analyst_a-demo")
            open_page(page, "submit")
            page.locator("input[type=file]").set_input_files([str(path) for path in files])
            page.get_by_text(zh("submit.rows_quarantined")).first.wait_for()
            idle(page)
            page.get_by_role("button", name=zh("submit.ingest")).click()
            page.get_by_text(zh("submit.analysis")).wait_for()
            shot(page, "jobs-01-submitted")
            # both jobs end; the page refreshes itself (no click)
            for path in files:
                done = zh("submit.analysis_done").split("{created}")[0].format(file=path.name)
                page.get_by_text(done).wait_for(timeout=300_000)
            idle(page)
            shot(page, "jobs-02-analysed")
            analysed = [jobs.job_of_submission(store, s) for s in submissions(store)]
            assert [job.status for job in analysed if job] == ["done", "done"]
            # the serve process's thread ran them: the only worker that ever started a job
            starters = {e.actor for e in audit.entries(store, 200) if e.action == "job_start"}
            assert len(starters) == 1 and f":{os.getpid()}:" not in next(iter(starters))

            found = list_leads(store, statuses=["candidate"])
            assert any(WECHAT in lead["entities"] for lead in found)  # the ring's new lead
            lead = lifecycle.visible_leads(store, who(store, "analyst_a"))[0]  # shown first
            open_page(page, "leads")
            page.get_by_role("heading", name=lead["title"]).wait_for()
            shot(page, "jobs-03-leads")
        finally:
            chromium.close()


def submissions(store: GraphStore) -> list[str]:
    return [row["id"] for row in store.read("MATCH (s:Submission) RETURN s.id AS id")]
