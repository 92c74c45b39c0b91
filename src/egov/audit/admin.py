from __future__ import annotations

from django.contrib import admin

from egov.audit.models import AuditRecord
from egov.core.admin import ReadOnlyAdmin


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin[AuditRecord]):
    list_display = (
        "occurred_at",
        "chain",
        "seq",
        "action",
        "subject_type",
        "subject_id",
        "actor_kind",
        "actor_id",
        "actor_agency",
    )
    list_filter = ("chain", "actor_kind", "action")
    search_fields = ("subject_id", "actor_id", "request_id", "action")
    ordering = ("-id",)
