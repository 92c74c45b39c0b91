"""Helpers shared by the identity services (not public)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from egov.core.actor import Actor, ActorKind
from egov.core.errors import NotFound, PermissionDenied
from egov.identity.facade import Role
from egov.identity.models import Account
from egov.identity.selectors import actor_has_role


def pin_ref(pin: str) -> str:
    """A keyed, one-way reference to a PIN for audit records of refused attempts (no PIN in the
    audit trail when no account exists)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"pin:{pin}".encode(), hashlib.sha256)
    return "pinref:" + digest.hexdigest()[:24]


def is_platform_job(actor: Actor) -> bool:
    """Work the platform does by itself (``Actor.system(job)``), not an agency's system client."""
    return actor.kind is ActorKind.SYSTEM and not actor.agency_code


def require_agency_admin(actor: Actor, agency_code: str) -> None:
    if is_platform_job(actor) or actor_has_role(actor=actor, role=Role.PLATFORM_OPERATOR):
        return
    if not actor_has_role(actor=actor, role=Role.AGENCY_ADMIN, agency_code=agency_code):
        raise PermissionDenied()


def account_for_update(public_id: str) -> Account:
    try:
        return Account.objects.select_for_update().get(public_id=public_id)
    except (Account.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def actor_account(actor: Actor) -> Account:
    if actor.is_anonymous:
        raise PermissionDenied()
    try:
        return Account.objects.get(public_id=actor.id)
    except (Account.DoesNotExist, ValueError) as exc:
        raise PermissionDenied() from exc
