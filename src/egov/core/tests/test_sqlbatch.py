from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from egov.core import clock, events, rawrows, sqlbatch
from egov.core.actor import Actor
from egov.core.models import OutboxEvent
from egov.core.tests.roundtrips import round_trips

pytestmark = pytest.mark.django_db


def _row(name: str) -> OutboxEvent:
    return OutboxEvent(name=name, payload={"n": name}, occurred_at=clock.now())


def test_statements_wait_for_the_end_of_the_block_and_get_their_keys() -> None:
    rows = [_row(f"t.batch.{n}") for n in range(3)]
    with CaptureQueriesContext(connection) as sent, sqlbatch.batched():
        for row in rows:
            rawrows.insert(row, deferrable=True)
        assert sqlbatch.pending()
        assert [row.pk for row in rows] == [None, None, None]
        assert not [q for q in sent.captured_queries if "INSERT" in q["sql"]]
    assert [q for q in sent.captured_queries if "INSERT" in q["sql"]]
    assert not sqlbatch.pending()
    keys = [row.pk for row in rows]
    assert all(keys)
    assert keys == sorted(keys)
    stored = OutboxEvent.objects.filter(name__startswith="t.batch.").order_by("id")
    assert [(r.pk, r.name) for r in stored] == [(row.pk, row.name) for row in rows]


def test_another_statement_sends_the_queue_first_so_order_is_kept() -> None:
    with sqlbatch.batched():
        first = _row("t.order.1")
        rawrows.insert(first, deferrable=True)
        # A read of the table sees the row queued before it.
        assert OutboxEvent.objects.filter(name="t.order.1").count() == 1
        assert first.pk is not None


def test_one_round_trip_on_postgresql() -> None:
    with sqlbatch.batched():
        rawrows.insert(_row("t.warm"), deferrable=True)  # BEGIN and plans out of the count
    with CaptureQueriesContext(connection) as sent, round_trips() as trips, sqlbatch.batched():
        for n in range(4):
            rawrows.insert(_row(f"t.trip.{n}"), deferrable=True)
        events.emit_deferrable(name="t.trip.event", payload={}, actor=Actor.system("t"))
    statements = [q for q in sent.captured_queries if "SAVEPOINT" not in q["sql"]]  # the test's
    assert len(statements) == 5
    savepoints = len(sent.captured_queries) - len(statements)
    assert int(trips) - savepoints == (1 if connection.vendor == "postgresql" else 5)
    assert OutboxEvent.objects.filter(name__startswith="t.trip.").count() == 5


def test_outside_a_batch_a_statement_runs_at_once() -> None:
    row = _row("t.now")
    with transaction.atomic():
        rawrows.insert(row, deferrable=True)
        assert row.pk is not None
    event_id = events.emit(name="t.now.event", payload={}, actor=Actor.system("t"))
    assert OutboxEvent.objects.filter(pk=event_id).exists()


def test_an_error_leaving_the_block_drops_the_queue_with_the_transaction() -> None:
    with pytest.raises(RuntimeError), sqlbatch.batched():
        rawrows.insert(_row("t.dropped"), deferrable=True)
        raise RuntimeError
    assert not sqlbatch.pending()
    assert not OutboxEvent.objects.filter(name="t.dropped").exists()


def test_a_failing_queued_statement_fails_the_block_and_writes_nothing() -> None:
    kept = _row("t.failing.kept")
    duplicate = _row("t.failing.dup")
    with transaction.atomic():
        rawrows.insert(duplicate)
    clash = _row("t.failing.clash")
    clash.id = duplicate.pk  # a key the table already has
    with pytest.raises(IntegrityError), sqlbatch.batched():
        rawrows.insert(kept, deferrable=True)
        sqlbatch.execute(
            f"INSERT INTO {OutboxEvent._meta.db_table} (id, name, payload, actor, request_id, "
            "occurred_at, attempts, last_error) VALUES (%s, %s, %s, '', '', %s, 0, '')",
            [clash.id, clash.name, "{}", connection.ops.adapt_datetimefield_value(clock.now())],
        )
    assert not OutboxEvent.objects.filter(name="t.failing.kept").exists()


def test_nested_blocks_share_the_queue_and_a_rolled_back_inner_block_keeps_nothing() -> None:
    with sqlbatch.batched():
        rawrows.insert(_row("t.outer"), deferrable=True)
        with pytest.raises(RuntimeError), sqlbatch.batched():
            rawrows.insert(_row("t.inner"), deferrable=True)
            raise RuntimeError
        rawrows.insert(_row("t.after"), deferrable=True)
    names = set(OutboxEvent.objects.filter(name__startswith="t.").values_list("name", flat=True))
    assert names == {"t.outer", "t.after"}


def test_what_waits_inside_a_rolled_back_savepoint_is_dropped_unsent(settings: Any) -> None:
    settings.EGOV_EVENTS_DISPATCH = "inline"
    dispatched: list[int] = []
    with mock.patch("egov.core.events.dispatch_one", dispatched.append):
        with sqlbatch.batched():
            events.emit_deferrable(name="t.kept", payload={}, actor=Actor.system("t"))
            with pytest.raises(RuntimeError), transaction.atomic():
                events.emit_deferrable(name="t.undone", payload={}, actor=Actor.system("t"))
                raise RuntimeError
        kept = OutboxEvent.objects.get(name="t.kept")
        assert not OutboxEvent.objects.filter(name="t.undone").exists()
        # Commit hooks: the test's own transaction holds them; the kept event's hook only.
        for entry in connection.run_on_commit:
            entry[1]()  # (savepoint ids, hook, robust)
    assert dispatched == [kept.pk]
