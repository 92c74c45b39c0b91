"""Delivery of one-time codes: a small plugin registry until the notifications module exists.

A plugin sends one ``OutgoingMessage`` (SMS or e-mail) and never logs its body. The ``demo``
plugin writes each message as a JSON file under ``<EGOV_VAR_DIR>/outbox/`` so that a demo user can
read the code (the portal's demo outbox page shows the messages of the current session only).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import structlog
from django.conf import settings

from egov.core import clock

log = structlog.get_logger(__name__)

_MESSAGE_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class OutgoingMessage:
    message_id: str
    channel: str  # "sms" or "email"
    to: str
    subject: str
    body: str
    created_at: str = ""


class DeliveryPlugin(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> None: ...


_REGISTRY: dict[str, DeliveryPlugin] = {}


def register(plugin: DeliveryPlugin) -> None:
    _REGISTRY[plugin.name] = plugin


def plugin_get(name: str | None = None) -> DeliveryPlugin:
    key = name or settings.IDENTITY_DELIVERY_PLUGIN
    if key not in _REGISTRY:
        raise LookupError(f"Unknown code delivery plugin: {key}")
    return _REGISTRY[key]


def deliver(message: OutgoingMessage) -> None:
    plugin = plugin_get()
    plugin.send(message)
    # The log line says that a message went out, never to whom or with which code.
    log.info(
        "code_message_sent", plugin=plugin.name, channel=message.channel, id=message.message_id
    )


def outbox_dir() -> Path:
    return Path(settings.VAR_DIR) / "outbox"


class DemoPlugin:
    """Writes the message to ``<EGOV_VAR_DIR>/outbox/<id>.json`` (demo and tests)."""

    name = "demo"

    def send(self, message: OutgoingMessage) -> None:
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        data = asdict(message) | {"created_at": clock.now().isoformat()}
        path = folder / f"{message.message_id}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def outbox_read(message_ids: list[str]) -> list[OutgoingMessage]:
    """Messages of the demo outbox with the given ids (newest first); unknown ids are skipped."""
    found = []
    for message_id in message_ids:
        if not _MESSAGE_ID.match(message_id):
            continue
        path = outbox_dir() / f"{message_id}.json"
        if path.exists():
            found.append(OutgoingMessage(**json.loads(path.read_text(encoding="utf-8"))))
    return sorted(found, key=lambda m: m.created_at, reverse=True)


register(DemoPlugin())
