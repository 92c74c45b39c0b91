"""Demo helpers (demo mode only): pay an order through the sandbox bank without a browser, and
write the sandbox bank's settlement file of a day."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from pathlib import Path

from django.conf import settings

from egov.core.actor import Actor
from egov.payments.sandbox import bank
from egov.payments.services.orders import payment_start
from egov.payments.services.settlement import ipn_process


def _require_demo() -> None:
    if not settings.DEMO:
        raise RuntimeError("Demo payments exist only in demo mode.")


def demo_start(*, actor: Actor, order_id: str) -> dict[str, str]:
    """Start an attempt through the VNPay adapter; the request the bank's page receives."""
    _require_demo()
    url = payment_start(
        actor=actor, order_id=order_id, gateway="vnpay",
        return_url=f"{settings.EGOV_PUBLIC_URL}/payments/vnpay/return/",
        client_ip="127.0.0.1", locale="vi",
    )  # fmt: skip
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def demo_pay(*, actor: Actor, order_id: str) -> str:
    """The payer pays at the sandbox bank; the bank's signed IPN is handled by the adapter (in
    process instead of over HTTP). Returns the IPN reply code."""
    request = demo_start(actor=actor, order_id=order_id)
    merchant = bank.merchant_of(request)
    if merchant is None:
        raise RuntimeError("The VNPay merchant code and secret are not set.")
    bank.book(merchant, request)
    txn = bank.decide(merchant, merchant.tmn_code, request["vnp_TxnRef"], pay=True, bank="NCB")
    assert txn is not None
    reply = ipn_process(gateway=merchant.gateway, params=bank.outcome_params(merchant, txn))
    return reply["RspCode"]


def demo_settlement_file(*, day: dt.date) -> Path:
    """The sandbox bank's settlement file of ``day`` under ``<EGOV_VAR_DIR>/demo/``."""
    _require_demo()
    path = Path(settings.VAR_DIR) / "demo" / f"settlement-{day.isoformat()}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(bank.settlement_csv(settings.EGOV_VNPAY_TMN_CODE, day), encoding="utf-8")
    return path
