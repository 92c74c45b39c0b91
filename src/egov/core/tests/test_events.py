from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from egov.core import events
from egov.core.actor import Actor
from egov.core.models import OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def received() -> Iterator[list[events.Event]]:
    seen: list[events.Event] = []
    name = "test.happened"
    events._subscribers[name] = [seen.append]
    yield seen
    events._subscribers.pop(name, None)


def test_event_dispatches_after_commit_only(received: list[events.Event]) -> None:
    with transaction.atomic():
        event_id = events.emit(name="test.happened", payload={"n": 1}, actor=Actor.system("t"))
        assert received == []
    assert [(e.id, e.payload) for e in received] == [(event_id, {"n": 1})]
    assert OutboxEvent.objects.get(pk=event_id).dispatched_at is not None


def test_rolled_back_event_is_never_dispatched(received: list[events.Event]) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        events.emit(name="test.happened", payload={}, actor=Actor.system("t"))
        raise RuntimeError
    assert received == []
    assert OutboxEvent.objects.count() == 0


def test_failed_subscriber_leaves_event_pending_for_retry(received: list[events.Event]) -> None:
    calls = {"n": 0}

    def flaky(event: events.Event) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("first attempt fails")

    events._subscribers["test.happened"].insert(0, flaky)
    with transaction.atomic():
        event_id = events.emit(name="test.happened", payload={}, actor=Actor.system("t"))
    row = OutboxEvent.objects.get(pk=event_id)
    assert row.dispatched_at is None
    assert row.attempts == 1
    assert row.last_error == "ValueError"
    assert events.dispatch_pending() == 1
    assert OutboxEvent.objects.get(pk=event_id).dispatched_at is not None
    assert len(received) == 1
    assert events.dispatch_pending() == 0
