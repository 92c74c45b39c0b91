"""Transactional outbox: ``emit`` inside a service's transaction; dispatch after commit.

Subscribers register in their module's ``apps.ready`` (or a ``subscribers.py`` imported there):
``@subscribe("payment.completed")`` for a function of one event, or
``@subscribe_batch("payment.completed")`` for a function of a list of events of that name (it
can do one statement for many events: the relay hands over up to a batch at once). A subscriber
must be idempotent: a crash between its work and the outbox update means it runs again.

Who dispatches (``EGOV_EVENTS_DISPATCH``, docs/adr/0015):
- ``inline`` (the embedded default): the process that committed dispatches the event right
  after its commit (``transaction.on_commit``), in a transaction of its own.
- ``relay``: the committing process only writes the row; ``manage.py events_dispatch --follow``
  (one or more relay processes) dispatches pending rows in batches, one transaction each, the
  rows locked with ``SKIP LOCKED`` so relays never take the same event.

Either way ``manage.py events_dispatch`` (once) dispatches whatever is left pending.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min, Q, QuerySet

from egov.core import clock, sqlbatch
from egov.core.actor import Actor
from egov.core.context import get_request_id
from egov.core.models import OutboxEvent

log = structlog.get_logger(__name__)

INLINE = "inline"
RELAY = "relay"
MODES = (INLINE, RELAY)


@dataclass(frozen=True)
class Event:
    id: int
    name: str
    payload: Mapping[str, Any]


Subscriber = Callable[[Event], None]
BatchSubscriber = Callable[[Sequence[Event]], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)
_batch_subscribers: dict[str, list[BatchSubscriber]] = defaultdict(list)


S = TypeVar("S", Subscriber, BatchSubscriber)


def _register(table: dict[str, list[S]], name: str) -> Callable[[S], S]:
    def register(func: S) -> S:
        if func not in table[name]:
            table[name].append(func)
        return func

    return register


def subscribe(name: str) -> Callable[[Subscriber], Subscriber]:
    """Register a function that takes one event named ``name``."""
    return _register(_subscribers, name)


def subscribe_batch(name: str) -> Callable[[BatchSubscriber], BatchSubscriber]:
    """Register a function that takes a list of events named ``name`` (in id order)."""
    return _register(_batch_subscribers, name)


def dispatch_mode() -> str:
    mode = str(getattr(settings, "EGOV_EVENTS_DISPATCH", INLINE))
    return mode if mode in MODES else INLINE


def emit(*, name: str, payload: Mapping[str, Any], actor: Actor) -> int:
    """Record an event in the current transaction; it is dispatched after commit (by this
    process in ``inline`` mode, by a relay otherwise). Returns its id."""
    event_id = _insert(name=name, payload=payload, actor=actor, deferrable=False)
    assert event_id is not None
    return event_id


def emit_deferrable(*, name: str, payload: Mapping[str, Any], actor: Actor) -> None:
    """``emit`` for a caller that needs no id: inside ``sqlbatch.batched()`` the event's row
    waits for the batch."""
    _insert(name=name, payload=payload, actor=actor, deferrable=True)


def _insert(*, name: str, payload: Mapping[str, Any], actor: Actor, deferrable: bool) -> int | None:
    """The event's row; its id, unless it waits in a batch."""
    connection = transaction.get_connection()
    ops = connection.ops
    values = [
        name,
        json.dumps(dict(payload)),
        actor.describe(),
        get_request_id(),
        ops.adapt_datetimefield_value(clock.now()),
    ]
    # One plain INSERT: every service's write path emits, and the ORM's statement building
    # cost more than the statement. Names come from the model; values are parameters.
    sql = (
        f"INSERT INTO {ops.quote_name(OutboxEvent._meta.db_table)} "  # noqa: S608
        "(name, payload, actor, request_id, occurred_at, attempts, last_error) "
        "VALUES (%s, %s, %s, %s, %s, 0, '')"
    )
    inline = dispatch_mode() == INLINE
    if deferrable and connection.features.can_return_columns_from_insert:
        made: list[int] = []

        def keep(row: Sequence[Any] | None) -> None:
            assert row is not None
            made.append(int(row[0]))
            if inline:
                transaction.on_commit(lambda: dispatch_one(made[0]), using=connection.alias)

        sqlbatch.execute(f"{sql} RETURNING id", values, on_row=keep, using=connection.alias)
        return made[0] if made else None
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f"{sql} RETURNING id", values)
            event_id = int(cursor.fetchone()[0])
        else:
            cursor.execute(sql, values)
            event_id = int(cursor.lastrowid)
    if inline:
        transaction.on_commit(lambda: dispatch_one(event_id), using=connection.alias)
    return event_id


def _runs(rows: Sequence[OutboxEvent]) -> Iterator[list[Event]]:
    """Consecutive events of one name, in id order (a batch subscriber gets each run)."""
    run: list[Event] = []
    for row in rows:
        if run and run[0].name != row.name:
            yield run
            run = []
        run.append(Event(id=row.pk, name=row.name, payload=row.payload))
    if run:
        yield run


