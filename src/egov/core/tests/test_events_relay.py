"""``relay`` dispatch: events wait for a relay, which dispatches them in batches."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from egov.core import clock, events
from egov.core.actor import Actor
from egov.core.management.commands.events_dispatch import relay
from egov.core.models import OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "test.relayed"


@pytest.fixture
def batches() -> Iterator[list[list[int]]]:
    """The batches a batch subscriber received (their event ids); it refuses payload bad=1."""
    seen: list[list[int]] = []

    def take(batch: Sequence[events.Event]) -> None:
        if any(event.payload.get("bad") for event in batch):
            raise ValueError("bad event")
        seen.append([event.id for event in batch])

    events._batch_subscribers[NAME] = [take]
    with override_settings(EGOV_EVENTS_DISPATCH="relay"):
        yield seen
    events._batch_subscribers.pop(NAME, None)


def _emit(**payload: int) -> int:
    with transaction.atomic():
        return events.emit(name=NAME, payload=payload, actor=Actor.system("t"))


def test_relay_mode_leaves_dispatch_to_the_relay(batches: list[list[int]]) -> None:
    ids = [_emit(n=n) for n in range(5)]
    assert batches == []
    assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 5
    assert events.dispatch_batch(limit=3) == (3, 3)
    assert events.dispatch_batch(limit=3) == (2, 2)
    assert batches == [ids[:3], ids[3:]]  # one call per batch, in id order
    assert events.dispatch_batch() == (0, 0)
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()


def test_a_failing_event_does_not_hold_back_its_batch(batches: list[list[int]]) -> None:
    good = _emit(n=1)
    bad = _emit(bad=1)
    later = _emit(n=2)
    assert events.dispatch_batch() == (3, 2)
    # The batch failed as a whole, then each event went alone: the good ones counted once.
    assert batches == [[good], [later]]
    row = OutboxEvent.objects.get(pk=bad)
    assert (row.dispatched_at, row.attempts, row.last_error) == (None, 1, "ValueError")
    # The relay's fast path skips it; the retry sweep takes it again.
    assert events.dispatch_batch(retry=False) == (0, 0)
    assert events.dispatch_pending() == 0
    assert OutboxEvent.objects.get(pk=bad).attempts == 2


def test_the_relay_loop_dispatches_until_stopped(batches: list[list[int]]) -> None:
    ids = [_emit(n=n) for n in range(4)]
    rounds = iter(range(3))
    total = relay(batch=2, idle=0, retry_every=60, should_stop=lambda: next(rounds, None) is None)
    assert total == 4
    assert sorted(i for batch in batches for i in batch) == ids
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()


def test_inline_mode_calls_a_batch_subscriber_with_one_event(batches: list[list[int]]) -> None:
    with override_settings(EGOV_EVENTS_DISPATCH="inline"):
        event_id = _emit(n=1)
    assert batches == [[event_id]]
    assert OutboxEvent.objects.get(pk=event_id).dispatched_at is not None


def _status(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("events_status", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_events_status_reports_the_backlog_for_a_monitor(batches: list[list[int]]) -> None:
    assert _status() == (0, "OK: 0 pending event(s), 0 failed, oldest pending none\n")
    first = _emit(n=1)
    _emit(n=2)
    code, text = _status()
    assert code == 0
    assert text.startswith("OK: 2 pending event(s), 0 failed, oldest pending ")
    # A relay that stopped: the oldest event waits longer than --warn, then --critical.
    OutboxEvent.objects.filter(pk=first).update(occurred_at=clock.now() - dt.timedelta(seconds=120))
    assert _status()[0] == 1
    assert _status("--warn", "300")[0] == 0
    OutboxEvent.objects.filter(pk=first).update(occurred_at=clock.now() - dt.timedelta(seconds=900))
    code, text = _status("--json")
    state = json.loads(text)
    assert code == 2
    assert state["status"] == "critical"
    assert state["pending"] == 2
    assert state["failed"] == 0
    assert 899 < state["oldest_age_seconds"] < 960
    events.dispatch_batch()
    assert _status() == (0, "OK: 0 pending event(s), 0 failed, oldest pending none\n")


def test_events_status_warns_of_failing_subscribers(batches: list[list[int]]) -> None:
    _emit(bad=1)
    events.dispatch_batch()
    code, text = _status()
    assert code == 1
    assert text.startswith("WARNING: 1 pending event(s), 1 failed, oldest pending ")
    assert text.endswith("; last error: ValueError\n")  # the class only: no data in it
