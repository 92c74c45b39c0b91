"""Members, subsystems and services (Decree 47 Art 24-26, 43-44): registration, publication,
suspension with notice, restoration, termination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.agencies import selectors as agencies
from egov.audit.services import audit_record
from egov.core import clock, events
from egov.core.actor import Actor, ActorKind
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.exchange import routes, workflow
from egov.exchange.facade import address, parse_address
from egov.exchange.models import DataItem, Member, Sensitivity, Service, Sharing, Subsystem
from egov.identity import selectors as identity
from egov.identity.facade import Role


def is_platform(actor: Actor) -> bool:
    """The platform itself (a job) or one of its operators."""
    if actor.kind is ActorKind.SYSTEM and not actor.agency_code:
        return True
    return actor.kind is ActorKind.OFFICIAL and identity.actor_has_role(
        actor=actor, role=Role.PLATFORM_OPERATOR
    )


def require_member_admin(actor: Actor, member_code: str) -> None:
    """Agency administrators act for their own agency's member; the platform for any."""
    if is_platform(actor):
        return
    if not identity.actor_has_role(actor=actor, role=Role.AGENCY_ADMIN, agency_code=member_code):
        raise PermissionDenied()


def member_ensure(
    *, actor: Actor, code: str, base_url: str = "", remote_client_id: str = ""
) -> bool:
    """Register an agency as a member (idempotent by code; a remote member's address and client
    are updated). Platform operators only. Returns whether it was created."""
    if not is_platform(actor):
        raise PermissionDenied()
    name = agencies.agency_get(code=code).name if not base_url else ""
    with transaction.atomic():
        member = Member.objects.select_for_update().filter(code=code).first()
        if member is not None:
            if (member.base_url, member.remote_client_id) != (base_url, remote_client_id):
                before = {"base_url": member.base_url, "client": member.remote_client_id}
                member.base_url, member.remote_client_id = base_url.rstrip("/"), remote_client_id
                member.save(update_fields=["base_url", "remote_client_id"])
                routes.mark_changed()
                audit_record(
                    actor=actor, action="exchange.member_changed", subject_type="exchange.member",
                    subject_id=code,
                    diff={"base_url": [before["base_url"], base_url],
                          "client": [before["client"], remote_client_id]},
                )  # fmt: skip
            return False
        Member.objects.create(
            code=code, name=name or code, base_url=base_url.rstrip("/"),
            remote_client_id=remote_client_id, created_at=clock.now(),
        )  # fmt: skip
        routes.mark_changed()
        audit_record(
            actor=actor, action="exchange.member_registered", subject_type="exchange.member",
            subject_id=code, diff={"base_url": [None, base_url]},
        )  # fmt: skip
        events.emit(name="exchange.member_registered", payload={"member": code}, actor=actor)
    return True


def subsystem_ensure(
    *, actor: Actor, member_code: str, code: str, name: str, oauth_client_id: str | None = None
) -> str:
    """Register an information system of a member; returns its address. Idempotent; an
    existing subsystem gets the given OAuth2 client (the system's credentials at the gateway)."""
    require_member_admin(actor, member_code)
    target = address(member_code, code)
    if parse_address(target) is None:
        raise ValidationFailed(
            _("Use lower-case letters, digits and hyphens for the system code."),
            field_errors={"code": [_("Use lower-case letters, digits and hyphens.")]},
        )
    with transaction.atomic():
        member = Member.objects.filter(code=member_code).first()
        if member is None:
            raise NotFound(_("This agency is not a member of the data sharing platform."))
        subsystem = Subsystem.objects.select_for_update().filter(address=target).first()
        if subsystem is not None:
            if oauth_client_id and subsystem.oauth_client_id != oauth_client_id:
                old = subsystem.oauth_client_id
                subsystem.oauth_client_id = oauth_client_id
                subsystem.save(update_fields=["oauth_client_id"])
                routes.mark_changed()
                audit_record(
                    actor=actor, action="exchange.subsystem_changed",
                    subject_type="exchange.subsystem", subject_id=target,
                    diff={"oauth_client_id": [old, oauth_client_id]},
                )  # fmt: skip
            return target
        Subsystem.objects.create(
            member=member, code=code, address=target, name=name,
            oauth_client_id=oauth_client_id or None, created_at=clock.now(),
        )  # fmt: skip
        routes.mark_changed()
        audit_record(
            actor=actor, action="exchange.subsystem_registered",
            subject_type="exchange.subsystem", subject_id=target,
            diff={"name": [None, name], "oauth_client_id": [None, oauth_client_id]},
        )  # fmt: skip
        events.emit(
            name="exchange.subsystem_registered", payload={"subsystem": target}, actor=actor
        )
    return target


