"""The life of a payment order, declared in one table and executed only by
``services.orders._transition``.

    created --start(payer)--> pending          (an attempt was sent to a gateway)
    pending --start(payer)--> pending          (another attempt: the previous one was abandoned)
    failed  --start(payer)--> pending          (retry after a cancelled or refused attempt)
    pending --settle_failed(gateway)--> failed (the gateway said the attempt did not go through)
    created|pending|failed --settle_paid(gateway)--> paid
    expired --settle_paid(gateway)--> paid     (paid late: accepted, see docs/adr/0013)
    created|pending|failed --expire(platform)--> expired
    paid --refund(finance officers, two people)--> refunded   (when the whole amount is refunded)

Only the gateway's signed server-to-server messages (the IPN, or the answer to a query the
platform made) perform ``settle_paid``: the return URL in the user's browser never does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egov.core.errors import InvalidTransition


class OrderStatus(models.TextChoices):
    CREATED = "created", pgettext_lazy("payment status", "Awaiting payment")
    PENDING = "pending", pgettext_lazy("payment status", "Payment in progress")
    PAID = "paid", pgettext_lazy("payment status", "Paid")
    FAILED = "failed", pgettext_lazy("payment status", "Not paid (cancelled or refused)")
    EXPIRED = "expired", pgettext_lazy("payment status", "Expired")
    REFUNDED = "refunded", pgettext_lazy("payment status", "Refunded")


# Statuses in which the order can still be paid by the applicant.
PAYABLE = frozenset({OrderStatus.CREATED, OrderStatus.PENDING, OrderStatus.FAILED})
# Statuses that hold the dossier's obligation (at most one such order per obligation): a
# failed order is retried, an expired one is replaced by a new order.
HOLDING = frozenset(
    {OrderStatus.CREATED, OrderStatus.PENDING, OrderStatus.FAILED, OrderStatus.PAID}
)

PAYER = "payer"
GATEWAY = "gateway"
PLATFORM = "platform"
FINANCE = "finance_officers"


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    sources: frozenset[OrderStatus]
    target: OrderStatus
    performer: str


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "start",
        frozenset({OrderStatus.CREATED, OrderStatus.PENDING, OrderStatus.FAILED}),
        OrderStatus.PENDING,
        PAYER,
    ),
    Transition("settle_failed", frozenset({OrderStatus.PENDING}), OrderStatus.FAILED, GATEWAY),
    Transition(
        "settle_paid",
        frozenset(
            {OrderStatus.CREATED, OrderStatus.PENDING, OrderStatus.FAILED, OrderStatus.EXPIRED}
        ),
        OrderStatus.PAID,
        GATEWAY,
    ),
    Transition("expire", frozenset(PAYABLE), OrderStatus.EXPIRED, PLATFORM),
    Transition("refund", frozenset({OrderStatus.PAID}), OrderStatus.REFUNDED, FINANCE),
)

_BY_NAME = {t.name: t for t in TRANSITIONS}


def transition_check(name: str, *, status: str) -> Transition:
    """The declared transition ``name`` if it may start from ``status``; otherwise
    ``InvalidTransition`` naming the current status."""
    transition = _BY_NAME[name]
    if status not in transition.sources:
        raise InvalidTransition(
            _("This is not possible now: the payment is “%(status)s”."),
            params={"status": OrderStatus(status).label},
        )
    return transition


def allowed(name: str, *, status: str) -> bool:
    return status in _BY_NAME[name].sources
