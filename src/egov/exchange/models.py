"""Members, subsystems, services, access requests, grants and the message log (Decree 47/2020).

Statuses are changed only by the services, following the tables of ``workflow.py``. The message
log is append-only and hash-chained (``logchain.py``); ``Delivery`` keeps the answer to a message
id for idempotent replays (purged after ``EGOV_EXCHANGE_REPLAY_HOURS``).
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.exchange.workflow import GrantStatus, RequestStatus, ServiceStatus

GENESIS_HASH = "0" * 64


class Member(models.Model):
    """An agency connected to the platform (Decree 47 Art 46: through the intermediary
    platform). ``base_url`` is set for a member served by another instance of the platform
    (a remote member): its services are called over HTTP."""

    code = models.CharField(max_length=35, unique=True)  # the agency's Decision 20/2020 code
    name = models.CharField(max_length=300)
    base_url = models.CharField(max_length=300, blank=True)
    remote_client_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.code

    @property
    def is_remote(self) -> bool:
        return bool(self.base_url)


class Subsystem(models.Model):
    """An information system of a member; addressed ``VN:GOV:<member code>:<code>``. A consumer
    subsystem that calls the gateway over HTTP has an OAuth2 client (client credentials)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="subsystems")
    code = models.SlugField(max_length=60)
    address = models.CharField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    oauth_client_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "code"], name="exchange_subsystem_unique"),
        ]

    def __str__(self) -> str:
        return self.address


class Service(models.Model):
    """A data-sharing service published by a provider subsystem (Art 24-26)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Subsystem, on_delete=models.PROTECT, related_name="services")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    version = models.CharField(max_length=20, default="1.0")
    openapi = models.JSONField(default=dict, blank=True)
    operation = models.CharField(max_length=100, blank=True)  # in-process adapter; "" = remote
    concerns_person = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)
    restore_expected_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "code"], name="exchange_service_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider.address}/{self.code}"


class Sensitivity(models.TextChoices):
    BASIC = "basic", _("Basic personal data")
    SENSITIVE = "sensitive", _("Sensitive personal data")
    NONE = "none", _("Not personal data")


class Sharing(models.TextChoices):
    DEFAULT = "default", _("Shared by default")
    ON_REQUEST = "on_request", _("On specific request")


class DataItem(models.Model):
    """A field a service can return (Art 35 d: data items requested)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="items")
    name = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    sensitivity = models.CharField(max_length=16, choices=Sensitivity.choices)
    sharing = models.CharField(max_length=16, choices=Sharing.choices, default=Sharing.DEFAULT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["service", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="exchange_item_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Frequency(models.TextChoices):
    ON_DEMAND = "on_demand", _("Per case, when needed")
    DAILY = "daily", _("Daily")
    MONTHLY = "monthly", _("Monthly")


class AccessRequest(models.Model):
    """A consuming agency's request for access to a service (Art 35), answered within 5 working
    days (``due_on``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consumer = models.ForeignKey(Subsystem, on_delete=models.PROTECT, related_name="requests")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests")
    requested_by = models.CharField(max_length=64)  # account public id
    requester_name = models.CharField(max_length=200)
    purpose = models.SlugField(max_length=60)
    purpose_description = models.TextField()
    legal_basis = models.TextField(blank=True)
    fields = models.JSONField(default=list)
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    received_at = models.DateTimeField()
    due_on = models.DateField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "due_on"], name="exchange_request_due_idx")]

    def __str__(self) -> str:
        return str(self.public_id)


class Grant(models.Model):
    """Permission of a consumer subsystem to call a service for a purpose: which fields, until
    when, how often."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consumer = models.ForeignKey(Subsystem, on_delete=models.PROTECT, related_name="grants")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="grants")
    request = models.OneToOneField(
        AccessRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="grant"
    )
    fields = models.JSONField(default=list)
    purpose = models.SlugField(max_length=60)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    rate_per_minute = models.PositiveIntegerField(default=600)
    status = models.CharField(
        max_length=16, choices=GrantStatus.choices, default=GrantStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["consumer", "service", "purpose"], name="exchange_grant_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="exchange_grant_validity",
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class AppendOnlyError(RuntimeError):
    """An attempt to change a message log row."""


class Message(models.Model):
    """One exchange through the gateway (Art 45): who asked whom for what, about whom, and what
    came back (as SHA-256 of the bodies). Hash-chained per ``chain``."""

    id = models.BigAutoField(primary_key=True)
    chain = models.CharField(max_length=16)
    seq = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    message_id = models.CharField(max_length=100)
    consumer = models.CharField(max_length=120)  # consumer subsystem address ("" unknown)
    consumer_member = models.CharField(max_length=35)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_agency = models.CharField(max_length=35, blank=True)
    provider = models.CharField(max_length=120)
    provider_member = models.CharField(max_length=35)
    service = models.CharField(max_length=60)
    purpose = models.CharField(max_length=60, blank=True)
    subject_pin = models.CharField(max_length=12, blank=True)
    fields = models.JSONField(default=list)
    status = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=40)
    request_hash = models.CharField(max_length=64)
    response_hash = models.CharField(max_length=64)
    duration_ms = models.PositiveIntegerField(default=0)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)  # not indexed: the verifier recomputes it
    # How ``hash`` was computed (``logchain.row_hash``): 1 = rows written before 2026-12-03
    # (SHA-256 of the whole row as canonical JSON), 2 = SHA-256 of the content's digest, the
    # chain, the seq and the previous hash (so PostgreSQL can link the row while appending it).
    hash_version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="exchange_message_chain_seq"),
        ]
        indexes = [
            models.Index(fields=["subject_pin", "occurred_at"], name="exchange_msg_subject_idx"),
            models.Index(fields=["occurred_at"], name="exchange_msg_time_idx"),
            models.Index(fields=["provider", "service"], name="exchange_msg_service_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Message log rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Message log rows are removed only by the retention purge.")


class MessageChainHead(models.Model):
    """Last sequence number and hash of a log chain (locked while a row is appended), and the
    anchor left by the retention purge (``base_seq``/``base_hash``: the last removed row)."""

    chain = models.CharField(max_length=16, primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    base_seq = models.BigIntegerField(default=0)
    base_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"{self.chain}@{self.seq}"


class Delivery(models.Model):
    """The answer given to a consumer's message id, so a retry gets the same answer and a
    different request under the same id is refused."""

    # Indexed by the unique (consumer, message_id) constraint, whose first column it is.
    consumer = models.ForeignKey(
        Subsystem, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    message_id = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consumer", "message_id"], name="exchange_delivery_unique"
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="exchange_delivery_time_idx")]

    def __str__(self) -> str:
        return self.message_id
