"""Access requests (Decree 47 Art 35: answered within 5 working days) and grants: approve
(choosing the fields), refuse with reasons, withdraw; suspend, resume, terminate a grant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.calendar import selectors as calendar
from egov.core import clock, events
from egov.core.actor import Actor
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.exchange import routes, workflow
from egov.exchange.models import AccessRequest, Frequency, Grant, Service, Sharing, Subsystem
from egov.exchange.services.gateway import PURPOSE_RE
from egov.exchange.services.registry import require_member_admin
from egov.exchange.workflow import GrantStatus, RequestStatus, ServiceStatus

ANSWER_WORKING_DAYS = 5  # Decree 47/2020 Art 35


def _required(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={field: [message]})


def access_request_submit(
    *,
    actor: Actor,
    consumer: str,
    service_id: str,
    purpose: str,
    purpose_description: str,
    legal_basis: str,
    fields: Sequence[str],
    frequency: str,
    requester_name: str,
) -> str:
    """A consuming agency's administrator asks for access for one of its systems. The provider
    must answer by ``due_on`` (5 working days after the reception day). Returns its public id."""
    subsystem = Subsystem.objects.select_related("member").filter(address=consumer).first()
    if subsystem is None:
        raise _required("consumer", str(_("Choose one of your agency's systems.")))
    require_member_admin(actor, subsystem.member.code)
    service = Service.objects.filter(public_id=service_id).first()
    if service is None or service.status == ServiceStatus.TERMINATED:
        raise NotFound(_("This service is not published (any more)."))
    items = {i.name: i for i in service.items.all()}
    chosen = list(dict.fromkeys(str(f) for f in fields))
    if not chosen:
        raise _required("fields", str(_("Choose at least one data item.")))
    unknown = [f for f in chosen if f not in items]
    if unknown:
        raise _required("fields", str(_("Choose data items of this service only.")))
    if not PURPOSE_RE.match(purpose):
        raise _required(
            "purpose", str(_("Use a short code of lower-case letters, digits, dots or _."))
        )
    if not purpose_description.strip():
        raise _required("purpose_description", str(_("Say what the data will be used for.")))
    special = any(
        items[f].sharing == Sharing.ON_REQUEST or items[f].sensitivity == "sensitive"
        for f in chosen
    )
    if special and not legal_basis.strip():
        raise _required(
            "legal_basis",
            str(_("Sensitive or on-request data items need the legal basis of the request.")),
        )
    if frequency not in Frequency.values:
        raise _required("frequency", str(_("Choose how often the data will be retrieved.")))
    received = clock.now()
    with transaction.atomic():
        request = AccessRequest.objects.create(
            consumer=subsystem, service=service, requested_by=actor.id,
            requester_name=requester_name.strip()[:200] or actor.id, purpose=purpose,
            purpose_description=purpose_description.strip(), legal_basis=legal_basis.strip(),
            fields=chosen, frequency=frequency, received_at=received,
            due_on=calendar.due_date(received_at=received, working_days=ANSWER_WORKING_DAYS),
        )  # fmt: skip
        audit_record(
            actor=actor, action="exchange.access_requested",
            subject_type="exchange.access_request", subject_id=str(request.public_id),
            diff={"consumer": [None, consumer], "service": [None, service_id],
                  "fields": [None, chosen], "purpose": [None, purpose]},
        )  # fmt: skip
        events.emit(
            name="exchange.access_requested",
            payload={"request": str(request.public_id), "consumer": consumer,
                     "service": service_id, "due_on": request.due_on.isoformat()},
            actor=actor,
        )  # fmt: skip
    return str(request.public_id)


def access_request_decide(
    *,
    actor: Actor,
    request_id: str,
    action: str,
    fields: Sequence[str] | None = None,
    reason: str = "",
    valid_to: dt.datetime | None = None,
    rate_per_minute: int = 600,
) -> str | None:
    """Answer a pending request: ``approve`` (with the fields chosen among those requested;
    creates the grant, returns its public id), ``refuse`` (with reasons) or ``withdraw`` (by the
    consumer's administrator)."""
    with transaction.atomic():
        request = (
            AccessRequest.objects.select_for_update()
            .select_related("service__provider__member", "consumer__member")
            .filter(public_id=request_id)
            .first()
        )
        if request is None:
            raise NotFound()
        transition = workflow.find(workflow.REQUEST_TRANSITIONS, action, request.status)
        member = (
            request.consumer.member.code
            if workflow.CONSUMER in transition.performers
            else request.service.provider.member.code
        )
        require_member_admin(actor, member)
        if transition.reason_required and not reason.strip():
            raise _required("reason", str(_("Give the reasons of the refusal.")))
        grant_id: str | None = None
        now = clock.now()
        if action == "approve":
            chosen = list(dict.fromkeys(fields if fields is not None else request.fields))
            if not chosen or set(chosen) - set(request.fields):
                raise _required("fields", str(_("Choose data items among those requested.")))
            if valid_to is not None and valid_to <= now:
                raise _required("valid_to", str(_("The end of validity must be in the future.")))
            grant = Grant.objects.create(
                consumer=request.consumer, service=request.service, request=request,
                fields=chosen, purpose=request.purpose, valid_from=now, valid_to=valid_to,
                rate_per_minute=max(1, rate_per_minute), created_at=now, updated_at=now,
            )  # fmt: skip
            grant_id = str(grant.public_id)
        before = request.status
        request.status = transition.target
        request.decided_at, request.decided_by, request.reason = now, actor.id, reason.strip()
        request.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        past = workflow.PAST[action]
        routes.mark_changed()
        audit_record(
            actor=actor, action=f"exchange.access_{past}",
            subject_type="exchange.access_request", subject_id=request_id,
            diff={"status": [before, transition.target], "reason": [None, reason.strip()],
                  "grant": [None, grant_id]},
        )  # fmt: skip
        events.emit(
            name=f"exchange.access_{past}",
            payload={"request": request_id, "grant": grant_id, "reason": reason.strip(),
                     "late": clock.local_date(now) > request.due_on},
            actor=actor,
        )  # fmt: skip
    return grant_id


def grant_act(*, actor: Actor, grant_id: str, action: str, reason: str = "") -> str:
    """Suspend (the notice: violation and remedy, Art 43), resume or terminate (Art 44) a grant.
    Returns the new status."""
    with transaction.atomic():
        grant = (
            Grant.objects.select_for_update()
            .select_related("service__provider__member", "consumer__member")
            .filter(public_id=grant_id)
            .first()
        )
        if grant is None:
            raise NotFound()
        transition = workflow.find(workflow.GRANT_TRANSITIONS, action, grant.status)
        provider = grant.service.provider.member.code
        consumer = grant.consumer.member.code
        try:
            require_member_admin(actor, provider)
        except PermissionDenied:
            if workflow.CONSUMER not in transition.performers:
                raise
            require_member_admin(actor, consumer)
        if transition.reason_required and not reason.strip():
            raise _required("reason", str(_("Give the reason; it is sent as the notice.")))
        before = grant.status
        grant.status, grant.status_reason = transition.target, reason.strip()
        grant.updated_at = clock.now()
        grant.save(update_fields=["status", "status_reason", "updated_at"])
        past = workflow.PAST[action]
        routes.mark_changed()
        audit_record(
            actor=actor, action=f"exchange.grant_{past}", subject_type="exchange.grant",
            subject_id=grant_id,
            diff={"status": [before, transition.target], "reason": [None, reason.strip()]},
        )  # fmt: skip
        events.emit(
            name=f"exchange.grant_{past}",
            payload={"grant": grant_id, "consumer": grant.consumer.address,
                     "service": str(grant.service.public_id), "reason": reason.strip()},
            actor=actor,
        )  # fmt: skip
    return str(transition.target)


def grant_standing_ensure(
    *,
    actor: Actor,
    consumer: str,
    service_id: str,
    purpose: str,
    fields: Sequence[str],
    rate_per_minute: int = 6000,
) -> tuple[str, bool]:
    """A standing grant of the platform's own systems (the portal's prefill, the police back
    office), set up by ``exchange_load`` without a request. Idempotent: an existing grant for
    the same consumer, service and purpose (even terminated: an operator's decision stands) is
    left as it is. Returns ``(public_id, created)``."""
    subsystem = Subsystem.objects.select_related("member").get(address=consumer)
    service = Service.objects.select_related("provider__member").get(public_id=service_id)
    require_member_admin(actor, service.provider.member.code)
    with transaction.atomic():
        existing = Grant.objects.filter(
            consumer=subsystem, service=service, purpose=purpose
        ).first()
        if existing is not None:
            return str(existing.public_id), False
        now = clock.now()
        grant = Grant.objects.create(
            consumer=subsystem, service=service, fields=list(fields), purpose=purpose,
            valid_from=now - dt.timedelta(days=3650), valid_to=None,
            rate_per_minute=rate_per_minute, created_at=now, updated_at=now,
        )  # fmt: skip
        routes.mark_changed()
        audit_record(
            actor=actor, action="exchange.grant_created", subject_type="exchange.grant",
            subject_id=str(grant.public_id),
            diff={"consumer": [None, consumer], "service": [None, service_id],
                  "fields": [None, list(fields)], "purpose": [None, purpose]},
        )  # fmt: skip
        events.emit(
            name="exchange.grant_created",
            payload={"grant": str(grant.public_id), "consumer": consumer, "service": service_id},
            actor=actor,
        )  # fmt: skip
    return str(grant.public_id), True


__all__ = [
    "GrantStatus",
    "RequestStatus",
    "access_request_decide",
    "access_request_submit",
    "grant_act",
    "grant_standing_ensure",
]
