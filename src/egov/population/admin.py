"""Read-only admin for the population module's reference data and import runs.

Citizens, residences and their history are deliberately NOT in the Django admin: personal data
is read only through the audited back office (population officers, jurisdiction-scoped) and the
selectors, each read with a purpose.
"""

from __future__ import annotations

from django.contrib import admin

from egov.core.admin import ReadOnlyAdmin
from egov.population.models import Ethnicity, ImportRun


@admin.register(Ethnicity)
class EthnicityAdmin(ReadOnlyAdmin[Ethnicity]):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    ordering = ("code",)


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin[ImportRun]):
    list_display = ("id", "source", "started_at", "finished_at", "read", "inserted", "unchanged",
                    "rejected")  # fmt: skip
    ordering = ("-id",)
