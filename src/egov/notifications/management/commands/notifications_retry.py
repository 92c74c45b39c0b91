from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.core.actor import Actor
from egov.notifications.services import deliveries_retry


class Command(BaseCommand):
    help = (
        "Send again the notification deliveries that are queued or failed (sent ones never "
        "again). Safe to run from cron at any interval, also while the portal sends."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=1000)
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=None,
            help="Attempts after which a failed delivery is left alone "
            "(default EGOV_NOTIFY_MAX_ATTEMPTS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = deliveries_retry(
            actor=Actor.system("notifications_retry"),
            max_attempts=options["max_attempts"],
            limit=options["limit"],
        )
        self.stdout.write(
            f"sent {report.sent}, failed {report.failed}, skipped {report.skipped}, "
            f"given up {report.given_up}"
        )
