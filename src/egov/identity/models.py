"""Accounts. The platform's user model from the first migration, so later work only adds fields
(see docs/adr/0002-custom-account-model.md).

Citizen accounts carry a PIN and an assurance level (1: self-registered and verified against the
population database; 2: verified in person by the police). Officials carry roles in agencies
(``RoleAssignment``). System clients are OAuth2 applications owned by a ``system`` account.
Organisations (by tax code) act through citizen representatives.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.core.actor import Actor, ActorKind
from egov.core.models import BaseModel
from egov.identity.facade import ROLE_LABELS, Role


class AccountKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    OFFICIAL = "official", _("Official")
    SYSTEM = "system", _("System client")


class AssuranceLevel(models.IntegerChoices):
    NONE = 0, _("Not applicable")
    LEVEL_1 = 1, _("Level 1")
    LEVEL_2 = 2, _("Level 2")


class Account(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=AccountKind.choices, default=AccountKind.CITIZEN)
    agency_code = models.CharField(
        max_length=35, blank=True, help_text=_("Agency of an official (Decision 20/2020 code).")
    )
    pin = models.CharField(
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Personal identification number of a citizen account."),
    )
    full_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=15, blank=True)
    contact_verified_at = models.DateTimeField(null=True, blank=True)
    assurance_level = models.PositiveSmallIntegerField(
        choices=AssuranceLevel.choices, default=AssuranceLevel.NONE
    )
    level_raised_by = models.CharField(max_length=64, blank=True)
    level_raised_at = models.DateTimeField(null=True, blank=True)
    # Raised by "log out everywhere": part of the session hash, so every older session ends.
    session_epoch = models.PositiveIntegerField(default=0)

    # Set per request (never stored) when the account acts for a child or an organisation.
    acting_on_behalf_of = ""

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(assurance_level__gte=0, assurance_level__lte=2),
                name="identity_account_level_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="citizen") | Q(pin__isnull=True) | Q(assurance_level__gte=1),
                name="identity_citizen_with_pin_has_level",
            ),
            models.CheckConstraint(
                condition=Q(kind="citizen") | Q(pin__isnull=True),
                name="identity_only_citizens_have_pin",
            ),
        ]

    def as_actor(self) -> Actor:
        return Actor(
            kind=ActorKind(self.kind),
            id=str(self.public_id),
            agency_code=self.agency_code,
            on_behalf_of=self.acting_on_behalf_of,
            pin=(self.pin or "") if self.kind == AccountKind.CITIZEN else "",
        )

    def get_session_auth_hash(self) -> str:
        """Sessions are bound to the password hash and to ``session_epoch``: changing either
        ends every session of the account."""
        from django.utils.crypto import salted_hmac

        key_salt = "egov.identity.Account.get_session_auth_hash"
        value = f"{self.password}:{self.session_epoch}"
        return salted_hmac(key_salt, value, algorithm="sha256").hexdigest()

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


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


class CodePurpose(models.TextChoices):
    REGISTER = "register", _("Registration")
    PASSWORD_RESET = "password_reset", _("Password reset")


class OneTimeCode(BaseModel):
    """A one-time code sent to a phone or e-mail address. Only its keyed hash is stored.

    ``payload`` holds what the confirmed code completes (a registration: PIN, name, contact,
    password *hash*). A code is used at most once (``used_at``) and refused after ``expires_at``
    or after too many wrong tries (``attempts``).
    """

    purpose = models.CharField(max_length=20, choices=CodePurpose.choices)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="codes"
    )
    code_hash = models.CharField(max_length=64)
    channel = models.CharField(max_length=16)
    destination_masked = models.CharField(max_length=64)
    payload = models.JSONField(default=dict, blank=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["purpose", "expires_at"], name="identity_code_exp_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(attempts__lte=100), name="identity_code_attempts_bounded"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose}:{self.public_id}"


class LoginEventKind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    FAILED = "failed", _("Failed login attempt")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong second-factor code")
    LOCKED_OUT = "locked_out", _("Locked out after too many attempts")
    LOGOUT = "logout", _("Logged out")
    LOGOUT_EVERYWHERE = "logout_everywhere", _("Logged out everywhere")
    PASSWORD_RESET = "password_reset", _("Password reset")


class LoginEvent(models.Model):
    """The account's login history, shown to the account holder. No password, no code."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="login_events")
    kind = models.CharField(max_length=24, choices=LoginEventKind.choices)
    occurred_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "-occurred_at"], name="identity_login_acct_idx")]

    def __str__(self) -> str:
        return f"{self.kind}@{self.occurred_at:%Y-%m-%d %H:%M}"


class LoginSession(models.Model):
    """An open session of an account, for the "active sessions" list and "log out everywhere"."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    second_factor = models.BooleanField(default=False)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"session of {self.account_id}"


class Organisation(BaseModel):
    """A business or other organisation identified by its tax code (MST)."""

    tax_code = models.CharField(max_length=14, unique=True)
    name = models.CharField(max_length=255)
    registered_by = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.tax_code


class Representation(models.Model):
    """A citizen account that may act for an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="representatives"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="representations")
    is_legal_representative = models.BooleanField(default=False)
    granted_by = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "account"], name="identity_representation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} for {self.organisation_id}"


class Dependant(BaseModel):
    """A person without an own account (a child under 14) for whom a parent acts. Only the PIN
    and a stable ``public_id`` (used as ``Actor.on_behalf_of``) are kept; everything else stays
    in the population database."""

    pin = models.CharField(max_length=12, unique=True)

    def __str__(self) -> str:
        return str(self.public_id)


class ClientScope(models.Model):
    """API scopes an OAuth2 client (an agency system) may be given. Clients without a row get
    the OpenID Connect scopes only (openid, profile, pin)."""

    client_id = models.CharField(max_length=100, unique=True)
    scopes = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.client_id

    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
