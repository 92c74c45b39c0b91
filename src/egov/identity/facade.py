"""Public types of the identity module."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    """Roles of officials. An official holds a role in one agency (its jurisdiction), optionally
    narrowed to administrative units the agency covers."""

    RECEIVER = "receiver"  # receiving officer of the one-stop department
    HANDLER = "handler"
    APPROVER = "approver"  # approving leader
    AGENCY_ADMIN = "agency_admin"
    POPULATION_OFFICER = "population_officer"  # police, population management
    CATALOGUE_EDITOR = "catalogue_editor"
    FINANCE_OFFICER = "finance_officer"
    OPS_ANALYST = "ops_analyst"  # operations-center analyst
    PLATFORM_OPERATOR = "platform_operator"


ROLE_LABELS = {
    Role.RECEIVER: _("Receiving officer"),
    Role.HANDLER: _("Handler"),
    Role.APPROVER: _("Approving leader"),
    Role.AGENCY_ADMIN: _("Agency administrator"),
    Role.POPULATION_OFFICER: _("Population officer"),
    Role.CATALOGUE_EDITOR: _("Catalogue editor"),
    Role.FINANCE_OFFICER: _("Finance officer"),
    Role.OPS_ANALYST: _("Operations-center analyst"),
    Role.PLATFORM_OPERATOR: _("Platform operator"),
}


@dataclass(frozen=True)
class RoleGrant:
    role: Role
    agency_code: str
    unit_codes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self.role])

    def covers_unit(self, unit_code: str) -> bool:
        """No unit list means the agency's whole jurisdiction."""
        return not self.unit_codes or unit_code in self.unit_codes


# Roles an agency administrator may give to the officials of their own agency.
AGENCY_ADMIN_GRANTABLE = (
    Role.RECEIVER,
    Role.HANDLER,
    Role.APPROVER,
    Role.AGENCY_ADMIN,
    Role.POPULATION_OFFICER,
    Role.CATALOGUE_EDITOR,
    Role.FINANCE_OFFICER,
    Role.OPS_ANALYST,
)


def acr_for_level(level: int) -> str:
    """The OpenID Connect ``acr`` value of an assurance level (documented in the README)."""
    return f"urn:egov:loa:{level}"


@dataclass(frozen=True)
class AccountInfo:
    public_id: str
    username: str
    kind: str
    full_name: str
    pin: str | None
    assurance_level: int
    agency_code: str
    is_active: bool
    has_second_factor: bool
    level_raised_at: dt.datetime | None = None
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class AccountContact:
    """How to reach an account (what notifications need of it)."""

    public_id: str
    is_active: bool
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class OfficialInfo:
    account: AccountInfo
    grants: tuple[RoleGrant, ...]


LOGIN_EVENT_LABELS = {
    "login": _("Logged in"),
    "failed": _("Failed login attempt"),
    "second_factor_failed": _("Wrong second-factor code"),
    "locked_out": _("Locked out after too many attempts"),
    "logout": _("Logged out"),
    "logout_everywhere": _("Logged out everywhere"),
    "password_reset": _("Password reset"),
}


@dataclass(frozen=True)
class LoginEventInfo:
    kind: str
    occurred_at: dt.datetime
    ip_address: str | None
    user_agent: str

    @property
    def label(self) -> str:
        return str(LOGIN_EVENT_LABELS.get(self.kind, self.kind))


@dataclass(frozen=True)
class SessionInfo:
    session_id: int
    created_at: dt.datetime
    ip_address: str | None
    user_agent: str
    second_factor: bool
    is_current: bool


@dataclass(frozen=True)
class ActingOption:
    """Someone the account may act for: ``kind`` is "child" or "organisation"; ``key`` is the
    child's PIN or the organisation's public id (what the switcher posts)."""

    kind: str
    key: str
    label: str


@dataclass(frozen=True)
class ActingFor:
    kind: str
    public_id: str
    label: str
    until: dt.date | None = None


@dataclass(frozen=True)
class CodeSent:
    """A one-time code was issued: the session keeps ``code_id``; ``message_id`` is the demo
    outbox entry; ``destination`` is masked."""

    code_id: str
    message_id: str
    destination: str


@dataclass(frozen=True)
class OrganisationInfo:
    public_id: str
    tax_code: str
    name: str
    is_legal_representative: bool
