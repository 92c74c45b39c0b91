"""Tables of the national population database. Module-internal: other modules read citizens
through ``selectors`` as ``facade`` dataclasses.

``Citizen`` is keyed by PIN. On PostgreSQL its table is declaratively partitioned by range of PIN,
one partition per 3-digit birth-registration province code plus a default partition
(``partitioning.py``, run by migration 0001); the primary key contains the partition key, so no
other unique constraint is possible on it. On SQLite it is a plain table.

``Residence`` and ``CitizenVersion`` reference citizens without a database foreign key
(``db_constraint=False``): PostgreSQL checks a foreign key into a partitioned table row by row
with partition pruning (about 0.2 ms a row here, i.e. hours for 100 million rows), which would
dominate a bulk import. Integrity is kept by construction instead: services write both rows in
one transaction, the import inserts residences only for the citizens it inserted in the same
transaction, and citizens are never deleted (``on_delete=PROTECT``). An orphan check is one
anti-join (README, "Integrity").

Every change keeps history in ``CitizenVersion`` (valid time = ``valid_from``, record time =
``recorded_at``); residences carry their own valid time.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from egov.population.facade import CardStatus, Relation, ResidenceKind, Sex, Status


class Ethnicity(models.Model):
    """The 54 recognised ethnic groups (GSO classification, codes 01 Kinh ... 54 Rơ-măm)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ethnic group")
        verbose_name_plural = _("ethnic groups")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Citizen(models.Model):
    SEX_CHOICES = [(Sex.MALE.value, _("Male")), (Sex.FEMALE.value, _("Female"))]
    STATUS_CHOICES = [
        (Status.LIVING.value, _("Living")),
        (Status.DECEASED.value, _("Deceased")),
        (Status.MISSING.value, _("Missing")),
    ]
    CARD_CHOICES = [
        (CardStatus.NONE.value, _("Not issued")),
        (CardStatus.VALID.value, _("Valid")),
        (CardStatus.EXPIRED.value, _("Expired")),
        (CardStatus.REVOKED.value, _("Revoked")),
    ]

    pin = models.CharField(_("personal identification number"), max_length=12, primary_key=True)
    ref = models.CharField(_("reference"), max_length=32, editable=False)
    full_name = models.CharField(_("full name"), max_length=200)
    name_folded = models.CharField(_("name without diacritics"), max_length=200, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    birth_month = models.PositiveSmallIntegerField(_("month of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=SEX_CHOICES)
    status = models.CharField(_("status"), max_length=10, choices=STATUS_CHOICES)
    date_of_death = models.DateField(_("date of death"), null=True, blank=True)
    ethnicity = models.ForeignKey(
        Ethnicity,
        on_delete=models.PROTECT,
        db_column="ethnicity_code",
        db_index=False,
        related_name="+",
    )
    religion = models.CharField(_("religion"), max_length=50, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, default="VN")
    birth_registration_unit = models.CharField(_("birth registration unit"), max_length=5)
    hometown = models.CharField(_("hometown"), max_length=200, blank=True)
    household_id = models.CharField(_("household"), max_length=20, blank=True)
    relation_to_head = models.CharField(
        _("relation to head"),
        max_length=12,
        blank=True,
        choices=[(r.value, r.value) for r in Relation],
    )
    father_pin = models.CharField(_("father's PIN"), max_length=12, blank=True)
    mother_pin = models.CharField(_("mother's PIN"), max_length=12, blank=True)
    spouse_pin = models.CharField(_("spouse's PIN"), max_length=12, blank=True)
    card_issued_on = models.DateField(_("card issued on"), null=True, blank=True)
    card_issued_place = models.CharField(_("card issued by"), max_length=200, blank=True)
    card_expires_on = models.DateField(_("card valid until"), null=True, blank=True)
    card_status = models.CharField(
        _("card status"), max_length=8, choices=CARD_CHOICES, default=CardStatus.NONE.value
    )
    source_hash = models.CharField(max_length=40, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("first recorded at"))
    recorded_at = models.DateTimeField(_("last recorded at"))

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        constraints = [
            models.CheckConstraint(condition=Exact(Length("pin"), 12), name="pop_citizen_pin_len"),
            models.CheckConstraint(
                condition=Q(sex__in=[s.value for s in Sex]), name="pop_citizen_sex"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="pop_citizen_status"
            ),
            models.CheckConstraint(
                condition=Q(card_status__in=[s.value for s in CardStatus]),
                name="pop_citizen_card_status",
            ),
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True) | Q(birth_month__gte=1, birth_month__lte=12),
                name="pop_citizen_birth_month",
            ),
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True) | Q(status=Status.DECEASED.value),
                name="pop_citizen_death_status",
            ),
            models.CheckConstraint(
                condition=~Q(spouse_pin=F("pin")), name="pop_citizen_spouse_not_self"
            ),
        ]
        # The name search index (name_folded, birth_year) is created by partitioning.py: on
        # PostgreSQL with varchar_pattern_ops for prefix search, which Meta cannot express.
        indexes = [
            models.Index(fields=["ref"], name="pop_citizen_ref"),
            models.Index(
                fields=["household_id"], name="pop_citizen_household", condition=~Q(household_id="")
            ),
            models.Index(
                fields=["father_pin"], name="pop_citizen_father", condition=~Q(father_pin="")
            ),
            models.Index(
                fields=["mother_pin"], name="pop_citizen_mother", condition=~Q(mother_pin="")
            ),
        ]

    def __str__(self) -> str:
        return f"citizen {self.ref}"  # never the PIN or the name (log safety)


