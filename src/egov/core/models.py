"""Shared base models. Internal integer keys; a ``public_id`` UUID for URLs and APIs."""

from __future__ import annotations

import uuid

from django.db import models


class BaseModel(models.Model):
    """Abstract base: integer primary key, public UUID, creation and update times (UTC)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OutboxEvent(models.Model):
    """A domain event written in the same transaction as the change it reports.

    After commit it is dispatched to in-process subscribers (``core.events``); rows left
    undispatched by a crash are picked up by ``manage.py events_dispatch``.
    """

    name = models.CharField(max_length=100)  # not indexed: read by id (docs/adr/0016)
    payload = models.JSONField(default=dict)
    actor = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    occurred_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"],
                name="core_outbox_pending",
                condition=models.Q(dispatched_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}#{self.pk}"
