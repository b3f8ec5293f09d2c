"""Timelines (issue 17: a lead's timeline ≤ 0.5 s): medians over repeats on a synthetic world.

Loads a world of ``--scale`` complaints (``leadgraph synth``, kept under
``.leadgraph/bench/worlds/``), builds templates and runs detect, then times, as an admin:

* lead — :func:`graph.views.lead_timeline` of the largest lead (the lead page's read, masked and
  audited, plus its events) and the Altair spec built from them (``timeline_chart().to_dict()``);
* on the page — the events and spec alone, from the lead page's data already loaded (what the
  lead page adds to its own read);
* installation — :func:`graph.views.installation_timeline` over two years of days, and its spec.

``--reuse`` skips loading when the benchmark database already holds a world (e.g. the one
``bench/detect.py`` leaves). Not a test: a script a person runs; it prints one table.

    .venv/bin/python bench/timeline.py [--scale 20000] [--seed 11] [--repeats 7] [--reuse]
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

from common import bench_store, median_seconds, world_folder

from app.i18n import translate
from app.views.timeline import timeline_chart
from graph import views
from graph.db.schema import wipe_data
from graph.evidence.leads import detect
from graph.evidence.templates import build_templates
from graph.evidence.timeline import events_from
from graph.workflow.auth import Principal
from ingest.demo import load_world

ADMIN = Principal("bench", "admin", None, None)


def t(key: str) -> str:
    return translate(key, "zh")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    with bench_store() as store:
        if not args.reuse:
            folder = world_folder(args.scale, args.seed)
            started = time.perf_counter()
            wipe_data(store)
            load_world(store, folder)
            build_templates(store)
            detect(store)
            print(f"  world loaded, templates and detect in {time.perf_counter() - started:.0f} s")
        nodes = store.read_one("MATCH (c:Complaint) RETURN count(c) AS n")["n"]  # type: ignore[index]
        leads = views.lead_list(store, ADMIN)
        if not leads:
            raise SystemExit("no leads in the benchmark database")
        lead = max(leads, key=lambda row: int(row.get("size") or 0))
        page = views.lead_page(store, ADMIN, lead["id"])
        events = events_from(page["entities"], page["links"], page["submissions"], page["lead"])
        until = date.today()
        since = until - timedelta(days=730)
        days = views.installation_timeline(store, ADMIN, since, until)

        figures = {
            "lead (read + events + spec)": median_seconds(
                lambda: timeline_chart(views.lead_timeline(store, ADMIN, lead["id"]), t).to_dict(),
                args.repeats,
            ),
            "on the page (events + spec)": median_seconds(
                lambda: timeline_chart(
                    events_from(page["entities"], page["links"], page["submissions"], page["lead"]),
                    t,
                ).to_dict(),
                args.repeats,
            ),
            "installation (2 years + spec)": median_seconds(
                lambda: timeline_chart(
                    views.installation_timeline(store, ADMIN, since, until), t
                ).to_dict(),
                args.repeats,
            ),
        }
    print(f"\ncomplaints in the database: {nodes:,}")
    print(f"largest lead: {lead['id']} · {len(page['entities'])} entities · {len(events)} events")
    print(f"installation: {len(days)} day-and-type rows over {since} – {until}\n")
    print(f"{'timeline':34} {'median s':>9}   (target: a lead's ≤ 0.5 s)")
    for name, seconds in figures.items():
        print(f"{name:34} {seconds:9.3f}")


if __name__ == "__main__":
    main()
