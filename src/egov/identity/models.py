"""Accounts. The platform's user model from the first migration, so later work only adds fields
(see docs/adr/0002-custom-account-model.md). Citizen, organisation and official accounts with
assurance levels, roles and jurisdiction are built on this by the identity module."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.actor import Actor, ActorKind
from egov.identity.facade import ROLE_LABELS, Role


class AccountKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    OFFICIAL = "official", _("Official")
    SYSTEM = "system", _("System client")


class Account(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=AccountKind.choices, default=AccountKind.CITIZEN)
    agency_code = models.CharField(
        max_length=35, blank=True, help_text=_("Agency of an official (Decision 20/2020 code).")
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def as_actor(self) -> Actor:
        return Actor(
            kind=ActorKind(self.kind), id=str(self.public_id), agency_code=self.agency_code
        )


class RoleAssignment(models.Model):
    """An official's role in an agency, optionally limited to some administrative units."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    agency_code = models.CharField(max_length=35)
    unit_codes = models.JSONField(default=list, blank=True)
    granted_by = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "role", "agency_code"], name="identity_role_unique"
            )
        ]
        indexes = [models.Index(fields=["agency_code", "role"], name="identity_role_agency_idx")]

    def __str__(self) -> str:
        return f"{self.role}@{self.agency_code}"
