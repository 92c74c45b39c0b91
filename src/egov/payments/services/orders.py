"""Payment orders: created from fee lines for one obligation of a dossier, started on a gateway
(one attempt each time), expired when left unpaid."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import structlog
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import Conflict, ValidationFailed
from egov.payments import registry
from egov.payments.facade import FeeLine, OrderInfo
from egov.payments.mobile_money import wallet_key
from egov.payments.models import (
    AgencyAccount,
    AttemptStatus,
    OrderLine,
    Payment,
    PaymentOrder,
)
from egov.payments.selectors import order_info
from egov.payments.services._common import audit_chain, order_for_update, require_payer, transition
from egov.payments.workflow import HOLDING, PAYABLE, OrderStatus

log = structlog.get_logger(__name__)


def beneficiary(agency_code: str) -> tuple[str, str, str]:
    """(bank code, account number, account name) fees of the agency are paid into."""
    account = AgencyAccount.objects.filter(agency_code=agency_code).first()
    if account is not None:
        return account.bank_code, account.account_number, account.account_name
    bank, number, name = ([*settings.EGOV_PAYMENTS_DEFAULT_ACCOUNT.split("|"), "", "", ""])[:3]
    return bank, number, name


def agency_account_set(
    *, actor: Actor, agency_code: str, bank_code: str, account_number: str, account_name: str
) -> None:
    """Set the account an agency's fees are paid into (demo data, the admin)."""
    if not (agency_code and bank_code and account_number and account_name):
        raise ValidationFailed(_("Give the bank, the account number and the account name."))
    with transaction.atomic():
        current = AgencyAccount.objects.select_for_update().filter(agency_code=agency_code).first()
        wanted = (bank_code, account_number, account_name)
        if (
            current is not None
            and (current.bank_code, current.account_number, current.account_name) == wanted
        ):
            return  # unchanged: nothing written, nothing audited
        AgencyAccount.objects.update_or_create(
            agency_code=agency_code,
            defaults={
                "bank_code": bank_code,
                "account_number": account_number,
                "account_name": account_name,
            },
        )
        audit_record(
            actor=actor,
            action="payments.agency_account_set",
            subject_type="agency",
            subject_id=agency_code,
            diff={"bank_code": bank_code},
        )


def _expired(order: PaymentOrder, now: dt.datetime) -> bool:
    return order.status in PAYABLE and order.expires_at <= now


def _expire(order: PaymentOrder) -> None:
    transition(actor=Actor.system("payments_expiry"), order=order, name="expire")


def order_create(
    *,
    actor: Actor,
    dossier_id: str,
    dossier_code: str,
    obligation: str,
    agency_code: str,
    agency_name: str,
    procedure_code: str,
    description: str,
    lines: Sequence[FeeLine],
    payer_id: str,
) -> OrderInfo:
    """The order for ``obligation`` of the dossier: the one already holding it (created,
    pending or paid, not expired), or a new one from ``lines`` (their sum, whole VND, > 0).
    An unpaid order past its expiry is expired first. Two concurrent calls make one order
    (the unique constraint on holding orders)."""
    amount = sum(line.amount for line in lines)
    if amount <= 0 or any(not isinstance(line.amount, int) for line in lines):
        raise ValidationFailed(_("There is nothing to pay for this dossier."), code="no_fee")
    now = clock.now()
    try:
        with transaction.atomic():
            held = (
                PaymentOrder.objects.select_for_update()
                .filter(dossier_id=dossier_id, obligation=obligation, status__in=HOLDING)
                .first()
                if dossier_id
                else None
            )
            if held is not None and _expired(held, now):
                _expire(held)
                held = None
            if held is not None:
                return order_info(held)
            bank, number, name = beneficiary(agency_code)
            order = PaymentOrder.objects.create(
                dossier_id=dossier_id,
                dossier_code=dossier_code,
                obligation=obligation,
                agency_code=agency_code,
                agency_name=agency_name,
                procedure_code=procedure_code,
                description=description[:255],
                amount=amount,
                beneficiary_bank=bank,
                beneficiary_account=number,
                beneficiary_name=name,
                payer_id=payer_id,
                expires_at=now + dt.timedelta(hours=settings.EGOV_PAYMENTS_ORDER_HOURS),
            )
            OrderLine.objects.bulk_create(
                OrderLine(order=order, kind=line.kind, label=line.label[:300], amount=line.amount)
                for line in lines
            )
            audit_record(
                actor=actor,
                action="payments.order_created",
                subject_type="payment_order",
                subject_id=str(order.public_id),
                chain=audit_chain(order),
                diff={"amount": amount, "dossier": dossier_code, "obligation": obligation},
            )
            return order_info(order)
    except IntegrityError:
        # Another request created the order for this obligation at the same moment.
        existing = PaymentOrder.objects.filter(
            dossier_id=dossier_id, obligation=obligation, status__in=HOLDING
        ).first()
        if existing is None:
            raise
        return order_info(existing)


def new_txn_ref() -> str:
    return uuid.uuid4().hex[:20].upper()


