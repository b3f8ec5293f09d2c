"""Push notifications: the outbox in Neo4j, a signed webhook to a real local receiver and an
email through a real local SMTP server (aiosmtpd). Only loopback addresses are used."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from support import WebhookReceiver, free_port

from app.cli import main
from graph.core import clock
from graph.core.errors import UserError
from graph.db.store import ConstraintError, GraphStore
from graph.workflow import notify, outbox, users
from graph.workflow.auth import Principal
from graph.workflow.lifecycle import push_lead
from graph.workflow.outbox import Notification

LOOPBACK = "127.0.0.1"
SECRET = "test-webhook-secret"
PUBLIC_URL = "http://127.0.0.1:8501"
LEAD = "L-NOTIFY-1"
LENDER = "测试消费金融"
UNIT = "测试经侦支队"
RAW_NUMBERS = ("13800138000", "8613800138000", "13912345678", "110101199003077777")
TITLE = "疑似代理维权团伙：+8613800138000 等 5 个主体，12 件投诉"
NOTE = "请核查 139 1234 5678，身份证 110101199003077777"


# --- a real webhook receiver --------------------------------------------------------------------


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET) as server:
        yield server


# --- a real SMTP server -------------------------------------------------------------------------


class Mailbox:
    """aiosmtpd handler that records each message."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": message_from_bytes(envelope.content, policy=policy.default),
            }
        )
        return "250 OK"


def start_smtp(port: int) -> tuple[Controller, Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname=LOOPBACK, port=port)
    controller.start()
    return controller, mailbox


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def mailbox(smtp_port: int) -> Iterator[Mailbox]:
    controller, box = start_smtp(smtp_port)
    try:
        yield box
    finally:
        controller.stop()


# --- settings and data --------------------------------------------------------------------------


