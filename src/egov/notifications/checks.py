"""``manage.py check``: every configured channel has a plugin."""

from __future__ import annotations

from typing import Any

from django.core import checks

from egov.notifications import registry


def channels_known(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    unknown = [n for n in registry.configured_channels() if n not in registry.channel_names()]
    if not unknown:
        return []
    return [
        checks.Error(
            f"EGOV_NOTIFY_CHANNELS names channels without a plugin: {', '.join(unknown)}",
            hint=f"Known channels: {', '.join(registry.channel_names())}.",
            id="notifications.E001",
        )
    ]


def register() -> None:
    checks.register(channels_known, "notifications")
