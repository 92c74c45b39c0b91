"""The built-in channel plugins: file, e-mail (Django's mail outbox), SMS gateway (a local fake
gateway over HTTP), console."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import structlog
from django.conf import LazySettings
from django.core import mail

from egov.notifications import plugins
from egov.notifications.plugins import SmsGatewayChannel, SmsGatewayOptions
from egov.notifications.registry import ChannelError, channel_get, channel_names

REF = "5f0c6a52-7b1e-4d1c-9d55-0a4c1e2b3c4d"


def test_builtins_are_registered() -> None:
    assert channel_names() >= ["console", "email", "file", "sms"]
    assert [channel_get(n).contact for n in ("console", "email", "file", "sms")] == [
        "account", "email", "account", "phone",
    ]  # fmt: skip


def test_file_appends_one_json_line_per_message(settings: LazySettings) -> None:
    channel = channel_get("file")
    channel.send("acc-1", "Chủ đề", "Nội dung\ndòng 2", reference=REF)
    channel.send("acc-2", "Second", "Body", reference="other")
    lines = plugins.outbox_file().read_text(encoding="utf-8").splitlines()
    assert plugins.outbox_file() == settings.VAR_DIR / "outbox" / "notifications.jsonl"
    first = json.loads(lines[0])
    assert len(lines) == 2
    assert {k: first[k] for k in ("reference", "recipient", "subject", "body")} == {
        "reference": REF, "recipient": "acc-1", "subject": "Chủ đề", "body": "Nội dung\ndòng 2",
    }  # fmt: skip
    assert json.loads(lines[1])["reference"] == "other"


def test_email_uses_django_mail(settings: LazySettings) -> None:
    settings.DEFAULT_FROM_EMAIL = "no-reply@dichvucong.example.vn"
    channel_get("email").send("an@example.vn", "Subject", "Body", reference=REF)
    (message,) = mail.outbox
    assert (message.to, message.from_email, message.subject, message.body) == (
        ["an@example.vn"], "no-reply@dichvucong.example.vn", "Subject", "Body",
    )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_email_failure_names_the_kind_not_the_address(settings: LazySettings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()
    with pytest.raises(ChannelError) as failure:
        channel_get("email").send("an@example.vn", "Subject", "Body", reference=REF)
    assert str(failure.value) == "e-mail not accepted: ConnectionRefusedError"


class FakeGateway:
    """A local SMS gateway: records each POST and answers with ``status``."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.status = 202
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                gateway.requests.append((self.path, dict(self.headers), body))
                self.send_response(gateway.status)
                if gateway.status == 302:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway()
    yield fake
    fake.close()


def test_sms_posts_the_documented_json(gateway: FakeGateway, settings: LazySettings) -> None:
    settings.NOTIFY_SMS_URL = gateway.url
    settings.NOTIFY_SMS_TOKEN = "s3cret"
    settings.NOTIFY_SMS_SENDER = "DICHVUCONG"
    channel_get("sms").send("0912345678", "Subject", "Hồ sơ đã được tiếp nhận.", reference=REF)
    ((path, headers, body),) = gateway.requests
    assert path == "/v1/messages"
    assert headers["Authorization"] == "Bearer s3cret"
    assert headers["Content-Type"] == "application/json"
    assert body == {
        "to": "0912345678", "text": "Hồ sơ đã được tiếp nhận.", "reference": REF,
        "sender": "DICHVUCONG",
    }  # fmt: skip


@pytest.mark.parametrize(("status", "error"), [(500, "HTTP 500"), (302, "HTTP 302")])
def test_sms_refusals_and_redirects_fail(gateway: FakeGateway, status: int, error: str) -> None:
    gateway.status = status
    channel = SmsGatewayChannel(SmsGatewayOptions(url=gateway.url))
    with pytest.raises(ChannelError) as failure:
        channel.send("0912345678", "", "text", reference=REF)
    assert str(failure.value) == f"SMS gateway answered {error}"
    assert len(gateway.requests) == 1
    assert "Authorization" not in gateway.requests[0][1]  # no token configured


def test_sms_unreachable_or_unconfigured() -> None:
    down = SmsGatewayChannel(
        SmsGatewayOptions(url=f"http://127.0.0.1:{_free_port()}/", timeout_seconds=2)
    )
    with pytest.raises(ChannelError, match=r"^SMS gateway unreachable: ConnectionRefusedError$"):
        down.send("0912345678", "", "text", reference=REF)
    for url in ("", "file:///etc/passwd"):
        with pytest.raises(ChannelError, match="not configured"):
            SmsGatewayChannel(SmsGatewayOptions(url=url)).send("09", "", "t", reference=REF)


def test_console_logs_the_reference_only() -> None:
    with structlog.testing.capture_logs() as logs:
        channel_get("console").send("an@example.vn", "Subject", "Secret body", reference=REF)
    assert logs == [
        {"event": "notification_console_message", "delivery_id": REF, "channel": "console",
         "log_level": "info"},
    ]  # fmt: skip
