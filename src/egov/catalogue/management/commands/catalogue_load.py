from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.catalogue.services import catalogue_load
from egov.core.actor import Actor


class Command(BaseCommand):
    help = "Load the seed catalogue of administrative procedures (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = catalogue_load(actor=Actor.system("catalogue_load"))
        if options["verbosity"] > 0:
            self.stdout.write(
                f"catalogue_load (data {result.data_version}): {result.procedures_created} "
                f"procedures, {result.sectors_created} sectors, {result.offerings_created} "
                f"offerings created; {result.unchanged} procedures already present."
            )