def _call(func: Callable[[Any], None], arg: object, failed: dict[int, str], ids: list[int]) -> bool:
    """Run one subscriber call in a savepoint; on an error, record it against ``ids``."""
    try:
        with transaction.atomic():
            func(arg)
    except Exception as exc:
        for event_id in ids:
            failed.setdefault(event_id, type(exc).__name__[:500])
        log.exception("event_dispatch_failed", event_ids=ids[:10], event_name=_name_of(func))
        return False
    return True


def _name_of(func: Callable[..., object]) -> str:
    return f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', '')}"


def _run_subscribers(rows: Sequence[OutboxEvent]) -> dict[int, str]:
    """Run every subscriber of the locked ``rows``; returns the failed event ids (with the
    error's type). A batch subscriber that fails for a run is retried event by event, so one
    bad event does not hold back the others."""
    failed: dict[int, str] = {}
    for run in _runs(rows):
        name = run[0].name
        for batch_func in list(_batch_subscribers.get(name, [])):
            ids = [event.id for event in run]
            if len(run) == 1 or not _call(batch_func, run, {}, ids):
                for event in run:
                    _call(batch_func, [event], failed, [event.id])
        per_event = list(_subscribers.get(name, []))
        if per_event:
            for event in run:
                for func in per_event:
                    if not _call(func, event, failed, [event.id]):
                        break
    return failed


def _settle(rows: Sequence[OutboxEvent], failed: Mapping[int, str]) -> int:
    """Mark the rows dispatched (or failed, with the attempt counted); returns how many were
    dispatched."""
    done = [row.pk for row in rows if row.pk not in failed]
    if done:
        OutboxEvent.objects.filter(pk__in=done).update(
            dispatched_at=clock.now(), attempts=F("attempts") + 1
        )
    for event_id, error in failed.items():
        OutboxEvent.objects.filter(pk=event_id).update(attempts=F("attempts") + 1, last_error=error)
    return len(done)


_COLUMNS = ("id", "name", "payload")


def dispatch_one(event_id: int) -> bool:
    """Run the subscribers of one event; mark it dispatched when all succeed."""
    with transaction.atomic():
        rows = list(
            OutboxEvent.objects.select_for_update()
            .filter(pk=event_id, dispatched_at__isnull=True)
            .only(*_COLUMNS)
        )
        if not rows:
            return False
        return _settle(rows, _run_subscribers(rows)) == 1


def _pending(*, retry: bool) -> QuerySet[OutboxEvent]:
    pending = OutboxEvent.objects.filter(dispatched_at__isnull=True)
    return pending if retry else pending.filter(attempts=0)


def dispatch_batch(*, limit: int = 500, retry: bool = True) -> tuple[int, int]:
    """Dispatch up to ``limit`` pending events in one transaction, oldest first, skipping rows
    another dispatcher holds. ``retry=False`` takes only events never attempted (the relay's
    loop; failed ones are retried on its slower sweep). Returns (taken, dispatched)."""
    with transaction.atomic():
        rows = list(
            _pending(retry=retry)
            .select_for_update(skip_locked=True)
            .order_by("id")
            .only(*_COLUMNS)[:limit]
        )
        if not rows:
            return 0, 0
        return len(rows), _settle(rows, _run_subscribers(rows))


def dispatch_pending(*, limit: int = 1000, batch: int = 500) -> int:
    """Dispatch events left pending (after a crash, a failing subscriber, or all of them in
    ``relay`` mode), each at most once in this call. Unlike the relay's batches it waits for
    rows another dispatcher holds (and skips those it dispatched), so when it returns, every
    event pending when it started has been dispatched or has failed: ``rollups_rebuild`` relies
    on that. Returns how many were dispatched here."""
    done = 0
    after = 0
    while limit > 0:
        with transaction.atomic():
            rows = list(
                _pending(retry=True)
                .filter(pk__gt=after)
                .select_for_update()  # waits for a dispatcher holding a row (then skips it)
                .order_by("id")
                .only(*_COLUMNS)[: min(batch, limit)]
            )
            if not rows:
                break
            done += _settle(rows, _run_subscribers(rows))
        after = rows[-1].pk
        limit -= len(rows)
    return done


@dataclass(frozen=True)
class Backlog:
    """The outbox as a monitor sees it: events not yet dispatched, those among them whose
    subscribers failed at least once, and the age of the oldest one (seconds, None if none)."""

    pending: int
    failed: int
    oldest_age_seconds: float | None
    last_error: str


def backlog() -> Backlog:
    """One pass over the pending rows (the partial index on them), and the latest failure's
    error: a relay that stopped, or a subscriber that keeps failing, shows here before anyone
    misses a counter or a notice."""
    pending = OutboxEvent.objects.filter(dispatched_at__isnull=True)
    totals = pending.aggregate(
        pending=Count("id"), failed=Count("id", filter=Q(attempts__gt=0)), oldest=Min("occurred_at")
    )
    last_error = ""
    if totals["failed"]:
        last_error = (
            pending.filter(attempts__gt=0).order_by("-id").values_list("last_error", flat=True)[0]
        )
    oldest = totals["oldest"]
    return Backlog(
        pending=totals["pending"],
        failed=totals["failed"],
        oldest_age_seconds=(clock.now() - oldest).total_seconds() if oldest else None,
        last_error=last_error[:200],
    )
