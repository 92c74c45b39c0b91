"""Fees of a dossier paid online through the payments module.

Two obligations (``PaymentDue.obligation``):

- ``submission``: the fee of a level-4 procedure with fees (``fee_due_vnd`` set at online
  submission from the pinned version's fee lines, online discount applied). The dossier goes on
  to the agency at once; the applicant pays from the dossier page while it is open (statuses
  1, 2, 4, 5). The payment order is made when the applicant first presses "Pay" (not at
  submission: a dossier refused at reception is never charged, and submitting stays one
  transaction), one order per obligation (payments' unique constraint).
- ``request:<n>``: the amount the agency asked for with ``request_payment`` (status 6; ``n``
  counts the requests of the dossier).

When an order is paid, payments emits ``payment.completed``; ``on_payment_completed`` applies
``payment_confirm`` as the platform when the dossier waits for that payment (status 6), or
records a ``payment_received`` step otherwise (the fee due at submission). Either is recorded
with the order's id in its details, and the subscriber does nothing when such a step exists:
a repeated event never confirms twice.

The electronic receipt (biên lai điện tử) is a signed PDF issued through ``documents`` on first
download (``payment_receipt_issue``), held by the applicant (it appears in "My documents").
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.catalogue import selectors as catalogue
from egov.core import clock, events
from egov.core.actor import Actor, ActorKind
from egov.core.errors import NotFound, ValidationFailed
from egov.documents import services as documents
from egov.documents.facade import IssuedDocumentInfo
from egov.dossiers.models import Channel, Dossier, DossierEvent
from egov.dossiers.services._common import dossier_for_update, not_found, record
from egov.dossiers.services.processing import apply_transition
from egov.dossiers.workflow import Status
from egov.identity import selectors as identity
from egov.identity.facade import Role
from egov.payments import selectors as payments
from egov.payments import services as payment_services
from egov.payments.facade import FeeLine, OrderInfo

log = structlog.get_logger(__name__)

SUBMISSION = "submission"
# Open statuses in which the fee due at submission can be paid.
_SUBMISSION_PAYABLE = frozenset(
    {Status.NEW, Status.ACCEPTED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED}
)
_SETTLED_ACTIONS = ("payment_confirm", "payment_received")


@dataclass(frozen=True, slots=True)
class PaymentDue:
    obligation: str
    amount: int


def _requests(dossier_id: int) -> int:
    return DossierEvent.objects.filter(dossier_id=dossier_id, action="request_payment").count()


def _settled_orders(dossier: Dossier) -> set[str]:
    return {
        str(d.get("order") or "")
        for d in DossierEvent.objects.filter(
            dossier=dossier, action__in=_SETTLED_ACTIONS
        ).values_list("details", flat=True)
    }


def _due(dossier: Dossier) -> PaymentDue | None:
    if dossier.fee_due_vnd <= 0:
        return None
    if dossier.status == Status.PAYMENT_REQUESTED:
        return PaymentDue(f"request:{_requests(dossier.pk)}", dossier.fee_due_vnd)
    if dossier.channel != Channel.ONLINE or dossier.status not in _SUBMISSION_PAYABLE:
        return None
    if _requests(dossier.pk):
        return None  # the agency asked for a specific amount: that is what is paid
    if DossierEvent.objects.filter(dossier=dossier, action__in=_SETTLED_ACTIONS).exists():
        return None
    return PaymentDue(SUBMISSION, dossier.fee_due_vnd)


def dossier_payment_due(*, actor: Actor, dossier_id: str) -> PaymentDue | None:
    """What the applicant may pay online now on their dossier (``None``: nothing). An order of
    that obligation already paid means nothing is due."""
    dossier = Dossier.objects.filter(public_id=dossier_id).first()
    if dossier is None or actor.kind is not ActorKind.CITIZEN or dossier.applicant_id != actor.id:
        return None
    due = _due(dossier)
    if due is None:
        return None
    for order in payments.orders_for_dossier(dossier_id=str(dossier.public_id)):
        if order.obligation == due.obligation and order.paid:
            return None
    return due


def _lines(dossier: Dossier, due: PaymentDue) -> list[FeeLine]:
    if due.obligation == SUBMISSION:
        version = catalogue.version_get(public_id=str(dossier.version_id))
        lines = [
            FeeLine(f.kind, f.label, f.amount_vnd)
            for f in version.fees
            if f.kind == "fixed" and f.amount_vnd
        ] + [
            FeeLine(f.kind, f.label, -f.amount_vnd)
            for f in version.fees
            if f.kind == "online_discount" and f.amount_vnd
        ]
        if sum(line.amount for line in lines) == due.amount:
            return lines
    return [FeeLine("requested", "Phí, lệ phí theo thông báo của cơ quan", due.amount)]


def dossier_payment_order(*, actor: Actor, dossier_id: str) -> OrderInfo:
    """The payment order for what is due on the applicant's dossier now (made on first call,
    the same order after; a new one when the previous expired)."""
    dossier = Dossier.objects.filter(public_id=dossier_id).first() if dossier_id else None
    if dossier is None or actor.kind is not ActorKind.CITIZEN or dossier.applicant_id != actor.id:
        raise not_found()
    due = dossier_payment_due(actor=actor, dossier_id=dossier_id)
    if due is None:
        raise ValidationFailed(_("There is nothing to pay on this dossier now."), code="no_fee")
    return payment_services.order_create(
        actor=actor,
        dossier_id=str(dossier.public_id),
        dossier_code=dossier.code or "",
        obligation=due.obligation,
        agency_code=dossier.agency_code,
        agency_name=dossier.agency_name,
        procedure_code=dossier.procedure_code,
        description=f"{dossier.code} - {dossier.procedure_name}",
        lines=_lines(dossier, due),
        payer_id=actor.id,
    )


@events.subscribe("payment.completed")
def on_payment_completed(event: events.Event) -> None:
    """Mark the dossier's obligation met, once (see the module docstring)."""
    dossier_id = str(event.payload.get("dossier") or "")
    order_id = str(event.payload.get("order") or "")
    if not dossier_id or not order_id:
        return
    order = payments.order_get(public_id=order_id)
    actor = Actor.system("payments")
    with transaction.atomic():
        try:
            dossier = dossier_for_update(dossier_id)
        except NotFound:
            log.warning("payment_for_unknown_dossier", order=order_id)
            return
        if order_id in _settled_orders(dossier):
            return
        waiting = f"request:{_requests(dossier.pk)}"
        if dossier.status == Status.PAYMENT_REQUESTED and order.obligation == waiting:
            apply_transition(
                actor=actor,
                dossier=dossier,
                action="payment_confirm",
                comment="",
                params={"order": order_id, "amount": order.amount},
            )
        else:
            record(
                actor=actor,
                dossier=dossier,
                action="payment_received",
                from_status=dossier.status,
                from_queue=dossier.queue,
                details={"order": order_id, "amount": order.amount},
            )


