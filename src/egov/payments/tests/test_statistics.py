"""The statistics contract for reporting: ``payment_facts`` and ``payment_totals``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from egov.core import clock
from egov.payments import facade, selectors, services
from egov.payments.tests.helpers import (
    bank_books,
    bank_params,
    finance_officer,
    ipn,
    new_order,
    sandbox_transport,
    start,
)

pytestmark = pytest.mark.django_db


def _pay_at(
    moment: dt.datetime, obligation: str, amount: int = 200_000, agency: str = "000.00.15.H29"
) -> str:
    with clock.travel(moment):
        order = new_order(obligation=obligation, amount=amount, agency=agency)
        request = start(order)
        bank_books(request)
        assert ipn(bank_params(request))["RspCode"] == "00"
    return order.public_id


def test_payment_facts_stream_every_paid_order_with_refunds(monkeypatch: Any) -> None:
    sandbox_transport(monkeypatch)
    monkeypatch.setattr(selectors, "FACT_CHUNK", 2)  # several chunks
    day = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.VN_TZ)
    ids = [_pay_at(day + dt.timedelta(minutes=i), f"o{i}", 100_000 + i) for i in range(5)]
    new_order(obligation="unpaid")
    refund = services.refund_request(
        actor=finance_officer("fin.a"), order_id=ids[1], amount=100_001, reason="Trùng"
    )
    services.refund_decide(actor=finance_officer("fin.b"), refund_id=refund, approve=True)
    facts = list(facade.payment_facts())
    assert [f.order for f in facts] == ids
    assert [f.amount for f in facts] == [100_000, 100_001, 100_002, 100_003, 100_004]
    first = facts[0]
    assert isinstance(first, facade.PaymentFact)
    assert (first.agency_code, first.procedure_code, first.gateway) == (
        "000.00.15.H29", "0.000001", "vnpay",
    )  # fmt: skip
    assert first.paid_at.replace(microsecond=0) == day
    assert (first.refunded_amount, first.refunded_at) == (0, None)
    assert facts[1].refunded_amount == 100_001
    assert facts[1].refunded_at is not None
    later = list(facade.payment_facts(since=day + dt.timedelta(minutes=3)))
    assert [f.order for f in later] == ids[3:]
    with pytest.raises(AttributeError):
        first.amount = 1  # type: ignore[misc]


def test_payment_totals_by_agency_and_period() -> None:
    day = dt.datetime(2026, 3, 2, 23, 30, tzinfo=clock.VN_TZ)  # 16:30 UTC: still 2 March here
    _pay_at(day, "a", 200_000)
    _pay_at(day + dt.timedelta(hours=1), "b", 50_000)  # 3 March
    _pay_at(day, "c", 70_000, agency="000.00.00.G18")
    totals = selectors.payment_totals(
        agency_code="000.00.15.H29", date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 2)
    )
    assert totals == facade.PaymentTotals(count=1, amount=200_000)
    everything = selectors.payment_totals(
        agency_code=None, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 3)
    )
    assert everything == facade.PaymentTotals(count=3, amount=320_000)
    assert selectors.payment_totals(
        agency_code=None, date_from=dt.date(2026, 3, 4), date_to=dt.date(2026, 3, 5)
    ) == facade.PaymentTotals(count=0, amount=0)
