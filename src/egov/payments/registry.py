"""Gateway plugins: how a payment leaves the platform and how its outcome comes back.

A gateway is an object with a ``name``, a translatable ``label``, a ``kind`` (``bank`` or
``mobile_money``) and five operations:

- ``start(request) -> str``: the URL of the gateway's page the payer is sent to;
- ``handle_return(params) -> Notification``: the outcome shown to the payer in the browser
  (never acted on: only displayed);
- ``handle_ipn(params) -> Notification``: the signed server-to-server notification, checked and
  parsed; ``ipn_reply(code)`` is the body the gateway expects back;
- ``query(...) -> Notification | None``: ask the gateway for the outcome of an attempt;
- ``refund(...) -> RefundOutcome``: give money back.

``handle_return``/``handle_ipn`` raise ``SignatureInvalid`` when the signature does not match;
``query``/``refund`` raise ``GatewayUnavailable`` when the gateway cannot be reached. Plugins
read their secrets from settings at call time and never log them.

Built-in plugins: ``vnpay`` (``vnpay.VnpayGateway``), ``mobile_money``
(``mobile_money.MobileMoneyGateway``). Another plugin registers with ``register(MyGateway())``
in its app's ``ready``; which are offered is ``settings.EGOV_PAYMENTS_GATEWAYS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django_stubs_ext import StrPromise


class SignatureInvalid(Exception):
    """The message's signature does not match (tampered, or another merchant's key)."""


class GatewayUnavailable(Exception):
    """The gateway could not be reached or answered nonsense (message names no secret)."""


@dataclass(frozen=True, slots=True)
class StartRequest:
    txn_ref: str
    amount: int  # VND
    order_info: str
    created_at: dt.datetime
    expires_at: dt.datetime
    return_url: str
    client_ip: str
    locale: str  # "vi" or "en"
    bank_code: str = ""


@dataclass(frozen=True, slots=True)
class Notification:
    """What the gateway says about one attempt. ``amount`` in VND (the protocol's x100 undone);
    ``success`` only when both the response code and the transaction status say so."""

    txn_ref: str
    amount: int
    success: bool
    response_code: str
    transaction_status: str
    transaction_no: str = ""
    bank_code: str = ""
    pay_date: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class RefundOutcome:
    ok: bool
    response_code: str
    reference: str = ""


class Gateway(Protocol):
    name: str
    label: StrPromise
    kind: str

    def start(self, request: StartRequest) -> str: ...

    def handle_return(self, params: Mapping[str, str]) -> Notification: ...

    def handle_ipn(self, params: Mapping[str, str]) -> Notification: ...

    def ipn_reply(self, code: str) -> dict[str, str]: ...

    def query(
        self, *, txn_ref: str, created_at: dt.datetime, client_ip: str
    ) -> Notification | None: ...

    def refund(
        self,
        *,
        txn_ref: str,
        amount: int,
        full: bool,
        transaction_no: str,
        created_at: dt.datetime,
        created_by: str,
        client_ip: str,
    ) -> RefundOutcome: ...


_GATEWAYS: dict[str, Gateway] = {}


def register(gateway: Gateway) -> None:
    _GATEWAYS[gateway.name] = gateway


def gateway_get(name: str) -> Gateway:
    try:
        return _GATEWAYS[name]
    except KeyError:
        raise LookupError(f"No payment gateway plugin named {name!r}") from None


def gateway_names() -> list[str]:
    return sorted(_GATEWAYS)


def offered_gateways() -> list[Gateway]:
    """The gateways offered to payers (``EGOV_PAYMENTS_GATEWAYS``), in order."""
    names = dict.fromkeys(settings.EGOV_PAYMENTS_GATEWAYS)
    return [_GATEWAYS[name] for name in names if name in _GATEWAYS]


def register_builtins() -> None:
    from egov.payments.mobile_money import MobileMoneyGateway
    from egov.payments.vnpay import VnpayGateway

    register(VnpayGateway())
    register(MobileMoneyGateway())
