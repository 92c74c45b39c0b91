"""Rollups kept current from events, idempotent per event, and rebuild == incremental."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from egov.core.events import Event
from egov.core.models import OutboxEvent
from egov.dossiers import services as dossiers
from egov.reporting import metrics, services, sources, subscribers
from egov.reporting.models import MonthlyFact, ProcessedEvent
from egov.reporting.tests.helpers import (
    JUSTICE,
    TESTS,
    act,
    at,
    paid,
    refunded,
    small_dataset,
    submit,
    to_handling,
)


def _rows() -> list[tuple[str, dt.date, str, int]]:
    return sorted(MonthlyFact.objects.values_list("agency_code", "month", "metric", "value"))


@dataclass(frozen=True)
class PaymentFact:  # the shape of egov.payments.facade.PaymentFact (contract)
    order: str
    dossier_code: str
    agency_code: str
    procedure_code: str
    amount: int
    gateway: str
    paid_at: dt.datetime
    refunded_amount: int
    refunded_at: dt.datetime | None


@pytest.mark.django_db
def test_events_fill_the_month_of_their_cut_off_period(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        small_dataset()
    nov, dec = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
    facts = {(m, k): v for _a, m, k, v in _rows()}
    assert facts[(nov, metrics.RECEIVED)] == 4
    assert facts[(dec, metrics.RECEIVED)] == 1
    assert facts[(nov, metrics.RECEIVED_ONLINE)] == 3
    assert facts[(nov, metrics.DURATION_SECONDS)] == (2 + 4 + 6) * 86400
    assert facts[(nov, metrics.PAYMENTS_AMOUNT)] == 200_000
    assert facts[(nov, metrics.REFUNDS_AMOUNT)] == 20_000
    assert ProcessedEvent.objects.count() == 16


@pytest.mark.django_db
def test_a_redispatched_event_changes_nothing(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event_id = paid(JUSTICE, at(2026, 11, 5), 50_000)
    before = _rows()
    row = OutboxEvent.objects.get(pk=event_id)
    event = Event(id=row.pk, name=row.name, payload=row.payload)
    subscribers.on_payment_completed(event)
    subscribers.on_payment_completed(event)
    nov = dt.date(2026, 11, 1)
    assert before == [(JUSTICE, nov, "payments", 1), (JUSTICE, nov, "payments_vnd", 50_000)]
    assert _rows() == before


@pytest.mark.django_db
def test_rebuild_equals_incremental(
    dossier_world: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    """Real dossiers through the services (steps and a rating) and payment events: the rollups
    the events made equal those rebuilt from the sources."""
    w = dossier_world
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(w)
        to_handling(w, first)
        act(w.handler, first, "submit_for_approval")
        act(w.approver, first, "approve")
        dossiers.dossier_rate(
            actor=w.citizen.as_actor(),
            dossier_id=first,
            answers={"contacts": 2, "agencies": 2, "publication": 1, "attitude": 2},
        )
        second = submit(w)
        act(w.receiver, second, "refuse", comment="Not our competence.")
        third = submit(w)
        to_handling(w, third)
        act(w.handler, third, "request_payment", params={"amount_vnd": 200_000})
        paid(JUSTICE, at(2026, 11, 5), 200_000, order="o9")
        refunded(JUSTICE, at(2026, 11, 20), 50_000, order="o9")
    incremental = _rows()
    assert {m for _a, _m, m, _v in incremental} >= {
        "received", "processed", "results", "ratings", "payment_requests", "payments", "refunds"
    }  # fmt: skip
    facts = [PaymentFact("o9", "X", JUSTICE, "p", 200_000, "demo", at(2026, 11, 5), 50_000,
                         at(2026, 11, 20))]  # fmt: skip
    monkeypatch.setattr(sources, "payment_facts", lambda **_kw: facts)
    MonthlyFact.objects.all().delete()
    result = services.rollups_rebuild(actor=TESTS)
    assert _rows() == incremental
    assert (result.ratings, result.payments) == (1, 1)
    # A second rebuild changes nothing either.
    services.rollups_rebuild(actor=TESTS)
    assert _rows() == incremental


def test_the_payment_adapter_reads_the_payments_facade(monkeypatch: Any) -> None:
    """``sources.payment_facts`` is the one place reporting reads payments for a rebuild: it
    calls ``egov.payments.facade.payment_facts(since=...)`` (a stand-in module here)."""
    import sys
    import types

    calls: list[Any] = []

    def payment_facts(*, since: Any = None) -> list[str]:
        calls.append(since)
        return ["fact"]

    fake = types.ModuleType("egov.payments.facade")
    fake.payment_facts = payment_facts  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "egov.payments.facade", fake)
    assert list(sources.payment_facts()) == ["fact"]
    assert calls == [None]
