"""Administrative units, one row per unit and period of validity, with lineage between periods.

Module-internal: other modules read units through ``selectors`` as ``facade.Unit`` values.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from egov.geo.facade import Level, UnitType


class AdminUnit(models.Model):
    class LevelChoices(models.TextChoices):
        PROVINCE = Level.PROVINCE.value, _("Province level")
        COMMUNE = Level.COMMUNE.value, _("Commune level")

    class TypeChoices(models.TextChoices):
        MUNICIPALITY = UnitType.MUNICIPALITY.value, _("Centrally-run city")
        PROVINCE = UnitType.PROVINCE.value, _("Province")
        WARD = UnitType.WARD.value, _("Ward")
        COMMUNE = UnitType.COMMUNE.value, _("Commune")
        SPECIAL_ZONE = UnitType.SPECIAL_ZONE.value, _("Special zone")

    code = models.CharField(_("code"), max_length=5)
    level = models.CharField(_("level"), max_length=10, choices=LevelChoices.choices)
    unit_type = models.CharField(_("type"), max_length=16, choices=TypeChoices.choices)
    name = models.CharField(_("name"), max_length=100)
    name_folded = models.CharField(_("name without diacritics"), max_length=100, editable=False)
    codename = models.CharField(_("code name"), max_length=100, blank=True)
    parent_code = models.CharField(_("province code"), max_length=5, blank=True)
    pin_code = models.CharField(_("birth-registration (PIN) code"), max_length=3, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="geo_unit_code_period"),
            # NULLs are distinct in a unique constraint: at most one open-start row per code.
            models.UniqueConstraint(
                fields=["code"], condition=Q(valid_from__isnull=True), name="geo_unit_code_open"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="geo_unit_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(level__in=[c.value for c in Level]), name="geo_unit_level"
            ),
            models.CheckConstraint(
                condition=Q(unit_type__in=[c.value for c in UnitType]), name="geo_unit_type"
            ),
        ]
        indexes = [
            models.Index(fields=["level", "code"], name="geo_unit_level_code"),
            models.Index(fields=["parent_code", "name_folded"], name="geo_unit_parent_name"),
            models.Index(fields=["level", "parent_code"], name="geo_unit_level_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class UnitLineage(models.Model):
    """A link from a unit's period to the unit that took over from it."""

    class Kind(models.TextChoices):
        MERGED_INTO = "merged_into", _("Merged into")
        CONTINUED_AS = "continued_as", _("Continued as")

    predecessor = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    effective_date = models.DateField(_("effective date"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("unit lineage")
        verbose_name_plural = _("unit lineage")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="geo_lineage_pair"),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="geo_lineage_not_self"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["merged_into", "continued_as"]), name="geo_lineage_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} {self.kind} {self.successor_id}"
