from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.audit.selectors import audit_verify


class Command(BaseCommand):
    help = "Recompute the audit hash chains and report the first broken record."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"OK: {result.checked} audit record(s) verified, chains intact.")
            return
        where = f"record id {result.broken_id}" if result.broken_id else "chain tail"
        raise CommandError(
            f"BROKEN: chain '{result.chain}' at {where} (seq {result.broken_seq}): "
            f"{result.reason}. {result.checked} record(s) checked."
        )
