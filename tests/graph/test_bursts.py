"""Burst detection through real ingest: a phone whose complaints surge in one week is found with
that week, a steady phone is not; the burst is a score feature that the lead's explanation, its
method and the pages name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from support import (
    STEADY_PHONE,
    SURGE_PHONE,
    SURGE_WEEK,
    burst_rows,
    lead_page_as,
    page_as,
    page_text,
    submit_complaints,
)

from app.views.entity import ENTITY
from graph import views
from graph.db.store import GraphStore
from graph.evidence.analytics import ENTITY_COMPLAINTS
from graph.evidence.bursts import DAILY_COUNTS, METHOD, read_bursts
from graph.evidence.leads import detect, lead_bundle
from graph.evidence.profile import entity_score
from graph.evidence.scores import EntityScore
from graph.export.method import method_txt
from graph.text.context import AGENT_AT
from graph.workflow.auth import Principal

ADMIN = Principal("admin", "admin", None, None)
SURGE_TEXT = "投诉激增：2026-03-02 至 2026-03-08（1 周）12 件，基线 1.0 件/周"


def test_a_surge_is_found_in_its_week_and_a_steady_phone_is_not(
    store: GraphStore, tmp_path: Path
) -> None:
    submit_complaints(store, tmp_path, burst_rows())
    found = read_bursts(store, [SURGE_PHONE, STEADY_PHONE, "phone:+8613900000000"])
    assert found[STEADY_PHONE] == []
    assert "phone:+8613900000000" not in found  # no such phone: nothing read
    (period,) = found[SURGE_PHONE]
    assert (period["start"], period["end"]) == SURGE_WEEK
    assert (period["weeks"], period["count"], period["baseline"], period["ratio"]) == (
        1,
        12,
        1.0,
        12.0,
    )


def test_the_weekly_counts_count_the_complaints_the_score_counts(
    store: GraphStore, tmp_path: Path
) -> None:
    submit_complaints(store, tmp_path, burst_rows())
    rows = store.read(
        ENTITY_COMPLAINTS, keys=None, min_complaints=1, min_complainants=1, agent_at=AGENT_AT
    )
    daily = store.read(DAILY_COUNTS, keys=[row["key"] for row in rows])
    assert {row["key"]: sum(n for _, n in row["days"]) for row in daily} == {
        row["key"]: row["complaints"] for row in rows
    }
    assert {SURGE_PHONE, STEADY_PHONE} <= {row["key"] for row in rows}


def test_the_score_the_explanation_and_the_method_name_the_burst(
    store: GraphStore, tmp_path: Path
) -> None:
    submit_complaints(store, tmp_path, burst_rows())
    surge, steady = entity_score(store, SURGE_PHONE), entity_score(store, STEADY_PHONE)
    assert isinstance(surge, EntityScore) and isinstance(steady, EntityScore)
    assert surge.contributions["burst"] == 5.0 and steady.contributions["burst"] == 0.0
    assert surge.features["burst"]["start"] == SURGE_WEEK[0]
    found = detect(store)
    lead = next(lead for lead in found["leads"] if SURGE_PHONE in lead["entities"])
    assert f"{SURGE_PHONE.split(':', 1)[1]}: {SURGE_TEXT}" in lead["explanation"]
    others = [lead for lead in found["leads"] if SURGE_PHONE not in lead["entities"]]
    assert not any("投诉激增" in text for lead in others for text in lead["explanation"])
    bundle = lead_bundle(store, lead["id"])
    assert bundle["lead"]["method"]["bursts"] == METHOD
    text = method_txt(bundle, "P-1", []).decode()
    assert "burst method" in text and '"max_tail": 0.0001' in text and SURGE_TEXT in text
    # the lead page words the burst in the viewer's language
    page = lead_page_as(ADMIN, lead["id"])
    assert "2026-03-02 至 2026-03-08（1 周）12 件，基线 1.0 件/周" in page_text(page)
    # ... and the lead's timeline shades the surge week behind its events
    assert _band_marks(page) == ["rect"]


def _band_marks(at: Any) -> list[str]:
    """The marks of the timeline's layers drawn behind its events (the shaded periods)."""
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    return [layer["mark"]["type"] for layer in spec["layer"][:-1]]


def test_the_profile_and_the_timeline_view_show_the_burst(
    store: GraphStore, tmp_path: Path
) -> None:
    submit_complaints(store, tmp_path, burst_rows())
    shown = views.entity_bursts(store, ADMIN, [SURGE_PHONE, STEADY_PHONE])
    assert shown[STEADY_PHONE] == []
    assert [(p["key"], p["start"], p["count"]) for p in shown[SURGE_PHONE]] == [
        (SURGE_PHONE, SURGE_WEEK[0], 12)
    ]
    profile = views.entity_profile(store, ADMIN, SURGE_PHONE)
    assert [{"key": SURGE_PHONE, **p} for p in profile["bursts"]] == shown[SURGE_PHONE]
    at = page_as(ADMIN, "from app.views.entity import entity_page\nentity_page()\n",
                 **{ENTITY: SURGE_PHONE})  # fmt: skip
    assert not at.exception
    text = page_text(at)
    assert "投诉激增: 2026-03-02 至 2026-03-08（1 周）12 件，基线 1.0 件/周" in text
    assert "泊松尾概率" in text  # the method and threshold, stated
    assert _band_marks(at) == ["rect"]  # the surge week shaded on the profile's timeline
    steady = page_as(ADMIN, "from app.views.entity import entity_page\nentity_page()\n",
                     **{ENTITY: STEADY_PHONE})  # fmt: skip
    assert _band_marks(steady) == []
