from __future__ import annotations

import pytest
from django.db import connection

from egov.core import clock, rawrows
from egov.core.models import OutboxEvent


@pytest.mark.django_db
def test_a_raw_row_becomes_the_instance_the_orm_would_load() -> None:
    made = OutboxEvent.objects.create(
        name="t.raw", payload={"n": 1, "s": "Hà Nội"}, occurred_at=clock.now(), attempts=2
    )
    columns = ("payload", "occurred_at", "id", "attempts")  # not the model's field order
    table = OutboxEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [made.pk])
        row = cursor.fetchone()
    got = rawrows.instance(OutboxEvent, columns, row, alias=connection.alias)
    loaded = OutboxEvent.objects.only(*columns).get(pk=made.pk)
    assert (got.pk, got.payload, got.occurred_at, got.attempts) == (
        loaded.pk, loaded.payload, loaded.occurred_at, loaded.attempts
    )  # fmt: skip
    assert got.occurred_at.tzinfo is not None
    assert got.get_deferred_fields() == loaded.get_deferred_fields()
    with pytest.raises(LookupError):
        rawrows.instance(OutboxEvent, ("nope",), (1,), alias=connection.alias)
