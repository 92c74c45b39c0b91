from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.core.actor import Actor
from egov.geo.services import units_load


class Command(BaseCommand):
    help = "Load administrative units (63 provinces until 2025-06-30, 34 + 3,321 communes since)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = units_load(actor=Actor.system("geo_load"))
        if options["verbosity"] > 0:
            self.stdout.write(
                f"geo_load (vietnam-provinces {result.data_version}): units "
                f"{result.units_created} created, {result.units_updated} updated, "
                f"{result.units_unchanged} unchanged; lineage {result.lineage_created} created, "
                f"{result.lineage_updated} updated."
            )