class Residence(models.Model):
    """A permanent (thường trú) or temporary (tạm trú) residence period.

    ``unit_code`` is the unit as recorded, valid on ``valid_from``; it may be a unit abolished
    since (resolved to today's unit through geo lineage when read). At most one open residence
    of each kind per citizen (database constraint).
    """

    KIND_CHOICES = [
        (ResidenceKind.PERMANENT.value, _("Permanent residence")),
        (ResidenceKind.TEMPORARY.value, _("Temporary residence")),
    ]

    citizen = models.ForeignKey(
        Citizen,
        on_delete=models.PROTECT,
        db_column="pin",
        db_constraint=False,  # see the module docstring: no per-row check into partitions
        db_index=False,  # the indexes below start with pin
        related_name="residences",
    )
    kind = models.CharField(_("kind"), max_length=9, choices=KIND_CHOICES)
    unit_code = models.CharField(_("administrative unit"), max_length=5)
    street_address = models.CharField(_("street address"), max_length=300, blank=True)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    closed_recorded_at = models.DateTimeField(_("closure recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("residence")
        verbose_name_plural = _("residences")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "kind"],
                condition=Q(valid_to__isnull=True),
                name="pop_residence_one_open",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ResidenceKind]), name="pop_residence_kind"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="pop_residence_range",
            ),
        ]
        indexes = [
            models.Index(fields=["citizen", "valid_from"], name="pop_residence_citizen"),
            models.Index(
                fields=["unit_code", "kind"],
                name="pop_residence_open_unit",
                condition=Q(valid_to__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} residence #{self.pk}"


class CitizenVersion(models.Model):
    """One recorded change of a citizen: snapshot before and after, valid and record time."""

    citizen = models.ForeignKey(
        Citizen,
        on_delete=models.PROTECT,
        db_column="pin",
        db_constraint=False,  # see the module docstring: no per-row check into partitions
        db_index=False,  # the indexes below start with pin
        related_name="versions",
    )
    seq = models.PositiveIntegerField()
    event = models.CharField(max_length=50)
    valid_from = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    actor = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict)
    snapshot = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["citizen", "seq"], name="pop_version_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.seq}"


class ImportRun(models.Model):
    """One run of ``population_import`` (or ``population_generate``): counts for the audit."""

    source = models.CharField(max_length=300)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    read = models.PositiveIntegerField(default=0)
    inserted = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"import #{self.pk}"