def _may_read_receipt(actor: Actor, order: OrderInfo) -> bool:
    if actor.kind is ActorKind.CITIZEN:
        return bool(order.payer_id) and order.payer_id == actor.id
    return actor.kind is ActorKind.OFFICIAL and identity.actor_has_role(
        actor=actor, role=Role.FINANCE_OFFICER, agency_code=order.agency_code
    )


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def payment_receipt_issue(*, actor: Actor, order_id: str) -> IssuedDocumentInfo:
    """The electronic receipt of a paid order: a PDF signed by the beneficiary agency, issued
    on first call (the same document after: ``documents`` is idempotent on the code). The
    payer or a finance officer of the agency."""
    try:
        order = payments.order_get(public_id=order_id)
    except NotFound:
        raise not_found() from None
    if not _may_read_receipt(actor, order):
        raise not_found()
    if not order.paid or order.paid_at is None:
        raise ValidationFailed(_("The receipt is issued once the payment is confirmed."))
    dossier = (
        Dossier.objects.filter(public_id=order.dossier_id).first() if order.dossier_id else None
    )
    if dossier is None:
        raise not_found()
    paid = clock.local_date(order.paid_at).strftime("%d/%m/%Y")
    lines = [
        ("Mã hồ sơ", order.dossier_code),
        ("Thủ tục", dossier.procedure_name),
        ("Người nộp", dossier.applicant_name),
        ("Đơn vị thu", order.agency_name),
        ("Tài khoản thụ hưởng", f"{order.beneficiary_account} ({order.beneficiary_bank})"),
    ]
    lines += [(line.label, _vnd(line.amount)) for line in order.lines]
    lines += [
        ("Tổng số tiền", _vnd(order.amount)),
        ("Hình thức thanh toán", "Trực tuyến" + (f" ({order.gateway})" if order.gateway else "")),
        ("Ngày thanh toán", paid),
    ]
    attempt = next((a for a in order.attempts if a.status == "paid" and not a.duplicate), None)
    if attempt is not None:
        lines.append(("Mã giao dịch", f"{attempt.txn_ref} / {attempt.gateway_txn_no}"))
    return documents.result_document_issue(
        actor=actor,
        agency_code=order.agency_code,
        agency_name=order.agency_name,
        owner_pin=dossier.applicant_pin,
        code=order.receipt_code,
        title="Biên lai thu phí, lệ phí điện tử",
        lines=lines,
        verify_url=f"{settings.EGOV_PUBLIC_URL}/verify/{order.receipt_code}/",
    )