def _month_start(now: dt.datetime) -> dt.datetime:
    local = now.astimezone(clock.VN_TZ)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _lock_wallet(key: str) -> None:
    """Serialise the limit checks of one mobile money account until the transaction ends (two
    payments started at once both see the other). SQLite serialises every writer already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"egov:wallet:{key}"]
            )


def _check_wallet_limit(
    gateway: registry.Gateway, key: str, order: PaymentOrder, now: dt.datetime
) -> None:
    """The month's payments through the account, paid or still in progress (an attempt not yet
    settled nor expired, one per other order: it may still be paid), plus this one, within the
    limit. Checked under the account's lock, so payments started at once cannot both pass."""
    limit = int(getattr(gateway, "monthly_limit", 0))
    _lock_wallet(key)
    paid = (
        Payment.objects.filter(
            wallet_key=key, status=AttemptStatus.PAID, settled_at__gte=_month_start(now)
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    in_progress = dict(
        Payment.objects.filter(
            wallet_key=key,
            status=AttemptStatus.PENDING,
            expires_at__gt=now,
            order__status=OrderStatus.PENDING,
        )
        .exclude(order=order)
        .values_list("order_id", "amount")
    )
    used = paid + sum(in_progress.values())
    amount = order.amount
    if used + amount > limit:
        raise ValidationFailed(
            _(
                "This payment would take the mobile money account above its monthly limit of "
                "%(limit)s dong (%(left)s dong left this month). Choose another way to pay."
            ),
            code="wallet_limit",
            field_errors={"wallet": [_("Above the monthly limit of this account.")]},
            params={
                "limit": f"{limit:,}".replace(",", "."),
                "left": f"{max(limit - used, 0):,}".replace(",", "."),
            },
        )


def payment_start(
    *,
    actor: Actor,
    order_id: str,
    gateway: str,
    return_url: str,
    client_ip: str,
    locale: str,
    wallet: str = "",
    bank_code: str = "",
) -> str:
    """Start one attempt to pay the order through ``gateway``: the URL of the gateway's page
    to send the payer to. Only the payer; only a payable order (an order past its expiry is
    expired and ``Conflict`` ``order_expired`` raised: the caller makes a new one)."""
    try:
        plugin = registry.gateway_get(gateway)
    except LookupError:
        raise ValidationFailed(_("Choose a way to pay."), code="gateway") from None
    if plugin not in registry.offered_gateways():
        raise ValidationFailed(_("Choose a way to pay."), code="gateway")
    key = ""
    if plugin.kind == "mobile_money":
        digits = "".join(ch for ch in wallet if ch.isdigit())
        if not 9 <= len(digits) <= 11:
            raise ValidationFailed(
                _("Enter the phone number of your mobile money account."),
                code="wallet",
                field_errors={"wallet": [_("Enter a phone number of 10 digits.")]},
            )
        key = wallet_key(digits)
    now = clock.now()
    expire = False
    with transaction.atomic():
        order = order_for_update(order_id)
        require_payer(actor, order)
        if _expired(order, now):
            _expire(order)
            expire = True
        elif order.status == OrderStatus.EXPIRED:
            expire = True
        else:
            if key:
                _check_wallet_limit(plugin, key, order, now)
            attempt = Payment.objects.create(
                order=order,
                txn_ref=new_txn_ref(),
                gateway=plugin.name,
                amount=order.amount,
                created_at=now,
                expires_at=min(
                    now + dt.timedelta(minutes=settings.EGOV_PAYMENTS_ATTEMPT_MINUTES),
                    order.expires_at,
                ),
                wallet_key=key,
            )
            order.gateway = plugin.name
            transition(
                actor=actor,
                order=order,
                name="start",
                details={"txn_ref": attempt.txn_ref, "gateway": plugin.name},
            )
    if expire:
        raise Conflict(
            _("This payment order has expired. A new one is made when you pay again."),
            code="order_expired",
        )
    log.info("payment_started", order=str(order.public_id), txn_ref=attempt.txn_ref)
    return plugin.start(
        registry.StartRequest(
            txn_ref=attempt.txn_ref,
            amount=attempt.amount,
            order_info=f"Thanh toan phi le phi ho so {order.dossier_code or order.public_id}",
            created_at=now,
            expires_at=attempt.expires_at,
            return_url=return_url,
            client_ip=client_ip,
            locale=locale,
            bank_code=bank_code,
        )
    )


def orders_expire(*, actor: Actor) -> int:
    """Expire every unpaid order past its expiry (scheduled job). Returns how many."""
    now = clock.now()
    ids = list(
        PaymentOrder.objects.filter(status__in=PAYABLE, expires_at__lte=now).values_list(
            "public_id", flat=True
        )
    )
    done = 0
    for public_id in ids:
        with transaction.atomic():
            order = order_for_update(str(public_id))
            if _expired(order, now):
                transition(actor=actor, order=order, name="expire")
                done += 1
    return done


__all__ = [
    "OrderStatus",
    "agency_account_set",
    "beneficiary",
    "order_create",
    "orders_expire",
    "payment_start",
]
