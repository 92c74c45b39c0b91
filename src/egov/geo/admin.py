"""Read-only admin for administrative units: the data comes from ``manage.py geo_load``."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from egov.core.admin import ReadOnlyAdmin
from egov.core.text import fold
from egov.geo.models import AdminUnit, UnitLineage


@admin.register(AdminUnit)
class AdminUnitAdmin(ReadOnlyAdmin[AdminUnit]):
    list_display = (
        "code",
        "name",
        "level",
        "unit_type",
        "parent_code",
        "pin_code",
        "valid_from",
        "valid_to",
    )
    list_filter = ("level", "unit_type", "valid_from", "valid_to")
    search_fields = ("code", "name_folded")
    ordering = ("code", "valid_from")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AdminUnit], search_term: str
    ) -> tuple[QuerySet[AdminUnit], bool]:
        # Search the folded name so that "ha noi" and "Hà Nội" find the same units.
        return super().get_search_results(request, queryset, fold(search_term))


@admin.register(UnitLineage)
class UnitLineageAdmin(ReadOnlyAdmin[UnitLineage]):
    list_display = ("predecessor", "kind", "successor", "effective_date", "note")
    list_filter = ("kind", "effective_date")
    list_select_related = ("predecessor", "successor")
    search_fields = (
        "predecessor__code",
        "predecessor__name_folded",
        "successor__code",
        "successor__name_folded",
    )
    ordering = ("predecessor__code",)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[UnitLineage], search_term: str
    ) -> tuple[QuerySet[UnitLineage], bool]:
        return super().get_search_results(request, queryset, fold(search_term))
