"""Steps shared by the payments tests. The bank's side is written here independently of the
adapter: its own canonical string (``urllib.parse.urlencode`` of the sorted parameters) and its
own HMAC-SHA512, so a test that passes shows the adapter and a separate implementation agree."""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse
from typing import Any

from egov.core.actor import Actor, ActorKind
from egov.payments import services
from egov.payments.facade import FeeLine, OrderInfo

SECRET = "test-secret-vnpay"
MOMO_SECRET = "test-secret-momo"
AGENCY = "000.00.15.H29"
PAYER = Actor(kind=ActorKind.CITIZEN, id="citizen-payer-1")
OTHER = Actor(kind=ActorKind.CITIZEN, id="citizen-other-2")


def independent_hash(params: dict[str, str], secret: str) -> str:
    data = urllib.parse.urlencode(sorted((k, v) for k, v in params.items() if v != ""))
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def new_order(
    *, amount: int = 200_000, dossier_id: str = "", obligation: str = "submission",
    payer: Actor = PAYER, agency: str = AGENCY,
) -> OrderInfo:  # fmt: skip
    return services.order_create(
        actor=payer,
        dossier_id=dossier_id,
        dossier_code="000.00.15.H29-260302-0001" if dossier_id else "",
        obligation=obligation,
        agency_code=agency,
        agency_name="Sở Tư pháp TP Hồ Chí Minh",
        procedure_code="0.000001",
        description="Cấp Phiếu lý lịch tư pháp",
        lines=[
            FeeLine("fixed", "Lệ phí cấp Phiếu lý lịch tư pháp", amount + 10_000),
            FeeLine("online_discount", "Giảm khi nộp trực tuyến", -10_000),
        ],
        payer_id=payer.id,
    )


def start(
    order: OrderInfo, *, gateway: str = "vnpay", wallet: str = "", payer: Actor = PAYER
) -> dict[str, str]:
    """Start an attempt; the request parameters the gateway's page receives."""
    url = services.payment_start(
        actor=payer,
        order_id=order.public_id,
        gateway=gateway,
        return_url="http://testserver/payments/vnpay/return/",
        client_ip="10.0.0.7",
        locale="vi",
        wallet=wallet,
    )
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def bank_params(
    request: dict[str, str], *, code: str = "00", status: str = "00", amount: str = "",
    txn_no: str = "14000001", secret: str = SECRET, **extra: str,
) -> dict[str, str]:  # fmt: skip
    """The IPN (or return) the bank sends for the attempt ``request``, signed independently."""
    params = {
        "vnp_Amount": amount or request["vnp_Amount"],
        "vnp_BankCode": "NCB",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": request["vnp_OrderInfo"],
        "vnp_PayDate": "20260302101500",
        "vnp_ResponseCode": code,
        "vnp_TmnCode": request["vnp_TmnCode"],
        "vnp_TransactionNo": txn_no,
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": request["vnp_TxnRef"],
        **extra,
    }
    params["vnp_SecureHash"] = independent_hash(params, secret)
    return params


def ipn(params: dict[str, str], gateway: str = "vnpay") -> Any:
    return services.ipn_process(gateway=gateway, params=params)


def finance_officer(username: str, agency: str = AGENCY) -> Actor:
    """An official holding ``finance_officer`` in ``agency``; their actor."""
    from django.contrib.auth import get_user_model

    from egov.identity.facade import Role
    from egov.identity.services import role_grant

    account = get_user_model().objects.create_user(
        username=username,
        password="not-used-Pa55word",
        kind="official",
        agency_code=agency,
        full_name=username,
    )
    role_grant(
        actor=Actor.system("tests"), account=account, role=Role.FINANCE_OFFICER, agency_code=agency
    )
    return account.as_actor()


def sandbox_transport(monkeypatch: Any) -> None:
    """Route the adapter's query/refund API calls to the sandbox bank in-process (the HTTP
    transport itself is exercised by the live-server tests)."""
    from egov.payments import vnpay
    from egov.payments.sandbox import bank

    monkeypatch.setattr(vnpay, "post_json", lambda url, body, timeout: bank.api(body))


def bank_books(request: dict[str, str], *, pay: bool = True) -> None:
    """The sandbox bank records the request and the payer pays (or cancels) on its page, without
    the IPN reaching the platform (a lost notification)."""
    from egov.payments.sandbox import bank

    merchant = bank.merchant_of(request)
    assert merchant is not None
    bank.book(merchant, request)
    bank.decide(merchant, merchant.tmn_code, request["vnp_TxnRef"], pay=pay, bank="NCB")
