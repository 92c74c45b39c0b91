"""Fees paid online: the dossier's obligation met through ``payment.completed``, once."""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse
from typing import Any

import pytest
from django.conf import LazySettings

from egov.core import events
from egov.core.errors import NotFound, ValidationFailed
from egov.core.models import OutboxEvent
from egov.dossiers import selectors, services
from egov.dossiers.models import DossierEvent
from egov.dossiers.services.payments import on_payment_completed
from egov.dossiers.tests.helpers import act, state, submitted, to_handling
from egov.payments import selectors as payments
from egov.payments import services as payment_services

SECRET = "dossier-tests-secret"


@pytest.fixture(autouse=True)
def _gateway(settings: LazySettings) -> None:
    settings.EGOV_VNPAY_TMN_CODE = "EGOVTEST"
    settings.EGOV_VNPAY_HASH_SECRET = SECRET


def _pay(world: Any, dossier_id: str, capture: Any) -> str:
    """The applicant pays what is due through the VNPay adapter; the bank's IPN (signed here
    independently) arrives and its event is dispatched. Returns the order id."""
    actor = world.citizen.as_actor()
    order = services.dossier_payment_order(actor=actor, dossier_id=dossier_id)
    url = payment_services.payment_start(
        actor=actor, order_id=order.public_id, gateway="vnpay",
        return_url="http://testserver/r/", client_ip="10.0.0.1", locale="vi",
    )  # fmt: skip
    request = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    params = {
        "vnp_Amount": request["vnp_Amount"], "vnp_BankCode": "NCB", "vnp_PayDate": "20260302101500",
        "vnp_ResponseCode": "00", "vnp_TmnCode": "EGOVTEST", "vnp_TransactionNo": "1401",
        "vnp_TransactionStatus": "00", "vnp_TxnRef": request["vnp_TxnRef"],
    }  # fmt: skip
    data = urllib.parse.urlencode(sorted(params.items()))
    params["vnp_SecureHash"] = hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()
    with capture(execute=True):
        reply = payment_services.ipn_process(gateway="vnpay", params=params)
    assert reply["RspCode"] == "00"
    return order.public_id


def _steps(dossier_id: str, action: str) -> int:
    return DossierEvent.objects.filter(dossier__public_id=dossier_id, action=action).count()


