from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.exchange.selectors import log_verify


class Command(BaseCommand):
    help = "Recompute the message log's hash chains and report the first broken row."

    def handle(self, *args: Any, **options: Any) -> None:
        result = log_verify()
        if result.ok:
            self.stdout.write(f"OK: {result.checked} message log row(s) verified, chains intact.")
            return
        where = f"row id {result.broken_id}" if result.broken_id else "chain tail"
        raise CommandError(
            f"BROKEN: chain '{result.chain}' at {where} (seq {result.broken_seq}): "
            f"{result.reason}. {result.checked} row(s) checked."
        )
