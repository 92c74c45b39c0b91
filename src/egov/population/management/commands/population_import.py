"""``manage.py population_import FILE``: bulk import of citizens (CSV or JSON Lines)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.core.actor import Actor
from egov.core.errors import DomainError
from egov.population.importer import CHUNK_ROWS, import_file


class Command(BaseCommand):
    help = (
        "Import citizens from a CSV or JSON Lines file (UTF-8). Rejected rows are listed with "
        "their line number and reason in FILE.errors.csv; re-importing a file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["csv", "jsonl"], default=None)
        parser.add_argument("--report", type=Path, default=None, help="Where to write rejects.")
        parser.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS)
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="PostgreSQL, large CSV files: database connections working at once "
            "(default 2; 1 = one connection).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        progress = not options["no_progress"] and sys.stderr.isatty()
        try:
            result = import_file(
                actor=Actor.system("population_import"),
                path=path,
                report_path=options["report"],
                fmt=options["format"],
                chunk_rows=options["chunk_rows"],
                progress=progress,
                workers=options["workers"],
            )
        except DomainError as error:
            raise CommandError(error.render_message()) from error
        if options["verbosity"]:
            self.stdout.write(
                f"read {result.read}, inserted {result.inserted}, unchanged {result.unchanged}, "
                f"rejected {result.rejected} (report: {result.report_path})"
            )
