"""``account_contact``: what notifications read of an account, by public id."""

from __future__ import annotations

import pytest

from egov.core.errors import NotFound
from egov.identity.models import Account
from egov.identity.selectors import account_contact
from egov.identity.tests.factories import citizen

pytestmark = pytest.mark.django_db


def test_the_contact_of_an_account() -> None:
    account = citizen("001099000011")
    Account.objects.filter(pk=account.pk).update(email="a@example.vn", phone="0912345678")
    contact = account_contact(public_id=str(account.public_id))
    assert (contact.public_id, contact.is_active) == (str(account.public_id), True)
    assert (contact.email, contact.phone) == ("a@example.vn", "0912345678")
    Account.objects.filter(pk=account.pk).update(is_active=False)
    assert account_contact(public_id=str(account.public_id)).is_active is False


@pytest.mark.parametrize("public_id", ["5b0e2c1a-9d4f-4c3e-8a7b-2f6d1e0c9b8a", "not-a-uuid", ""])
def test_an_unknown_account_is_not_found(public_id: str) -> None:
    citizen("001099000012")
    with pytest.raises(NotFound):
        account_contact(public_id=public_id)
