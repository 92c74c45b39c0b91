"""Read-only admin for agencies: the data comes from ``manage.py agencies_load`` (audited)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from egov.agencies.models import Agency
from egov.core.admin import ReadOnlyAdmin
from egov.core.text import fold


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin[Agency]):
    list_display = (
        "code",
        "name",
        "kind",
        "unit_code",
        "parent",
        "code_provisional",
        "valid_from",
        "valid_to",
    )
    list_filter = ("kind", "code_provisional")
    list_select_related = ("parent",)
    search_fields = ("code", "name_folded", "unit_code")
    ordering = ("code",)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Agency], search_term: str
    ) -> tuple[QuerySet[Agency], bool]:
        # Folded names ("ha noi" finds "Hà Nội"); codes are upper case.
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = (
            Q(name_folded__contains=fold(term)) | Q(code__contains=term.upper()) | Q(unit_code=term)
        )
        return queryset.filter(matches), False
