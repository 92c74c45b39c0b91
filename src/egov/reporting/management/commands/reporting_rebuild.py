"""Recompute every reporting rollup from the source modules (dossier steps, ratings, payments)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.core.actor import Actor
from egov.reporting import services


class Command(BaseCommand):
    help = "Rebuild the reporting rollups from scratch (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.rollups_rebuild(actor=Actor.system("reporting_rebuild"))
        if options["verbosity"]:
            self.stdout.write(
                f"Rollups rebuilt: {result.rows} rows from {result.transitions} dossier steps, "
                f"{result.ratings} ratings and {result.payments} payments."
            )
