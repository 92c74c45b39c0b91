"""Reads of the identity module: the one permission layer every view and API uses."""

from __future__ import annotations

from egov.core.actor import Actor, ActorKind
from egov.identity.facade import Role, RoleGrant
from egov.identity.models import RoleAssignment


def actor_role_grants(*, actor: Actor) -> frozenset[RoleGrant]:
    """The roles an official holds (empty for anyone else). One query."""
    if actor.kind is not ActorKind.OFFICIAL:
        return frozenset()
    rows = RoleAssignment.objects.filter(account__public_id=actor.id).values_list(
        "role", "agency_code", "unit_codes"
    )
    return frozenset(RoleGrant(Role(r), a, tuple(u or ())) for r, a, u in rows)


def actor_has_role(
    *, actor: Actor, role: Role, agency_code: str | None = None, unit_code: str | None = None
) -> bool:
    """Whether ``actor`` holds ``role`` — in ``agency_code`` when given (its jurisdiction), and
    covering ``unit_code`` when given."""
    for grant in actor_role_grants(actor=actor):
        if grant.role is not role:
            continue
        if agency_code is not None and grant.agency_code != agency_code:
            continue
        if unit_code is not None and not grant.covers_unit(unit_code):
            continue
        return True
    return False
