"""Notifications and their deliveries.

A ``Notification`` is what the recipient reads in the portal (in-app channel, always): a template
key and its parameters, rendered in the reader's language when read. A ``Delivery`` is one
attempt-tracked sending of that notification through an external channel (e-mail, SMS, ...).
Contact addresses are not stored here: they are read from the account when the message goes out.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.core.models import BaseModel


class Notification(BaseModel):
    recipient_id = models.CharField(
        max_length=64, help_text=_("Public id of the account the notification is for.")
    )
    template = models.CharField(max_length=100)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["recipient_id", "-created_at", "-id"], name="notifications_recent"
            ),
            # The unread count in the navigation: one index-only COUNT per page.
            models.Index(
                fields=["recipient_id"],
                name="notifications_unread",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template}#{self.pk}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class Delivery(BaseModel):
    """One notification through one external channel. ``queued`` -> ``sending`` (claimed by one
    sender) -> ``sent`` | ``failed`` (retried by ``manage.py notifications_retry``); ``skipped``
    when the account has no address for the channel or is closed."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=30)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notifications_delivery_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="notifications_delivery_status",
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SENT) | Q(sent_at__isnull=False),
                name="notifications_delivery_sent_at",
            ),
        ]
        indexes = [
            models.Index(
                fields=["id"],
                name="notifications_delivery_open",
                condition=Q(status__in=["queued", "sending", "failed"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}#{self.pk}"
