"""Account writes. Each is one transaction with its audit record."""

from __future__ import annotations

from django.db import transaction

from egov.audit.services import audit_record
from egov.core.actor import Actor
from egov.identity.models import Account, AccountKind


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