@dataclass(frozen=True)
class ItemSpec:
    name: str
    label: str
    sensitivity: str = Sensitivity.BASIC
    sharing: str = Sharing.DEFAULT


def _service_snapshot(service: Service, items: Sequence[ItemSpec]) -> dict[str, Any]:
    return {
        "name": service.name,
        "description": service.description,
        "version": service.version,
        "operation": service.operation,
        "items": [[i.name, i.sensitivity, i.sharing] for i in items],
    }


def service_publish(
    *,
    actor: Actor,
    provider: str,
    code: str,
    name: str,
    description: str,
    version: str,
    items: Sequence[ItemSpec],
    operation: str = "",
    concerns_person: bool = False,
    openapi: Mapping[str, Any] | None = None,
) -> tuple[str, bool]:
    """Publish (or update) a service of the provider subsystem with its data items. Idempotent:
    publishing the same description again changes nothing. Returns ``(public_id, changed)``."""
    parsed = parse_address(provider)
    if parsed is None:
        raise NotFound()
    require_member_admin(actor, parsed[0])
    if not items:
        raise ValidationFailed(_("A service returns at least one data item."))
    now = clock.now()
    with transaction.atomic():
        subsystem = Subsystem.objects.filter(address=provider).first()
        if subsystem is None:
            raise NotFound(_("This system is not registered on the data sharing platform."))
        service = Service.objects.select_for_update().filter(provider=subsystem, code=code).first()
        created = service is None
        if service is None:
            service = Service(provider=subsystem, code=code, published_at=now)
            before: dict[str, Any] = {}
        else:
            current = [
                ItemSpec(i.name, i.label, i.sensitivity, i.sharing) for i in service.items.all()
            ]
            before = _service_snapshot(service, current)
        service.name, service.description, service.version = name, description, version
        service.operation, service.concerns_person = operation, concerns_person
        service.openapi = dict(openapi or {})
        after = _service_snapshot(service, items)
        if before == after:
            return str(service.public_id), False
        service.updated_at = now
        service.save()
        service.items.all().delete()
        DataItem.objects.bulk_create(
            DataItem(service=service, name=i.name, label=i.label, sensitivity=i.sensitivity,
                     sharing=i.sharing, position=n)
            for n, i in enumerate(items)
        )  # fmt: skip
        routes.mark_changed()
        audit_record(
            actor=actor, action="exchange.service_published", subject_type="exchange.service",
            subject_id=str(service.public_id),
            diff={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
        )  # fmt: skip
        events.emit(
            name="exchange.service_published",
            payload={"service": str(service.public_id), "provider": provider, "code": code,
                     "created": created},
            actor=actor,
        )  # fmt: skip
    return str(service.public_id), True


def service_act(
    *,
    actor: Actor,
    service_id: str,
    action: str,
    reason: str = "",
    restore_expected_at: dt.datetime | None = None,
) -> str:
    """Suspend (with the notice and the expected restore time, Art 43), restore or terminate
    (with the reason, Art 44) a service. Returns the new status."""
    with transaction.atomic():
        service = (
            Service.objects.select_for_update()
            .select_related("provider__member")
            .filter(public_id=service_id)
            .first()
        )
        if service is None:
            raise NotFound()
        require_member_admin(actor, service.provider.member.code)
        transition = workflow.find(workflow.SERVICE_TRANSITIONS, action, service.status)
        if transition.reason_required and not reason.strip():
            raise ValidationFailed(
                _("Give the reason; it is sent to the consumers as the notice."),
                field_errors={"reason": [_("Give the reason.")]},
            )
        before = service.status
        service.status = transition.target
        service.status_reason = reason.strip()
        service.restore_expected_at = restore_expected_at if action == "suspend" else None
        service.updated_at = clock.now()
        service.save(update_fields=["status", "status_reason", "restore_expected_at", "updated_at"])
        routes.mark_changed()
        audit_record(
            actor=actor, action=f"exchange.service_{workflow.PAST[action]}",
            subject_type="exchange.service", subject_id=service_id,
            diff={"status": [before, transition.target], "reason": [None, reason.strip()]},
        )  # fmt: skip
        events.emit(
            name=f"exchange.service_{workflow.PAST[action]}",
            payload={"service": service_id, "status": transition.target, "reason": reason.strip(),
                     "restore_expected_at": restore_expected_at.isoformat()
                     if restore_expected_at else None},
            actor=actor,
        )  # fmt: skip
    return str(transition.target)
