"""Pieces the payment services share: loading under lock, executing a declared transition,
checking who may act."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.core import rawrows
from egov.core.actor import Actor, ActorKind
from egov.core.errors import NotFound, PermissionDenied
from egov.identity import selectors as identity
from egov.identity.facade import Role
from egov.payments.models import PaymentOrder
from egov.payments.workflow import OrderStatus, transition_check

# Audit records of payment orders are spread over this many hash chains (``payments-0`` ...),
# by order: IPNs for different orders append in parallel instead of queueing on one chain
# head (docs/adr/0003, "Consequences"; docs/adr/0013). ``manage.py audit_verify`` checks them all.
AUDIT_CHAINS = 8


def audit_chain(order: PaymentOrder) -> str:
    return f"payments-{order.pk % AUDIT_CHAINS}"


def not_found() -> NotFound:
    return NotFound(_("There is no such payment, or it is not available to you."))


def order_for_update(public_id: str) -> PaymentOrder:
    try:
        return PaymentOrder.objects.select_for_update().get(public_id=public_id)
    except (PaymentOrder.DoesNotExist, ValueError, ValidationError):
        raise not_found() from None


def require_payer(actor: Actor, order: PaymentOrder) -> None:
    if actor.kind is not ActorKind.CITIZEN or not order.payer_id or order.payer_id != actor.id:
        raise not_found()


def is_finance_officer(actor: Actor, agency_code: str) -> bool:
    return actor.kind is ActorKind.OFFICIAL and identity.actor_has_role(
        actor=actor, role=Role.FINANCE_OFFICER, agency_code=agency_code
    )


def require_finance_officer(actor: Actor, agency_code: str) -> None:
    if not is_finance_officer(actor, agency_code):
        raise PermissionDenied(_("This is for finance officers of the order's agency."))


def transition(
    *,
    actor: Actor,
    order: PaymentOrder,
    name: str,
    details: Mapping[str, Any] | None = None,
    before_audit: Callable[[], object] | None = None,
    fields: tuple[str, ...] | None = None,
) -> None:
    """Execute the declared transition ``name`` on a locked order and record it (audit) in the
    caller's transaction. The only place an order's status is assigned. ``before_audit`` runs
    after the order is saved and before the audit record: appending to the audit chain locks its
    head until commit, so it comes last (the transaction holds that lock as briefly as it can).
    ``fields``: the other columns the caller changed, when only those (with the status) are to be
    written (one short ``UPDATE``); by default the whole row is saved."""
    step = transition_check(name, status=order.status)
    before = order.status
    order.status = OrderStatus(step.target)
    order.row_version += 1
    if fields is not None:
        # One plain UPDATE of these columns (the IPN's path: the ORM's save costs more here
        # than the statement); no model signals, as with ``QuerySet.update``.
        rawrows.update_fields(order, ("status", "row_version", "updated_at", *fields))
    else:
        order.save()
    if before_audit is not None:
        before_audit()
    audit_record(
        actor=actor,
        action=f"payments.{name}",
        subject_type="payment_order",
        subject_id=str(order.public_id),
        chain=audit_chain(order),
        diff={"status": [before, order.status], **dict(details or {})},
    )
