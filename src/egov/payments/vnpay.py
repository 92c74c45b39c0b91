"""The VNPay payment protocol (``vnp_Version`` 2.1.0), as public integrations implement it.

Payment URL: the request parameters sorted by name, each ``name=value`` URL-encoded the way
PHP's ``urlencode`` does (space as ``+``, everything but letters, digits and ``-_.`` escaped),
joined with ``&``; ``vnp_SecureHash`` = hex HMAC-SHA512 of that string with the merchant's
secret, appended last. Returns and IPNs are checked by rebuilding the string from every
``vnp_*`` parameter except ``vnp_SecureHash``/``vnp_SecureHashType``. Amounts travel as VND x
100; times as ``yyyyMMddHHmmss`` in GMT+7.

The query (``querydr``) and refund APIs take a JSON POST whose hash is over the fields joined
with ``|`` in a fixed order (``QUERY_FIELDS``, ``REFUND_FIELDS``; their answers:
``QUERY_ANSWER_FIELDS``, ``REFUND_ANSWER_FIELDS``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from typing import Any

import structlog
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from egov.core import clock
from egov.payments.registry import (
    GatewayUnavailable,
    Notification,
    RefundOutcome,
    SignatureInvalid,
    StartRequest,
)

log = structlog.get_logger(__name__)

VERSION = "2.1.0"
HASH_FIELDS_EXCLUDED = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})

# IPN replies ({RspCode, Message}) as the protocol defines them.
IPN_REPLIES = {
    "00": "Confirm Success",
    "01": "Order not found",
    "02": "Order already confirmed",
    "04": "Invalid amount",
    "97": "Invalid signature",
    "99": "Unknown error",
}

# vnp_ResponseCode values, for the payer's result page.
RESPONSE_CODES: dict[str, StrPromise] = {
    "00": _("The payment succeeded."),
    "07": _("Money was taken but the transaction is under review (suspected fraud)."),
    "09": _("The card or account is not registered for internet banking."),
    "10": _("The card or account details were entered wrongly more than 3 times."),
    "11": _("The time allowed for the payment ran out."),
    "12": _("The card or account is locked."),
    "13": _("The one-time password (OTP) was wrong."),
    "24": _("You cancelled the payment."),
    "51": _("The account does not have enough money."),
    "65": _("The account has reached its daily limit."),
    "75": _("The bank is under maintenance."),
    "79": _("The payment password was entered wrongly too many times."),
    "99": _("The payment did not go through."),
}

QUERY_FIELDS = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
    "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
)  # fmt: skip
QUERY_ANSWER_FIELDS = (
    "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
    "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
    "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode",
    "vnp_PromotionAmount",
)  # fmt: skip
REFUND_FIELDS = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType",
    "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy",
    "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
)  # fmt: skip
REFUND_ANSWER_FIELDS = (
    "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
    "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
    "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo",
)  # fmt: skip


# --- Encoding and signature ---------------------------------------------------------------------


def vnp_time(moment: dt.datetime) -> str:
    """``yyyyMMddHHmmss`` in GMT+7."""
    return moment.astimezone(clock.VN_TZ).strftime("%Y%m%d%H%M%S")


def parse_vnp_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=clock.VN_TZ)
    except (TypeError, ValueError):
        return None


def _encode(text: str) -> str:
    # PHP urlencode: like quote_plus, but "~" is escaped too.
    return urllib.parse.quote_plus(text, safe="").replace("~", "%7E")


def canonical_query(params: Mapping[str, str]) -> str:
    """The signed string: ``vnp_*`` parameters (except the hash ones) with a value, sorted by
    name, URL-encoded, joined with ``&``."""
    items = sorted(
        (k, str(v))
        for k, v in params.items()
        if k.startswith("vnp_") and k not in HASH_FIELDS_EXCLUDED and str(v) != ""
    )
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in items)


def hmac_sha512(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode("utf-8"), hashlib.sha512).hexdigest()


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac_sha512(secret, canonical_query(params))


def signed_url(base: str, params: Mapping[str, str], secret: str) -> str:
    query = canonical_query(params)
    return f"{base}?{query}&vnp_SecureHash={hmac_sha512(secret, query)}"


def verify(params: Mapping[str, str], secret: str) -> bool:
    given = str(params.get("vnp_SecureHash") or "").lower()
    if not given or not secret:
        return False
    return hmac.compare_digest(given, sign(params, secret))


def pipe_hash(secret: str, body: Mapping[str, Any], fields: tuple[str, ...]) -> str:
    return hmac_sha512(secret, "|".join(str(body.get(f, "")) for f in fields))


def notification_from(params: Mapping[str, str]) -> Notification:
    """Parse a return/IPN/query answer (already verified)."""
    try:
        amount_x100 = int(str(params.get("vnp_Amount") or "0"))
    except ValueError:
        amount_x100 = -1
    code = str(params.get("vnp_ResponseCode") or "")
    status = str(params.get("vnp_TransactionStatus") or "")
    return Notification(
        txn_ref=str(params.get("vnp_TxnRef") or ""),
        # An amount that is not a whole number of dong can never match an order.
        amount=amount_x100 // 100 if amount_x100 >= 0 and amount_x100 % 100 == 0 else -1,
        success=code == "00" and status == "00",
        response_code=code,
        transaction_status=status,
        transaction_no=str(params.get("vnp_TransactionNo") or ""),
        bank_code=str(params.get("vnp_BankCode") or ""),
        pay_date=parse_vnp_time(str(params.get("vnp_PayDate") or "")),
    )


def post_json(url: str, body: Mapping[str, Any], timeout: float) -> dict[str, Any]:
    """POST ``body`` as JSON; the JSON answer. ``GatewayUnavailable`` on any failure."""
    request = urllib.request.Request(  # noqa: S310 - the URL is from settings
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read(1_000_000))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise GatewayUnavailable(type(exc).__name__) from None
    if not isinstance(answer, dict):
        raise GatewayUnavailable("not_an_object")
    return answer


# --- The plugin ---------------------------------------------------------------------------------


class VnpayGateway:
    """The VNPay-protocol adapter. Settings: ``EGOV_VNPAY_TMN_CODE``, ``EGOV_VNPAY_HASH_SECRET``,
    ``EGOV_VNPAY_PAY_URL``, ``EGOV_VNPAY_API_URL`` (empty: the built-in sandbox)."""

    name = "vnpay"
    label: StrPromise = _("Bank card or account (VNPay)")
    kind = "bank"
    order_type = "billpayment"
    setting_prefix = "EGOV_VNPAY"

    def _setting(self, key: str) -> str:
        return str(getattr(settings, f"{self.setting_prefix}_{key}"))

    @property
    def tmn_code(self) -> str:
        return self._setting("TMN_CODE")

    def _secret(self) -> str:
        secret = self._setting("HASH_SECRET")
        if not secret:
            raise GatewayUnavailable("no_hash_secret")
        return secret

    def _api_url(self) -> str:
        return self._setting("API_URL") or (
            f"{settings.EGOV_PUBLIC_URL}/sandbox/vnpay/merchant_webapi/api/transaction"
        )

    def start_params(self, request: StartRequest) -> dict[str, str]:
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(request.amount * 100),
            "vnp_CreateDate": vnp_time(request.created_at),
            "vnp_ExpireDate": vnp_time(request.expires_at),
            "vnp_CurrCode": "VND",
            "vnp_IpAddr": request.client_ip or "127.0.0.1",
            "vnp_Locale": "en" if request.locale == "en" else "vn",
            "vnp_OrderInfo": request.order_info,
            "vnp_OrderType": self.order_type,
            "vnp_ReturnUrl": request.return_url,
            "vnp_TxnRef": request.txn_ref,
        }
        if request.bank_code:
            params["vnp_BankCode"] = request.bank_code
        return params

    def start(self, request: StartRequest) -> str:
        return signed_url(self._setting("PAY_URL"), self.start_params(request), self._secret())

    def _checked(self, params: Mapping[str, str]) -> Notification:
        if not verify(params, self._secret()):
            raise SignatureInvalid()
        return notification_from(params)

    def handle_return(self, params: Mapping[str, str]) -> Notification:
        return self._checked(params)

    def handle_ipn(self, params: Mapping[str, str]) -> Notification:
        if str(params.get("vnp_TmnCode") or "") != self.tmn_code:
            raise SignatureInvalid()
        return self._checked(params)

    def ipn_reply(self, code: str) -> dict[str, str]:
        return {"RspCode": code, "Message": IPN_REPLIES[code]}

    def query(
        self, *, txn_ref: str, created_at: dt.datetime, client_ip: str
    ) -> Notification | None:
        """``querydr``: the gateway's signed answer; ``None`` when it knows no paid or failed
        outcome yet (the attempt is still open, or unknown to it)."""
        secret = self._secret()
        body = {
            "vnp_RequestId": uuid.uuid4().hex[:32],
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": txn_ref,
            "vnp_OrderInfo": f"Query {txn_ref}",
            "vnp_TransactionDate": vnp_time(created_at),
            "vnp_CreateDate": vnp_time(clock.now()),
            "vnp_IpAddr": client_ip or "127.0.0.1",
        }
        body["vnp_SecureHash"] = pipe_hash(secret, body, QUERY_FIELDS)
        answer = post_json(self._api_url(), body, settings.EGOV_PAYMENTS_HTTP_TIMEOUT_SECONDS)
        expected = pipe_hash(secret, answer, QUERY_ANSWER_FIELDS)
        if not hmac.compare_digest(str(answer.get("vnp_SecureHash") or "").lower(), expected):
            raise SignatureInvalid()
        if answer.get("vnp_ResponseCode") != "00" or answer.get("vnp_TxnRef") != txn_ref:
            return None  # 91: transaction not found, or another error of the query itself
        if answer.get("vnp_TransactionStatus") == "01":
            return None  # not finished yet
        return notification_from({k: str(v) for k, v in answer.items()})

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
    ) -> RefundOutcome:
        secret = self._secret()
        body = {
            "vnp_RequestId": uuid.uuid4().hex[:32],
            "vnp_Version": VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionType": "02" if full else "03",
            "vnp_TxnRef": txn_ref,
            "vnp_Amount": str(amount * 100),
            "vnp_TransactionNo": transaction_no,
            "vnp_TransactionDate": vnp_time(created_at),
            "vnp_CreateBy": created_by[:64],
            "vnp_CreateDate": vnp_time(clock.now()),
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_OrderInfo": f"Refund {txn_ref}",
        }
        body["vnp_SecureHash"] = pipe_hash(secret, body, REFUND_FIELDS)
        answer = post_json(self._api_url(), body, settings.EGOV_PAYMENTS_HTTP_TIMEOUT_SECONDS)
        expected = pipe_hash(secret, answer, REFUND_ANSWER_FIELDS)
        if not hmac.compare_digest(str(answer.get("vnp_SecureHash") or "").lower(), expected):
            raise SignatureInvalid()
        code = str(answer.get("vnp_ResponseCode") or "")
        log.info("payment_refund_answer", txn_ref=txn_ref, response_code=code)
        return RefundOutcome(
            ok=code == "00", response_code=code, reference=str(answer.get("vnp_ResponseId") or "")
        )
