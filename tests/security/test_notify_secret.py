"""A queued webhook is signed only with the secret it was queued under (issue 15, point 10).

A push queues its webhook while ``LEADGRAPH_WEBHOOK_SECRET`` is one secret; the sender that
delivers it runs with another (the secret was rotated, or the sender was started with another
configuration). The notification must not go out signed with the new secret as though nothing
had changed: it is held, and only an admin's re-queue, audited, lets it go under the new one."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from support import WebhookReceiver

from app.cli import main
from graph.db.store import GraphStore
from graph.workflow import audit, notify, outbox, users
from graph.workflow.auth import Principal
from graph.workflow.lifecycle import push_lead

OLD_SECRET = "secret-when-the-lead-was-pushed"
NEW_SECRET = "secret-the-sender-runs-with-now"
LEAD = "L-SECRET-1"
LENDER = "测试消费金融"
UNIT = "测试经侦支队"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(NEW_SECRET) as server:
        yield server


@pytest.fixture
def analyst(store: GraphStore) -> Principal:
    users.add_org(store, LENDER, "enterprise")
    users.add_org(store, UNIT, "police")
    users.add_user(store, "analyst_s", role="analyst", org=LENDER, password_hash="x")
    users.add_user(store, "officer_s", role="officer", org=UNIT, password_hash="x")
    store.write(
        "MATCH (o:Org {name: $org}) CREATE (:Lead {id: $id, key: 'lead:' + $id, title: 't', "
        "score: 0.5, status: 'lead', org: $org})-[:OWNED_BY]->(o)",
        org=LENDER,
        id=LEAD,
    )
    return Principal("analyst_s", "analyst", LENDER, "enterprise")


def later() -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)


def test_a_notification_is_never_signed_with_a_secret_set_after_it_was_queued(
    store: GraphStore,
    analyst: Principal,
    receiver: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LEADGRAPH_WEBHOOK_URL", receiver.url)
    monkeypatch.setenv("LEADGRAPH_WEBHOOK_SECRET", OLD_SECRET)
    push_lead(store, analyst, LEAD, officer="officer_s")  # queued; nobody sends it yet
    [queued] = outbox.list_notifications(store, lead_id=LEAD)

    # The sender starts with another secret (`leadgraph notify run` in another environment).
    monkeypatch.setenv("LEADGRAPH_WEBHOOK_SECRET", NEW_SECRET)
    report = notify.deliver_due(store, notify.channels_from_settings(), later())
    assert receiver.requests == 0, "sent signed with a secret it was not queued under"
    assert report.delivered == 0 and report.held == 1 and report.outcome == "queued"
    held = outbox.list_notifications(store, lead_id=LEAD)[0]
    assert held.status == "held" and "secret changed" in (held.last_error or "")
    assert held.attempts == 0  # not a failed attempt: nothing was sent
    # held is not retried by itself, however long the sender runs
    notify.deliver_due(store, notify.channels_from_settings(), later() + timedelta(days=9))
    assert receiver.requests == 0 and outbox.list_notifications(store)[0].status == "held"
    assert main(["notify", "list", "--status", "held", "--json"]) == 0
    assert [row["id"] for row in json.loads(capsys.readouterr().out)] == [queued.id]

    # An admin decides it may go under the new secret: re-queued, audited, then delivered.
    assert main(["notify", "retry", queued.id]) == 0
    [entry] = audit.entries(store, limit=5, action="notify_requeue")
    assert entry.actor.startswith("cli:") and entry.target == f"notification:{queued.id}"
    assert entry.details["was"] == "held"
    assert entry.details["key_id_before"] == outbox.secret_id(OLD_SECRET) != entry.details["key_id"]
    assert entry.details["key_id"] == outbox.secret_id(NEW_SECRET)
    delivered = notify.deliver_due(store, notify.channels_from_settings(), later())
    assert delivered.delivered == 1
    assert receiver.rejected == [] and len(receiver.accepted) == 1, "not signed by the secret"
    assert receiver.accepted[0]["body"]["id"] == queued.id


def test_the_secret_id_names_the_secret_without_revealing_it() -> None:
    key_id = outbox.secret_id(OLD_SECRET)
    assert key_id and len(key_id) == 16 and OLD_SECRET not in key_id
    assert key_id != hashlib.sha256(OLD_SECRET.encode()).hexdigest()[:16]  # keyed, not a hash
    assert outbox.secret_id(NEW_SECRET) != key_id and outbox.secret_id(None) is None
