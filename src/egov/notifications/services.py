"""Writes of the notifications module.

``notification_send`` is called by other modules' services, inside their own transaction: the
notification and its deliveries commit or roll back with the caller's change, and the external
channels are called only after that commit (``transaction.on_commit``). Sending never raises
into the caller once the transaction committed: a failed send is recorded on its delivery and
``manage.py notifications_retry`` tries again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from functools import partial

from django.conf import settings
from django.db import transaction

from egov.audit.services import audit_record
from egov.core import clock, rawrows
from egov.core.actor import Actor, ActorKind
from egov.core.errors import NotFound, PermissionDenied
from egov.identity.selectors import account_contact
from egov.notifications import delivery, registry
from egov.notifications.facade import RetryReport
from egov.notifications.models import Delivery, DeliveryStatus, Notification
from egov.notifications.templates import (
    TemplateNotFound,
    template_get,
    template_register,
    template_render,
)

__all__ = [
    "TemplateNotFound",
    "deliveries_retry",
    "notification_mark_read",
    "notification_send",
    "notifications_mark_all_read",
    "notifications_purge",
    "template_register",
    "template_render",
]


# (template, parameter names) found to render in every language: with text values, whether a
# template renders depends only on which names are given, and the texts do not change while
# the process runs; so each combination is rendered once per process, not at every send.
_RENDERED: set[tuple[str, frozenset[str]]] = set()
_RENDERED_MAX = 4096  # a bound for a caller that varies its names (they are few per template)


def _checked_params(template: str, params: Mapping[str, str]) -> dict[str, str]:
    """The parameters as stored; the template must exist and render in every language."""
    template_get(template)
    values = dict(params)
    wrong = sorted(k for k, v in values.items() if not isinstance(k, str) or not isinstance(v, str))
    if wrong:
        raise TypeError(f"Notification parameters must be strings: {wrong}")
    combination = (template, frozenset(values))
    if combination in _RENDERED:
        return values
    for language, _name in settings.LANGUAGES:
        try:
            template_render(template, values, language)
        except KeyError as exc:
            raise ValueError(f"Template {template!r} needs the parameter {exc}") from None
    if len(_RENDERED) >= _RENDERED_MAX:
        _RENDERED.clear()
    _RENDERED.add(combination)
    return values


def _checked_link(link: str) -> str:
    """A path on this portal ("/dossiers/…"), never another site or a ``javascript:`` URL."""
    if link and (not link.startswith("/") or link.startswith("//") or "\\" in link):
        raise ValueError(f"A notification link is a path on this portal; got {link!r}")
    return link


def notification_send(
    *,
    actor: Actor,
    recipient_id: str,
    template: str,
    params: Mapping[str, str],
    link: str = "",
) -> None:
    """Notify the account ``recipient_id`` (public id) with the registered ``template``.

    Writes the in-app notification and one delivery per configured external channel in the
    current transaction (or its own, nested with ``atomic``); the channels are called after
    commit. Raises ``TemplateNotFound`` (unknown key), ``ValueError``/``TypeError`` (missing or
    non-text parameters, a link that is not a path) and ``NotFound`` (no such account): these
    are programming errors and roll the caller back.
    """
    values = _checked_params(template, params)
    link = _checked_link(link)
    channels = registry.configured_channels()
    # The account's addresses serve the external channels. Without any, the account is read
    # only to check it exists, which an account acting for itself (a citizen's own step) does.
    own = actor.kind in (ActorKind.CITIZEN, ActorKind.OFFICIAL) and recipient_id == actor.id
    account = None if own and not channels else account_contact(public_id=recipient_id)
    recipient = account.public_id if account else recipient_id
    # No savepoint inside a caller's transaction: a failure here rolls the caller back anyway
    # (see above), and a notified step saves two round trips.
    with transaction.atomic(savepoint=False):
        notification = Notification(
            recipient_id=recipient, template=template, params=values, link=link
        )
        # Its key is needed now only by the deliveries' rows (inside ``sqlbatch.batched()``
        # an in-app notice alone waits for the batch).
        rawrows.insert(notification, deferrable=not channels)
        rows = []
        for channel in channels:
            assert account is not None  # read above whenever there are channels
            reason = delivery.skip_reason(account, channel)
            status = DeliveryStatus.SKIPPED if reason else DeliveryStatus.QUEUED
            rows.append(
                Delivery(
                    notification=notification, channel=channel, status=status, last_error=reason
                )
            )
        Delivery.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action="notifications.notification_created",
            subject_type="notification",
            subject_id=str(notification.public_id),
            diff={
                "recipient_id": [None, recipient],
                "template": [None, template],
                "channels": [None, ["in_app", *(r.channel for r in rows)]],
            },
        )
        queued = [r.pk for r in rows if r.status == DeliveryStatus.QUEUED]
        if queued:
            transaction.on_commit(partial(delivery.deliveries_send, queued), robust=True)


def _notification_uuid(notification_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(notification_id))
    except ValueError:
        raise NotFound() from None


def notification_mark_read(*, actor: Actor, notification_id: str) -> None:
    """Mark one of the actor's own notifications read (idempotent). Anyone else's, or an unknown
    id, is "not found" (whether it exists is not revealed).

    Read marks are the reader's own interface state, not an act of the administration: they are
    not written to the audit trail.
    """
    if actor.is_anonymous:
        raise PermissionDenied()
    public_id = _notification_uuid(notification_id)
    with transaction.atomic():
        row = (
            Notification.objects.filter(public_id=public_id, recipient_id=actor.id)
            .only("id", "read_at")
            .first()
        )
        if row is None:
            raise NotFound()
        if row.read_at is None:
            now = clock.now()
            Notification.objects.filter(pk=row.pk, read_at__isnull=True).update(
                read_at=now, updated_at=now
            )


def notifications_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor read; returns how many. Not audited (see
    ``notification_mark_read``)."""
    if actor.is_anonymous:
        raise PermissionDenied()
    now = clock.now()
    with transaction.atomic():
        return Notification.objects.filter(recipient_id=actor.id, read_at__isnull=True).update(
            read_at=now, updated_at=now
        )


def deliveries_retry(
    *, actor: Actor, max_attempts: int | None = None, limit: int = 1000
) -> RetryReport:
    """Send again the queued and failed deliveries (``manage.py notifications_retry``). A sent
    delivery is never sent again. Delivery rows are their own record: no audit entry."""
    attempts = settings.NOTIFY_MAX_ATTEMPTS if max_attempts is None else max_attempts
    return delivery.deliveries_retry(max_attempts=attempts, limit=limit)


def notifications_purge(*, actor: Actor, older_than_days: int | None = None) -> int:
    """Delete notifications (with their deliveries) created more than ``older_than_days`` ago
    (default ``EGOV_NOTIFY_RETENTION_DAYS``); returns how many notifications went."""
    days = settings.NOTIFY_RETENTION_DAYS if older_than_days is None else older_than_days
    if days < 1:
        raise ValueError("The retention period is at least one day.")
    cutoff = clock.now() - dt.timedelta(days=days)
    with transaction.atomic():
        old = Notification.objects.filter(created_at__lt=cutoff)
        count = old.count()
        if count:
            old.delete()
            audit_record(
                actor=actor,
                action="notifications.notifications_purged",
                subject_type="notification",
                subject_id=f"before:{cutoff.date().isoformat()}",
                diff={"count": [None, count], "older_than_days": [None, days]},
            )
    return count
