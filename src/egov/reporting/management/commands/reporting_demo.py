"""Demo report regime and submissions (demo mode only; idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from egov.core.actor import Actor
from egov.reporting.demo import demo_reports_ensure


class Command(BaseCommand):
    help = "Load the demo report regime and its submissions (EGOV_DEMO=1 only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("Demo reports are made only with EGOV_DEMO=1.")
        made = demo_reports_ensure(actor=Actor.system("reporting_demo"))
        if options["verbosity"]:
            self.stdout.write(f"Demo report submissions made: {made}.")
