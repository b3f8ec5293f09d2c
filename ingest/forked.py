"""What a forked child of LeadGraph does first: forget the signal handlers it inherited.

The workbench forks children to parse files (:mod:`ingest.background`) and to read untrusted
files under limits (:mod:`ingest.bounded`). A fork inherits Streamlit's handlers for SIGTERM,
SIGINT and SIGQUIT, which stop the *server*; in the child they would turn a plain ``terminate()``
into a half-run shutdown of a server the child does not run, and its wake-up descriptor would
wake the parent's event loop. The child takes the default actions instead.
"""

from __future__ import annotations

import contextlib
import signal

INHERITED = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)


def drop_parent_signal_handlers(*extra: signal.Signals) -> None:
    """Restore the default action of the signals a parent may have handled (and ``extra``)."""
    for number in (*INHERITED, *extra):
        signal.signal(number, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)
