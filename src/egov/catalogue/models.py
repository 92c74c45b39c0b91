"""Administrative procedures (thủ tục hành chính) and their effective-dated versions.

A ``Procedure`` is the stable identity (national code, name, sector, implementing level); what
changes over time lives in ``ProcedureVersion`` rows with ``valid_from``/``valid_to`` (both
inclusive): online level, processing time, required documents, fee lines, steps and the
application form. A dossier pins the version in force on the day it is submitted.
``ProcedureOffering`` says which agency accepts the procedure for which administrative unit.

Invariants are database constraints too (see each ``Meta``). The rule "published versions of one
procedure do not overlap" needs an exclusion constraint on PostgreSQL only, so the publishing
service enforces it under a row lock on the procedure (``services.version_publish``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.agencies.facade import AgencyKind
from egov.core.models import BaseModel


class ImplementingLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCIAL = "provincial", _("Provincial")
    COMMUNE = "commune", _("Commune")


class OnlineMode(models.TextChoices):
    """Decree 42/2022 classification. ``none``: information only (old levels 1-2)."""

    FULL = "full", _("Full-process online")
    PARTIAL = "partial", _("Partially online")
    NONE = "none", _("Information only")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    DISCARDED = "discarded", _("Discarded")


class Origin(models.TextChoices):
    SEED = "seed", _("Seed catalogue")
    SYNTHETIC = "synthetic", _("Synthetic (benchmarks)")
    EDITOR = "editor", _("Created by an editor")


class FeeKind(models.TextChoices):
    FIXED = "fixed", _("Fixed amount per dossier")
    PER_CASE = "per_case", _("Amount per case or extra copy")
    ONLINE_DISCOUNT = "online_discount", _("Discount when submitted online")
    EXEMPTION = "exemption", _("Exemption or reduced amount")


AGENCY_KIND_CHOICES = [(kind.value, kind.value) for kind in AgencyKind]


class Sector(models.Model):
    """A field (lĩnh vực) such as civil status. ``code`` follows Circular 01/2018 Art 20
    (``G15-TP07``) where observed; otherwise it is provisional (``code_unconfirmed``)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    ministry_code = models.CharField(_("ministry code"), max_length=35, blank=True)
    code_unconfirmed = models.BooleanField(_("code unconfirmed"), default=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ("name",)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Procedure(BaseModel):
    code = models.CharField(
        _("national code"),
        max_length=20,
        unique=True,
        help_text=_("National procedure code, e.g. 1.001193."),
    )
    code_unconfirmed = models.BooleanField(_("code unconfirmed"), default=True)
    code_source = models.TextField(_("code source"), blank=True)
    name = models.CharField(_("name"), max_length=400)
    name_en = models.CharField(_("English name"), max_length=400, blank=True)
    name_folded = models.CharField(max_length=400, editable=False)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="procedures"
    )
    level = models.CharField(
        _("implementing level"), max_length=12, choices=ImplementingLevel.choices
    )
    agency_kind = models.CharField(
        _("competent agency kind"), max_length=32, choices=AGENCY_KIND_CHOICES
    )
    owner_agency_code = models.CharField(
        _("publishing ministry"), max_length=35, blank=True, db_index=True
    )
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.SEED)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ("code",)
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=ImplementingLevel.values), name="catalogue_proc_level"
            ),
            models.CheckConstraint(
                condition=Q(agency_kind__in=[k.value for k in AgencyKind]),
                name="catalogue_proc_agency_kind",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]\.[0-9]{6}$"), name="catalogue_proc_code_format"
            ),
        ]
        indexes = [
            models.Index(fields=["sector", "level"], name="catalogue_proc_sector_idx"),
            models.Index(fields=["name_folded"], name="catalogue_proc_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProcedureVersion(BaseModel):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(
        _("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    online_level = models.PositiveSmallIntegerField(_("online service level (1-4)"))
    online_mode = models.CharField(_("online mode"), max_length=8, choices=OnlineMode.choices)
    processing_days = models.PositiveSmallIntegerField(
        _("processing time (working days)"), null=True, blank=True
    )
    processing_immediate = models.BooleanField(_("result immediately"), default=False)
    processing_note = models.CharField(_("processing time note"), max_length=300, blank=True)
    time_unconfirmed = models.BooleanField(_("processing time unconfirmed"), default=False)
    fees_unconfirmed = models.BooleanField(_("fees unconfirmed"), default=False)
    result_documents = models.JSONField(_("result documents"), default=list, blank=True)
    form = models.JSONField(_("application form"), default=dict, blank=True)
    change_note = models.CharField(_("change note"), max_length=500, blank=True)
    created_by = models.CharField(max_length=200, blank=True)
    published_by = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ("procedure", "number")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="catalogue_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(status=VersionStatus.DRAFT),
                name="catalogue_version_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(status__in=VersionStatus.values), name="catalogue_version_status"
            ),
            models.CheckConstraint(
                condition=Q(online_level__gte=1, online_level__lte=4),
                name="catalogue_version_level_range",
            ),
            # Decree 43/2011 level <-> Decree 42/2022 mode (domain notes §3, mapping M).
            models.CheckConstraint(
                condition=Q(online_level__lte=2, online_mode=OnlineMode.NONE)
                | Q(online_level=3, online_mode=OnlineMode.PARTIAL)
                | Q(online_level=4, online_mode__in=[OnlineMode.FULL, OnlineMode.PARTIAL]),
                name="catalogue_version_level_mode",
            ),
            models.CheckConstraint(
                condition=Q(processing_immediate=True, processing_days__isnull=True)
                | Q(processing_immediate=False, processing_days__isnull=False),
                name="catalogue_version_time",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=False, valid_to__gte=models.F("valid_from")),
                name="catalogue_version_valid_range",
            ),
            models.CheckConstraint(
                condition=~Q(status=VersionStatus.PUBLISHED) | Q(valid_from__isnull=False),
                name="catalogue_version_published_dated",
            ),
        ]
        indexes = [
            models.Index(
                fields=["procedure", "status", "valid_from"], name="catalogue_version_force_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} v{self.number} ({self.status})"


class RequiredDocument(models.Model):
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="documents"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=400)
    name_en = models.CharField(_("English name"), max_length=400, blank=True)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    digital_copy_accepted = models.BooleanField(
        _("digital copy from the citizen's data store accepted"), default=False
    )
    note = models.CharField(_("note"), max_length=400, blank=True)

    class Meta:
        ordering = ("version", "position", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(originals__gte=1) | Q(copies__gte=1), name="catalogue_doc_count"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FeeLine(models.Model):
    """A fee or charge in whole VND. ``online_discount``: amount taken off when the dossier is
    submitted online; ``exemption``: the amount due instead (0 = free) for those in ``note``."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=FeeKind.choices)
    label = models.CharField(_("label"), max_length=300)
    label_en = models.CharField(_("English label"), max_length=300, blank=True)
    amount_vnd = models.BigIntegerField(_("amount (VND)"))
    unconfirmed = models.BooleanField(_("amount unconfirmed"), default=False)
    note = models.CharField(_("note"), max_length=400, blank=True)

    class Meta:
        ordering = ("version", "position", "id")
        constraints = [
            models.CheckConstraint(condition=Q(amount_vnd__gte=0), name="catalogue_fee_amount"),
            models.CheckConstraint(condition=Q(kind__in=FeeKind.values), name="catalogue_fee_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount_vnd}"


class ProcessingStep(models.Model):
    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=400)
    name_en = models.CharField(_("English name"), max_length=400, blank=True)
    duration_days = models.PositiveSmallIntegerField(
        _("default duration (working days)"), null=True, blank=True
    )
    performer = models.CharField(_("performed by"), max_length=100, blank=True)

    class Meta:
        ordering = ("version", "position", "id")

    def __str__(self) -> str:
        return self.name


class ProcedureOffering(models.Model):
    """An agency accepts the procedure for an administrative unit (a commune or province code;
    empty for the whole country), between ``valid_from`` and ``valid_to`` (inclusive, ``None``
    open). ``online_level``/``online_mode`` empty: as in the version in force."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="offerings")
    agency_code = models.CharField(_("agency code"), max_length=35)
    unit_code = models.CharField(_("unit code"), max_length=10, blank=True)
    province_code = models.CharField(_("province code"), max_length=2, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    online_level = models.PositiveSmallIntegerField(null=True, blank=True)
    online_mode = models.CharField(max_length=8, choices=OnlineMode.choices, blank=True)
    note = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ("procedure", "province_code", "unit_code", "agency_code")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency_code", "unit_code"],
                name="catalogue_offering_unique",
            ),
            models.CheckConstraint(
                condition=Q(online_level__isnull=True)
                | Q(online_level__gte=1, online_level__lte=4),
                name="catalogue_offering_level",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="catalogue_offering_range",
            ),
        ]
        indexes = [
            models.Index(fields=["agency_code"], name="catalogue_offering_agency_idx"),
            models.Index(fields=["province_code"], name="catalogue_offering_prov_idx"),
            models.Index(fields=["unit_code"], name="catalogue_offering_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id}@{self.agency_code}/{self.unit_code}"
