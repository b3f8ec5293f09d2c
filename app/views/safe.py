"""Data shown as the text it is, in the elements that render Markdown.

``st.markdown``, ``st.caption``, ``st.subheader``, ``st.error`` and the other messages, expander
and tab labels all render GitHub-flavoured Markdown with Streamlit's additions (``:red[…]``
directives, ``:material/…:`` icons, emoji short codes, ``$…$`` LaTeX). A value from data — a
complaint id, a file name, a firm, a user's display name, an error naming either — written there
as it is can become an image the browser fetches, a link, a heading or a formula. Every such
value goes through :func:`escape_markdown` first; tables (``st.dataframe``), text inputs and the
options of select boxes show their values as text already.
"""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$^=])")
# GitHub's autolink literals (http://…, www.…, name@host) are found in the text *after* the
# Markdown is parsed, so a backslash does not stop them; an invisible word joiner (U+2060)
# between a scheme's ":" and "//", after "www" and after "@" does.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"
# Bidirectional controls: embeddings and overrides end at PDF, isolates at PDI.
_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")
_ISOLATES = frozenset("\u2066\u2067\u2068")
_PDF, _PDI = "\u202c", "\u2069"


def close_bidi(text: str) -> str:
    """``text`` with every right-to-left (or left-to-right) embedding, override and isolate it
    opens closed at its end, so that a U+202E in a value cannot reverse the text that follows
    it on the page. Nothing else changes: the controls themselves are part of the value."""
    open_marks: list[str] = []
    for char in text:
        if char in _EMBEDDINGS or char in _ISOLATES:
            open_marks.append(char)
        elif char == _PDF and open_marks and open_marks[-1] in _EMBEDDINGS:
            open_marks.pop()
        elif char == _PDI and any(mark in _ISOLATES for mark in open_marks):
            while open_marks.pop() not in _ISOLATES:  # a PDI closes what its isolate holds
                pass
    closers = (_PDI if mark in _ISOLATES else _PDF for mark in reversed(open_marks))
    return text + "".join(closers)


def escape_markdown(text: str) -> str:
    """Data as Markdown that shows exactly that text: HTML's ``&``, ``<``, ``>`` as entities,
    every Markdown punctuation mark (and ``:``, which starts Streamlit's directives)
    backslash-escaped, web and mail addresses kept from becoming links, bidirectional controls
    closed at the end, line breaks kept."""
    text = _AUTOLINK.sub(WORD_JOINER, close_bidi(text))
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return escaped.replace("\n", "  \n")
