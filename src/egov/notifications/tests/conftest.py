from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from egov.notifications import registry
from egov.notifications.registry import ChannelError, Contact
from egov.notifications.services import template_register

# Wording that already has a Vietnamese translation (web catalogue), so rendering in vi is
# checked against real translations without adding test strings to a catalogue.
GREETING = "tests.greeting"
GREETING_SUBJECT = _("Officials of %(name)s")
GREETING_BODY = _("Apply to %(name)s (%(code)s).")
PLAIN = "tests.plain"


@pytest.fixture(autouse=True)
def _templates() -> None:
    template_register(GREETING, subject=GREETING_SUBJECT, body=GREETING_BODY)
    template_register(PLAIN, subject=_("Notifications"), body=_("You have no notifications."))


@pytest.fixture(autouse=True)
def _channels(settings: LazySettings, tmp_path: Any) -> None:
    settings.NOTIFY_CHANNELS = ["email"]
    settings.VAR_DIR = tmp_path
    settings.EGOV_PUBLIC_URL = "https://dichvucong.example.vn"


class FlakyChannel:
    """A test plugin: fails (with a safe message, or an unexpected exception) until told not to."""

    name = "flaky"
    contact = Contact.PHONE

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str, str]] = []
        self.error: Exception | None = ChannelError("gateway down")

    def send(self, address: str, subject: str, body: str, *, reference: str) -> None:
        if self.error is not None:
            raise self.error
        self.sent.append((address, subject, body, reference))


@pytest.fixture
def flaky(settings: LazySettings) -> Iterator[FlakyChannel]:
    channel = FlakyChannel()
    registry.register(channel)
    settings.NOTIFY_CHANNELS = ["flaky"]
    yield channel
    registry._CHANNELS.pop(channel.name, None)


def make_citizen(pin: str, *, email: str = "", phone: str = "", active: bool = True) -> Any:
    return get_user_model().objects.create_user(
        username=pin, pin=pin, kind="citizen", assurance_level=1, email=email, phone=phone,
        full_name="Công dân", is_active=active,
    )  # fmt: skip


@pytest.fixture
def an(db: None) -> Any:
    return make_citizen("079090001234", email="an@example.vn", phone="0912345678")


@pytest.fixture
def binh(db: None) -> Any:
    return make_citizen("001192005678", phone="0987654321")
