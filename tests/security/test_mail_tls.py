"""The email channel against an attacker's SMTP server (issue 15, point 5). Before, STARTTLS
took any certificate (a self-signed one for another host was accepted) and ``auto`` sent the
SMTP password in plain text to a server that offered no STARTTLS. Each test plays such a server
(aiosmtpd on loopback, certificates made here with ``cryptography``) and fails if the attack
works again.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Awaitable, Callable, Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from support import free_port

from graph.workflow import notify
from graph.workflow.outbox import Notification

LOOPBACK = "127.0.0.1"
USER, PASSWORD = "leadgraph-mailer", "s3cret-smtp-password"
ATTACKER_HOST = "mail.attacker.example"


# --- certificates -------------------------------------------------------------------------------

Key = ec.EllipticCurvePrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(subject: str, issuer: str, public_key: Any) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
    )


def _write(path: Path, key: Key, cert: x509.Certificate) -> tuple[Path, Path]:
    cert_file, key_file = path.with_suffix(".crt"), path.with_suffix(".key")
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def make_ca(folder: Path) -> tuple[Key, x509.Certificate, Path]:
    """A CA of the test's own; returns its key, certificate and the PEM file to trust."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        _builder("LeadGraph test CA", "LeadGraph test CA", key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, _ = _write(folder / "ca", key, cert)
    return key, cert, cert_file


def make_server_cert(
    folder: Path,
    names: list[str],
    *,
    ca: tuple[Key, x509.Certificate] | None = None,
) -> tuple[Path, Path]:
    """A server certificate for ``names`` (DNS names or IP addresses), signed by ``ca`` or
    self-signed; returns its certificate and key files."""
    key = ec.generate_private_key(ec.SECP256R1())
    issuer_key = ca[0] if ca else key
    alt_names: list[x509.GeneralName] = []
    for name in names:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt_names.append(x509.DNSName(name))
    issuer = ca[1].subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value if ca else names[0]
    builder = _builder(names[0], str(issuer), key.public_key())
    if ca:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca[0].public_key()),
            critical=False,
        )
    cert = (
        builder.add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(issuer_key, hashes.SHA256())
    )
    return _write(folder / f"server-{names[0]}", key, cert)


def server_context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


# --- the attacker's server ----------------------------------------------------------------------


