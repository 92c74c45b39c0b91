"""The VNPay-protocol adapter against vectors computed independently in the test."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import urllib.parse

from egov.core import clock
from egov.payments import vnpay
from egov.payments.registry import SignatureInvalid, StartRequest
from egov.payments.tests.helpers import SECRET, independent_hash

PARAMS = {
    "vnp_Version": "2.1.0",
    "vnp_Command": "pay",
    "vnp_TmnCode": "EGOVTEST",
    "vnp_Amount": "20000000",
    "vnp_CreateDate": "20260302093000",
    "vnp_CurrCode": "VND",
    "vnp_IpAddr": "10.0.0.7",
    "vnp_Locale": "vn",
    "vnp_OrderInfo": "Thanh toan phi le phi ho so 000.00.15.H29-260302-0001",
    "vnp_OrderType": "billpayment",
    "vnp_ReturnUrl": "https://portal.example.vn/payments/vnpay/return/?a=1&b=2",
    "vnp_TxnRef": "A1B2C3D4E5",
}


def test_signature_matches_an_independent_hmac_sha512_over_the_sorted_query() -> None:
    data = "&".join(
        f"{urllib.parse.quote_plus(k)}={urllib.parse.quote_plus(v)}"
        for k, v in sorted(PARAMS.items())
    )
    expected = hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()
    assert vnpay.canonical_query(PARAMS) == data
    assert vnpay.sign(PARAMS, SECRET) == expected
    assert len(expected) == 128
    # Spaces as "+", reserved characters escaped, keys in ascending order.
    assert "vnp_OrderInfo=Thanh+toan+phi+le+phi+ho+so+000.00.15.H29-260302-0001" in data
    assert (
        "vnp_ReturnUrl=https%3A%2F%2Fportal.example.vn%2Fpayments%2Fvnpay%2Freturn%2F%3Fa%3D1%26b%3D2"
        in data
    )
    assert data.startswith("vnp_Amount=20000000&vnp_Command=pay&vnp_CreateDate=")


def test_the_signed_url_carries_the_hash_last_and_verifies() -> None:
    url = vnpay.signed_url("https://sandbox.example/pay", PARAMS, SECRET)
    query = urllib.parse.urlsplit(url).query
    assert query.endswith("&vnp_SecureHash=" + independent_hash(PARAMS, SECRET))
    parsed = dict(urllib.parse.parse_qsl(query))
    assert parsed["vnp_OrderInfo"] == PARAMS["vnp_OrderInfo"]
    assert vnpay.verify(parsed, SECRET) is True
    assert vnpay.verify({**parsed, "vnp_SecureHashType": "HmacSHA512"}, SECRET) is True
    assert vnpay.verify({**parsed, "vnp_Amount": "20000100"}, SECRET) is False
    assert vnpay.verify(parsed, "another-secret") is False
    assert vnpay.verify({k: v for k, v in parsed.items() if k != "vnp_SecureHash"}, SECRET) is False


def test_start_parameters_amount_times_100_and_gmt7_times() -> None:
    created = dt.datetime(2026, 3, 2, 2, 30, 5, tzinfo=dt.UTC)  # 09:30:05 in Hà Nội
    gateway = vnpay.VnpayGateway()
    params = gateway.start_params(
        StartRequest(
            txn_ref="T1", amount=190_000, order_info="Thanh toan", created_at=created,
            expires_at=created + dt.timedelta(minutes=15), return_url="http://x/r/",
            client_ip="", locale="en",
        )
    )  # fmt: skip
    assert params["vnp_Amount"] == "19000000"
    assert params["vnp_CreateDate"] == "20260302093005"
    assert params["vnp_ExpireDate"] == "20260302094505"
    assert params["vnp_Locale"] == "en"
    assert params["vnp_Version"] == "2.1.0"
    assert params["vnp_Command"] == "pay"
    assert params["vnp_CurrCode"] == "VND"
    assert params["vnp_TmnCode"] == "EGOVTEST"
    assert "vnp_BankCode" not in params
    assert vnpay.parse_vnp_time("20260302093005") == created.astimezone(clock.VN_TZ)


def test_success_only_when_response_code_and_transaction_status_are_both_00() -> None:
    gateway = vnpay.VnpayGateway()

    def signed(code: str, status: str) -> dict[str, str]:
        p = {"vnp_TmnCode": "EGOVTEST", "vnp_TxnRef": "T1", "vnp_Amount": "100",
             "vnp_ResponseCode": code, "vnp_TransactionStatus": status}  # fmt: skip
        return {**p, "vnp_SecureHash": independent_hash(p, SECRET)}

    assert gateway.handle_ipn(signed("00", "00")).success is True
    assert gateway.handle_ipn(signed("00", "02")).success is False
    assert gateway.handle_ipn(signed("07", "00")).success is False
    assert gateway.handle_ipn(signed("24", "02")).success is False
    assert gateway.handle_ipn(signed("00", "00")).amount == 1
    try:
        gateway.handle_ipn({**signed("00", "00"), "vnp_ResponseCode": "24"})
    except SignatureInvalid:
        pass
    else:
        raise AssertionError("a tampered IPN was accepted")


def test_ipn_replies_are_those_of_the_protocol() -> None:
    gateway = vnpay.VnpayGateway()
    assert gateway.ipn_reply("00") == {"RspCode": "00", "Message": "Confirm Success"}
    assert gateway.ipn_reply("01") == {"RspCode": "01", "Message": "Order not found"}
    assert gateway.ipn_reply("02") == {"RspCode": "02", "Message": "Order already confirmed"}
    assert gateway.ipn_reply("04") == {"RspCode": "04", "Message": "Invalid amount"}
    assert gateway.ipn_reply("97") == {"RspCode": "97", "Message": "Invalid signature"}
    assert gateway.ipn_reply("99") == {"RspCode": "99", "Message": "Unknown error"}
