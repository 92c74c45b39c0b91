"""``manage.py dossiers_demo``: the demo dossiers (demo mode only; ``demo_load`` runs it)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.core.actor import Actor
from egov.dossiers.demo import SEED, demo_dossiers_ensure


class Command(BaseCommand):
    help = (
        "Create the demo dossiers (months of one-stop work at three agencies, every status) "
        "through the real services. Idempotent. Needs demo_load's accounts and population."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=SEED)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("Demo dossiers are created only with EGOV_DEMO=1.")
        started = time.monotonic()
        counts = demo_dossiers_ensure(actor=Actor.system("demo_load"), seed=options["seed"])
        if options["verbosity"]:
            self.stdout.write(
                f"Demo dossiers: {counts['made']} made, {counts['present']} already there, "
                f"{counts['failed']} failed, {counts['future']} not due yet "
                f"({time.monotonic() - started:.1f} s)."
            )
