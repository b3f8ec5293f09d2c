"""A queued webhook is signed only with the secret it was queued under (issue 15, point 10).

A push queues its webhook while ``LEADGRAPH_WEBHOOK_SECRET`` is one secret; the sender that
delivers it runs with another (the secret was rotated, or the sender was started with another
configuration). The notification must not go out signed with the new secret as though nothing
had changed: it is held, and only an admin's re-queue, audited, lets it go under the new one."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

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


class Receiver:
    """A webhook receiver on 127.0.0.1 that accepts what ``secret`` signed and records every
    request it was sent."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                timestamp = self.headers.get("X-LeadGraph-Timestamp") or ""
                signature = self.headers.get("X-LeadGraph-Signature") or ""
                mac = hmac.new(receiver.secret.encode(), timestamp.encode() + b"." + body, "sha256")
                good = hmac.compare_digest(signature, "sha256=" + mac.hexdigest())
                receiver.requests.append({"body": json.loads(body), "signed_by_secret": good})
                self.send_response(200 if good else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(NEW_SECRET)
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


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
    receiver: Receiver,
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
    assert receiver.requests == [], "sent signed with a secret it was not queued under"
    assert report.delivered == 0 and report.held == 1 and report.outcome == "queued"
    held = outbox.list_notifications(store, lead_id=LEAD)[0]
    assert held.status == "held" and "secret changed" in (held.last_error or "")
    assert held.attempts == 0  # not a failed attempt: nothing was sent
    # held is not retried by itself, however long the sender runs
    notify.deliver_due(store, notify.channels_from_settings(), later() + timedelta(days=9))
    assert receiver.requests == [] and outbox.list_notifications(store)[0].status == "held"
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
    assert [r["signed_by_secret"] for r in receiver.requests] == [True]
    assert receiver.requests[0]["body"]["id"] == queued.id


def test_the_secret_id_names_the_secret_without_revealing_it() -> None:
    key_id = outbox.secret_id(OLD_SECRET)
    assert key_id and len(key_id) == 16 and OLD_SECRET not in key_id
    assert key_id != hashlib.sha256(OLD_SECRET.encode()).hexdigest()[:16]  # keyed, not a hash
    assert outbox.secret_id(NEW_SECRET) != key_id and outbox.secret_id(None) is None
