"""The LeadGraph workbench: one Streamlit entry point that routes to thin pages.

Run with ``leadgraph serve`` (or ``make run``). Pages call library functions; no Cypher here.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from graph.errors import UserError
from graph.status import database_status
from graph.store import GraphStore


def t(key: str) -> str:
    return translate(key, st.session_state.get("language", DEFAULT_LANGUAGE))


@st.cache_resource
def store() -> GraphStore:
    """One store (driver and its connection pool) for the whole server process."""
    return GraphStore.open()


@st.cache_data(ttl=10)
def cached_status() -> dict[str, Any]:
    return database_status(store())


def status_page() -> None:
    st.header(t("status.header"))
    try:
        status = cached_status()
    except UserError as error:
        st.error(f"{t('status.unavailable')}: {error}")
        return
    server = status["server"]
    columns = st.columns(4)
    columns[0].metric(t("status.server"), f"Neo4j {server['version']}")
    columns[1].metric(t("status.schema"), str(status["schema_version"]))
    columns[2].metric(t("status.nodes"), f"{status['nodes_total']:,}")
    columns[3].metric(t("status.links"), f"{status['relationships_total']:,}")
    left, right = st.columns(2)
    left.subheader(t("status.by_label"))
    left.dataframe(
        [{t("common.label"): k, t("common.count"): v} for k, v in status["nodes"].items()],
        hide_index=True,
    )
    right.subheader(t("status.by_type"))
    right.dataframe(
        [{t("common.label"): k, t("common.count"): v} for k, v in status["relationships"].items()],
        hide_index=True,
    )


def main() -> None:
    st.set_page_config(page_title="LeadGraph", layout="wide")
    with st.sidebar:
        st.selectbox(
            t("common.language"),
            options=list(LANGUAGES),
            format_func=LANGUAGES.get,
            key="language",
        )
    st.title(t("app.title"))
    pages = [st.Page(status_page, title=t("nav.status"), url_path="status", default=True)]
    st.navigation(pages).run()


main()
