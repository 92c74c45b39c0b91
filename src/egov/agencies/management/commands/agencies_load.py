from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.agencies.services import agencies_load
from egov.core.actor import Actor


class Command(BaseCommand):
    help = "Load the reference agencies (ministries, provincial People's Committees, examples)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = agencies_load(actor=Actor.system("agencies_load"))
        if options["verbosity"] > 0:
            self.stdout.write(
                f"agencies_load (data {result.data_version}): {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged."
            )
