from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.core.actor import Actor
from egov.exchange.demo import exchange_demo_ensure


class Command(BaseCommand):
    help = "Demo data of the data sharing platform (needs demo_load's accounts). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        made = exchange_demo_ensure(actor=Actor.system("exchange_demo"))
        if options["verbosity"]:
            self.stdout.write(f"exchange demo: {made} exchange(s) made.")
