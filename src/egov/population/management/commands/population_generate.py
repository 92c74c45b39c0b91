"""``manage.py population_generate --count N --seed S``: a synthetic population."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.core.actor import Actor
from egov.core.errors import DomainError
from egov.population.generator import generate_into_database, write_file


class Command(BaseCommand):
    help = (
        "Generate synthetic citizens (households, Vietnamese names, valid PINs) into the "
        "database, or into a CSV/JSON Lines file with --output. Same seed, same people."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--output", type=Path, default=None, help="A .csv or .jsonl file.")

    def handle(self, *args: Any, **options: Any) -> None:
        count, seed = options["count"], options["seed"]
        try:
            if options["output"]:
                write_file(path=options["output"], count=count, seed=seed)
                if options["verbosity"]:
                    self.stdout.write(f"wrote {count} citizens to {options['output']}")
                return
            result = generate_into_database(
                actor=Actor.system("population_generate"), count=count, seed=seed
            )
        except DomainError as error:
            raise CommandError(error.render_message()) from error
        if options["verbosity"]:
            self.stdout.write(
                f"generated {result.read}: inserted {result.inserted}, "
                f"unchanged {result.unchanged}, rejected {result.rejected}"
            )
