"""Reads of the payments module: dataclasses of ``facade`` or plain values, never models.
Authorisation is the caller's (the web layer lets a citizen read their own orders, a finance
officer their agency's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from egov.core import clock
from egov.core.errors import NotFound
from egov.payments.facade import (
    AttemptInfo,
    MismatchInfo,
    OrderInfo,
    OrderLineInfo,
    PaymentFact,
    PaymentTotals,
    RefundInfo,
    SettlementInfo,
)
from egov.payments.models import (
    Mismatch,
    MismatchKind,
    Payment,
    PaymentOrder,
    Refund,
    RefundStatus,
    SettlementImport,
)
from egov.payments.workflow import OrderStatus

FACT_CHUNK = 2000


def _refund_info(refund: Refund) -> RefundInfo:
    return RefundInfo(
        public_id=str(refund.public_id),
        amount=refund.amount,
        reason=refund.reason,
        status=refund.status,
        status_label=str(RefundStatus(refund.status).label),
        requested_by=refund.requested_by,
        requested_at=refund.requested_at,
        decided_by=refund.decided_by,
        decided_at=refund.decided_at,
        decision_note=refund.decision_note,
    )


def order_info(order: PaymentOrder, *, full: bool = False) -> OrderInfo:
    """``full``: with lines, attempts and refunds (prefetched by the caller or read here)."""
    lines: tuple[OrderLineInfo, ...] = ()
    attempts: tuple[AttemptInfo, ...] = ()
    refunds: tuple[RefundInfo, ...] = ()
    if full:
        lines = tuple(OrderLineInfo(x.kind, x.label, x.amount) for x in order.lines.all())
        attempts = tuple(
            AttemptInfo(
                txn_ref=p.txn_ref,
                gateway=p.gateway,
                amount=p.amount,
                status=p.status,
                created_at=p.created_at,
                settled_at=p.settled_at,
                response_code=p.response_code,
                gateway_txn_no=p.gateway_txn_no,
                bank_code=p.bank_code,
                duplicate=p.duplicate,
            )
            for p in order.payments.all()
        )
        refunds = tuple(_refund_info(r) for r in order.refunds.all())
    return OrderInfo(
        public_id=str(order.public_id),
        dossier_id=order.dossier_id,
        dossier_code=order.dossier_code,
        obligation=order.obligation,
        agency_code=order.agency_code,
        agency_name=order.agency_name,
        procedure_code=order.procedure_code,
        description=order.description,
        amount=order.amount,
        beneficiary_bank=order.beneficiary_bank,
        beneficiary_account=order.beneficiary_account,
        beneficiary_name=order.beneficiary_name,
        payer_id=order.payer_id,
        status=order.status,
        status_label=str(OrderStatus(order.status).label),
        gateway=order.gateway,
        created_at=order.created_at,
        expires_at=order.expires_at,
        paid_at=order.paid_at,
        paid_late=order.paid_late,
        refunded_amount=order.refunded_amount,
        refunded_at=order.refunded_at,
        lines=lines,
        attempts=attempts,
        refunds=refunds,
    )


def _full() -> QuerySet[PaymentOrder]:
    return PaymentOrder.objects.prefetch_related(
        "lines",
        Prefetch("payments", queryset=Payment.objects.order_by("created_at", "id")),
        Prefetch("refunds", queryset=Refund.objects.order_by("requested_at", "id")),
    )


def order_get(*, public_id: str) -> OrderInfo:
    try:
        return order_info(_full().get(public_id=public_id), full=True)
    except (PaymentOrder.DoesNotExist, ValueError, ValidationError):
        raise NotFound(_no_order()) from None


def _no_order() -> str:
    from django.utils.translation import gettext

    return gettext("There is no such payment, or it is not available to you.")


def orders_for_dossier(*, dossier_id: str) -> list[OrderInfo]:
    """The dossier's orders, newest first (with their lines and attempts)."""
    rows = _full().filter(dossier_id=dossier_id).order_by("-created_at", "-id")
    return [order_info(o, full=True) for o in rows]


