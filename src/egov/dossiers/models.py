"""Dossiers: what an applicant submits and the agency processes. Other modules read them only
through ``selectors`` (facade dataclasses). ``status`` and ``queue`` are changed only by
``services`` executing a transition declared in ``workflow``."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.core.models import BaseModel
from egov.dossiers.workflow import Queue, Status


class Channel(models.IntegerChoices):
    """National channel codes (domain notes §4)."""

    COUNTER = 1, _("At the counter")
    ONLINE = 2, _("Online")
    POST = 3, _("By public postal service")


class Timeliness(models.TextChoices):
    NONE = "", _("Not finished")
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class Dossier(BaseModel):
    """One application. ``code`` (Mã số hồ sơ) is issued at submission; a draft has none.

    Clock: ``received_at`` is when the complete dossier was received (acceptance, or the
    supplement that completed it); ``due_on`` the statutory due date computed from it;
    ``appointment_date`` the date shown to the applicant (``due_on``, or the one extended
    date); ``paused_at`` is set while the applicant is asked for a supplement.
    """

    code = models.CharField(max_length=40, unique=True, null=True, blank=True)
    version_id = models.UUIDField(help_text=_("Procedure version in force at submission."))
    procedure_code = models.CharField(max_length=40)
    procedure_name = models.CharField(max_length=500)
    processing_days = models.PositiveIntegerField(null=True, blank=True)
    agency_code = models.CharField(max_length=35)
    agency_name = models.CharField(max_length=300)
    unit_code = models.CharField(max_length=10, help_text=_("Applicant's unit, as of today."))
    channel = models.PositiveSmallIntegerField(choices=Channel.choices, default=Channel.ONLINE)

    # Indexed by dossier_applicant_idx (applicant_id first), not on its own (docs/adr/0016).
    applicant_id = models.CharField(max_length=64, blank=True)
    applicant_pin = models.CharField(max_length=12, blank=True)
    applicant_name = models.CharField(max_length=200)
    on_behalf_of = models.CharField(max_length=64, blank=True)
    submitted_by = models.CharField(max_length=64, blank=True)
    submission_key = models.CharField(max_length=80, blank=True)

    data = models.JSONField(default=dict)
    prefill = models.JSONField(
        default=dict,
        help_text=_("Values taken from the population database: {field: {source, value, policy}}."),
    )
    prefill_consent_at = models.DateTimeField(null=True, blank=True)

    status = models.PositiveSmallIntegerField(choices=Status.choices, default=Status.DRAFT)
    queue = models.CharField(max_length=16, choices=Queue.choices, default=Queue.DRAFT)
    resume_queue = models.CharField(max_length=16, blank=True)
    handler_id = models.CharField(max_length=64, blank=True)
    row_version = models.PositiveIntegerField(default=0)

    submitted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    appointment_date = models.DateField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    supplement_requested_at = models.DateTimeField(null=True, blank=True)
    supplement_rounds = models.PositiveSmallIntegerField(default=0)
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    timeliness = models.CharField(max_length=8, choices=Timeliness.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    fee_due_vnd = models.PositiveBigIntegerField(default=0)
    result_code = models.CharField(max_length=48, blank=True)
    result_document_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["applicant_id", "submission_key"],
                condition=~Q(submission_key=""),
                name="dossiers_submission_once",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(code__isnull=False),
                name="dossiers_submitted_has_code",
            ),
            models.CheckConstraint(
                condition=Q(status__gte=0, status__lte=10), name="dossiers_status_range"
            ),
        ]
        indexes = [
            # The officials' inboxes: an agency's queue ordered by due date.
            models.Index(
                fields=["agency_code", "queue", "appointment_date", "id"], name="dossier_inbox_idx"
            ),
            models.Index(
                fields=["handler_id", "queue", "appointment_date"], name="dossier_handler_idx"
            ),
            models.Index(fields=["applicant_id", "-created_at"], name="dossier_applicant_idx"),
            models.Index(
                fields=["agency_code", "status", "completed_at"], name="dossier_stats_idx"
            ),
            # Equality only: no varchar_pattern_ops twin (docs/adr/0016).
            models.Index(fields=["procedure_code"], name="dossier_procedure_idx"),
        ]

    def __str__(self) -> str:
        return self.code or f"draft {self.public_id}"


class DossierSequence(models.Model):
    """The last dossier number issued by an agency on a day (gap-free: incremented in the
    submitting transaction, so a rolled-back submission gives its number back)."""

    agency_code = models.CharField(max_length=35)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "day"], name="dossiers_sequence_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.day}: {self.last}"


class DossierEvent(models.Model):
    """One recorded step: a transition (who, when, from, to, comment) or a note. Form 05 (the
    process control sheet) and the applicant's timeline are read from these rows."""

    # Indexed by dossier_event_idx (dossier first), not on its own (docs/adr/0016).
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    action = models.CharField(max_length=32)
    from_status = models.PositiveSmallIntegerField(null=True)
    to_status = models.PositiveSmallIntegerField()
    from_queue = models.CharField(max_length=16, blank=True)
    to_queue = models.CharField(max_length=16)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_agency = models.CharField(max_length=35, blank=True)
    comment = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["dossier", "occurred_at", "id"], name="dossier_event_idx")]

    def __str__(self) -> str:
        return f"{self.action} -> {self.to_status}"


class DossierAttachment(models.Model):
    """A file attached to a dossier for one required document (``requirement`` = its index in
    the version's document list, ``-1`` for an additional file). ``round`` 0 is the original
    submission, n the n-th supplement."""

    # Indexed by dossier_attachment_idx (dossier first), not on its own (docs/adr/0016).
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="attachments", db_index=False
    )
    requirement = models.IntegerField()
    requirement_name = models.CharField(max_length=500)
    file_id = models.CharField(max_length=64)
    filename = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    round = models.PositiveSmallIntegerField(default=0)
    uploaded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["dossier", "round"], name="dossier_attachment_idx")]

    def __str__(self) -> str:
        return self.filename


class TaskKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    TRANSFER = "transfer", _("Inter-agency transfer")


class TaskStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for its turn")
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class Task(models.Model):
    """Work another agency or unit does on the dossier: an opinion (consultation) or its part of
    an inter-agency procedure (transfer). Sequential transfers open one after another; parallel
    ones all at once; each has its own deadline in working days from when it opens."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=16, choices=TaskKind.choices)
    agency_code = models.CharField(max_length=35)
    agency_name = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    parallel = models.BooleanField(default=False)
    request = models.TextField()
    days = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=8, choices=TaskStatus.choices)
    opened_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.CharField(max_length=64, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["agency_code", "status", "due_on"], name="dossier_task_inbox_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.agency_code}"


class Rating(models.Model):
    """The applicant's evaluation of the service for one dossier (Circular 01/2018 Art 13-14:
    the per-dossier indices the applicant answers, each scored 2/1/0)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    scores = models.JSONField()
    comment = models.TextField(blank=True)
    rated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"rating of dossier {self.dossier_id}"


class Reminder(models.Model):
    """An overdue warning sent (so each is sent once per dossier, kind and day)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "kind", "day"], name="dossiers_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}"
