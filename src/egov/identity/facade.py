"""Public types of the identity module."""

from __future__ import annotations

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

    def covers_unit(self, unit_code: str) -> bool:
        """No unit list means the agency's whole jurisdiction."""
        return not self.unit_codes or unit_code in self.unit_codes