def orders_for_payer(*, payer_id: str, limit: int = 200) -> list[OrderInfo]:
    """A citizen's orders, newest first ("My payments"; one query)."""
    rows = PaymentOrder.objects.filter(payer_id=payer_id).order_by("-created_at", "-id")[:limit]
    return [order_info(o) for o in rows]


@dataclass(frozen=True, slots=True)
class OrderFilter:
    agency_code: str
    status: str = ""
    gateway: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    query: str = ""


def _local_range(date_from: dt.date | None, date_to: dt.date | None) -> Q:
    q = Q()
    if date_from is not None:
        q &= Q(created_at__gte=dt.datetime.combine(date_from, dt.time(), tzinfo=clock.VN_TZ))
    if date_to is not None:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tzinfo=clock.VN_TZ)
        q &= Q(created_at__lt=end)
    return q


def _filtered(f: OrderFilter) -> QuerySet[PaymentOrder]:
    rows = PaymentOrder.objects.filter(
        Q(agency_code=f.agency_code) & _local_range(f.date_from, f.date_to)
    )
    if f.status:
        rows = rows.filter(status=f.status)
    if f.gateway:
        rows = rows.filter(gateway=f.gateway)
    if f.query:
        rows = rows.filter(
            Q(dossier_code__icontains=f.query) | Q(payments__txn_ref=f.query.upper())
        ).distinct()
    return rows


@dataclass(frozen=True, slots=True)
class AgencyOrders:
    orders: list[OrderInfo]
    count: int
    amount: int
    paid_count: int
    paid_amount: int
    refunded_amount: int
    duplicates: int


def orders_for_agency(*, f: OrderFilter, limit: int = 200) -> AgencyOrders:
    """The agency's orders matching the filter (newest first, at most ``limit``) and the totals
    of all that match (two queries, plus one for duplicates)."""
    rows = _filtered(f)
    totals = rows.aggregate(
        n=Count("id"),
        total=Sum("amount"),
        paid_n=Count("id", filter=Q(status__in=[OrderStatus.PAID, OrderStatus.REFUNDED])),
        paid_total=Sum("amount", filter=Q(status__in=[OrderStatus.PAID, OrderStatus.REFUNDED])),
        refunded=Sum("refunded_amount"),
    )
    listed = [order_info(o) for o in rows.order_by("-created_at", "-id")[:limit]]
    duplicates = Payment.objects.filter(order__agency_code=f.agency_code, duplicate=True).count()
    return AgencyOrders(
        orders=listed,
        count=totals["n"] or 0,
        amount=totals["total"] or 0,
        paid_count=totals["paid_n"] or 0,
        paid_amount=totals["paid_total"] or 0,
        refunded_amount=totals["refunded"] or 0,
        duplicates=duplicates,
    )


def refunds_awaiting(*, agency_code: str) -> list[tuple[OrderInfo, RefundInfo]]:
    rows = Refund.objects.filter(
        order__agency_code=agency_code, status=RefundStatus.REQUESTED
    ).select_related("order")
    return [(order_info(r.order), _refund_info(r)) for r in rows.order_by("requested_at")]


def payment_totals(
    *, agency_code: str | None, date_from: dt.date, date_to: dt.date
) -> PaymentTotals:
    """Number and amount of orders paid online between two dates (Vietnam time, inclusive),
    for one agency or all (``None``). Refunded orders count: they were paid."""
    start = dt.datetime.combine(date_from, dt.time(), tzinfo=clock.VN_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tzinfo=clock.VN_TZ)
    rows = PaymentOrder.objects.filter(paid_at__gte=start, paid_at__lt=end)
    if agency_code is not None:
        rows = rows.filter(agency_code=agency_code)
    totals = rows.aggregate(n=Count("id"), total=Sum("amount"))
    return PaymentTotals(count=totals["n"] or 0, amount=totals["total"] or 0)


