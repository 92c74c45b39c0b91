from typing import Any

from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "egov.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        checks.register(shared_cache_check, checks.Tags.caches, deploy=True)


def shared_cache_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A deployment (``check --deploy``) whose cache is each process's own memory: its rate
    limits count per process (N worker processes allow N times the limit) and a change to a
    cached lookup reaches the other processes only when their entries expire."""
    from django.conf import settings

    backend = str(settings.CACHES["default"]["BACKEND"])
    if backend.endswith("LocMemCache") and not settings.DEMO:
        return [
            checks.Warning(
                "The cache is each process's own memory: with several worker processes every "
                "rate limit counts per process.",
                hint="Set EGOV_CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/0.",
                id="core.W001",
            )
        ]
    return []
