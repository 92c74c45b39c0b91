"""``manage.py population_demo``: the demo citizens and 10,000 synthetic ones. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.core.actor import Actor
from egov.population.demo import DEMO_COUNT, DEMO_SEED, demo_population_ensure


class Command(BaseCommand):
    help = "Load the fixed demo citizens and a synthetic population (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=DEMO_COUNT)
        parser.add_argument("--seed", type=int, default=DEMO_SEED)

    def handle(self, *args: Any, **options: Any) -> None:
        created, result = demo_population_ensure(
            actor=Actor.system("demo_load"), count=options["count"], seed=options["seed"]
        )
        if options["verbosity"]:
            self.stdout.write(
                f"Population: {created} demo citizens created; synthetic: inserted "
                f"{result.inserted}, unchanged {result.unchanged}, rejected {result.rejected}."
            )
