"""Reads of the notifications module: a person's notifications in the current language."""

from __future__ import annotations

import structlog
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from egov.notifications.facade import DeliveryInfo, NotificationInfo
from egov.notifications.models import Delivery, Notification
from egov.notifications.templates import TemplateNotFound, template_render

__all__ = ["deliveries_of", "notifications_for", "template_render", "unread_count"]

log = structlog.get_logger(__name__)


def _info(row: Notification, language: str) -> NotificationInfo:
    try:
        subject, body = template_render(row.template, row.params, language)
    except (TemplateNotFound, KeyError, TypeError, ValueError):
        # A template removed or changed since the notification was written: still list it.
        log.warning("notification_unrenderable", notification_id=str(row.public_id))
        with translation.override(language):
            subject, body = gettext("Notification"), ""
    return NotificationInfo(
        public_id=str(row.public_id),
        template=row.template,
        subject=subject,
        body=body,
        link=row.link,
        created_at=row.created_at,
        read_at=row.read_at,
    )


def notifications_for(
    *, recipient_id: str, limit: int = 50, unread_only: bool = False
) -> list[NotificationInfo]:
    """The newest ``limit`` notifications of an account, rendered in the active language.
    One query."""
    rows = Notification.objects.filter(recipient_id=recipient_id)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    language = translation.get_language() or settings.LANGUAGE_CODE
    return [_info(row, language) for row in rows.order_by("-created_at", "-id")[:limit]]


def unread_count(*, recipient_id: str) -> int:
    """How many notifications of an account are unread. One COUNT query."""
    return Notification.objects.filter(recipient_id=recipient_id, read_at__isnull=True).count()


def deliveries_of(*, notification_id: str) -> list[DeliveryInfo]:
    """The external deliveries of one notification (for operators and tests). One query."""
    rows = Delivery.objects.filter(notification__public_id=notification_id).order_by("id")
    return [
        DeliveryInfo(
            public_id=str(d.public_id),
            channel=d.channel,
            status=d.status,
            attempts=d.attempts,
            last_error=d.last_error,
            sent_at=d.sent_at,
        )
        for d in rows
    ]
