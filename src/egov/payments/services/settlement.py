"""Settling attempts from the gateway's signed server-to-server messages: the IPN, or the answer
to a query the platform made. Both run ``_settle`` on the order and the attempt locked in that
order (``select_for_update``), so an IPN and a query arriving together settle the attempt once:
the second finds it settled and changes nothing.

The return URL (the payer's browser) only reads: ``return_read``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import structlog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.core import clock, events, rawrows
from egov.core.actor import Actor
from egov.core.errors import Conflict
from egov.payments import registry
from egov.payments.facade import ReturnInfo
from egov.payments.models import AttemptStatus, Payment, PaymentOrder
from egov.payments.registry import GatewayUnavailable, Notification, SignatureInvalid
from egov.payments.services._common import (
    audit_chain,
    is_finance_officer,
    not_found,
    require_payer,
    transition,
)
from egov.payments.workflow import OrderStatus

log = structlog.get_logger(__name__)


def _completed_payload(order: PaymentOrder) -> dict[str, object]:
    assert order.paid_at is not None
    return {
        "order": str(order.public_id),
        "dossier": order.dossier_id or "",
        "dossier_code": order.dossier_code,
        "agency_code": order.agency_code,
        "procedure_code": order.procedure_code,
        "amount": int(order.amount),
        "gateway": order.gateway,
        "paid_at": order.paid_at.isoformat(),
    }


# The columns settling reads: the locking statement loads only these (``_locked``).
_ATTEMPT_COLUMNS = ("id", "order_id", "txn_ref", "gateway", "amount", "status")
_ORDER_COLUMNS = (
    "id", "public_id", "status", "expires_at", "dossier_id", "dossier_code", "agency_code",
    "procedure_code", "amount", "gateway", "paid_at", "paid_late", "row_version", "updated_at",
)  # fmt: skip


def _attempt_write(attempt: Payment, **values: object) -> None:
    """Set and write only these columns of the locked attempt (one plain ``UPDATE``)."""
    for name, value in values.items():
        setattr(attempt, name, value)
    rawrows.update_fields(attempt, list(values))


def _settle(
    *, actor: Actor, order: PaymentOrder, attempt: Payment, note: Notification, via: str
) -> None:
    """Settle a pending attempt (both rows locked by the caller). Writes one ``UPDATE`` per row,
    the outbox row when the order becomes paid, and the audit append last (it locks the chain's
    head until commit)."""
    now = clock.now()
    settled = {
        "settled_at": now,
        "settled_by": via,
        "response_code": note.response_code,
        "gateway_txn_no": note.transaction_no[:40],
        "bank_code": note.bank_code[:20],
        "pay_date": note.pay_date,
    }
    if not note.success:
        _attempt_write(attempt, status=AttemptStatus.FAILED, **settled)
        others_open = order.payments.filter(status=AttemptStatus.PENDING).exclude(pk=attempt.pk)
        if order.status == OrderStatus.PENDING and not others_open.exists():
            transition(
                actor=actor,
                order=order,
                name="settle_failed",
                details={"txn_ref": attempt.txn_ref, "response_code": note.response_code},
                fields=(),
            )
        else:
            audit_record(
                actor=actor,
                action="payments.attempt_failed",
                subject_type="payment_order",
                subject_id=str(order.public_id),
                chain=audit_chain(order),
                diff={"txn_ref": attempt.txn_ref, "response_code": note.response_code},
            )
        return
    if order.status in (OrderStatus.PAID, OrderStatus.REFUNDED):
        # Money taken twice for one order (two tabs, two attempts): recorded and shown to the
        # finance officers for a refund; the order and the dossier stay paid once.
        _attempt_write(attempt, status=AttemptStatus.PAID, duplicate=True, **settled)
        audit_record(
            actor=actor,
            action="payments.duplicate_paid",
            subject_type="payment_order",
            subject_id=str(order.public_id),
            chain=audit_chain(order),
            diff={"txn_ref": attempt.txn_ref, "amount": attempt.amount},
        )
        return
    _attempt_write(attempt, status=AttemptStatus.PAID, **settled)
    late = order.status == OrderStatus.EXPIRED or order.expires_at <= now
    order.paid_at = now
    order.paid_late = late
    order.gateway = attempt.gateway
    transition(
        actor=actor,
        order=order,
        name="settle_paid",
        details={"txn_ref": attempt.txn_ref, "via": via, "late": late, "amount": order.amount},
        before_audit=lambda: events.emit(
            name="payment.completed", payload=_completed_payload(order), actor=actor
        ),
        fields=("paid_at", "paid_late", "gateway"),
    )


def _locked(txn_ref: str) -> tuple[PaymentOrder, Payment] | None:
    """The attempt and its order, both locked by one statement (``FOR UPDATE`` of both rows),
    with only the columns settling reads. Written as plain SQL: it runs on every notification,
    and building it through the ORM cost more than running it."""
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        cursor.execute(_lock_sql(connection.vendor), [txn_ref])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(_ATTEMPT_COLUMNS)
    attempt = rawrows.instance(Payment, _ATTEMPT_COLUMNS, row[:split], alias=connection.alias)
    order = rawrows.instance(PaymentOrder, _ORDER_COLUMNS, row[split:], alias=connection.alias)
    attempt.order = order  # the relation's cache: no second query
    return order, attempt


@functools.cache
def _lock_sql(vendor: str) -> str:
    connection = transaction.get_connection()
    q = connection.ops.quote_name
    columns = [f"a.{q(c)}" for c in _ATTEMPT_COLUMNS] + [f"o.{q(c)}" for c in _ORDER_COLUMNS]
    lock = " FOR UPDATE OF a, o" if connection.features.has_select_for_update_of else ""
    # Names come from the models; the reference is a parameter.
    return (
        f"SELECT {', '.join(columns)} FROM {q(Payment._meta.db_table)} a "  # noqa: S608
        f"JOIN {q(PaymentOrder._meta.db_table)} o ON o.id = a.order_id "
        f"WHERE a.txn_ref = %s LIMIT 1{lock}"
    )


def ipn_process(*, gateway: str, params: Mapping[str, str]) -> dict[str, str]:
    """Handle the gateway's IPN; the reply the protocol expects: 97 bad signature, 01 unknown
    order, 04 amount differs, 02 already confirmed, 00 settled now, 99 anything else. The only
    way (with ``payment_query``) an order becomes paid."""
    plugin = registry.gateway_get(gateway)
    try:
        note = plugin.handle_ipn(params)
    except SignatureInvalid:
        log.warning("payment_ipn_rejected", gateway=gateway, reply="97")
        return plugin.ipn_reply("97")
    except GatewayUnavailable:
        return plugin.ipn_reply("99")
    code = "99"
    try:
        with transaction.atomic():
            found = _locked(note.txn_ref) if note.txn_ref else None
            if found is None or found[1].gateway != plugin.name:
                code = "01"
            elif note.amount != found[1].amount:
                code = "04"
            elif found[1].status != AttemptStatus.PENDING:
                code = "02"
            else:
                order, attempt = found
                _settle(
                    actor=Actor.system(f"gateway:{plugin.name}"),
                    order=order,
                    attempt=attempt,
                    note=note,
                    via="ipn",
                )
                code = "00"
    except Exception:
        log.exception("payment_ipn_failed", gateway=gateway, txn_ref=note.txn_ref)
        code = "99"
    log.info("payment_ipn", gateway=gateway, txn_ref=note.txn_ref, reply=code)
    return plugin.ipn_reply(code)


def payment_query(*, actor: Actor, order_id: str, client_ip: str = "") -> str:
    """Ask the gateway about the order's open attempts and settle those it has an outcome for
    (when the IPN is late or lost). The payer or a finance officer of the agency. Returns the
    order's status."""
    try:
        order = PaymentOrder.objects.get(public_id=order_id)
    except (PaymentOrder.DoesNotExist, ValueError, ValidationError):
        raise not_found() from None
    if not is_finance_officer(actor, order.agency_code):
        require_payer(actor, order)
    open_attempts = list(order.payments.filter(status=AttemptStatus.PENDING))
    for attempt in open_attempts:
        plugin = registry.gateway_get(attempt.gateway)
        try:
            note = plugin.query(
                txn_ref=attempt.txn_ref, created_at=attempt.created_at, client_ip=client_ip
            )
        except (GatewayUnavailable, SignatureInvalid):
            raise Conflict(
                _("The gateway could not be reached. Try again in a moment."),
                code="gateway_unavailable",
            ) from None
        if note is None:
            continue
        with transaction.atomic():
            found = _locked(attempt.txn_ref)
            assert found is not None
            locked_order, locked_attempt = found
            if locked_attempt.status != AttemptStatus.PENDING:
                continue  # the IPN settled it meanwhile
            if note.amount != locked_attempt.amount:
                log.warning("payment_query_amount_differs", txn_ref=attempt.txn_ref)
                continue
            _settle(actor=actor, order=locked_order, attempt=locked_attempt, note=note, via="query")
    return str(PaymentOrder.objects.values_list("status", flat=True).get(pk=order.pk))


def return_read(*, gateway: str, params: Mapping[str, str]) -> ReturnInfo:
    """What the payer's browser brought back: checked, never acted on."""
    try:
        plugin = registry.gateway_get(gateway)
        note = plugin.handle_return(params)
    except (LookupError, SignatureInvalid, GatewayUnavailable):
        return ReturnInfo(signature_ok=False, order_id="", success=False, response_code="")
    order_id = (
        Payment.objects.filter(txn_ref=note.txn_ref)
        .values_list("order__public_id", flat=True)
        .first()
    )
    return ReturnInfo(
        signature_ok=True,
        order_id=str(order_id or ""),
        success=note.success,
        response_code=note.response_code,
    )
