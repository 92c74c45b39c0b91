"""The sandbox bank: the other side of the VNPay protocol, shipped with the platform so the demo
and the tests exercise the real adapter over real HTTP. It knows the merchants configured in
settings (the ``vnpay`` and ``mobile_money`` plugins' codes and secrets), checks their signed
requests, keeps its own book (``SandboxTransaction``), calls the merchant's IPN server to server
and answers ``querydr`` and ``refund``. Only served when ``EGOV_PAYMENTS_SANDBOX`` is on.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction

from egov.core import clock
from egov.payments import vnpay
from egov.payments.models import SandboxTransaction

log = structlog.get_logger(__name__)

BANKS = ("NCB", "VIETCOMBANK", "BIDV", "VIETINBANK", "AGRIBANK", "TECHCOMBANK")
WALLETS = ("VIETTELMONEY", "VNPTMONEY", "MOBIFONEPAY")


@dataclass(frozen=True, slots=True)
class Merchant:
    gateway: str
    tmn_code: str
    secret: str
    wallets: bool


def merchants() -> dict[str, Merchant]:
    found = {}
    for gateway, prefix, wallets in (
        ("vnpay", "EGOV_VNPAY", False),
        ("mobile_money", "EGOV_MOBILE_MONEY", True),
    ):
        code = str(getattr(settings, f"{prefix}_TMN_CODE"))
        secret = str(getattr(settings, f"{prefix}_HASH_SECRET"))
        if code and secret:
            found[code] = Merchant(gateway, code, secret, wallets)
    return found


def merchant_of(params: Mapping[str, str]) -> Merchant | None:
    return merchants().get(str(params.get("vnp_TmnCode") or ""))


def request_check(params: Mapping[str, str]) -> tuple[Merchant | None, str]:
    """The merchant and ``""`` when the payment request is acceptable; otherwise an error code
    of the sandbox (``signature``, ``merchant``, ``amount``, ``expired``, ``format``)."""
    merchant = merchant_of(params)
    if merchant is None:
        return None, "merchant"
    if not vnpay.verify(params, merchant.secret):
        return merchant, "signature"
    amount = str(params.get("vnp_Amount") or "")
    if not amount.isdigit() or int(amount) <= 0 or int(amount) % 100:
        return merchant, "amount"
    if params.get("vnp_Command") != "pay" or not params.get("vnp_TxnRef"):
        return merchant, "format"
    expires = vnpay.parse_vnp_time(str(params.get("vnp_ExpireDate") or ""))
    if expires is not None and expires < clock.now():
        return merchant, "expired"
    return merchant, ""


def book(merchant: Merchant, params: Mapping[str, str]) -> SandboxTransaction:
    """Record the request in the bank's book (the same reference again: the same row)."""
    txn, _created = SandboxTransaction.objects.get_or_create(
        tmn_code=merchant.tmn_code,
        txn_ref=str(params["vnp_TxnRef"]),
        defaults={
            "amount": int(str(params["vnp_Amount"])) // 100,
            "order_info": str(params.get("vnp_OrderInfo") or "")[:255],
            "return_url": str(params.get("vnp_ReturnUrl") or "")[:500],
            "create_date": str(params.get("vnp_CreateDate") or ""),
            "locale": "en" if params.get("vnp_Locale") == "en" else "vn",
        },
    )
    return txn


def outcome_params(merchant: Merchant, txn: SandboxTransaction) -> dict[str, str]:
    params = {
        "vnp_Amount": str(txn.amount * 100),
        "vnp_BankCode": txn.bank_code,
        "vnp_CardType": "QRCODE" if merchant.wallets else "ATM",
        "vnp_OrderInfo": txn.order_info,
        "vnp_PayDate": txn.pay_date,
        "vnp_ResponseCode": txn.response_code,
        "vnp_TmnCode": merchant.tmn_code,
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionStatus": txn.status,
        "vnp_TxnRef": txn.txn_ref,
    }
    params["vnp_SecureHash"] = vnpay.sign(params, merchant.secret)
    return params


def decide(
    merchant: Merchant, tmn_code: str, txn_ref: str, *, pay: bool, bank: str
) -> SandboxTransaction | None:
    """The payer paid (or cancelled) on the bank page: settle the bank's side once."""
    with transaction.atomic():
        txn = (
            SandboxTransaction.objects.select_for_update()
            .filter(tmn_code=tmn_code, txn_ref=txn_ref)
            .first()
        )
        if txn is None or txn.status != "01":
            return txn
        now = clock.now()
        txn.bank_code = (
            bank
            if bank in (WALLETS if merchant.wallets else BANKS)
            else (WALLETS[0] if merchant.wallets else BANKS[0])
        )
        txn.pay_date = vnpay.vnp_time(now)
        if pay:
            txn.response_code, txn.status = "00", "00"
            txn.transaction_no = str(random.SystemRandom().randint(10_000_000, 99_999_999))
        else:
            txn.response_code, txn.status = "24", "02"
            txn.transaction_no = "0"
        txn.save()
        return txn


