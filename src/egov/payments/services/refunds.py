"""Refunds: asked by one finance officer of the order's agency with a reason, decided by
another (four eyes, also a database constraint). Approval sends the refund to the gateway inside
the transaction that holds the order's lock, so one refund is sent once; the gateway's refusal
is recorded (``failed``) and nothing is refunded."""

from __future__ import annotations

import structlog
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.core import clock, events
from egov.core.actor import Actor
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.payments import registry
from egov.payments.models import AttemptStatus, Refund, RefundStatus
from egov.payments.registry import GatewayUnavailable, SignatureInvalid
from egov.payments.services._common import (
    audit_chain,
    order_for_update,
    require_finance_officer,
    transition,
)
from egov.payments.workflow import OrderStatus

log = structlog.get_logger(__name__)


def refund_request(*, actor: Actor, order_id: str, amount: int, reason: str) -> str:
    """Ask for a refund of ``amount`` VND of a paid order. Returns the refund's public id."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            _("Write the reason for the refund."),
            field_errors={"reason": [_("Write the reason for the refund.")]},
        )
    with transaction.atomic():
        order = order_for_update(order_id)
        require_finance_officer(actor, order.agency_code)
        if order.status != OrderStatus.PAID:
            raise Conflict(_("Only a paid order can be refunded."), code="not_paid")
        left = order.amount - order.refunded_amount
        if not 0 < amount <= left:
            raise ValidationFailed(
                _("The refund must be between 1 and %(left)s dong."),
                field_errors={"amount": [_("Enter an amount up to what is left to refund.")]},
                params={"left": left},
            )
        if order.refunds.filter(status=RefundStatus.REQUESTED).exists():
            raise Conflict(
                _("A refund of this order is already awaiting approval."), code="refund_open"
            )
        refund = Refund.objects.create(
            order=order,
            amount=amount,
            reason=reason,
            requested_by=actor.id,
            requested_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="payments.refund_requested",
            subject_type="payment_order",
            subject_id=str(order.public_id),
            chain=audit_chain(order),
            diff={"refund": str(refund.public_id), "amount": amount},
        )
        return str(refund.public_id)


def refund_decide(
    *, actor: Actor, refund_id: str, approve: bool, note: str = "", client_ip: str = ""
) -> str:
    """Approve (and send) or reject a refund. Returns the refund's status."""
    found = Refund.objects.filter(public_id=refund_id).values_list("order__public_id").first()
    if found is None:
        raise NotFound(_("There is no such refund."))
    with transaction.atomic():
        order = order_for_update(str(found[0]))
        require_finance_officer(actor, order.agency_code)
        refund = Refund.objects.select_for_update().get(public_id=refund_id)
        if refund.status != RefundStatus.REQUESTED:
            raise Conflict(_("This refund was already decided."), code="refund_decided")
        if refund.requested_by == actor.id:
            raise Conflict(
                _("Another finance officer must decide on the refund you asked for."),
                code="refund_four_eyes",
            )
        refund.decided_by = actor.id
        refund.decided_at = clock.now()
        refund.decision_note = note.strip()
        if not approve:
            refund.status = RefundStatus.REJECTED
            refund.save()
            audit_record(
                actor=actor,
                action="payments.refund_rejected",
                subject_type="payment_order",
                subject_id=str(order.public_id),
                chain=audit_chain(order),
                diff={"refund": refund_id},
            )
            return str(refund.status)
        attempt = order.payments.filter(status=AttemptStatus.PAID, duplicate=False).first()
        if attempt is None or order.status != OrderStatus.PAID:
            raise Conflict(_("Only a paid order can be refunded."), code="not_paid")
        full = refund.amount == order.amount and order.refunded_amount == 0
        try:
            outcome = registry.gateway_get(attempt.gateway).refund(
                txn_ref=attempt.txn_ref,
                amount=refund.amount,
                full=full,
                transaction_no=attempt.gateway_txn_no,
                created_at=attempt.created_at,
                created_by=actor.id,
                client_ip=client_ip,
            )
        except (GatewayUnavailable, SignatureInvalid):
            raise Conflict(
                _("The gateway could not be reached. Nothing was refunded; try again later."),
                code="gateway_unavailable",
            ) from None
        refund.gateway_ref = outcome.reference[:40]
        if not outcome.ok:
            refund.status = RefundStatus.FAILED
            refund.save()
            audit_record(
                actor=actor,
                action="payments.refund_failed",
                subject_type="payment_order",
                subject_id=str(order.public_id),
                chain=audit_chain(order),
                diff={"refund": refund_id, "response_code": outcome.response_code},
            )
            return str(refund.status)
        refund.status = RefundStatus.DONE
        refund.save()
        now = clock.now()
        order.refunded_amount += refund.amount
        order.refunded_at = now
        if order.refunded_amount == order.amount:
            transition(
                actor=actor,
                order=order,
                name="refund",
                details={"refund": refund_id, "amount": refund.amount},
            )
        else:
            order.row_version += 1
            order.save()
            audit_record(
                actor=actor,
                action="payments.refund_partial",
                subject_type="payment_order",
                subject_id=str(order.public_id),
                chain=audit_chain(order),
                diff={"refund": refund_id, "amount": refund.amount},
            )
        events.emit(
            name="payment.refunded",
            payload={
                "order": str(order.public_id),
                "dossier_code": order.dossier_code,
                "agency_code": order.agency_code,
                "amount": int(refund.amount),
                "refunded_at": now.isoformat(),
            },
            actor=actor,
        )
        return str(refund.status)