class Mailbox:
    """aiosmtpd handler that records each message."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class RecordingSMTP(SMTP):
    """An SMTP server that writes down every command it receives (after TLS, decrypted)."""

    def __init__(self, *args: Any, commands: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for verb, method in list(self._smtp_methods.items()):
            self._smtp_methods[verb] = self._recorder(verb, method, commands)

    @staticmethod
    def _recorder(
        verb: str, method: Callable[[str], Awaitable[None]], commands: list[str]
    ) -> Callable[[str], Awaitable[None]]:
        async def record(arg: str) -> None:
            commands.append(verb)
            await method(arg)

        return record


class RecordingController(Controller):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.commands: list[str] = []
        super().__init__(*args, **kwargs)

    def factory(self) -> SMTP:
        return RecordingSMTP(self.handler, commands=self.commands, **self.SMTP_kwargs)


def accept_any_login(*_: Any) -> AuthResult:
    return AuthResult(success=True)


class Server:
    def __init__(self, controller: RecordingController, mailbox: Mailbox, port: int) -> None:
        self.controller, self.mailbox, self.port = controller, mailbox, port

    @property
    def commands(self) -> list[str]:
        return self.controller.commands


@pytest.fixture
def start_server() -> Iterator[Callable[..., Server]]:
    started: list[RecordingController] = []

    def start(
        *, starttls: ssl.SSLContext | None = None, implicit: ssl.SSLContext | None = None
    ) -> Server:
        mailbox, port = Mailbox(), free_port()
        controller = RecordingController(
            mailbox,
            hostname=LOOPBACK,
            port=port,
            tls_context=starttls,
            ssl_context=implicit,
            # the attacker offers AUTH even in plain text, so that a client would log in
            auth_require_tls=False,
            authenticator=accept_any_login,
        )
        controller.start()
        started.append(controller)
        return Server(controller, mailbox, port)

    yield start
    for controller in started:
        controller.stop()


def notification(target: str = "officer@leadgraph.test") -> Notification:
    return Notification(
        id="N-tls-1",
        channel="email",
        target=target,
        lead_id="L-1",
        payload={"lead_id": "L-1", "title": "test lead", "score": 0.5, "url": "http://x.test"},
        status="pending",
        attempts=0,
        next_attempt_at=None,
        last_error=None,
        created_at="2026-11-30T00:00:00Z",
        delivered_at=None,
    )


def channel(port: int, host: str = LOOPBACK, **kwargs: Any) -> notify.EmailChannel:
    kwargs.setdefault("user", USER)
    kwargs.setdefault("password", PASSWORD)
    return notify.EmailChannel(host, port, sender="leadgraph@leadgraph.test", timeout=5, **kwargs)


def refusal(email: notify.EmailChannel) -> str:
    """The reason the outbox records for a failed attempt."""
    with pytest.raises(Exception) as caught:
        email.send(notification())
    return notify._error_text(caught.value)


# --- (a) a certificate that does not prove the server ------------------------------------------


def test_a_self_signed_certificate_for_another_host_is_refused(
    tmp_path: Path, start_server: Callable[..., Server]
) -> None:
    cert, key = make_server_cert(tmp_path, [ATTACKER_HOST])
    server = start_server(starttls=server_context(cert, key))
    reason = refusal(channel(server.port))
    assert "certificate" in reason.lower(), reason
    assert server.mailbox.messages == []
    assert "AUTH" not in server.commands and "MAIL" not in server.commands


def test_a_trusted_ca_certificate_for_another_host_name_is_refused(
    tmp_path: Path, start_server: Callable[..., Server]
) -> None:
    ca_key, ca_cert, ca_file = make_ca(tmp_path)
    cert, key = make_server_cert(tmp_path, [ATTACKER_HOST], ca=(ca_key, ca_cert))
    server = start_server(starttls=server_context(cert, key))
    reason = refusal(channel(server.port, ca_file=str(ca_file)))
    assert "certificate" in reason.lower() and "127.0.0.1" in reason, reason
    assert server.mailbox.messages == []
    assert "AUTH" not in server.commands


# --- (b) no encryption, no password ------------------------------------------------------------


def test_no_starttls_offered_means_no_auth_and_a_recorded_reason(
    start_server: Callable[..., Server],
) -> None:
    server = start_server()
    reason = refusal(channel(server.port, starttls="auto"))
    assert "not encrypted" in reason and "no STARTTLS offered" in reason, reason
    assert PASSWORD not in reason
    assert "EHLO" in server.commands
    assert "AUTH" not in server.commands and "MAIL" not in server.commands
    assert server.mailbox.messages == []


def test_starttls_off_with_a_password_means_no_auth(
    tmp_path: Path, start_server: Callable[..., Server]
) -> None:
    ca_key, ca_cert, ca_file = make_ca(tmp_path)
    cert, key = make_server_cert(tmp_path, ["localhost", LOOPBACK], ca=(ca_key, ca_cert))
    server = start_server(starttls=server_context(cert, key))
    reason = refusal(channel(server.port, starttls="never", ca_file=str(ca_file)))
    assert "not encrypted" in reason and "STARTTLS is off" in reason, reason
    assert "AUTH" not in server.commands and "STARTTLS" not in server.commands
    assert server.mailbox.messages == []


def test_without_a_login_auto_still_mails_a_server_without_starttls(
    start_server: Callable[..., Server],
) -> None:
    server = start_server()
    channel(server.port, user=None, password=None).send(notification())
    assert len(server.mailbox.messages) == 1
    assert "AUTH" not in server.commands


# --- (c) a certificate from the installation's own CA ------------------------------------------


@pytest.mark.parametrize("host", [LOOPBACK, "localhost"])
def test_a_certificate_from_the_configured_ca_is_verified_and_the_mail_delivered(
    tmp_path: Path,
    start_server: Callable[..., Server],
    monkeypatch: pytest.MonkeyPatch,
    host: str,
) -> None:
    ca_key, ca_cert, ca_file = make_ca(tmp_path)
    cert, key = make_server_cert(tmp_path, ["localhost", LOOPBACK], ca=(ca_key, ca_cert))
    server = start_server(starttls=server_context(cert, key))
    monkeypatch.delenv("LEADGRAPH_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("LEADGRAPH_SMTP_HOST", host)
    monkeypatch.setenv("LEADGRAPH_SMTP_PORT", str(server.port))
    monkeypatch.setenv("LEADGRAPH_SMTP_USER", USER)
    monkeypatch.setenv("LEADGRAPH_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("LEADGRAPH_SMTP_STARTTLS", "auto")

    # the same server without the CA file: its CA is nobody's, the certificate is refused
    monkeypatch.delenv("LEADGRAPH_SMTP_CA_FILE", raising=False)
    email = notify.channels_from_settings()["email"]
    assert isinstance(email, notify.EmailChannel)
    assert "certificate" in refusal(email).lower()
    assert server.mailbox.messages == [] and "AUTH" not in server.commands

    monkeypatch.setenv("LEADGRAPH_SMTP_CA_FILE", str(ca_file))
    server.commands.clear()
    notify.channels_from_settings()["email"].send(notification())
    assert len(server.mailbox.messages) == 1
    assert server.commands.index("STARTTLS") < server.commands.index("AUTH")


def test_implicit_tls_verifies_with_the_configured_ca(
    tmp_path: Path, start_server: Callable[..., Server]
) -> None:
    ca_key, ca_cert, ca_file = make_ca(tmp_path)
    cert, key = make_server_cert(tmp_path, ["localhost", LOOPBACK], ca=(ca_key, ca_cert))
    server = start_server(implicit=server_context(cert, key))
    assert "certificate" in refusal(channel(server.port, starttls="tls")).lower()
    channel(server.port, starttls="tls", ca_file=str(ca_file)).send(notification())
    assert len(server.mailbox.messages) == 1
    assert "AUTH" in server.commands
