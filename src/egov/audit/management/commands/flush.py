"""``flush`` that may wipe the audit table too.

Django's ``flush`` empties every table (test teardown, development resets). The append-only
triggers would refuse that, so this command lifts them for the duration and restores them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from egov.audit.triggers import suspended


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        with suspended(connection):
            super().handle(**options)
