"""Looking up an order by an id that is not a UUID reads as "not found", never a crash."""

from __future__ import annotations

import pytest

from egov.core.errors import NotFound
from egov.payments import selectors


@pytest.mark.django_db
@pytest.mark.parametrize("public_id", ["o9", "", "00000000-0000-4000-8000-000000000000"])
def test_order_get_with_a_bad_or_unknown_id_is_not_found(public_id: str) -> None:
    with pytest.raises(NotFound):
        selectors.order_get(public_id=public_id)