def iter_payment_facts(*, since: dt.datetime | None = None) -> Iterator[PaymentFact]:
    """Paid orders as ``PaymentFact``, oldest first, read ``FACT_CHUNK`` rows at a time
    (keyset pagination on ``(paid_at, id)``: no long-open cursor, constant memory)."""
    base = PaymentOrder.objects.filter(paid_at__isnull=False)
    if since is not None:
        base = base.filter(paid_at__gte=since)
    fields = (
        "id", "public_id", "dossier_code", "agency_code", "procedure_code", "amount", "gateway",
        "paid_at", "refunded_amount", "refunded_at",
    )  # fmt: skip
    after: tuple[dt.datetime, int] | None = None
    while True:
        rows = base
        if after is not None:
            rows = rows.filter(Q(paid_at__gt=after[0]) | Q(paid_at=after[0], id__gt=after[1]))
        chunk = list(rows.order_by("paid_at", "id").values_list(*fields)[:FACT_CHUNK])
        for row in chunk:
            yield PaymentFact(
                order=str(row[1]),
                dossier_code=row[2],
                agency_code=row[3],
                procedure_code=row[4],
                amount=int(row[5]),
                gateway=row[6],
                paid_at=row[7],
                refunded_amount=int(row[8]),
                refunded_at=row[9],
            )
        if len(chunk) < FACT_CHUNK:
            return
        after = (chunk[-1][7], chunk[-1][0])


def settlements_for_agency(*, agency_code: str, limit: int = 60) -> list[SettlementInfo]:
    rows = SettlementImport.objects.filter(agency_code=agency_code).order_by(
        "-settlement_date", "-id"
    )[:limit]
    return [_settlement_info(s, ()) for s in rows]


def _settlement_info(s: SettlementImport, mismatches: Iterable[MismatchInfo]) -> SettlementInfo:
    return SettlementInfo(
        public_id=str(s.public_id),
        gateway=s.gateway,
        settlement_date=s.settlement_date,
        agency_code=s.agency_code,
        created_at=s.created_at,
        line_count=s.line_count,
        matched_count=s.matched_count,
        gateway_total=s.gateway_total,
        platform_total=s.platform_total,
        mismatches=tuple(mismatches),
    )


def settlement_get(*, public_id: str) -> SettlementInfo:
    try:
        record = SettlementImport.objects.get(public_id=public_id)
    except (SettlementImport.DoesNotExist, ValueError, ValidationError):
        raise NotFound(_no_order()) from None
    rows = list(Mismatch.objects.filter(settlement=record).order_by("kind", "txn_ref"))
    orders = dict(
        Payment.objects.filter(txn_ref__in=[m.txn_ref for m in rows]).values_list(
            "txn_ref", "order__public_id"
        )
    )
    return _settlement_info(
        record,
        (
            MismatchInfo(
                kind=m.kind,
                kind_label=str(MismatchKind(m.kind).label),
                txn_ref=m.txn_ref,
                gateway_txn_no=m.gateway_txn_no,
                platform_amount=m.platform_amount,
                gateway_amount=m.gateway_amount,
                order_id=str(orders.get(m.txn_ref) or ""),
            )
            for m in rows
        ),
    )


def wallet_used_this_month(*, wallet_key: str) -> int:
    now = clock.local_now()
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return int(
        Payment.objects.filter(
            wallet_key=wallet_key, status="paid", settled_at__gte=start
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )


def gateways_offered() -> list[tuple[str, str]]:
    """``(name, label)`` of the gateways offered to payers, in order."""
    from egov.payments import registry

    return [(g.name, str(g.label)) for g in registry.offered_gateways()]


def gateway_choices() -> list[tuple[str, str]]:
    """``(name, label)`` of every registered gateway (filters, reconciliation)."""
    from egov.payments import registry

    return [(n, str(registry.gateway_get(n).label)) for n in registry.gateway_names()]


def gateway_known(name: str) -> bool:
    from egov.payments import registry

    return name in registry.gateway_names()


def response_message(code: str) -> str:
    """The payer-facing meaning of a gateway response code (``vnp_ResponseCode``)."""
    from egov.payments.vnpay import RESPONSE_CODES

    return str(RESPONSE_CODES.get(code, RESPONSE_CODES["99"]))


def order_status_choices() -> list[tuple[str, str]]:
    return [(s.value, str(s.label)) for s in OrderStatus]


def order_status_label(status: str) -> str:
    return str(OrderStatus(status).label)
