from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.conf.env import env


class Command(BaseCommand):
    help = "Print every environment variable the platform reads, as Markdown."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(env.markdown(), ending="")
