from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.core.events import dispatch_pending


class Command(BaseCommand):
    help = "Dispatch outbox events that were not dispatched after their commit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        done = dispatch_pending(limit=options["limit"])
        self.stdout.write(f"dispatched {done} event(s)")
