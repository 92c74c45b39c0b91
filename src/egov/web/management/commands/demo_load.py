"""Load the demo: reference data and demo accounts. Idempotent; ``make run`` calls it each time."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from egov.core.actor import Actor
from egov.identity.services import operator_account_ensure

DEMO_ACCOUNTS = [
    ("operator", "Platform operator: Django admin at /admin/ (units, agencies, calendar, audit)"),
]


class Command(BaseCommand):
    help = "Load reference data (units, agencies) and, in demo mode, the demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("geo_load", verbosity=verbosity)
        call_command("agencies_load", verbosity=verbosity)
        if not settings.DEMO:
            raise CommandError(
                "Reference data loaded. Demo accounts are created only with EGOV_DEMO=1."
            )
        actor = Actor.system("demo_load")
        for username, _role in DEMO_ACCOUNTS:
            operator_account_ensure(
                actor=actor, username=username, password=settings.EGOV_DEMO_PASSWORD
            )
        if verbosity:
            self.stdout.write("")
            self.stdout.write(f"Demo accounts (password: {settings.EGOV_DEMO_PASSWORD}):")
            for username, role in DEMO_ACCOUNTS:
                self.stdout.write(f"  {username:<12} {role}")
            self.stdout.write("")
            self.stdout.write("Portal: http://127.0.0.1:8000/   English: http://127.0.0.1:8000/en/")
