"""A WeChat id that ties a ring (tests/support.py's ``one_contact_ring``, through ingest) on the
lead page and in the court package: the page lists it with the rows that gave it and how it was
written; the package draws it with its legend entry and lists it in links.csv with its sources,
field and surface — and a partner's package holds the id nowhere, only its masked form."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from support import ACCOUNTS, CONTACT_ORG, WECHAT, as_read, lead_page_as, one_contact_ring

from app.i18n import translate
from graph.core.keys import SigningKey
from graph.db.store import GraphStore
from graph.evidence.leads import lead_bundle
from graph.export.chart import legend_name
from graph.export.package import build_files, export_package
from graph.export.verify import verify_package
from graph.workflow.auth import Principal

KEY = SigningKey.generate()
NOW = datetime(2025, 7, 1, 8, 0, 0, tzinfo=UTC)
ANALYST = Principal("analyst_a", "analyst", CONTACT_ORG, "enterprise")


@pytest.fixture
def lead(store: GraphStore, tmp_path: Path) -> str:
    found = one_contact_ring(store, tmp_path)
    return next(lead["id"] for lead in found["leads"] if WECHAT in lead["entities"])


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [d.value.to_string() for d in at.dataframe]
    return "\n".join(parts)


def test_the_lead_page_shows_the_handle_with_its_sources(lead: str) -> None:
    at = lead_page_as(ANALYST, lead)
    shown = page_text(at)
    assert WECHAT in shown
    # the links table: the bio that gave it, the field and the text as written there
    table = next(d.value for d in at.dataframe if translate("lead.col_surface") in d.value)
    rows = table[table[translate("lead.col_to")] == WECHAT]
    assert sorted(rows[translate("lead.col_surface")]) == ["Fawu_Lv88", "fawu_lv88"]
    assert set(rows[translate("lead.col_field")]) == {"bio"}
    assert all(str(s).startswith("sub-") for s in rows[translate("lead.col_sources")])
    # the explanation tab words the tie
    assert translate("lead.contact_ties") in shown
    said = next(line for line in as_read(shown).splitlines() if WECHAT in line and "sub-" in line)
    assert f"{translate('entity.WeChat')} {WECHAT}" in said
    assert "account:douyin:fawu_helper1 的简介" in said and "account:weibo:shangan_2 的简介" in said


def links_rows(files: dict[str, bytes]) -> list[dict[str, Any]]:
    return list(csv.DictReader(io.StringIO(files["links.csv"].decode("utf-8-sig"))))


def test_the_package_draws_and_lists_the_handle_and_masks_it_for_a_partner(
    store: GraphStore, lead: str, tmp_path: Path
) -> None:
    bundle = lead_bundle(store, lead)
    files, _ = build_files(bundle, audience="court", exported_by="u", exported_at=NOW, key=KEY)
    assert legend_name("WeChat") in files["chart.svg"].decode()
    mentions = [r for r in links_rows(files) if r["type"] == "MENTIONS_CONTACT"]
    assert sorted(
        (r["start_key"], r["end_key"], r["text_field"], r["surface"]) for r in mentions
    ) == [
        ("account:douyin:fawu_helper1", WECHAT, "bio", "Fawu_Lv88"),
        ("account:weibo:shangan_2", WECHAT, "bio", "fawu_lv88"),
    ]
    assert all(r["submission_id"].startswith("sub-") and r["rows"] for r in mentions)
    assert b"Internet Account" in files["graph.anx"] and WECHAT.encode() in files["graph.graphml"]

    partner, _ = build_files(bundle, audience="partner", exported_by="u", exported_at=NOW, key=KEY)
    for name, content in partner.items():
        at = content.lower().find(b"fawu_lv88")
        assert at < 0, (name, content[max(0, at - 300) : at + 40].decode(errors="replace"))
    assert legend_name("WeChat") in partner["chart.svg"].decode()
    masked = [r for r in links_rows(partner) if r["type"] == "MENTIONS_CONTACT"]
    assert [r["surface"] for r in masked] == ["fa*****88", "fa*****88"]
    assert all(r["end_key"].startswith("wechat:fa*****88~") for r in masked)
    assert all(r["submission_id"].startswith("sub-") for r in masked)
    assert set(ACCOUNTS) <= {r["start_key"] for r in masked}

    # and the package still verifies
    written = export_package(bundle, tmp_path / "out", fmt="dir", audience="partner", user="u",
                             now=NOW, key=KEY)  # fmt: skip
    assert verify_package(written.path, trusted={KEY.public.fingerprint: "test"}).intact