def configure(
    monkeypatch: pytest.MonkeyPatch,
    *,
    webhook: str | None = None,
    secret: str = SECRET,
    smtp_port: int | None = None,
    **extra: str,
) -> None:
    for name in ("WEBHOOK_URL", "WEBHOOK_SECRET", "SMTP_HOST", "SMTP_PORT", "SMTP_TO"):
        monkeypatch.delenv(f"LEADGRAPH_{name}", raising=False)
    monkeypatch.setenv("LEADGRAPH_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.setenv("LEADGRAPH_NOTIFY_BACKOFF_SECONDS", "30")
    monkeypatch.setenv("LEADGRAPH_NOTIFY_TIMEOUT_SECONDS", "5")
    monkeypatch.setenv("LEADGRAPH_SMTP_FROM", "leadgraph@leadgraph.test")
    if webhook:
        monkeypatch.setenv("LEADGRAPH_WEBHOOK_URL", webhook)
        monkeypatch.setenv("LEADGRAPH_WEBHOOK_SECRET", secret)
    if smtp_port:
        monkeypatch.setenv("LEADGRAPH_SMTP_HOST", LOOPBACK)
        monkeypatch.setenv("LEADGRAPH_SMTP_PORT", str(smtp_port))
    for name, value in extra.items():
        monkeypatch.setenv(f"LEADGRAPH_{name}", value)


SETUP_LEAD = """
MATCH (o:Org {name: $org})
CREATE (l:Lead {id: $id, key: 'lead:' + $id, title: $title, score: 0.87, status: 'lead',
                org: $org})-[:OWNED_BY]->(o)
"""


@pytest.fixture
def analyst(store: GraphStore) -> Principal:
    """An analyst whose org owns lead L-NOTIFY-1; officer_n (with an email) in a police unit."""
    users.add_org(store, LENDER, "enterprise")
    users.add_org(store, UNIT, "police")
    users.add_user(store, "analyst_n", role="analyst", org=LENDER, password_hash="x")
    users.add_user(store, "officer_n", role="officer", org=UNIT, password_hash="x")
    users.add_user(store, "officer_m", role="officer", org=UNIT, password_hash="x")
    store.write(
        "MATCH (u:User) WHERE u.username IN ['officer_n', 'officer_m'] "
        "SET u.email = u.username + '@leadgraph.test'"
    )
    store.write(SETUP_LEAD, org=LENDER, id=LEAD, title=TITLE)
    return Principal("analyst_n", "analyst", LENDER, "enterprise")


def soon() -> datetime:
    """A moment just after every timestamp the push wrote (times are kept to the second)."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)


def only(store: GraphStore, channel: str) -> Notification:
    rows = [n for n in outbox.list_notifications(store, lead_id=LEAD) if n.channel == channel]
    assert len(rows) == 1
    return rows[0]


def email_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


# --- tests --------------------------------------------------------------------------------------


def test_a_push_is_delivered_once_by_webhook_and_by_email(
    store: GraphStore,
    analyst: Principal,
    receiver: WebhookReceiver,
    mailbox: Mailbox,
    smtp_port: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure(monkeypatch, webhook=receiver.url, smtp_port=smtp_port)
    report = notify.push_and_notify(store, analyst, LEAD, officer="officer_n", note=NOTE)
    assert (report.delivered, report.retrying, report.failed, report.errors) == (2, 0, 0, [])
    assert report.outcome == "sent"

    assert len(receiver.accepted) == 1 and receiver.rejected == []
    hook = receiver.accepted[0]
    body = hook["body"]
    assert hook["delivery"] == body["id"] == only(store, "webhook").id
    assert hook["content_type"].startswith("application/json")
    assert body["event"] == "lead.pushed"
    assert (body["lead_id"], body["score"], body["pushed_by"], body["pushed_to"]) == (
        LEAD,
        0.87,
        "analyst_n",
        "officer_n",
    )
    assert body["pushed_to_kind"] == "officer" and body["pushed_at"].endswith("Z")
    assert body["url"] == f"{PUBLIC_URL}/?lead={LEAD}"
    assert body["title"].startswith("疑似代理维权团伙") and body["note"].startswith("请核查")

    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["to"] == ["officer_n@leadgraph.test"]  # the officer's own address
    assert mail["from"] == "leadgraph@leadgraph.test"
    message = mail["message"]
    assert "新线索推送" in message["Subject"] and "New lead pushed" in message["Subject"]
    assert "疑似代理维权团伙" in message["Subject"] and "0.87" in message["Subject"]
    text = email_text(message)
    for expected in (LEAD, "0.87", "analyst_n", "officer_n", body["url"], "请核查", "Score"):
        assert expected in text
    raw = message.as_string() + text + json.dumps(body, ensure_ascii=False)
    for number in RAW_NUMBERS:
        assert number not in raw, f"{number} leaked into a notification"
    assert "138****8000" in text  # masked, not dropped: the reader still sees which number

    for notification in outbox.list_notifications(store, lead_id=LEAD):
        assert (notification.status, notification.attempts) == ("delivered", 1)
        assert notification.delivered_at and notification.next_attempt_at is None

    # Nothing is sent twice: later rounds find nothing due.
    later = notify.deliver_due(store, notify.channels_from_settings(), soon() + timedelta(days=1))
    assert later.attempted == 0
    assert len(receiver.accepted) == 1 and len(mailbox.messages) == 1


def test_a_failing_receiver_is_retried_with_backoff_until_it_accepts(
    store: GraphStore,
    analyst: Principal,
    receiver: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure(monkeypatch, webhook=receiver.url)
    receiver.fail_next = 2
    push_lead(store, analyst, LEAD, officer="officer_n", note="请核查")
    assert [n.channel for n in outbox.list_notifications(store, lead_id=LEAD)] == ["webhook"]
    channels = notify.channels_from_settings()
    t0 = soon()

    first = notify.deliver_due(store, channels, t0)
    assert (first.retrying, first.delivered) == (1, 0)
    pending = only(store, "webhook")
    assert (pending.status, pending.attempts) == ("pending", 1)
    assert "500" in (pending.last_error or "")
    assert pending.next_attempt_at == clock.format_time(t0 + timedelta(seconds=30))

    assert notify.deliver_due(store, channels, t0 + timedelta(seconds=29)).attempted == 0

    second = notify.deliver_due(store, channels, t0 + timedelta(seconds=30))
    assert second.retrying == 1
    pending = only(store, "webhook")
    assert pending.attempts == 2  # the wait doubles: 30 s, then 60 s
    assert pending.next_attempt_at == clock.format_time(t0 + timedelta(seconds=90))
    assert notify.deliver_due(store, channels, t0 + timedelta(seconds=89)).attempted == 0

    third = notify.deliver_due(store, channels, t0 + timedelta(seconds=90))
    assert third.delivered == 1
    done = only(store, "webhook")
    assert (done.status, done.attempts) == ("delivered", 3)
    assert done.delivered_at == clock.format_time(t0 + timedelta(seconds=90))
    assert receiver.requests == 3 and len(receiver.accepted) == 1


def test_after_the_last_attempt_a_notification_is_failed_visible_and_can_be_retried(
    store: GraphStore,
    analyst: Principal,
    receiver: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure(monkeypatch, webhook=receiver.url, NOTIFY_MAX_ATTEMPTS="2")
    receiver.fail_next = 2
    push_lead(store, analyst, LEAD, officer="officer_n")
    channels = notify.channels_from_settings()
    t0 = soon()
    notify.deliver_due(store, channels, t0)
    last = notify.deliver_due(store, channels, t0 + timedelta(seconds=30))
    assert last.failed == 1 and last.results[0]["status"] == "failed"
    failed = only(store, "webhook")
    assert (failed.status, failed.attempts, failed.next_attempt_at) == ("failed", 2, None)
    assert notify.deliver_due(store, channels, t0 + timedelta(days=30)).attempted == 0

    assert main(["notify", "list", "--status", "failed", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in listed] == [failed.id] and "500" in listed[0]["last_error"]

    assert main(["notify", "retry", failed.id]) == 0
    assert main(["notify", "retry", failed.id]) == 1  # no longer failed
    capsys.readouterr()
    assert main(["notify", "run", "--once", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["delivered"] == 1 and result["results"][0]["id"] == failed.id
    assert only(store, "webhook").status == "delivered" and len(receiver.accepted) == 1


def test_a_wrong_secret_is_detected_by_the_receiver(
    store: GraphStore,
    analyst: Principal,
    receiver: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure(monkeypatch, webhook=receiver.url, secret="not-the-receivers-secret")
    report = notify.push_and_notify(store, analyst, LEAD, officer="officer_n")
    assert report.retrying == 1 and report.delivered == 0 and report.outcome == "queued"
    assert len(receiver.rejected) == 1 and receiver.accepted == []
    pending = only(store, "webhook")
    assert pending.status == "pending" and "401" in (pending.last_error or "")


def test_signature_covers_timestamp_and_body() -> None:
    body = b'{"id":"n1","lead_id":"L-1"}'
    signature = notify.sign(SECRET, "1700000000", body)
    expected = hmac.new(SECRET.encode(), b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature == "sha256=" + expected
    ok = {"now": 1_700_000_100}
    assert notify.verify_signature(SECRET, body, "1700000000", signature, **ok)
    assert not notify.verify_signature("other", body, "1700000000", signature, **ok)
    assert not notify.verify_signature(SECRET, body + b" ", "1700000000", signature, **ok)
    assert not notify.verify_signature(SECRET, body, "1700000001", signature, **ok)
    assert not notify.verify_signature(SECRET, body, "1700000000", signature, now=1_700_000_301)
    assert not notify.verify_signature(SECRET, body, "soon", signature, **ok)


def test_smtp_down_stays_pending_then_delivers_when_it_comes_up(
    store: GraphStore, analyst: Principal, smtp_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, smtp_port=smtp_port)
    report = notify.push_and_notify(store, analyst, LEAD, unit=UNIT, note="请核查")
    assert report.retrying == 1 and report.delivered == 0
    pending = only(store, "email")
    assert pending.status == "pending" and pending.attempts == 1 and pending.last_error
    # A push to a unit mails the unit's officers.
    assert pending.target == "officer_m@leadgraph.test, officer_n@leadgraph.test"

    controller, mailbox = start_smtp(smtp_port)
    try:
        later = notify.deliver_due(
            store, notify.channels_from_settings(), soon() + timedelta(seconds=30)
        )
    finally:
        controller.stop()
    assert later.delivered == 1
    assert only(store, "email").status == "delivered" and only(store, "email").attempts == 2
    assert len(mailbox.messages) == 1
    assert sorted(mailbox.messages[0]["to"]) == [
        "officer_m@leadgraph.test",
        "officer_n@leadgraph.test",
    ]
    assert UNIT in email_text(mailbox.messages[0]["message"])


def test_without_an_officer_email_the_configured_recipients_get_it(
    store: GraphStore,
    analyst: Principal,
    mailbox: Mailbox,
    smtp_port: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure(monkeypatch, smtp_port=smtp_port, SMTP_TO="duty@leadgraph.test, desk@leadgraph.test")
    store.write("MATCH (u:User {username: 'officer_n'}) REMOVE u.email")
    assert notify.push_and_notify(store, analyst, LEAD, officer="officer_n").delivered == 1
    assert mailbox.messages[0]["to"] == ["duty@leadgraph.test", "desk@leadgraph.test"]


def test_no_channel_configured_queues_nothing(
    store: GraphStore, analyst: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch)
    report = notify.push_and_notify(store, analyst, LEAD, officer="officer_n")
    assert report.attempted == 0 and outbox.list_notifications(store) == []
    assert report.outcome == "no_channel"  # the workbench must not say "sent"


def test_a_push_and_its_messages_are_written_together_or_not_at_all(
    store: GraphStore, analyst: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A push whose message cannot be queued is not pushed: otherwise the lead would sit in the
    officer's inbox with nobody told. (The failure is a real one from Neo4j: the message is given
    the id of a notification already in the outbox, which the uniqueness constraint refuses.)"""
    configure(monkeypatch, webhook="http://127.0.0.1:9/hook")
    taken = outbox.enqueue(store, "webhook", "http://127.0.0.1:9/hook", {"event": "earlier"})
    monkeypatch.setattr(outbox.uuid, "uuid4", lambda: uuid.UUID(hex=taken.id))
    with pytest.raises(ConstraintError):
        push_lead(store, analyst, LEAD, officer="officer_n")
    lead = store.read_one(
        "MATCH (l:Lead {id: $id}) RETURN l.status AS status, COUNT { (l)-[:PUSHED_TO]->() } AS n",
        id=LEAD,
    )
    assert lead == {"status": "lead", "n": 0}
    assert [n.id for n in outbox.list_notifications(store)] == [taken.id]

    monkeypatch.undo()
    configure(monkeypatch, webhook="http://127.0.0.1:9/hook")
    with pytest.raises(UserError, match="no officer"):
        push_lead(store, analyst, LEAD, officer="nobody")  # no message about a push not made
    assert [n.id for n in outbox.list_notifications(store)] == [taken.id]
    push_lead(store, analyst, LEAD, officer="officer_n")
    assert [n.target for n in outbox.list_notifications(store, lead_id=LEAD)] == [
        "http://127.0.0.1:9/hook"
    ]


def test_a_webhook_without_a_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.core.errors import UserError

    configure(monkeypatch, webhook=f"http://{LOOPBACK}:9/hook", secret="")
    monkeypatch.delenv("LEADGRAPH_WEBHOOK_SECRET")
    with pytest.raises(UserError, match="SECRET"):
        notify.channels_from_settings()
    with pytest.raises(UserError, match="http"):
        notify.WebhookChannel("file:///etc/passwd", SECRET)


def test_the_email_masks_numbers_even_in_an_unmasked_payload() -> None:
    subject, body = notify.render_email(
        {"lead_id": "L-9", "title": TITLE, "score": 0.5, "note": NOTE, "url": PUBLIC_URL}
    )
    for number in RAW_NUMBERS:
        assert number not in subject + body
    assert "L-9" in body and "0.50" in subject
