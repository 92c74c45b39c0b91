"""State agencies identified by their Decision 20/2020 electronic code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.agencies.codes import MAX_LENGTH, django_validator
from egov.agencies.facade import KIND_LABELS, AgencyKind
from egov.core.models import BaseModel

KIND_CHOICES = [(kind.value, KIND_LABELS[kind]) for kind in AgencyKind]


class Agency(BaseModel):
    """A state agency. ``unit_code`` is the GSO code of the administrative unit it serves (a
    plain string: geo is read through its selectors, never by foreign key). ``valid_from`` ``None``
    means "since before our records", ``valid_to`` ``None`` "still in force"; both inclusive."""

    code = models.CharField(
        _("agency code"),
        max_length=MAX_LENGTH,
        unique=True,
        validators=[django_validator],
        help_text=_("Decision 20/2020 code in display form, e.g. 000.00.00.G22."),
    )
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=KIND_CHOICES)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    unit_code = models.CharField(
        _("administrative unit code"), max_length=10, blank=True, db_index=True
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    code_provisional = models.BooleanField(
        _("provisional code"),
        default=False,
        help_text=_("The code is not confirmed by an official source."),
    )
    code_source = models.TextField(
        _("code source"),
        blank=True,
        help_text=_("Where the code comes from, or why it is provisional."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ("code",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="agencies_agency_valid_range",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in AgencyKind]),
                name="agencies_agency_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["kind", "unit_code"], name="agencies_kind_unit_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
