"""Writes of the reporting module: rollups (from events, or rebuilt from the sources) and
report submissions. Regime definitions: ``regimes.py``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import structlog
from django.db import IntegrityError, connection, transaction

from egov.audit.services import audit_record
from egov.core import clock, events
from egov.core.actor import Actor
from egov.reporting import metrics, sources
from egov.reporting.geography import home, homes
from egov.reporting.models import AreaMonthlyFact, MonthlyFact, ProcessedEvent
from egov.reporting.periods import report_month
from egov.reporting.regimes import regimes_load
from egov.reporting.selectors import facts_cache_clear
from egov.reporting.submissions import csv_values, may_submit, regime_for_update, report_submit

__all__ = [
    "Counted",
    "RebuildResult",
    "event_apply",
    "events_apply",
    "regimes_load",
    "report_csv_values",
    "report_may_submit",
    "report_submit",
    "rollups_rebuild",
]


def report_may_submit(*, actor: Actor, agency_code: str) -> bool:
    """Whether ``actor`` may submit reports for ``agency_code`` (its leaders or administrators,
    or its own system client); ``report_submit`` checks it again."""
    return may_submit(actor, agency_code)


def report_csv_values(*, regime_code: str, content: bytes) -> dict[str, object]:
    """The values of an uploaded CSV report, or ``ValidationFailed`` naming each bad cell
    (``row N, column``); reads only, the caller then submits them with ``report_submit``."""
    return csv_values(regime_for_update(regime_code), content)


log = structlog.get_logger(__name__)


def _upsert(
    model: type[MonthlyFact] | type[AreaMonthlyFact],
    key_field: str,
    totals: Mapping[tuple[str, dt.date, str], int],
) -> None:
    """Add ``totals`` (``(key, month, metric) -> value``) to the counters in one statement
    (insert, or add to the existing row on the unique key; safe against a concurrent event).
    Rows go in key order, so two concurrent batches lock shared rows in the same order."""
    rows = [(key, month, metric, value) for (key, month, metric), value in sorted(totals.items())]
    rows = [row for row in rows if row[3]]
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    # Table and column names come from the models, never from input; values are parameters.
    insert = f"INSERT INTO {table} ({key_field}, month, metric, value) VALUES {values} "  # noqa: S608
    sql = insert + (
        f"ON CONFLICT (month, metric, {key_field}) DO UPDATE SET value = {table}.value + "
        "excluded.value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for row in rows for param in row])


@dataclass(frozen=True)
class Counted:
    """One event's contribution to the rollups."""

    event_id: int
    name: str
    agency_code: str
    at: dt.datetime
    deltas: Mapping[str, int]


def events_apply(items: Sequence[Counted]) -> int:
    """Add each event's counters to its agency's month (and its area's), once per event id:
    events already counted are skipped, so a re-dispatch changes nothing. Four statements
    whatever the number of events. Returns how many were applied."""
    if not items:
        return 0
    with transaction.atomic():
        ids = {item.event_id for item in items}
        seen = set(
            ProcessedEvent.objects.filter(event_id__in=ids).values_list("event_id", flat=True)
        )
        fresh: dict[int, Counted] = {}
        for item in items:
            if item.event_id not in seen:
                fresh.setdefault(item.event_id, item)
        if not fresh:
            return 0
        now = clock.now()
        # A concurrent dispatcher inserting the same id makes this fail (unique key): the
        # caller's savepoint rolls the batch back and it is applied again event by event.
        ProcessedEvent.objects.bulk_create(
            ProcessedEvent(event_id=item.event_id, name=item.name[:60], processed_at=now)
            for item in fresh.values()
        )
        agencies: dict[tuple[str, dt.date, str], int] = defaultdict(int)
        areas: dict[tuple[str, dt.date, str], int] = defaultdict(int)
        for item in fresh.values():
            if not item.agency_code:
                continue
            month = report_month(clock.local_date(item.at))
            area = home(item.agency_code)
            for metric, value in item.deltas.items():
                agencies[(item.agency_code, month, metric)] += value
                areas[(area, month, metric)] += value
        _upsert(MonthlyFact, "agency_code", agencies)
        _upsert(AreaMonthlyFact, "area", areas)
    return len(fresh)


def event_apply(
    *, event_id: int, name: str, agency_code: str, at: dt.datetime, deltas: Mapping[str, int]
) -> bool:
    """Add one event's counters to its agency's month, once per event id (a re-dispatch of the
    same event changes nothing). Returns whether it was applied."""
    try:
        return events_apply([Counted(event_id, name, agency_code, at, deltas)]) == 1
    except IntegrityError:
        return False  # counted meanwhile by another dispatcher


