"""Days that differ from the package calendar: extra days off and make-up working days."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import BaseModel


class DayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Working day")


class DayOverride(BaseModel):
    """One date whose status is set by a decision, overriding the public-holiday package.

    Written only through ``services.day_override_set`` / ``day_override_remove`` (audited).
    """

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    reason = models.CharField(
        _("reason"), max_length=200, help_text=_("Why the day differs, e.g. a Tết make-up day.")
    )
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=200,
        blank=True,
        help_text=_("The decision or notice that sets it, e.g. its number and date."),
    )

    class Meta:
        verbose_name = _("day override")
        verbose_name_plural = _("day overrides")
        ordering = ("day",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in DayKind]),
                name="calendar_dayoverride_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.kind}"
