"""Data is shown as text, never as Markdown: a complaint id written as a Markdown image became an
<img> in the search page's caption, and the browser fetched it (issue 15, point 7)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from support import as_read, write

from app.views.safe import WORD_JOINER, close_bidi, escape_markdown
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
        assert any(typed in as_read(c) for c in captions), captions
        for caption in captions:
            assert "![x](" not in caption and "](javascript" not in caption, caption
        # every element that renders Markdown (tables show their cells as text anyway)
        shown = [e.value for kind in ("markdown", "caption", "subheader", "error", "info",
                                      "success", "warning") for e in getattr(at, kind)]  # fmt: skip
        for value in shown:
            assert "![x](" not in str(value) and "](javascript" not in str(value), value


def test_addresses_in_data_do_not_become_links() -> None:
    """GitHub's autolinks are found after the Markdown is parsed, so escaping the punctuation
    did not stop ``http://…`` in a complaint id from becoming a link on the lead page."""
    text = "见 http://127.0.0.1:9/x、www.example.cn 与 agent@example.cn"
    escaped = escape_markdown(text)
    assert as_read(escaped) == text
    for joined in (f"http:{WORD_JOINER}//", f"www{WORD_JOINER}.", f"agent@{WORD_JOINER}example"):
        assert joined in escaped.replace("\\", "")


def test_a_right_to_left_override_ends_with_its_value() -> None:
    """A U+202E in a value would reverse the page's own text after it on the same line."""
    assert close_bidi("客户\u202eHXRTL") == "客户\u202eHXRTL\u202c"
    assert close_bidi("\u2067a\u202eb") == "\u2067a\u202eb\u202c\u2069"
    for balanced in ("\u202eab\u202c", "\u2067a\u202eb\u2069", "plain", "\u2069\u202c"):
        assert close_bidi(balanced) == balanced
    name = escape_markdown("张\u202e三")
    line = f"**{name}** (经侦)"
    assert line.index("\u202c") < line.index("(经侦)")
