"""The IPN handler: the only way an order becomes paid; idempotent; amount, signature and
unknown orders refused with the protocol's codes; replays, out-of-order and late notifications."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.core.models import OutboxEvent
from egov.payments import selectors, services
from egov.payments.tests.helpers import (
    MOMO_SECRET,
    OTHER,
    PAYER,
    bank_params,
    independent_hash,
    ipn,
    new_order,
    start,
)

pytestmark = pytest.mark.django_db


def _status(order_id: str) -> str:
    return selectors.order_get(public_id=order_id).status


def _completed() -> list[dict[str, object]]:
    return [dict(e.payload) for e in OutboxEvent.objects.filter(name="payment.completed")]


def test_an_order_is_made_from_fee_lines_in_whole_dong_with_the_agency_account() -> None:
    at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.VN_TZ)
    with clock.travel(at):
        order = new_order(amount=190_000)
    assert order.amount == 190_000
    assert [(x.kind, x.amount) for x in selectors.order_get(public_id=order.public_id).lines] == [
        ("fixed", 200_000),
        ("online_discount", -10_000),
    ]
    assert order.status == "created"
    assert (order.beneficiary_bank, order.beneficiary_account) == ("KBNN", "3511.0.1234567")
    assert order.expires_at.replace(microsecond=0) == at + dt.timedelta(hours=72)
    services.agency_account_set(
        actor=Actor.system("tests"), agency_code="000.00.15.H29", bank_code="VCB",
        account_number="0071000123456", account_name="So Tu phap TP HCM",
    )  # fmt: skip
    other = new_order(obligation="request:1")
    assert (other.beneficiary_bank, other.beneficiary_account) == ("VCB", "0071000123456")


def test_nothing_to_pay_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        new_order(amount=-10_000)
    assert caught.value.code == "no_fee"


def test_a_successful_ipn_marks_the_order_paid_once_and_emits_the_contract_event() -> None:
    order = new_order()
    request = start(order)
    assert _status(order.public_id) == "pending"
    assert request["vnp_Amount"] == "20000000"
    assert ipn(bank_params(request)) == {"RspCode": "00", "Message": "Confirm Success"}
    paid = selectors.order_get(public_id=order.public_id)
    assert paid.status == "paid"
    assert paid.attempts[0].gateway_txn_no == "14000001"
    assert paid.paid_at is not None
    assert _completed() == [
        {
            "order": order.public_id,
            "dossier": "",
            "dossier_code": "",
            "agency_code": "000.00.15.H29",
            "procedure_code": "0.000001",
            "amount": 200_000,
            "gateway": "vnpay",
            "paid_at": paid.paid_at.isoformat(),
        }
    ]
    # The same notification again (the gateway retries): already confirmed, nothing changes.
    assert ipn(bank_params(request)) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert len(_completed()) == 1


def test_a_tampered_signature_is_refused_with_97_and_changes_nothing() -> None:
    order = new_order()
    request = start(order)
    params = bank_params(request)
    params["vnp_ResponseCode"] = "00"
    params["vnp_Amount"] = "100"  # changed after signing
    assert ipn(params)["RspCode"] == "97"
    assert ipn(bank_params(request, secret="not-the-secret"))["RspCode"] == "97"
    # Signed by the mobile money merchant, sent to the VNPay endpoint.
    momo = bank_params(request, secret=MOMO_SECRET)
    assert ipn(momo)["RspCode"] == "97"
    assert _status(order.public_id) == "pending"
    assert _completed() == []


def test_a_changed_amount_correctly_signed_is_refused_with_04() -> None:
    order = new_order()
    request = start(order)
    assert ipn(bank_params(request, amount="100000"))["RspCode"] == "04"
    assert ipn(bank_params(request, amount="20000050"))["RspCode"] == "04"  # not whole dong
    assert _status(order.public_id) == "pending"
    # The right amount afterwards still settles it.
    assert ipn(bank_params(request))["RspCode"] == "00"


def test_an_unknown_order_is_refused_with_01() -> None:
    order = new_order()
    request = start(order)
    assert ipn(bank_params({**request, "vnp_TxnRef": "UNKNOWN0000"}))["RspCode"] == "01"
    # An attempt of the mobile money gateway notified on the VNPay endpoint: not its order.
    momo = new_order(obligation="other")
    momo_request = start(momo, gateway="mobile_money", wallet="0912345678")
    signed = bank_params({**momo_request, "vnp_TmnCode": "EGOVTEST"})
    assert ipn(signed)["RspCode"] == "01"
    assert _status(order.public_id) == "pending"


def test_a_cancelled_attempt_fails_the_order_and_the_payer_can_retry() -> None:
    order = new_order()
    first = start(order)
    assert ipn(bank_params(first, code="24", status="02"))["RspCode"] == "00"
    assert _status(order.public_id) == "failed"
    # A success notification for the cancelled attempt arriving later: already confirmed.
    assert ipn(bank_params(first))["RspCode"] == "02"
    assert _status(order.public_id) == "failed"
    second = start(order)
    assert second["vnp_TxnRef"] != first["vnp_TxnRef"]
    assert _status(order.public_id) == "pending"
    assert ipn(bank_params(second, txn_no="14000002"))["RspCode"] == "00"
    assert _status(order.public_id) == "paid"
    assert len(_completed()) == 1


def test_out_of_order_notifications_never_unpay_an_order() -> None:
    order = new_order()
    first = start(order)
    second = start(order)  # the payer opened the gateway twice
    assert ipn(bank_params(second, txn_no="2"))["RspCode"] == "00"
    # The abandoned first attempt is reported failed afterwards: the order stays paid.
    assert ipn(bank_params(first, code="11", status="02"))["RspCode"] == "00"
    info = selectors.order_get(public_id=order.public_id)
    assert info.status == "paid"
    assert [a.status for a in info.attempts] == ["failed", "paid"]


def test_money_taken_twice_is_recorded_as_a_duplicate_and_the_order_paid_once() -> None:
    order = new_order()
    first, second = start(order), start(order)
    assert ipn(bank_params(first, txn_no="1"))["RspCode"] == "00"
    assert ipn(bank_params(second, txn_no="2"))["RspCode"] == "00"
    info = selectors.order_get(public_id=order.public_id)
    assert info.status == "paid"
    assert [(a.status, a.duplicate) for a in info.attempts] == [("paid", False), ("paid", True)]
    assert len(_completed()) == 1
    listing = selectors.orders_for_agency(f=selectors.OrderFilter(agency_code="000.00.15.H29"))
    assert listing.duplicates == 1


def test_an_expired_order_paid_late_is_accepted_and_marked_late() -> None:
    order = new_order()
    request = start(order)
    with clock.travel(clock.now() + dt.timedelta(hours=73)):
        assert services.orders_expire(actor=Actor.system("tests")) == 1
        assert _status(order.public_id) == "expired"
        with pytest.raises(Conflict) as caught:
            start(order)
        assert caught.value.code == "order_expired"
        # The bank took the money within its own time window: the payment is kept.
        assert ipn(bank_params(request))["RspCode"] == "00"
    info = selectors.order_get(public_id=order.public_id)
    assert (info.status, info.paid_late) == ("paid", True)
    assert len(_completed()) == 1


def test_only_the_payer_starts_a_payment() -> None:
    order = new_order()
    with pytest.raises(NotFound):
        start(order, payer=OTHER)
    assert _status(order.public_id) == "created"


def test_the_return_url_only_reads() -> None:
    order = new_order()
    request = start(order)
    result = services.return_read(gateway="vnpay", params=bank_params(request))
    assert (result.signature_ok, result.success, result.order_id) == (True, True, order.public_id)
    assert _status(order.public_id) == "pending"
    forged = {**bank_params(request), "vnp_SecureHash": "0" * 128}
    assert services.return_read(gateway="vnpay", params=forged).signature_ok is False


def test_mobile_money_honours_the_monthly_limit_per_account(settings: object) -> None:
    big = new_order(amount=9_900_000, obligation="a")
    request = start(big, gateway="mobile_money", wallet="0912 345 678")
    signed = bank_params(request, secret=MOMO_SECRET)
    assert ipn(signed, gateway="mobile_money")["RspCode"] == "00"
    small = new_order(amount=200_000, obligation="b")
    with pytest.raises(ValidationFailed) as caught:
        start(small, gateway="mobile_money", wallet="0912345678")
    assert caught.value.code == "wallet_limit"
    assert "10.000.000" in caught.value.render_message()
    assert "100.000" in caught.value.render_message()
    # Another account, or a bank card, is fine.
    start(small, gateway="mobile_money", wallet="0987654321")
    start(small, gateway="vnpay")
    with pytest.raises(ValidationFailed) as caught:
        start(small, gateway="mobile_money", wallet="12")
    assert caught.value.code == "wallet"


def test_mobile_money_counts_payments_in_progress_toward_the_limit() -> None:
    """Two payments started one after the other through one account, neither settled yet:
    the second one would take the month above the limit if both were paid."""
    first = new_order(amount=6_000_000, obligation="first")
    second = new_order(amount=6_000_000, obligation="second")
    pending = start(first, gateway="mobile_money", wallet="0912345678")
    with pytest.raises(ValidationFailed) as caught:
        start(second, gateway="mobile_money", wallet="0912345678")
    assert caught.value.code == "wallet_limit"
    assert "4.000.000" in caught.value.render_message()  # 10 million less the 6 in progress
    # A new attempt for the same order does not count that order twice.
    again = start(first, gateway="mobile_money", wallet="0912345678")
    # Once the payer cancels at the provider, nothing is in progress any more.
    for request in (pending, again):
        cancelled = bank_params(request, code="24", status="02", secret=MOMO_SECRET)
        assert ipn(cancelled, gateway="mobile_money")["RspCode"] == "00"
    start(second, gateway="mobile_money", wallet="0912345678")


def test_mobile_money_ipn_signature_is_the_providers() -> None:
    order = new_order()
    request = start(order, gateway="mobile_money", wallet="0912345678")
    assert ipn(bank_params(request), gateway="mobile_money")["RspCode"] == "97"
    params = bank_params(request, secret=MOMO_SECRET)
    assert params["vnp_SecureHash"] == independent_hash(
        {k: v for k, v in params.items() if k != "vnp_SecureHash"}, MOMO_SECRET
    )
    assert ipn(params, gateway="mobile_money")["RspCode"] == "00"
    assert selectors.order_get(public_id=order.public_id).gateway == "mobile_money"
    assert PAYER.id == selectors.order_get(public_id=order.public_id).payer_id
