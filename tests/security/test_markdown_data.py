"""Data is shown as text, never as Markdown: a complaint id written as a Markdown image became an
<img> in the search page's caption, and the browser fetched it (issue 15, point 7)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from support import write

from graph.db.store import GraphStore
from graph.workflow import users
from graph.workflow.auth import Principal
from ingest.submit import submit_file

ORG = "星河消费金融"
IMAGE = "![x](http://127.0.0.1:9/b.png)"
LINK = "[点我](javascript:alert(1))"


def test_hostile_ids_reach_the_search_page_as_text(store: GraphStore, tmp_path: Path) -> None:
    clues = write(
        tmp_path / "c.csv",
        "投诉编号,投诉日期,被投诉机构,联系电话,投诉内容\n"
        f'"{IMAGE}",2025-06-01,某银行,13700137000,协商还款\n'
        f'"{LINK}",2025-06-02,某银行,13700137000,协商还款\n',
    )
    assert submit_file(store, "complaints", clues, org=ORG)["rows_loaded"] == 2
    users.add_user(store, "analyst_m", role="analyst", org=ORG, password_hash="x")
    for typed in (IMAGE, LINK):
        at = AppTest.from_string(
            "from app.views.search import search_page\nsearch_page()\n", default_timeout=120
        )
        at.session_state["principal"] = Principal("analyst_m", "analyst", ORG, "enterprise")
        at.run()
        at.text_input(key="paths_a").input(typed)
        at.text_input(key="paths_b").input("13700137000")
        next(b for b in at.button if b.key is None or "paths" in str(b.id)).click()
        at.run()
        assert not at.exception, at.exception
        captions = [c.value for c in at.caption]
        # the id is there, every Markdown mark backslash-escaped: shown as the text it is
        assert any(typed in c.replace("\\", "") for c in captions), captions
        for caption in captions:
            assert "![x](" not in caption and "](javascript" not in caption, caption
        # every element that renders Markdown (tables show their cells as text anyway)
        shown = [e.value for kind in ("markdown", "caption", "subheader", "error", "info",
                                      "success", "warning") for e in getattr(at, kind)]  # fmt: skip
        for value in shown:
            assert "![x](" not in str(value) and "](javascript" not in str(value), value
