"""Reporting: rollups kept current from events, and report regimes with agencies' submissions.

Other modules read these only through ``selectors`` (facade dataclasses)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.core.models import BaseModel
from egov.reporting.periods import PERIODICITY_LABELS


class MonthlyFact(models.Model):
    """One counter of one agency in one report month (``month`` = the first day of the month
    whose Decree 09/2019 period holds the facts: the 15th of the previous month to the 14th).
    Provinces and the nation are sums over agencies, mapped when read."""

    agency_code = models.CharField(max_length=35)
    month = models.DateField()
    metric = models.CharField(max_length=24)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "metric", "agency_code"], name="reporting_fact_key"
            )
        ]
        indexes = [
            models.Index(fields=["agency_code", "month"], name="reporting_fact_agency_idx"),
            # Dashboards read whole months: an index-only scan on PostgreSQL (value included).
            models.Index(
                fields=["month", "agency_code", "metric"],
                include=["value"],
                name="reporting_fact_month_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.month:%Y-%m} {self.metric}={self.value}"


class AreaMonthlyFact(models.Model):
    """The same counters summed per *area* and report month, kept by the same events in the
    same transaction: ``area`` is the province code recorded for the agency (as-was; restated
    to the current units when read) or, for an agency without one, the top of its parent chain
    (a ministry). Rankings and national figures read these: tens of rows per month."""

    area = models.CharField(max_length=35)
    month = models.DateField()
    metric = models.CharField(max_length=24)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "metric", "area"], name="reporting_area_key")
        ]
        indexes = [
            models.Index(
                fields=["month", "area", "metric"],
                include=["value"],
                name="reporting_area_month_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.month:%Y-%m} {self.metric}={self.value}"


class ProcessedEvent(models.Model):
    """An outbox event already counted in the rollups: a re-dispatch changes nothing."""

    event_id = models.BigIntegerField(primary_key=True)
    name = models.CharField(max_length=60)
    processed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} #{self.event_id}"


PERIODICITY_CHOICES = [(p.value, label) for p, label in PERIODICITY_LABELS.items()]


class ReportRegime(BaseModel):
    """A periodic report (Decree 09/2019): who issues it, who reports, what, how often, and by
    when (``deadline_days`` calendar days after the period's cut-off day, the 14th)."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    issuing_agency_code = models.CharField(max_length=35)
    reporting_agency_codes = models.JSONField(default=list)
    periodicity = models.CharField(max_length=16, choices=PERIODICITY_CHOICES)
    deadline_days = models.PositiveSmallIntegerField(default=1)
    legal_basis = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.code


class IndicatorType(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    PERCENT = "percent", _("Percentage")
    TEXT = "text", _("Text")


class RegimeIndicator(models.Model):
    """One value a report asks for, with its validation rules; ``source`` names the platform
    indicator that pre-fills it (empty: the agency enters it)."""

    regime = models.ForeignKey(ReportRegime, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    unit = models.CharField(max_length=40, blank=True)
    unit_en = models.CharField(max_length=40, blank=True)
    type = models.CharField(max_length=8, choices=IndicatorType.choices)
    required = models.BooleanField(default=True)
    min_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    max_length = models.PositiveIntegerField(default=2000)
    source = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "code"], name="reporting_indicator_code")
        ]

    def __str__(self) -> str:
        return self.code


class Channel(models.TextChoices):
    FORM = "form", _("Web form")
    CSV = "csv", _("CSV upload")
    API = "api", _("Agency system (API)")


class ReportSubmission(BaseModel):
    """One submission of a report by an agency for a period. Corrections before the deadline
    add a new ``revision``; the highest one counts. ``late`` is set when the first revision came
    after the deadline."""

    regime = models.ForeignKey(ReportRegime, on_delete=models.PROTECT, related_name="submissions")
    agency_code = models.CharField(max_length=35)
    period_key = models.CharField(max_length=10)
    revision = models.PositiveSmallIntegerField()
    values = models.JSONField(default=dict)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    submitted_by = models.CharField(max_length=64)
    submitted_at = models.DateTimeField()
    late = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["regime", "agency_code", "period_key", "revision"],
                name="reporting_submission_revision",
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="reporting_revision_pos"),
        ]
        indexes = [
            models.Index(fields=["regime", "period_key", "agency_code"], name="reporting_sub_idx")
        ]

    def __str__(self) -> str:
        return f"{self.regime_id} {self.agency_code} {self.period_key} r{self.revision}"
