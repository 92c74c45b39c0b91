"""Account writes. Each is one transaction with its audit record."""

from __future__ import annotations

from django.db import transaction

from egov.audit.services import audit_record
from egov.core.actor import Actor
from egov.identity.facade import Role
from egov.identity.models import Account, AccountKind, RoleAssignment


def operator_account_ensure(*, actor: Actor, username: str, password: str) -> tuple[Account, bool]:
    """Create the platform operator account if missing (for the Django admin).

    Idempotent: an existing account is left as it is (its password is not reset). Returns the
    account and whether it was created.
    """
    with transaction.atomic():
        account = Account.objects.select_for_update().filter(username=username).first()
        if account is not None:
            return account, False
        account = Account(
            username=username, kind=AccountKind.OFFICIAL, is_staff=True, is_superuser=True
        )
        account.set_password(password)
        account.save()
        audit_record(
            actor=actor,
            action="identity.operator_created",
            subject_type="identity.account",
            subject_id=str(account.public_id),
            diff={"username": [None, username], "is_superuser": [None, True]},
        )
        return account, True


def role_grant(
    *,
    actor: Actor,
    account: Account,
    role: Role,
    agency_code: str,
    unit_codes: tuple[str, ...] = (),
) -> RoleAssignment:
    """Give an official a role in an agency. Idempotent for the same account, role and agency."""
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            account=account,
            role=role.value,
            agency_code=agency_code,
            defaults={"unit_codes": list(unit_codes), "granted_by": actor.id},
        )
        if created:
            audit_record(
                actor=actor,
                action="identity.role_granted",
                subject_type="identity.account",
                subject_id=str(account.public_id),
                diff={"role": [None, role.value], "agency_code": [None, agency_code]},
            )
        return assignment
