"""Expire unpaid payment orders past their expiry (cron, e.g. every 15 minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.core.actor import Actor
from egov.payments import services


class Command(BaseCommand):
    help = "Expire unpaid payment orders past their expiry."

    def handle(self, *args: Any, **options: Any) -> None:
        done = services.orders_expire(actor=Actor.system("payments_expire"))
        if options["verbosity"]:
            self.stdout.write(f"{done} payment orders expired")