@dataclass(frozen=True)
class RebuildResult:
    transitions: int
    ratings: int
    payments: int
    rows: int


def _collect() -> tuple[dict[tuple[str, dt.date, str], int], RebuildResult]:
    totals: dict[tuple[str, dt.date, str], int] = defaultdict(int)

    def add(agency: str, at: dt.datetime | None, deltas: Mapping[str, int]) -> None:
        if not agency or at is None:
            return
        month = report_month(clock.local_date(at))
        for metric, value in deltas.items():
            totals[(agency, month, metric)] += value

    counts = [0, 0, 0]
    for fact in sources.transition_facts():
        counts[0] += 1
        add(
            fact.agency_code,
            fact.occurred_at,
            metrics.transition_deltas(
                action=fact.action,
                channel=fact.channel,
                timeliness=fact.timeliness,
                received_at=fact.received_at,
                occurred_at=fact.occurred_at,
                fee_due=metrics.submission_fee_asked(action=fact.action, channel=fact.channel)
                and sources.submission_fee_due(
                    procedure_code=fact.procedure_code, on=clock.local_date(fact.occurred_at)
                ),
            ),
        )
    for rating in sources.rating_facts():
        counts[1] += 1
        add(rating.agency_code, rating.rated_at, metrics.rating_deltas(scores=rating.scores))
    for payment in sources.payment_facts():
        counts[2] += 1
        paid_at = sources.as_datetime(payment.paid_at)
        add(payment.agency_code, paid_at, metrics.payment_deltas(amount=payment.amount))
        if payment.refunded_amount:
            add(
                payment.agency_code,
                sources.as_datetime(payment.refunded_at),
                metrics.refund_deltas(amount=payment.refunded_amount),
            )
    rows = {key: value for key, value in totals.items() if value}
    return rows, RebuildResult(counts[0], counts[1], counts[2], len(rows))


def _areas(rows: Mapping[tuple[str, dt.date, str], int]) -> dict[tuple[str, dt.date, str], int]:
    """The area rollups of agency rollups (each agency under its ``geography.home``)."""
    area_of = homes(refresh=True)
    areas: dict[tuple[str, dt.date, str], int] = defaultdict(int)
    for (agency, month, metric), value in rows.items():
        areas[(area_of.get(agency, ""), month, metric)] += value
    return {key: value for key, value in areas.items() if value}


def rollups_rebuild(*, actor: Actor) -> RebuildResult:
    """Recompute every rollup from the source modules (dossier steps, ratings, payments) in one
    transaction; when they already hold exactly that, nothing is written (idempotent). Events
    still waiting for dispatch are dispatched first, so none is counted twice; events already
    counted stay recorded, so a late re-dispatch changes nothing."""
    events.dispatch_pending()
    with transaction.atomic():
        rows, result = _collect()
        areas = _areas(rows)
        current = {
            (agency, month, metric): value
            for agency, month, metric, value in MonthlyFact.objects.select_for_update()
            .values_list("agency_code", "month", "metric", "value")
            .iterator(chunk_size=5000)
        }
        current_areas = {
            (area, month, metric): value
            for area, month, metric, value in AreaMonthlyFact.objects.select_for_update()
            .values_list("area", "month", "metric", "value")
            .iterator(chunk_size=5000)
        }
        if current == rows and current_areas == areas:
            return result  # nothing to change: no write, no audit record
        MonthlyFact.objects.all().delete()
        MonthlyFact.objects.bulk_create(
            [
                MonthlyFact(agency_code=agency, month=month, metric=metric, value=value)
                for (agency, month, metric), value in sorted(rows.items())
            ],
            batch_size=2000,
        )
        AreaMonthlyFact.objects.all().delete()
        AreaMonthlyFact.objects.bulk_create(
            [
                AreaMonthlyFact(area=area, month=month, metric=metric, value=value)
                for (area, month, metric), value in sorted(areas.items())
            ],
            batch_size=2000,
        )
        audit_record(
            actor=actor,
            action="reporting.rollups_rebuilt",
            subject_type="rollups",
            subject_id="monthly",
            diff={
                "transitions": result.transitions,
                "ratings": result.ratings,
                "payments": result.payments,
                "rows": result.rows,
            },
        )
    transaction.on_commit(facts_cache_clear)
    log.info("reporting_rollups_rebuilt", rows=result.rows, transitions=result.transitions)
    return result
