from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.core.actor import Actor
from egov.exchange.services import log_purge


class Command(BaseCommand):
    help = (
        "Remove message log rows older than EGOV_EXCHANGE_LOG_RETENTION_DAYS (the chains stay "
        "verifiable) and stored answers older than EGOV_EXCHANGE_REPLAY_HOURS."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = log_purge(actor=Actor.system("exchange_purge"))
        self.stdout.write(
            f"exchange: {counts['messages']} log row(s) and {counts['answers']} stored "
            "answer(s) removed."
        )
