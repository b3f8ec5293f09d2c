"""Telling the world outside the workbench about a push: a signed webhook and an email.

The graph layer queues one notification per configured channel when a lead is pushed
(:func:`graph.workflow.outbox.push_notifications`, written by :func:`graph.workflow.lifecycle.push_lead` in the
push's own transaction); this module sends them. A channel is anything with a ``name`` and a
``send(notification)`` that returns when the message was accepted and raises otherwise
(:class:`Channel`), so a new channel — an SMS gateway, a police messaging system — plugs in
beside :class:`WebhookChannel` and :class:`EmailChannel` without touching the outbox.

:func:`deliver_due` sends every due notification once and records each outcome; a failure is
retried later with exponential backoff (``LEADGRAPH_NOTIFY_BACKOFF_SECONDS``, doubling) until
``LEADGRAPH_NOTIFY_MAX_ATTEMPTS`` attempts have failed. ``leadgraph notify run`` calls it in a
loop; the workbench calls :func:`push_and_notify`, which pushes and tries the new messages once
at once (what fails stays queued for the loop).

The webhook body is the notification as canonical JSON (UTF-8). It carries

* ``X-LeadGraph-Timestamp``: Unix seconds when it was sent;
* ``X-LeadGraph-Signature``: ``sha256=`` and the hex HMAC-SHA256, keyed with
  ``LEADGRAPH_WEBHOOK_SECRET``, of ``<timestamp>.<body>`` — so a receiver that checks the
  signature and refuses old timestamps (:func:`verify_signature`) cannot be fed a replay;
* ``X-LeadGraph-Delivery``: the notification id, the same on every retry (deduplicate on it).

A webhook is signed only with the secret it was queued under (its ``key_id``,
:func:`graph.workflow.outbox.secret_id`): when the sender's secret is another one,
:meth:`WebhookChannel.send` raises :class:`SecretChanged` before signing, and :func:`deliver_due`
holds the notification (``held``) for an admin to re-queue (``leadgraph notify retry``, audited).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol
from urllib.parse import urlsplit

from graph.core import settings as settings_module
from graph.core.errors import UserError
from graph.db.store import GraphStore
from graph.values.masking import mask_text
from graph.workflow import lifecycle, outbox
from graph.workflow.auth import Principal
from graph.workflow.outbox import Notification

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-LeadGraph-Signature"
TIMESTAMP_HEADER = "X-LeadGraph-Timestamp"
DELIVERY_HEADER = "X-LeadGraph-Delivery"
REPLAY_TOLERANCE_SECONDS = 300


class SecretChanged(Exception):
    """A notification was queued under another signing secret than the channel's: it is held,
    not signed with this one."""


class Channel(Protocol):
    """Where a notification goes. ``send`` returns once the message was accepted, and raises
    (anything) when it was not; the error's text is recorded and the message retried."""

    name: str

    def send(self, notification: Notification) -> None: ...


# --- webhook ------------------------------------------------------------------------------------