def call_ipn(ipn_url: str, merchant: Merchant, txn: SandboxTransaction) -> str:
    """Call the merchant's IPN server to server (GET with the signed query); the RspCode it
    answered, or ``unreachable``/``bad_answer``."""
    params = outcome_params(merchant, txn)
    query = vnpay.canonical_query(params) + "&vnp_SecureHash=" + params["vnp_SecureHash"]
    url = f"{ipn_url}?{query}"
    try:
        with urllib.request.urlopen(  # noqa: S310 - the platform's own IPN address
            url, timeout=settings.EGOV_PAYMENTS_HTTP_TIMEOUT_SECONDS
        ) as response:
            answer = json.loads(response.read(10_000))
        code = str(answer.get("RspCode") or "bad_answer")
    except (urllib.error.URLError, OSError, ValueError, AttributeError):
        code = "unreachable"
    SandboxTransaction.objects.filter(pk=txn.pk).update(ipn_status=code)
    log.info("sandbox_ipn_called", txn_ref=txn.txn_ref, reply=code)
    return code


def return_url(merchant: Merchant, txn: SandboxTransaction) -> str:
    params = outcome_params(merchant, txn)
    query = vnpay.canonical_query(params) + "&vnp_SecureHash=" + params["vnp_SecureHash"]
    sep = "&" if "?" in txn.return_url else "?"
    return f"{txn.return_url}{sep}{query}"


def api(body: Mapping[str, Any]) -> dict[str, Any]:
    """``querydr`` and ``refund`` of ``merchant_webapi/api/transaction``."""
    merchant = merchants().get(str(body.get("vnp_TmnCode") or ""))
    command = str(body.get("vnp_Command") or "")
    fields = vnpay.QUERY_FIELDS if command == "querydr" else vnpay.REFUND_FIELDS
    answer: dict[str, Any] = {
        "vnp_ResponseId": str(random.SystemRandom().randint(10**11, 10**12 - 1)),
        "vnp_Command": command,
        "vnp_TmnCode": str(body.get("vnp_TmnCode") or ""),
        "vnp_TxnRef": str(body.get("vnp_TxnRef") or ""),
    }
    if merchant is None:
        answer.update(vnp_ResponseCode="02", vnp_Message="Invalid merchant")
        return answer
    if command not in ("querydr", "refund"):
        answer.update(vnp_ResponseCode="03", vnp_Message="Invalid data format")
    elif str(body.get("vnp_SecureHash") or "").lower() != vnpay.pipe_hash(
        merchant.secret, body, fields
    ):
        answer.update(vnp_ResponseCode="97", vnp_Message="Invalid Checksum")
    else:
        with transaction.atomic():
            txn = (
                SandboxTransaction.objects.select_for_update()
                .filter(tmn_code=merchant.tmn_code, txn_ref=answer["vnp_TxnRef"])
                .first()
            )
            if txn is None:
                answer.update(vnp_ResponseCode="91", vnp_Message="Transaction not found")
            elif command == "querydr":
                answer.update(
                    vnp_ResponseCode="00",
                    vnp_Message="QueryDR Success",
                    vnp_Amount=str(txn.amount * 100),
                    vnp_BankCode=txn.bank_code,
                    vnp_PayDate=txn.pay_date,
                    vnp_TransactionNo=txn.transaction_no,
                    vnp_TransactionType="01",
                    vnp_TransactionStatus=txn.status,
                    vnp_OrderInfo=txn.order_info,
                    vnp_PromotionCode="",
                    vnp_PromotionAmount="",
                )
            else:
                answer.update(_refund(txn, body))
    answer_fields = (
        vnpay.QUERY_ANSWER_FIELDS if command == "querydr" else vnpay.REFUND_ANSWER_FIELDS
    )
    answer["vnp_SecureHash"] = vnpay.pipe_hash(merchant.secret, answer, answer_fields)
    return answer


def _refund(txn: SandboxTransaction, body: Mapping[str, Any]) -> dict[str, str]:
    raw = str(body.get("vnp_Amount") or "")
    amount = int(raw) // 100 if raw.isdigit() and int(raw) % 100 == 0 else 0
    base = {
        "vnp_Amount": raw,
        "vnp_BankCode": txn.bank_code,
        "vnp_PayDate": txn.pay_date,
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionType": str(body.get("vnp_TransactionType") or ""),
        "vnp_OrderInfo": str(body.get("vnp_OrderInfo") or ""),
    }
    if txn.status not in ("00", "05", "06"):
        return base | {
            "vnp_ResponseCode": "95",
            "vnp_Message": "Transaction not successful",
            "vnp_TransactionStatus": txn.status,
        }
    if amount <= 0 or txn.refunded + amount > txn.amount:
        return base | {
            "vnp_ResponseCode": "94",
            "vnp_Message": "Invalid refund amount",
            "vnp_TransactionStatus": txn.status,
        }
    txn.refunded += amount
    txn.status = "05" if txn.refunded == txn.amount else "06"
    txn.save(update_fields=["refunded", "status"])
    return base | {
        "vnp_ResponseCode": "00",
        "vnp_Message": "Refund success",
        "vnp_TransactionStatus": txn.status,
    }


def settlement_csv(tmn_code: str, day: dt.date) -> str:
    """The bank's settlement file for a merchant and a day (format: services.reconciliation)."""
    prefix = day.strftime("%Y%m%d")
    rows = SandboxTransaction.objects.filter(
        tmn_code=tmn_code, pay_date__startswith=prefix, response_code="00"
    ).order_by("pay_date", "id")
    lines = ["TxnRef,TransactionNo,Amount,PayDate,BankCode,ResponseCode"]
    lines += [
        f"{t.txn_ref},{t.transaction_no},{t.amount},{t.pay_date},{t.bank_code},{t.response_code}"
        for t in rows
    ]
    return "\n".join(lines) + "\n"
