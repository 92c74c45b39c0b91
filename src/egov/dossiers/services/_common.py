"""Pieces the dossier services share: loading under lock, recording a step, notifying."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.core import clock, events, rawrows
from egov.core.actor import Actor, ActorKind
from egov.core.errors import Conflict, NotFound, PermissionDenied
from egov.dossiers.models import Dossier, DossierEvent
from egov.dossiers.workflow import Status
from egov.identity import selectors as identity
from egov.identity.facade import Role
from egov.notifications import services as notifications

# Dossier steps the applicant is told about (template ``dossier.<action>``).
NOTIFIED = frozenset(
    {
        "submit",
        "accept",
        "request_supplement",
        "refuse",
        "request_payment",
        "stop",
        "extend",
        "approve",
        "return_result",
        "withdraw_confirm",
    }
)


def not_found() -> NotFound:
    return NotFound(_("There is no such dossier, or it is not available to you."))


def dossier_for_update(public_id: str) -> Dossier:
    try:
        return Dossier.objects.select_for_update().get(public_id=public_id)
    except (Dossier.DoesNotExist, ValueError):
        raise not_found() from None


def require_applicant(actor: Actor, dossier: Dossier) -> None:
    """Only the applicant's own account acts as the applicant (another citizen: not found)."""
    if actor.kind is not ActorKind.CITIZEN or not dossier.applicant_id:
        raise not_found()
    if dossier.applicant_id != actor.id:
        raise not_found()


def require_row_version(dossier: Dossier, row_version: int | None) -> None:
    """Optimistic check: the official acted on what they saw. Two officials acting at once: the
    second is told the dossier changed."""
    if row_version is not None and row_version != dossier.row_version:
        raise Conflict(
            _(
                "Someone else acted on this dossier a moment ago (it is now “%(status)s”). "
                "Reload it to see what changed, then act again if still needed."
            ),
            code="dossier_changed",
            params={"status": Status(dossier.status).label},
        )


def holds_role(actor: Actor, roles: tuple[Role, ...], agency_code: str) -> bool:
    if actor.kind is not ActorKind.OFFICIAL:
        return False
    grants = identity.actor_role_grants(actor=actor)
    return any(g.role in roles and g.agency_code == agency_code for g in grants)


def require_role(actor: Actor, roles: tuple[Role, ...], agency_code: str) -> None:
    if not holds_role(actor, roles, agency_code):
        raise PermissionDenied(
            _("This step is for officials of the dossier's agency with the right role.")
        )


def record(
    *,
    actor: Actor,
    dossier: Dossier,
    action: str,
    from_status: int | None,
    from_queue: str,
    comment: str = "",
    details: Mapping[str, Any] | None = None,
) -> DossierEvent:
    """Record one step: the dossier's event row, the outbox event, the applicant's notification
    when the step concerns them, and its audit record, all in the caller's transaction."""
    now = clock.now()
    event = DossierEvent(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        from_queue=from_queue,
        to_queue=dossier.queue,
        actor_kind=str(actor.kind),
        actor_id=actor.id,
        actor_agency=actor.agency_code,
        comment=comment,
        details=dict(details or {}),
        occurred_at=now,
    )
    rawrows.insert(event, deferrable=True)
    events.emit_deferrable(
        name="dossier.transition",
        payload={
            "code": dossier.code or "",
            "dossier": str(dossier.public_id),
            "agency_code": dossier.agency_code,
            "procedure_code": dossier.procedure_code,
            "channel": dossier.channel,
            "action": action,
            "from_status": from_status,
            "to_status": dossier.status,
            "timeliness": dossier.timeliness,
            "received_at": dossier.received_at.isoformat() if dossier.received_at else "",
            "occurred_at": now.isoformat(),
        },
        actor=actor,
    )
    if action in NOTIFIED:
        notify_applicant(actor=actor, dossier=dossier, template=f"dossier.{action}")
    # Last: appending to the audit chain locks its head until commit (every writer of the
    # platform waits there), so the transaction holds that lock for as short as possible.
    audit_record(
        actor=actor,
        action=f"dossiers.{action}",
        subject_type="dossier",
        subject_id=dossier.code or str(dossier.public_id),
        diff={
            "status": [from_status, dossier.status],
            "queue": [from_queue, dossier.queue],
            **({"details": dict(details)} if details else {}),
        },
    )
    return event


def applicant_account_id(dossier: Dossier) -> str:
    """The applicant's account, also for a walk-in applicant who has one."""
    if dossier.applicant_id:
        return dossier.applicant_id
    if dossier.applicant_pin:
        account = identity.account_find_citizen(pin=dossier.applicant_pin)
        if account is not None:
            return account.public_id
    return ""


def notify_applicant(*, actor: Actor, dossier: Dossier, template: str) -> None:
    recipient = applicant_account_id(dossier)
    if not recipient:
        return
    notifications.notification_send(
        actor=actor,
        recipient_id=recipient,
        template=template,
        params=notice_params(dossier),
        link=f"/dossiers/{dossier.public_id}/",
    )


def notice_params(dossier: Dossier) -> dict[str, str]:
    return {
        "code": dossier.code or "",
        "procedure": dossier.procedure_name,
        "agency": dossier.agency_name,
        "appointment_date": dossier.appointment_date.strftime("%d/%m/%Y")
        if dossier.appointment_date
        else "",
        "result_code": dossier.result_code,
    }


def in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Dossier steps must run inside the service's transaction.")
