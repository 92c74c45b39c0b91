"""The built-in channel plugins (see ``registry.py`` for the contract)."""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from django.conf import settings
from django.core.mail import send_mail

from egov.core import clock
from egov.notifications.registry import Channel, ChannelError, Contact

log = structlog.get_logger(__name__)


class ConsoleChannel:
    """Writes one log line per message: the delivery reference only, never the address or the
    text (log collectors must not receive personal data). For development and smoke tests; to
    read what was sent in a demo, use ``file``."""

    name = "console"
    contact = Contact.ACCOUNT

    def send(self, address: str, subject: str, body: str, *, reference: str) -> None:
        log.info("notification_console_message", delivery_id=reference, channel=self.name)


def outbox_file() -> Path:
    return Path(settings.VAR_DIR) / "outbox" / "notifications.jsonl"


class FileChannel:
    """Demo: appends each message as one JSON line to ``<EGOV_VAR_DIR>/outbox/notifications.jsonl``
    (``reference``, ``recipient`` = account public id, ``subject``, ``body``, ``written_at``), so a
    person trying the demo can read what the platform sent."""

    name = "file"
    contact = Contact.ACCOUNT

    def send(self, address: str, subject: str, body: str, *, reference: str) -> None:
        path = outbox_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "reference": reference,
            "recipient": address,
            "subject": subject,
            "body": body,
            "written_at": clock.now().isoformat(),
        }
        with path.open("a", encoding="utf-8") as outbox:
            outbox.write(json.dumps(line, ensure_ascii=False) + "\n")


class EmailChannel:
    """E-mail through Django's ``send_mail``: the ``EMAIL_*`` settings (env ``EGOV_EMAIL_*``)
    choose the SMTP server and the sender address."""

    name = "email"
    contact = Contact.EMAIL

    def send(self, address: str, subject: str, body: str, *, reference: str) -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:
            # SMTP errors can quote the address: keep only the kind of failure.
            raise ChannelError(f"e-mail not accepted: {type(exc).__name__}") from exc


@dataclass(frozen=True)
class SmsGatewayOptions:
    """Typed options of the SMS gateway plugin (env ``EGOV_NOTIFY_SMS_*``)."""

    url: str
    token: str = ""
    sender: str = ""
    timeout_seconds: int = 10

    @classmethod
    def from_settings(cls) -> SmsGatewayOptions:
        return cls(
            url=settings.NOTIFY_SMS_URL,
            token=settings.NOTIFY_SMS_TOKEN,
            sender=settings.NOTIFY_SMS_SENDER,
            timeout_seconds=settings.NOTIFY_SMS_TIMEOUT_SECONDS,
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A gateway that redirects has not accepted the message: fail instead of re-posting."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class SmsGatewayChannel:
    """SMS through an HTTP gateway. The contract (documented in README.md)::

        POST <url>
        Authorization: Bearer <token>          (when a token is set)
        Content-Type: application/json
        {"to": "<phone>", "text": "<body>", "reference": "<delivery id>", "sender": "<sender>"}

    Any 2xx answer means accepted; anything else, a redirect, a network error or a timeout is a
    failure (retried later). ``reference`` is the same on every retry of one delivery, so the
    gateway can drop a duplicate. The subject is not sent: SMS bodies must stand alone.
    """

    name = "sms"
    contact = Contact.PHONE

    def __init__(self, options: SmsGatewayOptions | None = None) -> None:
        self._options = options

    @property
    def options(self) -> SmsGatewayOptions:
        return self._options or SmsGatewayOptions.from_settings()

    def send(self, address: str, subject: str, body: str, *, reference: str) -> None:
        options = self.options
        if not options.url.startswith(("https://", "http://")):
            raise ChannelError("SMS gateway URL is not configured (EGOV_NOTIFY_SMS_URL)")
        payload = {"to": address, "text": body, "reference": reference, "sender": options.sender}
        headers = {"Content-Type": "application/json"}
        if options.token:
            headers["Authorization"] = f"Bearer {options.token}"
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            options.url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers=headers,
            method="POST",
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=options.timeout_seconds) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise ChannelError(f"SMS gateway answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ChannelError(f"SMS gateway unreachable: {type(reason).__name__}") from exc
        if not 200 <= status < 300:
            raise ChannelError(f"SMS gateway answered HTTP {status}")


def builtin_channels() -> list[Channel]:
    return [ConsoleChannel(), FileChannel(), EmailChannel(), SmsGatewayChannel()]
