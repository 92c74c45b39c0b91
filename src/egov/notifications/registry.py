"""Channel plugins: how a notification leaves the platform besides the portal (in-app).

A channel is an object with a ``name``, the ``contact`` it needs from the account (its e-mail
address, its phone number, or just the account's public id) and
``send(address, subject, body, *, reference)``. ``reference`` is the delivery's public id: log it
instead of the address, and pass it on to gateways as an idempotency key. ``send`` returns when
the provider accepted the message and raises otherwise; a ``ChannelError`` carries a message that
is safe to store (no address, no text), any other exception is stored by its class name only.

Built-in plugins (``plugins.py``): ``console``, ``file`` (demo), ``email``, ``sms``. Another
plugin registers with ``register(MyChannel())`` in its app's ``ready``. Which channels are used
is ``settings.NOTIFY_CHANNELS`` (env ``EGOV_NOTIFY_CHANNELS``); a name without a plugin fails
``manage.py check``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from django.conf import settings


class Contact(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    ACCOUNT = "account"  # the account's public id: channels that need no address


class ChannelError(Exception):
    """A send failed; the message names the failure without personal data (stored as is)."""


class Channel(Protocol):
    name: str
    contact: Contact

    def send(self, address: str, subject: str, body: str, *, reference: str) -> None: ...


_CHANNELS: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    _CHANNELS[channel.name] = channel


def channel_get(name: str) -> Channel:
    try:
        return _CHANNELS[name]
    except KeyError:
        raise LookupError(f"No notification channel plugin named {name!r}") from None


def channel_names() -> list[str]:
    return sorted(_CHANNELS)


def configured_channels() -> list[str]:
    """The external channels in use (``EGOV_NOTIFY_CHANNELS``), in order, without repeats."""
    return list(dict.fromkeys(settings.NOTIFY_CHANNELS))


def register_builtins() -> None:
    from egov.notifications import plugins

    for channel in plugins.builtin_channels():
        register(channel)
