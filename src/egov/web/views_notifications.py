"""Notifications: a person's list (newest first), mark one or all read, and the unread count the
navigation shows (``request_unread_count``: one COUNT query per request, only for logged-in
people who passed the second factor)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from egov.core.actor import ActorKind
from egov.notifications import selectors, services
from egov.notifications.facade import NotificationInfo
from egov.web.permissions import account_required, official_unverified, request_actor
from egov.web.views_identity_login import crumbs

PAGE_SIZE = 50
_UNREAD_ATTR = "_egov_unread_notifications"


def request_unread_count(request: HttpRequest) -> int:
    """Unread notifications of the logged-in person, read at most once per request; 0 without a
    query for anyone else (anonymous visitors, system clients, officials before the second
    factor)."""
    cached = getattr(request, _UNREAD_ATTR, None)
    if cached is None:
        actor = request_actor(request)
        person = actor.kind in (ActorKind.CITIZEN, ActorKind.OFFICIAL)
        cached = (
            selectors.unread_count(recipient_id=actor.id)
            if person and not official_unverified(request)
            else 0
        )
        setattr(request, _UNREAD_ATTR, cached)
    return int(cached)


def _localised_link(link: str) -> str:
    """Links are stored as paths of the default language; show them in the page's language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if not link or language == settings.LANGUAGE_CODE:
        return link
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(link, language)


def _row(item: NotificationInfo) -> dict[str, object]:
    return {"item": item, "link": _localised_link(item.link)}


@never_cache
@require_safe
@account_required
def notification_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    items = selectors.notifications_for(recipient_id=actor.id, limit=PAGE_SIZE)
    context = {
        "rows": [_row(item) for item in items],
        "unread": request_unread_count(request),
        "page_size": PAGE_SIZE,
        "crumbs": crumbs((_("Notifications"), "")),
    }
    return render(request, "web/notifications/list.html", context)


@require_POST
@account_required
def notification_mark_read(request: HttpRequest, notification_id: uuid.UUID) -> HttpResponse:
    services.notification_mark_read(
        actor=request_actor(request), notification_id=str(notification_id)
    )
    messages.success(request, _("The notification is marked as read."))
    return redirect("web:notification_list")


@require_POST
@account_required
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=request_actor(request))
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("web:notification_list")
