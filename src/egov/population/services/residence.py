"""Permanent and temporary residence."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import InvalidTransition, NotFound, ValidationFailed
from egov.geo import selectors as geo
from egov.population.facade import ResidenceKind
from egov.population.models import Residence
from egov.population.services._common import (
    _audit_and_emit,
    _check_date,
    _lock,
    _require_living,
    _version_only,
)

# --- Residence -----------------------------------------------------------------------------------


def residence_register(
    *,
    actor: Actor,
    pin: str,
    kind: str,
    unit_code: str,
    street_address: str,
    valid_from: dt.date,
) -> None:
    """Register a permanent or temporary residence. A second open residence of the same kind is
    refused: close the current one first (a move is: close, then register)."""
    if kind not in {k.value for k in ResidenceKind}:
        raise ValidationFailed(field_errors={"kind": [_("Choose permanent or temporary.")]})
    with transaction.atomic():
        citizen = _lock(pin)
        _require_living(citizen)
        _check_date(valid_from, citizen, "valid_from")
        try:
            geo.unit_get(code=unit_code, as_of=valid_from)
        except NotFound as exc:
            raise ValidationFailed(
                exc.render_message(), field_errors={"unit_code": [exc.render_message()]}
            ) from exc
        if Residence.objects.filter(citizen=citizen, kind=kind, valid_to__isnull=True).exists():
            raise InvalidTransition(
                _("This person already has a current residence of this kind. Close it first."),
                code="residence_open",
            )
        residence = Residence.objects.create(
            citizen=citizen, kind=kind, unit_code=unit_code,
            street_address=" ".join(street_address.split()), valid_from=valid_from,
            recorded_at=clock.now(),
        )  # fmt: skip
        diff = {"residence": [None, {"kind": kind, "unit_code": unit_code,
                                     "valid_from": valid_from.isoformat()}]}  # fmt: skip
        _version_only(actor=actor, citizen=citizen, event="residence_registered",
                      valid_from=valid_from, changes=diff)  # fmt: skip
        _audit_and_emit(actor=actor, citizen=citizen, event="residence_registered", diff=diff,
                        payload={"kind": kind, "unit_code": residence.unit_code})  # fmt: skip


def residence_close(*, actor: Actor, pin: str, kind: str, valid_to: dt.date) -> None:
    with transaction.atomic():
        citizen = _lock(pin)
        residence = Residence.objects.filter(
            citizen=citizen, kind=kind, valid_to__isnull=True
        ).first()
        if residence is None:
            raise InvalidTransition(
                _("This person has no current residence of this kind to close."),
                code="residence_none",
            )
        if valid_to < residence.valid_from or valid_to > clock.today():
            raise ValidationFailed(
                field_errors={
                    "valid_to": [_("Enter a date between the start of the residence and today.")]
                }
            )
        residence.valid_to = valid_to
        residence.closed_recorded_at = clock.now()
        residence.save(update_fields=["valid_to", "closed_recorded_at"])
        diff = {"residence": [{"kind": kind, "unit_code": residence.unit_code, "valid_to": None},
                              {"kind": kind, "unit_code": residence.unit_code,
                               "valid_to": valid_to.isoformat()}]}  # fmt: skip
        _version_only(actor=actor, citizen=citizen, event="residence_closed",
                      valid_from=valid_to, changes=diff)  # fmt: skip
        _audit_and_emit(actor=actor, citizen=citizen, event="residence_closed", diff=diff,
                        payload={"kind": kind})  # fmt: skip
