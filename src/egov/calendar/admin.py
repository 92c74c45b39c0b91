"""Admin for day overrides: every change goes through the audited services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from egov.calendar.models import DayOverride
from egov.calendar.services import day_override_remove, day_override_set
from egov.core.actor import Actor


def _actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "actor", None)
    return actor if isinstance(actor, Actor) else Actor.anonymous()


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin[DayOverride]):
    list_display = ("day", "kind", "reason", "legal_basis", "updated_at")
    list_filter = ("kind",)
    search_fields = ("reason", "legal_basis")
    date_hierarchy = "day"
    ordering = ("-day",)
    fields = ("day", "kind", "reason", "legal_basis")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The date identifies the override: to move one, remove it and add another.
        return ("day",) if obj is not None else ()

    def save_model(
        self, request: HttpRequest, obj: DayOverride, form: ModelForm[DayOverride], change: bool
    ) -> None:
        saved = day_override_set(
            actor=_actor(request),
            day=obj.day,
            kind=obj.kind,
            reason=obj.reason,
            legal_basis=obj.legal_basis,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: DayOverride) -> None:
        day_override_remove(actor=_actor(request), day=obj.day)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DayOverride]) -> None:
        for day in queryset.values_list("day", flat=True):
            day_override_remove(actor=_actor(request), day=day)
