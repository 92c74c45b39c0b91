from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.catalogue.services import catalogue_generate
from egov.core.actor import Actor


class Command(BaseCommand):
    help = (
        "Add a synthetic catalogue (codes 9.NNNNNN) of --count procedures for benchmarks; the "
        "national catalogue has about 6,800. Never run it on a production database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=6800)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        created = catalogue_generate(
            actor=Actor.system("catalogue_generate"), count=options["count"], seed=options["seed"]
        )
        if options["verbosity"] > 0:
            self.stdout.write(f"catalogue_generate: {created} synthetic procedures created.")
