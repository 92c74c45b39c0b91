"""Writes of the payments module. Each public function is one transaction with its audit
record; see the module README."""

from egov.payments.services.orders import (
    agency_account_set,
    beneficiary,
    order_create,
    orders_expire,
    payment_start,
)
from egov.payments.services.reconciliation import settlement_import
from egov.payments.services.refunds import refund_decide, refund_request
from egov.payments.services.settlement import ipn_process, payment_query, return_read

__all__ = [
    "agency_account_set",
    "beneficiary",
    "ipn_process",
    "order_create",
    "orders_expire",
    "payment_query",
    "payment_start",
    "refund_decide",
    "refund_request",
    "return_read",
    "settlement_import",
]
