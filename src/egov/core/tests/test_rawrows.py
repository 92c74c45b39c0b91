from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, QuerySet
from django.test.utils import CaptureQueriesContext

from egov.core import clock, rawrows
from egov.core.models import OutboxEvent
from egov.core.tests.roundtrips import round_trips


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


def _by_name(params: list[str]) -> QuerySet[OutboxEvent]:
    return OutboxEvent.objects.filter(name=params[0]).order_by("id")


@pytest.mark.django_db
def test_select_runs_the_sql_the_orm_built_once() -> None:
    first = OutboxEvent.objects.create(
        name="t.sel", payload={"n": "Hà Nội"}, occurred_at=clock.now()
    )
    OutboxEvent.objects.create(name="t.sel", payload={"n": 2}, occurred_at=clock.now())
    OutboxEvent.objects.create(name="t.other", payload={}, occurred_at=clock.now())
    built: list[list[str]] = []

    def build(params: list[str]) -> QuerySet[OutboxEvent]:
        built.append(params)
        return _by_name(params)

    key = f"test.by_name.{uuid.uuid4().hex}"
    got = rawrows.select(OutboxEvent, key, build, ["t.sel"])
    again = rawrows.select(OutboxEvent, key, build, ["t.other"])
    assert built == [["t.sel"]]  # built once, run twice
    loaded = list(_by_name(["t.sel"]))
    assert [(r.pk, r.payload, r.occurred_at) for r in got] == [
        (r.pk, r.payload, r.occurred_at) for r in loaded
    ]
    assert got[0].pk == first.pk
    assert got[0].payload == {"n": "Hà Nội"}
    assert [r.name for r in again] == ["t.other"]
    assert rawrows.select(OutboxEvent, key, build, ["none"]) == []


@pytest.mark.django_db
def test_select_together_sends_its_queries_at_once() -> None:
    OutboxEvent.objects.create(name="t.one", payload={"n": 1}, occurred_at=clock.now())
    OutboxEvent.objects.create(name="t.two", payload={"n": 2}, occurred_at=clock.now())
    OutboxEvent.objects.create(name="t.two", payload={"n": 3}, occurred_at=clock.now())
    key = f"test.together.{uuid.uuid4().hex}"
    with CaptureQueriesContext(connection) as sent, round_trips() as trips:
        one, two, none = rawrows.select_together(
            rawrows.Query(OutboxEvent, key, _by_name, ["t.one"]),
            rawrows.Query(OutboxEvent, key, _by_name, ["t.two"]),
            rawrows.Query(OutboxEvent, key, _by_name, ["t.none"]),
        )
    assert len(sent.captured_queries) == 3
    assert int(trips) == (1 if connection.vendor == "postgresql" else 3)
    assert [r.payload for r in one] == [{"n": 1}]
    assert sorted(r.payload["n"] for r in two) == [2, 3]
    assert none == []
    assert [r.pk for r in two] == [r.pk for r in rawrows.select(OutboxEvent, key, _by_name,
                                                                ["t.two"])]  # fmt: skip


@pytest.mark.django_db
def test_select_refuses_what_it_cannot_run_as_built() -> None:
    def annotated(params: list[str]) -> Any:
        return OutboxEvent.objects.filter(name=params[0]).annotate(n=Count("id"))

    def other_params(params: list[str]) -> QuerySet[OutboxEvent]:
        return OutboxEvent.objects.filter(name="fixed", last_error=params[0])

    with pytest.raises(ValueError, match="not a plain query"):
        rawrows.select(OutboxEvent, f"t.{uuid.uuid4().hex}", annotated, ["x"])
    with pytest.raises(ValueError, match="not a plain query"):
        rawrows.select(OutboxEvent, f"t.{uuid.uuid4().hex}", other_params, ["x"])
    with pytest.raises(TypeError):
        rawrows.select(OutboxEvent, f"t.{uuid.uuid4().hex}", _by_name, [1])  # type: ignore[list-item]


@pytest.mark.django_db
def test_insert_writes_the_row_the_orm_would_write() -> None:
    when = clock.now()
    row = OutboxEvent(name="t.ins", payload={"s": "Hà Nội", "n": [1, 2]}, occurred_at=when)
    rawrows.insert(row)
    assert row.pk is not None
    assert not row._state.adding
    assert row._state.db == connection.alias
    loaded = OutboxEvent.objects.get(pk=row.pk)
    assert (loaded.name, loaded.payload, loaded.occurred_at, loaded.attempts) == (
        "t.ins", {"s": "Hà Nội", "n": [1, 2]}, when, 0
    )  # fmt: skip
    assert loaded.dispatched_at is None
    second = OutboxEvent(name="t.ins2", payload={}, occurred_at=when)
    rawrows.insert(second)  # through the SQL the first one built
    assert second.pk == OutboxEvent.objects.get(name="t.ins2").pk != row.pk
    with pytest.raises(ValueError, match="key"):
        rawrows.insert(row)  # already has its key
