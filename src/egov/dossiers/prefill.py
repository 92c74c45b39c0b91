"""Prefill of application forms from the national population database.

The form definition (catalogue ``formspec``) declares for a field where its value comes from
(``source``) and whether the applicant may change it (``policy``). Values are read only after the
applicant consents; what was read is kept on the dossier (``Dossier.prefill``) with its source and
time, so the form can show where each value came from and the server can refuse a changed locked
value."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from egov.catalogue.facade import VersionInfo
from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import ValidationFailed
from egov.identity import selectors as identity
from egov.population import selectors as population
from egov.population.facade import CitizenInfo, ResidenceInfo

PURPOSE = "dossier_prefill"
SOURCE_NAME = _("National population database")


def _address(residence: ResidenceInfo | None) -> str:
    if residence is None:
        return ""
    parts = [residence.street_address, residence.current_unit_name]
    return ", ".join(p for p in parts if p)


def _value(source: str, citizen: CitizenInfo, email: str, phone: str) -> Any:
    values: dict[str, Any] = {
        "pin": citizen.pin,
        "full_name": citizen.full_name,
        "date_of_birth": citizen.date_of_birth.isoformat() if citizen.date_of_birth else "",
        "sex": citizen.sex,
        "ethnicity": citizen.ethnicity,
        "nationality": citizen.nationality,
        "place_of_birth": citizen.birth_registration_unit,
        "permanent_residence": _address(citizen.permanent_residence),
        "temporary_residence": _address(citizen.temporary_residence),
        "phone": phone,
        "email": email,
    }
    return values.get(source, "")


def prefill_read(
    *, actor: Actor, version: VersionInfo, pin: str, citizen: CitizenInfo | None = None
) -> dict[str, dict[str, Any]]:
    """The prefilled values of ``version``'s form for the citizen ``pin``:
    ``{field: {"source", "value", "policy", "taken_at"}}``. Empty values are left out (the
    applicant fills them). One population read (none when the caller passes the ``citizen`` it
    has just read for the same purpose)."""
    rules: dict[str, Any] = (version.form or {}).get("prefill") or {}
    if not rules:
        return {}
    if citizen is None or citizen.pin != pin:
        citizen = population.citizen_get(actor=actor, purpose=PURPOSE, pin=pin)
    account = identity.account_find_citizen(pin=pin)
    email = account.email if account else ""
    phone = account.phone if account else ""
    taken_at = clock.now().isoformat()
    found: dict[str, dict[str, Any]] = {}
    for field, rule in rules.items():
        value = _value(str(rule.get("source") or ""), citizen, email, phone)
        if value in ("", None):
            continue
        found[field] = {
            "source": str(rule.get("source")),
            "value": value,
            "policy": str(rule.get("policy") or "prefilled_editable"),
            "taken_at": taken_at,
        }
    return found


def locked_fields_check(*, prefill: dict[str, dict[str, Any]], data: dict[str, Any]) -> None:
    """Refuse data that changes a value taken from the population database under a locked
    policy (the browser disables those fields; this is the server's own check)."""
    changed = [
        field
        for field, item in prefill.items()
        if item.get("policy") == "prefilled_locked" and data.get(field) != item.get("value")
    ]
    if changed:
        message = _(
            "This value comes from the national population database and cannot be changed "
            "here. If it is wrong, ask the police of your commune to correct your record."
        )
        raise ValidationFailed(
            _("Some values taken from the national population database were changed."),
            code="prefill_locked",
            field_errors={field: [message] for field in changed},
        )


def merge(*, prefill: dict[str, dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    """The form data with the prefilled values put under it (the applicant's entries win for
    editable fields; locked ones are checked separately)."""
    merged = {field: item["value"] for field, item in prefill.items()}
    merged.update({k: v for k, v in data.items() if v not in ("", None)})
    return merged
