"""Transactional outbox: ``emit`` inside a service's transaction, dispatch after commit.

Subscribers register with ``@subscribe("payment.completed")`` in their module's ``apps.ready``
(or a ``subscribers.py`` imported there). A subscriber must be idempotent: a crash between its
work and the outbox update means it can run again (``manage.py events_dispatch``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from django.db import transaction

from egov.core import clock
from egov.core.actor import Actor
from egov.core.context import get_request_id
from egov.core.models import OutboxEvent

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Event:
    id: int
    name: str
    payload: Mapping[str, Any]


Subscriber = Callable[[Event], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)


def subscribe(name: str) -> Callable[[Subscriber], Subscriber]:
    def register(func: Subscriber) -> Subscriber:
        if func not in _subscribers[name]:
            _subscribers[name].append(func)
        return func

    return register


def emit(*, name: str, payload: Mapping[str, Any], actor: Actor) -> int:
    """Record an event in the current transaction; dispatch it after commit. Returns its id."""
    row = OutboxEvent.objects.create(
        name=name,
        payload=dict(payload),
        actor=actor.describe(),
        request_id=get_request_id(),
        occurred_at=clock.now(),
    )
    transaction.on_commit(lambda: dispatch_one(row.pk))
    return row.pk


def dispatch_one(event_id: int) -> bool:
    """Run the subscribers of one event; mark it dispatched when all succeed."""
    with transaction.atomic():
        row = (
            OutboxEvent.objects.select_for_update()
            .filter(pk=event_id, dispatched_at__isnull=True)
            .first()
        )
        if row is None:
            return False
        event = Event(id=row.pk, name=row.name, payload=row.payload)
        try:
            with transaction.atomic():
                for func in list(_subscribers.get(row.name, [])):
                    func(event)
        except Exception as exc:
            row.attempts += 1
            row.last_error = f"{type(exc).__name__}"[:500]
            row.save(update_fields=["attempts", "last_error"])
            log.exception("event_dispatch_failed", event_id=row.pk, event_name=row.name)
            return False
        row.dispatched_at = clock.now()
        row.attempts += 1
        row.save(update_fields=["dispatched_at", "attempts"])
        return True


def dispatch_pending(*, limit: int = 1000) -> int:
    """Dispatch events left undispatched (after a crash or a failing subscriber)."""
    ids = list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(1 for event_id in ids if dispatch_one(event_id))
