from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.core.actor import Actor
from egov.notifications.services import notifications_purge


class Command(BaseCommand):
    help = "Delete notifications (and their deliveries) older than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Default: EGOV_NOTIFY_RETENTION_DAYS."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = notifications_purge(
            actor=Actor.system("notifications_purge"), older_than_days=options["days"]
        )
        self.stdout.write(f"deleted {count} notification(s)")
