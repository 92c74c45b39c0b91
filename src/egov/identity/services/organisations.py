"""Organisations identified by their tax code (MST), acting through citizen representatives."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst

from egov.audit.services import audit_record
from egov.core import events
from egov.core.actor import Actor, ActorKind
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.identity.models import Account, AccountKind, AssuranceLevel, Organisation, Representation
from egov.identity.services._common import actor_account


def tax_code_clean(value: str) -> str:
    """The compact tax code (10 digits, or 13 for a branch) or ``ValidationFailed``."""
    try:
        return str(mst.validate(value))
    except StdnumError as exc:
        message = _(
            "This is not a valid tax code. Enter the 10 digits (or 13 for a branch) of the "
            "organisation's tax code."
        )
        raise ValidationFailed(message, field_errors={"tax_code": [message]}) from exc


def organisation_register(*, actor: Actor, tax_code: str, name: str) -> str:
    """Register an organisation with the acting citizen as its legal representative. Needs a
    level-2 account. Returns the organisation's public id."""
    code = tax_code_clean(tax_code)
    if actor.kind is not ActorKind.CITIZEN:
        raise PermissionDenied()
    account = actor_account(actor)
    if account.assurance_level < AssuranceLevel.LEVEL_2:
        raise PermissionDenied(
            _("Only a level-2 account can register an organisation. Have your account raised.")
        )
    try:
        with transaction.atomic():
            org = Organisation.objects.create(
                tax_code=code, name=name.strip(), registered_by=actor.id
            )
            Representation.objects.create(
                organisation=org, account=account, is_legal_representative=True, granted_by=actor.id
            )
            audit_record(
                actor=actor,
                action="identity.organisation_registered",
                subject_type="identity.organisation",
                subject_id=str(org.public_id),
                diff={"tax_code": [None, code]},
            )
            events.emit(
                name="identity.organisation_registered",
                payload={"organisation_id": str(org.public_id), "tax_code": code},
                actor=actor,
            )
    except IntegrityError as exc:
        raise Conflict(_("An organisation with this tax code is already registered.")) from exc
    return str(org.public_id)


def representative_add(*, actor: Actor, organisation_id: str, pin: str) -> None:
    """The legal representative lets another citizen account act for the organisation."""
    account = actor_account(actor)
    try:
        org = Organisation.objects.get(public_id=organisation_id)
    except (Organisation.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc
    if not Representation.objects.filter(
        organisation=org, account=account, is_legal_representative=True
    ).exists():
        raise PermissionDenied()
    target = Account.objects.filter(pin=pin, kind=AccountKind.CITIZEN, is_active=True).first()
    if target is None:
        message = _("No citizen account uses this personal identification number.")
        raise ValidationFailed(message, field_errors={"pin": [message]})
    with transaction.atomic():
        _link, created = Representation.objects.get_or_create(
            organisation=org, account=target, defaults={"granted_by": actor.id}
        )
        if created:
            audit_record(
                actor=actor,
                action="identity.representative_added",
                subject_type="identity.organisation",
                subject_id=str(org.public_id),
                diff={"representative": [None, str(target.public_id)]},
            )
