"""Rollups kept current from events, idempotent per event, and rebuild == incremental."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import urllib.parse
from typing import Any

import pytest

from egov.core.actor import Actor, ActorKind
from egov.core.events import Event
from egov.core.models import OutboxEvent
from egov.dossiers import services as dossiers
from egov.payments import services as payments
from egov.payments.facade import FeeLine, PaymentFact
from egov.reporting import metrics, services, sources, subscribers
from egov.reporting.models import AreaMonthlyFact, MonthlyFact, ProcessedEvent
from egov.reporting.tests.helpers import (
    HEALTH,
    JUSTICE,
    NGHE_AN,
    TESTS,
    WARD,
    act,
    at,
    paid,
    refunded,
    small_dataset,
    submit,
    to_handling,
    transition,
)


def _rows() -> list[tuple[str, dt.date, str, int]]:
    return sorted(MonthlyFact.objects.values_list("agency_code", "month", "metric", "value"))


def _area_rows() -> list[tuple[str, dt.date, str, int]]:
    return sorted(AreaMonthlyFact.objects.values_list("area", "month", "metric", "value"))


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
    # The same counters per area: the province recorded for the agency, or its ministry.
    areas = {(a, m, k): v for a, m, k, v in _area_rows()}
    assert areas[("79", nov, metrics.RECEIVED)] == sum(
        v for a, m, k, v in _rows() if m == nov and k == metrics.RECEIVED
    )


@pytest.mark.django_db
def test_a_redispatched_event_changes_nothing(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event_id = paid(JUSTICE, at(2026, 11, 5), 50_000)
    before = _rows()
    row = OutboxEvent.objects.get(pk=event_id)
    event = Event(id=row.pk, name=row.name, payload=row.payload)
    subscribers.on_payments_completed([event])
    subscribers.on_payments_completed([event, event])
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
    incremental_areas = _area_rows()
    # Every agency row is also counted under the agency's area (TP HCM: province 79).
    assert {a for a, _m, _k, _v in incremental_areas} == {"79"}
    assert sum(v for *_k, v in incremental_areas) == sum(v for *_k, v in incremental)
    assert {m for _a, _m, m, _v in incremental} >= {
        "received", "processed", "results", "ratings", "payment_requests", "submission_fees",
        "payments", "refunds"
    }  # fmt: skip
    facts = [PaymentFact("o9", "X", JUSTICE, "p", 200_000, "demo", at(2026, 11, 5), 50_000,
                         at(2026, 11, 20))]  # fmt: skip
    monkeypatch.setattr(sources, "payment_facts", lambda **_kw: facts)
    MonthlyFact.objects.all().delete()
    AreaMonthlyFact.objects.all().delete()
    result = services.rollups_rebuild(actor=TESTS)
    assert _rows() == incremental
    assert _area_rows() == incremental_areas
    assert (result.ratings, result.payments) == (1, 1)
    # A second rebuild changes nothing either.
    services.rollups_rebuild(actor=TESTS)
    assert _rows() == incremental
    assert _area_rows() == incremental_areas


@pytest.mark.django_db
def test_rebuild_reads_the_payments_module(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """An order paid through the real IPN path: the rollup its ``payment.completed`` event made
    equals the one rebuilt from ``payments.facade.payment_facts``."""
    settings.EGOV_VNPAY_TMN_CODE = "EGOVTEST"
    settings.EGOV_VNPAY_HASH_SECRET = "reporting-test-secret"
    settings.EGOV_PUBLIC_URL = "http://testserver"
    payer = Actor(kind=ActorKind.CITIZEN, id="payer-1")
    with django_capture_on_commit_callbacks(execute=True):
        order = payments.order_create(
            actor=payer, dossier_id="", dossier_code="", obligation="submission",
            agency_code=JUSTICE, agency_name="Sở Tư pháp", procedure_code="0.000001",
            description="Lệ phí", lines=[FeeLine("fixed", "Lệ phí", 200_000)],
            payer_id=payer.id,
        )  # fmt: skip
        url = payments.payment_start(
            actor=payer, order_id=order.public_id, gateway="vnpay",
            return_url="http://testserver/return/", client_ip="10.0.0.7", locale="vi", wallet="",
        )  # fmt: skip
        request = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        params = {
            "vnp_Amount": request["vnp_Amount"], "vnp_BankCode": "NCB",
            "vnp_OrderInfo": request["vnp_OrderInfo"], "vnp_PayDate": "20261105101500",
            "vnp_ResponseCode": "00", "vnp_TmnCode": request["vnp_TmnCode"],
            "vnp_TransactionNo": "14000001", "vnp_TransactionStatus": "00",
            "vnp_TxnRef": request["vnp_TxnRef"],
        }  # fmt: skip
        signed = urllib.parse.urlencode(sorted(params.items()))
        params["vnp_SecureHash"] = hmac.new(
            b"reporting-test-secret", signed.encode(), hashlib.sha512
        ).hexdigest()
        assert payments.ipn_process(gateway="vnpay", params=params)["RspCode"] == "00"
    incremental = [row for row in _rows() if row[2] in {"payments", "payments_vnd"}]
    assert [(a, m, v) for a, _month, m, v in incremental] == [
        (JUSTICE, "payments", 1), (JUSTICE, "payments_vnd", 200_000)
    ]  # fmt: skip
    MonthlyFact.objects.all().delete()
    result = services.rollups_rebuild(actor=TESTS)
    assert result.payments == 1
    assert [row for row in _rows() if row[2] in {"payments", "payments_vnd"}] == incremental


@pytest.mark.django_db
def test_area_rollups_count_communes_under_their_province_and_units_under_their_ministry(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        transition(WARD, "submit", at(2026, 11, 3))
        transition(NGHE_AN, "submit", at(2026, 11, 3))
        transition(HEALTH, "submit", at(2026, 11, 3))
        transition("999.99.99.Z99", "submit", at(2026, 11, 3))  # not in the directory
    nov = dt.date(2026, 11, 1)
    assert [(a, v) for a, m, k, v in _area_rows() if (m, k) == (nov, metrics.RECEIVED)] == [
        ("", 1), ("000.00.00.G18", 1), ("40", 1), ("79", 1)
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_relayed_batch_counts_like_events_one_by_one(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The relay hands the subscriber many events at once: the rollups equal those of the
    same events dispatched one by one, and a batch repeated changes nothing."""
    from django.test import override_settings

    from egov.core import events

    def emit_all() -> None:
        paid(JUSTICE, at(2026, 11, 5), 50_000, order="a")
        paid(HEALTH, at(2026, 11, 6), 70_000, order="b")
        refunded(JUSTICE, at(2026, 12, 1), 20_000, order="a")
        paid(JUSTICE, at(2026, 12, 2), 30_000, order="c")
        paid(JUSTICE, at(2026, 12, 3), 40_000, order="d")

    with django_capture_on_commit_callbacks(execute=True):
        emit_all()
    one_by_one, one_by_one_areas = _rows(), _area_rows()
    MonthlyFact.objects.all().delete()
    AreaMonthlyFact.objects.all().delete()
    ProcessedEvent.objects.all().delete()
    OutboxEvent.objects.all().delete()
    with override_settings(EGOV_EVENTS_DISPATCH="relay"):
        with django_capture_on_commit_callbacks(execute=True):
            emit_all()
        assert _rows() == []
        assert events.dispatch_batch() == (5, 5)
    assert _rows() == one_by_one
    assert _area_rows() == one_by_one_areas
    rows = OutboxEvent.objects.order_by("id")
    batch = [
        Event(id=r.pk, name=r.name, payload=r.payload)
        for r in rows
        if r.name == "payment.completed"
    ]
    subscribers.on_payments_completed(batch)
    assert _rows() == one_by_one
