"""Refunds (two people) and the daily reconciliation with the settlement file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from egov.core import clock
from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.core.models import OutboxEvent
from egov.payments import selectors, services
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


def _paid(amount: int = 200_000, obligation: str = "submission") -> tuple[str, dict[str, str]]:
    order = new_order(amount=amount, obligation=obligation)
    request = start(order)
    bank_books(request)
    assert ipn(bank_params(request))["RspCode"] == "00"
    return order.public_id, request


def test_a_refund_is_asked_by_one_officer_and_approved_by_another(monkeypatch: Any) -> None:
    sandbox_transport(monkeypatch)
    order_id, _request = _paid()
    asker, approver = finance_officer("fin.a"), finance_officer("fin.b")
    with pytest.raises(ValidationFailed):
        services.refund_request(actor=asker, order_id=order_id, amount=200_000, reason=" ")
    with pytest.raises(ValidationFailed):
        services.refund_request(actor=asker, order_id=order_id, amount=200_001, reason="Trùng")
    refund = services.refund_request(
        actor=asker, order_id=order_id, amount=200_000, reason="Nộp trùng hai lần"
    )
    with pytest.raises(Conflict) as caught:
        services.refund_request(actor=approver, order_id=order_id, amount=1, reason="x")
    assert caught.value.code == "refund_open"
    with pytest.raises(Conflict) as caught:
        services.refund_decide(actor=asker, refund_id=refund, approve=True)
    assert caught.value.code == "refund_four_eyes"
    assert services.refund_decide(actor=approver, refund_id=refund, approve=True) == "done"
    info = selectors.order_get(public_id=order_id)
    assert (info.status, info.refunded_amount) == ("refunded", 200_000)
    assert info.refunded_at is not None
    events = [dict(e.payload) for e in OutboxEvent.objects.filter(name="payment.refunded")]
    assert events == [
        {
            "order": order_id,
            "dossier_code": "",
            "agency_code": "000.00.15.H29",
            "amount": 200_000,
            "refunded_at": info.refunded_at.isoformat(),
        }
    ]
    with pytest.raises(Conflict):
        services.refund_decide(actor=approver, refund_id=refund, approve=True)


def test_a_partial_refund_keeps_the_order_paid_and_a_rejection_refunds_nothing(
    monkeypatch: Any,
) -> None:
    sandbox_transport(monkeypatch)
    order_id, _request = _paid()
    a, b = finance_officer("fin.a"), finance_officer("fin.b")
    first = services.refund_request(actor=a, order_id=order_id, amount=50_000, reason="Thu thừa")
    assert services.refund_decide(actor=b, refund_id=first, approve=False, note="Không") == (
        "rejected"
    )
    assert selectors.order_get(public_id=order_id).refunded_amount == 0
    second = services.refund_request(actor=b, order_id=order_id, amount=50_000, reason="Thu thừa")
    assert services.refund_decide(actor=a, refund_id=second, approve=True) == "done"
    info = selectors.order_get(public_id=order_id)
    assert (info.status, info.refunded_amount) == ("paid", 50_000)


def test_only_finance_officers_of_the_orders_agency_handle_refunds() -> None:
    order_id, _request = _paid()
    outsider = finance_officer("fin.other", agency="000.00.00.G18")
    with pytest.raises(PermissionDenied):
        services.refund_request(actor=outsider, order_id=order_id, amount=1, reason="x")
    unpaid = new_order(obligation="unpaid")
    with pytest.raises(Conflict):
        services.refund_request(
            actor=finance_officer("fin.a"), order_id=unpaid.public_id, amount=1, reason="x"
        )


def _csv(*lines: str) -> bytes:
    return (
        "TxnRef,TransactionNo,Amount,PayDate,BankCode,ResponseCode\n" + "\n".join(lines)
    ).encode()


def test_reconciliation_lists_every_difference() -> None:
    officer = finance_officer("fin.a")
    today = clock.today()
    stamp = today.strftime("%Y%m%d") + "101500"
    matched, _r1 = _paid(obligation="a")
    differs, r2 = _paid(obligation="b")
    missing_at_gateway, r3 = _paid(obligation="c")
    r1 = _r1
    content = _csv(
        f"{r1['vnp_TxnRef']},111,200000,{stamp},NCB,00",
        f"{r2['vnp_TxnRef']},222,150000,{stamp},NCB,00",
        f"UNKNOWNREF01,333,90000,{stamp},NCB,00",
        f"CANCELLED001,0,90000,{stamp},NCB,24",
    )
    record_id = services.settlement_import(
        actor=officer, gateway="vnpay", agency_code="000.00.15.H29", day=today, content=content
    )
    record = selectors.settlement_get(public_id=record_id)
    assert (record.line_count, record.matched_count) == (3, 1)
    assert (record.gateway_total, record.platform_total) == (440_000, 600_000)
    found = sorted(
        (m.kind, m.txn_ref, m.platform_amount, m.gateway_amount) for m in record.mismatches
    )
    assert found == sorted(
        [
            ("amount", r2["vnp_TxnRef"], 200_000, 150_000),
            ("missing_platform", "UNKNOWNREF01", None, 90_000),
            ("missing_gateway", r3["vnp_TxnRef"], 200_000, None),
        ]
    )
    assert {matched, differs, missing_at_gateway} == {
        m.order_id for m in record.mismatches if m.order_id
    } | {matched}
    # The same file again: the same import, nothing doubled.
    again = services.settlement_import(
        actor=officer, gateway="vnpay", agency_code="000.00.15.H29", day=today, content=content
    )
    assert again == record_id


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "settlement_file"),
        (b"a,b,c\n", "settlement_header"),
        (b"\xff\xfe", "settlement_file"),
        (b"TxnRef,TransactionNo,Amount,PayDate,BankCode,ResponseCode\nX,1,abc,20260101101500,N,00"
, "settlement_line"),
        (b"TxnRef,TransactionNo,Amount,PayDate,BankCode,ResponseCode\nX,1,10,19990101101500,N,00"
, "settlement_day"),
    ],
)  # fmt: skip
def test_a_bad_settlement_file_is_refused_and_nothing_is_written(content: bytes, code: str) -> None:
    officer = finance_officer("fin.a")
    with pytest.raises(ValidationFailed) as caught:
        services.settlement_import(
            actor=officer,
            gateway="vnpay",
            agency_code="000.00.15.H29",
            day=dt.date(2026, 1, 1),
            content=content,
        )
    assert caught.value.code == code
    assert selectors.settlements_for_agency(agency_code="000.00.15.H29") == []


def test_reconciliation_is_for_the_agencys_finance_officers() -> None:
    with pytest.raises(PermissionDenied):
        services.settlement_import(
            actor=finance_officer("fin.other", agency="000.00.00.G18"),
            gateway="vnpay",
            agency_code="000.00.15.H29",
            day=clock.today(),
            content=_csv(),
        )
