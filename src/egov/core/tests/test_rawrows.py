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


@pytest.mark.django_db
def test_update_fields_writes_only_the_named_columns() -> None:
    row = OutboxEvent.objects.create(name="t.upd", payload={"a": 1}, occurred_at=clock.now())
    later = clock.now()
    row.attempts = 3
    row.dispatched_at = later
    row.last_error = "not written"
    assert rawrows.update_fields(row, ["attempts", "dispatched_at"]) == 1
    stored = OutboxEvent.objects.get(pk=row.pk)
    assert (stored.attempts, stored.dispatched_at, stored.last_error) == (3, later, "")
    with pytest.raises(LookupError):
        rawrows.update_fields(row, ["id"])
