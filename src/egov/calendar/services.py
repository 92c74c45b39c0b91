"""Writes of the calendar module: the day overrides set by decisions (audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_diff, audit_record
from egov.calendar import engine
from egov.calendar.models import DayKind, DayOverride
from egov.core.actor import Actor
from egov.core.errors import NotFound, ValidationFailed
from egov.core.events import emit

SUBJECT_TYPE = "calendar.DayOverride"
EVENT_CHANGED = "calendar.day_override_changed"
_REASON_MAX = DayOverride._meta.get_field("reason").max_length or 200
_BASIS_MAX = DayOverride._meta.get_field("legal_basis").max_length or 200


def _snapshot(override: DayOverride | None) -> dict[str, Any]:
    if override is None:
        return {}
    return {
        "kind": override.kind,
        "reason": override.reason,
        "legal_basis": override.legal_basis,
    }


def _validate(*, day: dt.date, kind: str, reason: str, legal_basis: str) -> None:
    errors: dict[str, list[Any]] = {}
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        errors["day"] = [_("Give a date without a time.")]
    if kind not in DayKind.values:
        errors["kind"] = [_("Choose either a day off or a working day.")]
    if not reason.strip():
        errors["reason"] = [_("Say why this day differs, e.g. the make-up day for Tết.")]
    elif len(reason) > _REASON_MAX:
        errors["reason"] = [_("The reason is too long: shorten it to 200 characters.")]
    if len(legal_basis) > _BASIS_MAX:
        errors["legal_basis"] = [_("The legal basis is too long: shorten it to 200 characters.")]
    if errors:
        raise ValidationFailed(field_errors=errors)


def day_override_set(
    *, actor: Actor, day: dt.date, kind: str, reason: str, legal_basis: str = ""
) -> DayOverride:
    """Create or change the override of ``day`` (``kind``: ``day_off`` or ``working_day``).

    Audited; setting the same values again changes nothing and writes no audit record.
    """
    reason, legal_basis = reason.strip(), legal_basis.strip()
    _validate(day=day, kind=kind, reason=reason, legal_basis=legal_basis)
    with transaction.atomic():
        override = DayOverride.objects.select_for_update().filter(day=day).first()
        before = _snapshot(override)
        after = {"kind": kind, "reason": reason, "legal_basis": legal_basis}
        diff = audit_diff(before, after)
        if not diff:
            assert override is not None
            return override
        if override is None:
            override = DayOverride.objects.create(day=day, **after)
        else:
            for name, value in after.items():
                setattr(override, name, value)
            override.save(update_fields=[*after, "updated_at"])
        _record_change(actor=actor, action="calendar.day_override_set", day=day, diff=diff)
        emit(name=EVENT_CHANGED, payload={"day": day.isoformat(), "kind": kind}, actor=actor)
    return override


def day_override_remove(*, actor: Actor, day: dt.date) -> None:
    """Remove the override of ``day``, so the package calendar applies again. Audited.

    Raises ``NotFound`` when ``day`` has no override.
    """
    with transaction.atomic():
        override = DayOverride.objects.select_for_update().filter(day=day).first()
        if override is None:
            raise NotFound(
                _("There is no override for %(day)s. Reload the list of overrides."),
                params={"day": day},
            )
        diff = audit_diff(_snapshot(override), {})
        override.delete()
        _record_change(actor=actor, action="calendar.day_override_removed", day=day, diff=diff)
        emit(name=EVENT_CHANGED, payload={"day": day.isoformat(), "kind": None}, actor=actor)


def _record_change(*, actor: Actor, action: str, day: dt.date, diff: dict[str, Any]) -> None:
    audit_record(
        actor=actor, action=action, subject_type=SUBJECT_TYPE, subject_id=day.isoformat(), diff=diff
    )
    engine.mark_changed()
