from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from egov.audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin[AuditRecord]):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
