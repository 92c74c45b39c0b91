"""Public values of the payments module (what dossiers, reporting, web and api receive) and the
statistics contract for reporting (``payment_facts``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FeeLine:
    """A line to put on an order: ``amount`` whole VND, negative for a discount."""

    kind: str
    label: str
    amount: int


@dataclass(frozen=True, slots=True)
class OrderLineInfo:
    kind: str
    label: str
    amount: int


@dataclass(frozen=True, slots=True)
class AttemptInfo:
    txn_ref: str
    gateway: str
    amount: int
    status: str
    created_at: dt.datetime
    settled_at: dt.datetime | None
    response_code: str
    gateway_txn_no: str
    bank_code: str
    duplicate: bool


@dataclass(frozen=True, slots=True)
class RefundInfo:
    public_id: str
    amount: int
    reason: str
    status: str
    status_label: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str
    decided_at: dt.datetime | None
    decision_note: str


@dataclass(frozen=True, slots=True)
class OrderInfo:
    public_id: str
    dossier_id: str
    dossier_code: str
    obligation: str
    agency_code: str
    agency_name: str
    procedure_code: str
    description: str
    amount: int
    beneficiary_bank: str
    beneficiary_account: str
    beneficiary_name: str
    payer_id: str
    status: str
    status_label: str
    gateway: str
    created_at: dt.datetime
    expires_at: dt.datetime
    paid_at: dt.datetime | None
    paid_late: bool
    refunded_amount: int
    refunded_at: dt.datetime | None
    lines: tuple[OrderLineInfo, ...] = ()
    attempts: tuple[AttemptInfo, ...] = ()
    refunds: tuple[RefundInfo, ...] = ()

    @property
    def payable(self) -> bool:
        return self.status in ("created", "pending", "failed")

    @property
    def paid(self) -> bool:
        return self.status in ("paid", "refunded")

    @property
    def receipt_code(self) -> str:
        """The code of the order's electronic receipt (biên lai điện tử)."""
        return f"BL-{str(self.public_id).replace('-', '')[:16].upper()}"


@dataclass(frozen=True, slots=True)
class ReturnInfo:
    """What the payer's browser brought back from the gateway (never acted on)."""

    signature_ok: bool
    order_id: str
    success: bool
    response_code: str


@dataclass(frozen=True, slots=True)
class PaymentTotals:
    count: int
    amount: int


@dataclass(frozen=True, slots=True)
class PaymentFact:
    """One paid order, for reporting rollups (contract: do not change without reporting)."""

    order: str
    dossier_code: str
    agency_code: str
    procedure_code: str
    amount: int
    gateway: str
    paid_at: dt.datetime
    refunded_amount: int
    refunded_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class MismatchInfo:
    kind: str
    kind_label: str
    txn_ref: str
    gateway_txn_no: str
    platform_amount: int | None
    gateway_amount: int | None
    order_id: str


@dataclass(frozen=True, slots=True)
class SettlementInfo:
    public_id: str
    gateway: str
    settlement_date: dt.date
    agency_code: str
    created_at: dt.datetime
    line_count: int
    matched_count: int
    gateway_total: int
    platform_total: int
    mismatches: tuple[MismatchInfo, ...] = ()


def payment_facts(*, since: dt.datetime | None = None) -> Iterator[PaymentFact]:
    """Every paid order (``paid_at >= since`` when given), oldest first, streamed in chunks:
    for rebuilding reporting rollups. Refunded orders are included (with their refund)."""
    from egov.payments.selectors import iter_payment_facts

    return iter_payment_facts(since=since)
