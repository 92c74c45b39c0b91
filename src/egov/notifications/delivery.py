"""Sending deliveries through the channel plugins (after commit, and again by the retry command).

Each attempt first *claims* the delivery with one conditional UPDATE (``queued``/``failed`` ->
``sending``, attempts + 1), so two senders (the after-commit hook and the retry command, or two
workers) never send the same delivery twice, and a ``sent`` delivery is never claimed again. No
database transaction is held open while a provider is called. A sender that dies between the
claim and the result leaves the delivery ``sending``; the retry command turns such a delivery,
older than ``STALE_AFTER``, into ``failed`` and sends it again (at least once, not exactly once,
for a crash in that window: gateways receive the delivery id as an idempotency key).

Log lines carry the delivery id, channel and attempt count, never an address or text.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

import structlog
from django.conf import settings
from django.db.models import F, Q

from egov.core import clock
from egov.core.errors import NotFound
from egov.identity.facade import AccountContact
from egov.identity.selectors import account_contact
from egov.notifications import registry
from egov.notifications.facade import RetryReport
from egov.notifications.models import Delivery, DeliveryStatus, Notification
from egov.notifications.registry import ChannelError, Contact
from egov.notifications.templates import template_render

log = structlog.get_logger(__name__)

STALE_AFTER = dt.timedelta(minutes=15)
NO_ADDRESS = "no address for this channel on the account"
ACCOUNT_CLOSED = "account closed"
ACCOUNT_MISSING = "account not found"


class Skip(Exception):
    """Nothing to send through this channel (no address, closed account)."""


def address_of(account: AccountContact, contact: Contact) -> str:
    if contact is Contact.EMAIL:
        return account.email
    if contact is Contact.PHONE:
        return account.phone
    return account.public_id


def skip_reason(account: AccountContact, channel: str) -> str:
    """Why ``channel`` cannot reach ``account`` ("" when it can, or when the plugin is missing:
    that is a configuration failure, recorded when sending)."""
    if not account.is_active:
        return ACCOUNT_CLOSED
    try:
        contact = registry.channel_get(channel).contact
    except LookupError:
        return ""
    return "" if address_of(account, contact) else NO_ADDRESS


def external_text(notification: Notification) -> tuple[str, str]:
    """Subject and body for e-mail, SMS and files: in the platform's default language (accounts
    have no language preference yet), with the link made absolute (``EGOV_PUBLIC_URL``)."""
    subject, body = template_render(
        notification.template, notification.params, settings.LANGUAGE_CODE
    )
    base = getattr(settings, "EGOV_PUBLIC_URL", "")
    if notification.link and base:
        body = f"{body}\n\n{base.rstrip('/')}{notification.link}"
    return subject, body


def _compose(delivery: Delivery) -> tuple[str, str, str]:
    try:
        account = account_contact(public_id=delivery.notification.recipient_id)
    except NotFound:
        raise Skip(ACCOUNT_MISSING) from None
    reason = skip_reason(account, delivery.channel)
    if reason:
        raise Skip(reason)
    address = address_of(account, registry.channel_get(delivery.channel).contact)
    subject, body = external_text(delivery.notification)
    return address, subject, body


def _claim(pk: int, *, retry: bool, max_attempts: int) -> bool:
    now = clock.now()
    claimable = Q(status=DeliveryStatus.QUEUED)
    if retry:
        claimable |= Q(status=DeliveryStatus.FAILED, attempts__lt=max_attempts)
    claimed = Delivery.objects.filter(Q(pk=pk) & claimable).update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now, updated_at=now
    )
    return claimed == 1


def _finish(delivery: Delivery, status: str, error: str = "") -> str:
    now = clock.now()
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=status,
        last_error=error[:500],
        sent_at=now if status == DeliveryStatus.SENT else None,
        updated_at=now,
    )
    fields = {"delivery_id": str(delivery.public_id), "channel": delivery.channel}
    if status == DeliveryStatus.FAILED:
        log.warning("notification_delivery_failed", attempts=delivery.attempts, **fields)
    else:
        event = (
            "notification_delivery_sent"
            if status == DeliveryStatus.SENT
            else "notification_delivery_skipped"
        )
        log.info(event, **fields)
    return status


def delivery_attempt(pk: int, *, retry: bool = False, max_attempts: int = 1) -> str | None:
    """Claim, send and record one delivery. Returns its new status, or None when it was not
    claimable (already sent, being sent, or out of attempts). Never raises for a send failure."""
    if not _claim(pk, retry=retry, max_attempts=max_attempts):
        return None
    delivery = Delivery.objects.select_related("notification").get(pk=pk)
    try:
        address, subject, body = _compose(delivery)
        channel = registry.channel_get(delivery.channel)
        channel.send(address, subject, body, reference=str(delivery.public_id))
    except Skip as skip:
        return _finish(delivery, DeliveryStatus.SKIPPED, str(skip))
    except ChannelError as exc:
        return _finish(delivery, DeliveryStatus.FAILED, str(exc))
    except LookupError as exc:  # no plugin, unknown template, missing parameter: names only
        return _finish(delivery, DeliveryStatus.FAILED, f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a plugin's own bug or a library error: its kind only
        return _finish(delivery, DeliveryStatus.FAILED, type(exc).__name__)
    return _finish(delivery, DeliveryStatus.SENT)


def deliveries_send(delivery_ids: Sequence[int]) -> None:
    """The after-commit hook of ``notification_send``: first attempt of each queued delivery."""
    for pk in delivery_ids:
        delivery_attempt(pk)


def deliveries_retry(*, max_attempts: int, limit: int) -> RetryReport:
    """Send queued deliveries and failed ones with attempts left; interrupted sends first
    become failed. ``max_attempts`` counts every attempt, the first one included."""
    now = clock.now()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_AFTER).update(
        status=DeliveryStatus.FAILED, last_error="interrupted while sending", updated_at=now
    )
    open_rows = Delivery.objects.filter(
        Q(status=DeliveryStatus.QUEUED) | Q(status=DeliveryStatus.FAILED, attempts__lt=max_attempts)
    )
    ids = list(open_rows.order_by("id").values_list("id", flat=True)[:limit])
    done = Counter(delivery_attempt(pk, retry=True, max_attempts=max_attempts) for pk in ids)
    given_up = Delivery.objects.filter(
        status=DeliveryStatus.FAILED, attempts__gte=max_attempts
    ).count()
    return RetryReport(
        sent=done[DeliveryStatus.SENT],
        failed=done[DeliveryStatus.FAILED],
        skipped=done[DeliveryStatus.SKIPPED],
        given_up=given_up,
    )
