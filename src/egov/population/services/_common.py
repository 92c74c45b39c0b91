"""Helpers shared by the population services: locking, history, audit and events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_diff, audit_record
from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import InvalidTransition, NotFound, ValidationFailed
from egov.core.events import emit
from egov.population.facade import Sex, Status
from egov.population.models import Citizen, CitizenVersion
from egov.population.records import snapshot
from egov.population.selectors import citizen_reads_forget

PIN_ATTEMPTS = 20
SUBJECT = "population.citizen"
MIN_MARRIAGE_AGE = {Sex.MALE.value: 20, Sex.FEMALE.value: 18}  # Law 52/2014 Art. 8 (H)


def _not_found() -> NotFound:
    return NotFound(_("No citizen has this personal identification number."))


def _lock(pin: str) -> Citizen:
    citizen_reads_forget()  # the caller is about to change this citizen
    citizen = Citizen.objects.select_for_update().filter(pin=pin).first()
    if citizen is None:
        raise _not_found()
    return citizen


def _require_living(citizen: Citizen) -> None:
    if citizen.status == Status.DECEASED.value:
        raise InvalidTransition(
            _("This person is recorded as deceased; no further vital event can be recorded."),
            code="citizen_deceased",
        )


def _check_date(value: dt.date, citizen: Citizen | None, field: str) -> None:
    if value > clock.today():
        raise ValidationFailed(
            _("Enter today's date or a date in the past."),
            field_errors={field: [_("Enter today's date or a date in the past.")]},
        )
    if citizen is None:
        return
    born = citizen.birth_date or dt.date(citizen.birth_year, citizen.birth_month or 1, 1)
    if value < born:
        raise ValidationFailed(
            _("The date is before the person's date of birth."),
            field_errors={field: [_("The date is before the person's date of birth.")]},
        )


def _record(
    *,
    actor: Actor,
    citizen: Citizen,
    before: Mapping[str, Any],
    event: str,
    valid_from: dt.date | None,
    payload: Mapping[str, Any] | None = None,
) -> None:
    """Save ``citizen``, append its history version, audit and emit ``population.<event>``."""
    now = clock.now()
    if citizen.version == 1 and not CitizenVersion.objects.filter(citizen=citizen).exists():
        # Imported records have no history row yet: keep their first state before changing it.
        CitizenVersion.objects.create(
            citizen=citizen, seq=1, event="recorded", valid_from=citizen.birth_date,
            recorded_at=citizen.created_at, snapshot=_json(before),
        )  # fmt: skip
    changes = audit_diff(before, snapshot(citizen))
    citizen.version += 1
    citizen.recorded_at = now
    citizen.save()
    CitizenVersion.objects.create(
        citizen=citizen, seq=citizen.version, event=event, valid_from=valid_from,
        recorded_at=now, actor=actor.describe(), changes=_json(changes),
        snapshot=_json(snapshot(citizen)),
    )  # fmt: skip
    _audit_and_emit(actor=actor, citizen=citizen, event=event, diff=changes, payload=payload)


def _audit_and_emit(
    *,
    actor: Actor,
    citizen: Citizen,
    event: str,
    diff: Mapping[str, Any],
    payload: Mapping[str, Any] | None = None,
) -> None:
    citizen_reads_forget()  # every change is recorded here (a new citizen too)
    audit_record(
        actor=actor, action=f"population.{event}", subject_type=SUBJECT,
        subject_id=citizen.ref, diff=diff,
    )  # fmt: skip
    emit(
        name=f"population.{event}",
        payload={"pin": citizen.pin, "ref": citizen.ref, **(payload or {})},
        actor=actor,
    )


def _json(data: Mapping[str, Any]) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    return {key: convert(value) for key, value in data.items()}


def _version_only(
    *, actor: Actor, citizen: Citizen, event: str, valid_from: dt.date, changes: dict[str, Any]
) -> None:
    """History row for a change outside the citizen row (residences)."""
    before = snapshot(citizen)
    if citizen.version == 1 and not CitizenVersion.objects.filter(citizen=citizen).exists():
        CitizenVersion.objects.create(
            citizen=citizen, seq=1, event="recorded", valid_from=citizen.birth_date,
            recorded_at=citizen.created_at, snapshot=_json(before),
        )  # fmt: skip
    now = clock.now()
    citizen.version += 1
    citizen.recorded_at = now
    citizen.save(update_fields=["version", "recorded_at"])
    CitizenVersion.objects.create(
        citizen=citizen, seq=citizen.version, event=event, valid_from=valid_from,
        recorded_at=now, actor=actor.describe(), changes=changes, snapshot=_json(before),
    )  # fmt: skip