def webhook_body(notification: Notification) -> bytes:
    """The exact bytes POSTed: the payload and the notification id as canonical JSON."""
    document = {"id": notification.id, **notification.payload}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` + hex HMAC-SHA256 of ``<timestamp>.<body>``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    body: bytes,
    timestamp: str,
    signature: str,
    *,
    now: float | None = None,
    tolerance: float = REPLAY_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver checks: the signature matches (in constant time) and the timestamp is
    within ``tolerance`` seconds of ``now`` (so a captured request cannot be replayed later)."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature or "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failed delivery: following it would resend the body somewhere else."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class WebhookChannel:
    """POST each notification as signed JSON to one URL; any 2xx answer is a delivery."""

    name = "webhook"

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UserError(f"LEADGRAPH_WEBHOOK_URL {url!r} must be an http or https URL")
        if not secret:
            raise UserError("LEADGRAPH_WEBHOOK_URL is set but LEADGRAPH_WEBHOOK_SECRET is not")
        self.url, self.secret, self.timeout, self.clock = url, secret, timeout, clock
        self.key_id = outbox.secret_id(secret)
        self._opener = urllib.request.build_opener(_NoRedirect)

    def send(self, notification: Notification) -> None:
        if notification.key_id != self.key_id:
            queued = (
                f"secret {notification.key_id}" if notification.key_id else "no recorded secret"
            )
            raise SecretChanged(
                f"the webhook secret changed since this notification was queued ({queued}, now "
                f"{self.key_id}); held unsent until an admin re-queues it (leadgraph notify retry)"
            )
        body = webhook_body(notification)
        timestamp = str(int(self.clock()))
        request = urllib.request.Request(
            notification.target or self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "LeadGraph-notify/1",
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: sign(self.secret, timestamp, body),
                DELIVERY_HEADER: notification.id,
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"webhook answered HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise RuntimeError(f"webhook unreachable: {reason}") from None
        if not 200 <= status < 300:
            raise RuntimeError(f"webhook answered HTTP {status}")


# --- email --------------------------------------------------------------------------------------


def render_email(payload: Mapping[str, Any]) -> tuple[str, str]:
    """Subject and plain-text body, Chinese then English. Only the lead id, title, score, note,
    who pushed it to whom, when, and the link; free texts are masked once more here, so a phone
    or ID number typed into a title or note never reaches a mailbox."""
    if payload.get("event") == "watch.update":
        return render_watch_email(payload)
    if str(payload.get("event") or "").startswith("alert."):
        return render_alert_email(payload)
    title = mask_text(str(payload.get("title") or ""))[0]
    note = mask_text(str(payload.get("note") or ""))[0] or "—"
    score = payload.get("score")
    score_text = f"{score:.2f}" if isinstance(score, int | float) else "—"
    lead_id = payload.get("lead_id", "")
    pushed_by = payload.get("pushed_by", "")
    pushed_to = payload.get("pushed_to", "")
    pushed_at = payload.get("pushed_at", "")
    url = payload.get("url", "")
    subject = f"[LeadGraph] 新线索推送 / New lead pushed: {title or lead_id} ({score_text})"
    body = "\n".join(
        [
            "您收到一条新推送的线索。",
            "",
            f"线索编号：{lead_id}",
            f"标题：{title}",
            f"评分：{score_text}",
            f"推送人：{pushed_by}",
            f"推送给：{pushed_to}",
            f"推送时间：{pushed_at}",
            f"备注：{note}",
            "",
            f"请登录工作台查看证据与关系图：{url}",
            "",
            "—",
            "",
            "A lead has been pushed to you.",
            "",
            f"Lead:      {lead_id}",
            f"Title:     {title}",
            f"Score:     {score_text}",
            f"Pushed by: {pushed_by}",
            f"Pushed to: {pushed_to}",
            f"Pushed at: {pushed_at}",
            f"Note:      {note}",
            "",
            f"Sign in to the workbench for the evidence and the link chart: {url}",
            "",
            "本邮件由 LeadGraph 自动发送，不含电话号码或身份证号。",
            "Sent by LeadGraph; it holds no phone or ID numbers.",
        ]
    )
    return subject, body + "\n"


def render_watch_email(payload: Mapping[str, Any]) -> tuple[str, str]:
    """Subject and body of a watch's update (:func:`graph.workflow.watch.watch_payload`): which
    watch, which submission, how much changed, and the link; the target masked once more."""
    target = mask_text(str(payload.get("target") or payload.get("target_type") or ""))[0]
    counts = (
        f"{payload.get('entities', 0)} / {payload.get('statements', 0)} / {payload.get('links', 0)}"
    )
    subject = f"[LeadGraph] 关注动态 / Watch update: {target}"
    body = "\n".join(
        [
            f"您关注的{target}有新情况（主体 / 陈述 / 关系：{counts}）。",
            f"提交：{payload.get('submission', '')}（{payload.get('landed_at', '')}）",
            f"请登录工作台查看：{payload.get('url', '')}",
            "",
            f"Something you watch ({target}) has new facts (entities / statements / links: {counts}).",
            f"Submission: {payload.get('submission', '')} ({payload.get('landed_at', '')})",
            f"Sign in to the workbench to read them: {payload.get('url', '')}",
        ]
    )
    return subject, body + "\n"


ALERT_SUBJECTS = {
    "candidate": ("新候选线索超过阈值", "New candidate over the threshold"),
    "evidence": ("已推送线索有新证据", "New evidence on a pushed lead"),
}


def render_alert_email(payload: Mapping[str, Any]) -> tuple[str, str]:
    """Subject and body of an alert (:func:`graph.workflow.alerts.alert_payload`): its kind,
    the lead's id and score, the counts and the link — the payload holds no value to mask."""
    zh, en = ALERT_SUBJECTS.get(str(payload.get("kind")), ("提醒", "Alert"))
    lead_id = payload.get("lead_id", "")
    counts = payload.get("counts") or {}
    shown = ", ".join(
        f"{name} {value}" for name, value in sorted(counts.items()) if isinstance(value, int)
    )
    subject = f"[LeadGraph] {zh} / {en}: {lead_id}"
    body = "\n".join(
        [
            f"{zh}：{lead_id}（评分 {payload.get('score', '—')}；{shown}）",
            f"请登录工作台查看：{payload.get('url', '')}",
            "",
            f"{en}: {lead_id} (score {payload.get('score', '—')}; {shown})",
            f"Sign in to the workbench to read it: {payload.get('url', '')}",
        ]
    )
    return subject, body + "\n"


def recipients(target: str) -> list[str]:
    return [address.strip() for address in (target or "").split(",") if address.strip()]


class EmailChannel:
    """Send each notification as a bilingual plain-text mail through one SMTP server.

    TLS (STARTTLS, or implicit TLS with ``starttls="tls"`` or port 465) always verifies the
    server's certificate and host name, against the system CAs or ``ca_file``. A login is
    only ever sent over TLS: with a user set, a server that offers no STARTTLS (or
    ``starttls="never"``) fails the attempt before any AUTH command. Without a user, ``auto``
    still mails in plain text to a server that offers no STARTTLS (``always`` refuses)."""

    name = "email"

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        sender: str,
        user: str | None = None,
        password: str | None = None,
        starttls: str = "auto",
        ca_file: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        if starttls not in ("auto", "always", "never", "tls"):
            raise ValueError(f"starttls must be auto, always, never or tls, not {starttls!r}")
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout
        self.ca_file = ca_file

    @property
    def implicit_tls(self) -> bool:
        return self.starttls == "tls" or (self.starttls == "auto" and self.port == 465)

    def tls_context(self) -> ssl.SSLContext:
        """A client context that checks the certificate chain and the host name."""
        context = ssl.create_default_context(cafile=self.ca_file)
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
        return context

    def message(self, notification: Notification) -> EmailMessage:
        subject, body = render_email(notification.payload)
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(recipients(notification.target))
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = make_msgid(idstring=notification.id, domain="leadgraph")
        message["X-LeadGraph-Notification"] = notification.id
        message.set_content(body, charset="utf-8")
        return message

    def send(self, notification: Notification) -> None:
        to = recipients(notification.target)
        if not to:
            raise RuntimeError(
                "no recipient: the officer has no email and LEADGRAPH_SMTP_TO is not set"
            )
        message = self.message(notification)
        server = f"{self.host}:{self.port}"
        try:
            smtp = (
                smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=self.tls_context()
                )
                if self.implicit_tls
                else smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            )
        except ssl.SSLCertVerificationError as error:
            raise RuntimeError(
                f"SMTP server {server}: TLS certificate not verified: {error.verify_message or error}"
            ) from error
        with smtp:
            encrypted = self.implicit_tls
            if not encrypted:
                smtp.ehlo()
                if self.starttls != "never" and smtp.has_extn("starttls"):
                    try:
                        smtp.starttls(context=self.tls_context())
                    except ssl.SSLCertVerificationError as error:
                        raise RuntimeError(
                            f"SMTP server {server}: TLS certificate not verified: "
                            f"{error.verify_message or error}"
                        ) from error
                    smtp.ehlo()
                    encrypted = True
                elif self.starttls == "always":
                    raise RuntimeError(f"SMTP server {server} does not offer STARTTLS")
            if self.user:
                if not encrypted:
                    why = "STARTTLS is off" if self.starttls == "never" else "no STARTTLS offered"
                    raise RuntimeError(
                        f"SMTP server {server}: connection not encrypted ({why}); "
                        "the SMTP password is never sent in plain text"
                    )
                smtp.login(self.user, self.password or "")
            refused = smtp.send_message(message, from_addr=self.sender, to_addrs=to)
        if refused:
            raise RuntimeError(f"SMTP server refused {', '.join(sorted(refused))}")


# --- delivery -----------------------------------------------------------------------------------


def channels_from_settings(config: settings_module.Settings | None = None) -> dict[str, Channel]:
    """The configured channels by name: a webhook when ``LEADGRAPH_WEBHOOK_URL`` is set, an
    email channel when ``LEADGRAPH_SMTP_HOST`` is. Raises :class:`UserError` for a webhook
    without a secret (an unsigned webhook is never sent)."""
    config = config or settings_module.load()
    channels: dict[str, Channel] = {}
    if config.webhook_url:
        channels["webhook"] = WebhookChannel(
            config.webhook_url,
            config.webhook_secret or "",
            timeout=config.notify_timeout_seconds,
        )
    if config.smtp_host:
        channels["email"] = EmailChannel(
            config.smtp_host,
            config.smtp_port,
            sender=config.smtp_from,
            user=config.smtp_user,
            password=config.smtp_password,
            starttls=config.smtp_starttls,
            ca_file=config.smtp_ca_file,
            timeout=config.notify_timeout_seconds,
        )
    return channels


@dataclass
class DeliveryReport:
    """What one round of :func:`deliver_due` did; ``results`` has one entry a notification."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0  # leased by another sender
    held: int = 0  # queued under another webhook secret: waits for an admin
    results: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems before any sending (settings)

    @property
    def attempted(self) -> int:
        return self.delivered + self.retrying + self.failed

    @property
    def outcome(self) -> str:
        """What to tell the person who pushed: ``sent`` (every notification went out),
        ``queued`` (something failed or waits for a retry), or ``no_channel`` (no webhook or
        email is configured, so nothing was sent: the lead waits in the recipient's inbox)."""
        if self.errors or self.retrying or self.failed or self.skipped or self.held:
            return "queued"
        return "sent" if self.delivered else "no_channel"

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "attempted": self.attempted}


def _error_text(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def deliver_due(
    store: GraphStore,
    channels: Mapping[str, Channel],
    now: datetime | None = None,
    *,
    lead_id: str | None = None,
    limit: int = 100,
    config: settings_module.Settings | None = None,
) -> DeliveryReport:
    """Send every notification due at ``now`` (default: the clock) once and record each
    outcome: ``delivered``, or a failed attempt retried after a backoff, or ``failed`` after
    the last allowed attempt, or ``held`` (a webhook queued under another secret). A
    notification whose channel is not configured counts as a failed attempt, so that it ends
    up visible rather than waiting forever."""
    config = config or settings_module.load()
    moment = now or datetime.now(UTC)
    lease = 2 * config.notify_timeout_seconds + 60
    report = DeliveryReport()
    for notification in outbox.due(store, moment, lead_id=lead_id, limit=limit):
        if not outbox.claim(store, notification.id, moment, lease_seconds=lease):
            report.skipped += 1
            continue
        channel = channels.get(notification.channel)
        try:
            if channel is None:
                raise RuntimeError(f"the {notification.channel} channel is not configured")
            channel.send(notification)
        except SecretChanged as error:  # never signed with another secret: held for an admin
            after = outbox.hold(store, notification.id, str(error))
            log.warning("notification %s held: %s", after.id, error)
            report.held += 1
        except Exception as error:  # any failure of a channel is recorded and retried
            after = outbox.mark_failed_attempt(
                store,
                notification.id,
                _error_text(error),
                moment,
                max_attempts=config.notify_max_attempts,
                base_backoff=config.notify_backoff_seconds,
            )
            log.warning("notification %s (%s) failed: %s", after.id, after.channel, error)
            if after.status == "failed":
                report.failed += 1
            else:
                report.retrying += 1
        else:
            after = outbox.mark_delivered(store, notification.id, moment)
            report.delivered += 1
        report.results.append(
            {
                "id": after.id,
                "channel": after.channel,
                "lead_id": after.lead_id,
                "status": after.status,
                "attempts": after.attempts,
                "next_attempt_at": after.next_attempt_at,
                "error": after.last_error if after.status != "delivered" else None,
            }
        )
    return report


def notify_push(
    store: GraphStore,
    lead_id: str,
    *,
    channels: Mapping[str, Channel] | None = None,
    now: datetime | None = None,
    config: settings_module.Settings | None = None,
) -> DeliveryReport:
    """Try once, right away, to send the queued notifications of ``lead_id``. Never raises
    for a delivery problem: what fails stays queued for ``leadgraph notify run``."""
    config = config or settings_module.load()
    try:
        if channels is None:
            channels = channels_from_settings(config)
        return deliver_due(store, channels, now, lead_id=lead_id, config=config)
    except UserError as error:
        log.warning("notifications of lead %s stay queued: %s", lead_id, error)
        return DeliveryReport(errors=[str(error)])


def push_and_notify(
    store: GraphStore,
    principal: Principal,
    lead_id: str,
    *,
    officer: str | None = None,
    unit: str | None = None,
    note: str = "",
    channels: Mapping[str, Channel] | None = None,
    now: datetime | None = None,
) -> DeliveryReport:
    """What the workbench's push button does: push (checked, audited, notifications queued in
    the same call), then try to send the notifications once."""
    lifecycle.push_lead(store, principal, lead_id, officer=officer, unit=unit, note=note)
    return notify_push(store, lead_id, channels=channels, now=now)