def test_the_fee_due_at_submission_is_paid_from_the_dossier_and_recorded_once(
    dossier_world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier_id = submitted(dossier_world)
    actor = dossier_world.citizen.as_actor()
    due = selectors.dossier_payment_due(actor=actor, dossier_id=dossier_id)
    assert (due.obligation, due.amount) == ("submission", 200_000)
    assert (
        selectors.dossier_payment_due(
            actor=dossier_world.other_citizen.as_actor(), dossier_id=dossier_id
        )
        is None
    )
    with pytest.raises(NotFound):
        services.dossier_payment_order(
            actor=dossier_world.other_citizen.as_actor(), dossier_id=dossier_id
        )
    order_id = _pay(dossier_world, dossier_id, django_capture_on_commit_callbacks)
    order = payments.order_get(public_id=order_id)
    assert [(line.kind, line.amount) for line in order.lines] == [("fixed", 200_000)]
    assert (order.dossier_code, order.agency_code) == (state(dossier_world, dossier_id).code,
                                                       "000.00.15.H29")  # fmt: skip
    assert state(dossier_world, dossier_id).status == 1  # the dossier goes on as it was
    assert _steps(dossier_id, "payment_received") == 1
    assert selectors.dossier_payment_due(actor=actor, dossier_id=dossier_id) is None
    # The event delivered again (a retry of the outbox): nothing more is recorded.
    event = OutboxEvent.objects.get(name="payment.completed")
    on_payment_completed(events.Event(id=event.pk, name=event.name, payload=event.payload))
    assert _steps(dossier_id, "payment_received") == 1
    with pytest.raises(ValidationFailed):
        services.dossier_payment_order(actor=actor, dossier_id=dossier_id)


def test_a_requested_payment_is_confirmed_by_the_platform_once(
    dossier_world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier_id = submitted(dossier_world)
    to_handling(dossier_world, dossier_id)
    act(dossier_world, dossier_world.handler, dossier_id, "request_payment",
        params={"amount_vnd": 50_000})  # fmt: skip
    assert state(dossier_world, dossier_id).status == 6
    due = selectors.dossier_payment_due(
        actor=dossier_world.citizen.as_actor(), dossier_id=dossier_id
    )
    assert (due.obligation, due.amount) == ("request:1", 50_000)
    order_id = _pay(dossier_world, dossier_id, django_capture_on_commit_callbacks)
    info = state(dossier_world, dossier_id)
    assert (info.status, info.queue) == (4, "handling")
    confirm = DossierEvent.objects.get(dossier__public_id=dossier_id, action="payment_confirm")
    assert confirm.actor_kind == "system"
    assert confirm.details["order"] == order_id
    assert confirm.details["amount_vnd"] == 50_000
    event = OutboxEvent.objects.get(name="payment.completed")
    on_payment_completed(events.Event(id=event.pk, name=event.name, payload=event.payload))
    assert _steps(dossier_id, "payment_confirm") == 1
    assert _steps(dossier_id, "payment_received") == 0


def test_a_payment_arriving_after_a_manual_confirmation_is_recorded_not_confirmed_again(
    dossier_world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier_id = submitted(dossier_world)
    to_handling(dossier_world, dossier_id)
    act(dossier_world, dossier_world.handler, dossier_id, "request_payment",
        params={"amount_vnd": 50_000})  # fmt: skip
    actor = dossier_world.citizen.as_actor()
    order = services.dossier_payment_order(actor=actor, dossier_id=dossier_id)
    # Paid at the counter meanwhile; the receiver confirms.
    act(dossier_world, dossier_world.receiver, dossier_id, "payment_confirm")
    assert state(dossier_world, dossier_id).status == 4
    url = payment_services.payment_start(
        actor=actor, order_id=order.public_id, gateway="vnpay", return_url="http://t/r/",
        client_ip="", locale="vi",
    )  # fmt: skip
    request = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    params = {k: request[k] for k in ("vnp_Amount", "vnp_TmnCode", "vnp_TxnRef")}
    params |= {"vnp_ResponseCode": "00", "vnp_TransactionStatus": "00"}
    data = urllib.parse.urlencode(sorted(params.items()))
    params["vnp_SecureHash"] = hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()
    with django_capture_on_commit_callbacks(execute=True):
        assert payment_services.ipn_process(gateway="vnpay", params=params)["RspCode"] == "00"
    assert _steps(dossier_id, "payment_confirm") == 1
    assert _steps(dossier_id, "payment_received") == 1
    assert state(dossier_world, dossier_id).status == 4


def test_the_receipt_is_a_signed_pdf_for_the_payer_only(
    dossier_world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier_id = submitted(dossier_world)
    order_id = _pay(dossier_world, dossier_id, django_capture_on_commit_callbacks)
    receipt = services.payment_receipt_issue(
        actor=dossier_world.citizen.as_actor(), order_id=order_id
    )
    assert receipt.code == payments.order_get(public_id=order_id).receipt_code
    assert receipt.code.startswith("BL-")
    assert receipt.title == "Biên lai thu phí, lệ phí điện tử"
    again = services.payment_receipt_issue(
        actor=dossier_world.citizen.as_actor(), order_id=order_id
    )
    assert again.public_id == receipt.public_id
    with pytest.raises(NotFound):
        services.payment_receipt_issue(
            actor=dossier_world.other_citizen.as_actor(), order_id=order_id
        )
    with pytest.raises(NotFound):
        services.payment_receipt_issue(actor=dossier_world.receiver.as_actor(), order_id=order_id)
