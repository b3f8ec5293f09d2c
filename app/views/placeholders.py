"""Placeholders for pages that are still being written; :mod:`app.navigation` lists them."""

from __future__ import annotations

import streamlit as st

from app.session import require_principal, t


def _placeholder(key: str) -> None:
    require_principal()
    st.header(t(f"nav.{key}"))
    st.info(t("placeholder.coming"))


def submit_page() -> None:
    _placeholder("submit")


def leads_page() -> None:
    _placeholder("leads")


def inbox_page() -> None:
    _placeholder("inbox")


def search_page() -> None:
    _placeholder("search")
