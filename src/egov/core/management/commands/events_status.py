from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.core.events import backlog

# Exit codes in the Nagios/Icinga convention, so a monitor can run the command as a check.
OK, WARNING, CRITICAL = 0, 1, 2


class Command(BaseCommand):
    help = (
        "The outbox backlog: events not yet dispatched, events whose subscribers failed, and "
        "the age of the oldest pending one. Exit status 0 (ok), 1 (warning: failed events, or "
        "the oldest older than --warn) or 2 (critical: older than --critical), for a monitor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--warn", type=float, default=60.0, help="Seconds: warn when the oldest is older."
        )
        parser.add_argument(
            "--critical",
            type=float,
            default=600.0,
            help="Seconds: critical when the oldest pending event is older.",
        )
        parser.add_argument("--json", action="store_true", help="One JSON object on stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        state = backlog()
        age = state.oldest_age_seconds
        status = OK
        if state.failed or (age is not None and age > options["warn"]):
            status = WARNING
        if age is not None and age > options["critical"]:
            status = CRITICAL
        label = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL"}[status]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "status": label.lower(),
                        "pending": state.pending,
                        "failed": state.failed,
                        "oldest_age_seconds": None if age is None else round(age, 1),
                        "last_error": state.last_error,
                    }
                )
            )
        else:
            oldest = "none" if age is None else f"{age:.1f} s"
            self.stdout.write(
                f"{label}: {state.pending} pending event(s), {state.failed} failed, "
                f"oldest pending {oldest}"
                + (f"; last error: {state.last_error}" if state.last_error else "")
            )
        if status != OK:
            raise SystemExit(status)
