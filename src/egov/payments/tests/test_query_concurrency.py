"""Querying the gateway when the IPN is late or lost, and an IPN and a query for the same order
arriving at the same moment (PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from egov.core.errors import ValidationFailed
from egov.core.models import OutboxEvent
from egov.payments import selectors, services
from egov.payments.models import Payment
from egov.payments.tests.helpers import (
    PAYER,
    bank_books,
    bank_params,
    ipn,
    new_order,
    sandbox_transport,
    start,
)


@pytest.mark.django_db
def test_a_query_settles_a_payment_whose_ipn_was_lost(monkeypatch: Any) -> None:
    sandbox_transport(monkeypatch)
    order = new_order()
    request = start(order)
    # Not paid yet at the bank: the query changes nothing.
    from egov.payments.sandbox import bank

    merchant = bank.merchant_of(request)
    assert merchant is not None
    bank.book(merchant, request)
    assert services.payment_query(actor=PAYER, order_id=order.public_id) == "pending"
    bank.decide(merchant, merchant.tmn_code, request["vnp_TxnRef"], pay=True, bank="NCB")
    assert services.payment_query(actor=PAYER, order_id=order.public_id) == "paid"
    # The IPN arriving afterwards: already confirmed.
    assert ipn(bank_params(request))["RspCode"] == "02"
    assert OutboxEvent.objects.filter(name="payment.completed").count() == 1
    assert Payment.objects.get(txn_ref=request["vnp_TxnRef"]).settled_by == "query"


@pytest.mark.django_db
def test_a_query_of_a_cancelled_attempt_fails_the_order(monkeypatch: Any) -> None:
    sandbox_transport(monkeypatch)
    order = new_order()
    request = start(order)
    bank_books(request, pay=False)
    assert services.payment_query(actor=PAYER, order_id=order.public_id) == "failed"


@pytest.mark.django_db(transaction=True)
def test_concurrent_ipn_and_query_settle_the_order_once(monkeypatch: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL only: row locks (select_for_update) between concurrent transactions; "
            "SQLite serialises writers"
        )
    sandbox_transport(monkeypatch)
    for round_ in range(5):
        order = new_order(obligation=f"round-{round_}")
        request = start(order)
        bank_books(request)
        barrier = threading.Barrier(2)
        answers: dict[str, Any] = {}

        def by_ipn(
            request: dict[str, str] = request,
            barrier: threading.Barrier = barrier,
            answers: dict[str, Any] = answers,
        ) -> None:
            try:
                barrier.wait()
                answers["ipn"] = ipn(bank_params(request))["RspCode"]
            finally:
                connection.close()

        def by_query(
            order_id: str = order.public_id,
            barrier: threading.Barrier = barrier,
            answers: dict[str, Any] = answers,
        ) -> None:
            try:
                barrier.wait()
                answers["query"] = services.payment_query(actor=PAYER, order_id=order_id)
            finally:
                connection.close()

        threads = [threading.Thread(target=by_ipn), threading.Thread(target=by_query)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers["ipn"] in ("00", "02")
        assert answers["query"] == "paid"
        assert selectors.order_get(public_id=order.public_id).status == "paid"
        completed = OutboxEvent.objects.filter(
            name="payment.completed", payload__order=order.public_id
        )
        assert completed.count() == 1
        attempt = Payment.objects.get(txn_ref=request["vnp_TxnRef"])
        assert attempt.settled_by == ("ipn" if answers["ipn"] == "00" else "query")


@pytest.mark.django_db(transaction=True)
def test_payments_started_at_once_through_one_wallet_cannot_both_pass_the_limit() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL only: the wallet's advisory lock between concurrent transactions; "
            "SQLite serialises writers"
        )
    for round_ in range(5):
        wallet = f"09123456{round_:02d}"
        orders = [new_order(amount=6_000_000, obligation=f"w{round_}-{n}") for n in range(2)]
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def begin(
            order: Any = None, barrier: threading.Barrier = barrier, wallet: str = wallet,
            outcomes: list[str] = outcomes,
        ) -> None:  # fmt: skip
            try:
                barrier.wait()
                start(order, gateway="mobile_money", wallet=wallet)
                outcomes.append("started")
            except ValidationFailed as exc:
                outcomes.append(exc.code)
            finally:
                connection.close()

        threads = [threading.Thread(target=begin, kwargs={"order": o}) for o in orders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["started", "wallet_limit"]
