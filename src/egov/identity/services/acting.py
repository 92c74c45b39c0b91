"""Acting on behalf: a parent for a child under the minimum age, a representative for an
organisation. While acting, ``Actor.on_behalf_of`` is the represented party's public id, so the
audit trail records both the acting person and the represented one."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from egov.audit.services import audit_record
from egov.core import clock
from egov.core.actor import Actor, ActorKind
from egov.core.errors import PermissionDenied
from egov.identity import population_port
from egov.identity.facade import ActingFor
from egov.identity.models import Dependant, Representation
from egov.identity.services._common import actor_account


def acting_start(*, actor: Actor, kind: str, key: str) -> ActingFor:
    """Start acting for a child (``key``: the child's PIN, checked against the population
    database's parent links and the child's age) or an organisation (``key``: its public id,
    checked against the account's representations)."""
    if actor.kind is not ActorKind.CITIZEN:
        raise PermissionDenied()
    account = actor_account(actor)
    if kind == "child" and account.pin:
        today = clock.today()
        min_age = settings.IDENTITY_MIN_AGE
        for child in population_port.children(actor=actor, pin=account.pin):
            if child.pin != key:
                continue
            if population_port.age_on(date_of_birth=child.date_of_birth, day=today) >= min_age:
                break
            until = population_port.birthday(date_of_birth=child.date_of_birth, age=min_age)
            with transaction.atomic():
                dependant, _created = Dependant.objects.get_or_create(pin=child.pin)
                _record(actor, "child", str(dependant.public_id))
            return ActingFor("child", str(dependant.public_id), child.full_name, until)
        raise PermissionDenied()
    if kind == "organisation":
        link = (
            Representation.objects.select_related("organisation")
            .filter(account=account, organisation__public_id=key)
            .first()
        )
        if link is None:
            raise PermissionDenied()
        with transaction.atomic():
            _record(actor, "organisation", str(link.organisation.public_id))
        return ActingFor("organisation", str(link.organisation.public_id), link.organisation.name)
    raise PermissionDenied()


def _record(actor: Actor, kind: str, public_id: str) -> None:
    acting = Actor(
        kind=actor.kind, id=actor.id, agency_code=actor.agency_code, on_behalf_of=public_id
    )
    audit_record(
        actor=acting,
        action="identity.acting_started",
        subject_type=f"identity.{'dependant' if kind == 'child' else 'organisation'}",
        subject_id=public_id,
        diff={"kind": [None, kind]},
    )


def acting_stop(*, actor: Actor) -> None:
    if not actor.on_behalf_of:
        return
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="identity.acting_stopped",
            subject_type="identity.account",
            subject_id=actor.id,
            diff={},
        )
