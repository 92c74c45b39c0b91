"""Prefill of application forms from the national population database, through the data
sharing platform.

The form definition (catalogue ``formspec``) declares for a field where its value comes from
(``source``) and whether the applicant may change it (``policy``). Values are read only after the
applicant consents, as a consumer call of the portal (``exchange``: standing grant of the portal
for the purpose ``dossier_prefill``), so the read is in the exchange's message log with the
applicant as the data subject and shows on their "Who used my data" page. Only the data items
the form needs are asked for. What was read is kept on the dossier (``Dossier.prefill``) with
its source and time, so the form can show where each value came from and the server can refuse
a changed locked value."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from egov.catalogue.facade import VersionInfo
from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import ValidationFailed
from egov.exchange import services as exchange
from egov.identity import selectors as identity
from egov.population.facade import CitizenInfo

PURPOSE = exchange.PURPOSE_PREFILL
SOURCE_NAME = _("National population database")

# Form source -> data item of the population service read through the exchange.
ITEMS = {
    "pin": "pin",
    "full_name": "full_name",
    "date_of_birth": "date_of_birth",
    "sex": "sex",
    "ethnicity": "ethnicity",
    "nationality": "nationality",
    "place_of_birth": "birth_registration_unit",
    "permanent_residence": "permanent_residence",
    "temporary_residence": "temporary_residence",
}
ACCOUNT_SOURCES = frozenset({"phone", "email"})


def _address(residence: Any) -> str:
    if not isinstance(residence, dict):
        return ""
    parts = [residence.get("street_address"), residence.get("current_unit_name")]
    return ", ".join(str(p) for p in parts if p)


def _value(source: str, items: dict[str, Any], email: str, phone: str) -> Any:
    if source == "email":
        return email
    if source == "phone":
        return phone
    item = ITEMS.get(source)
    if item is None:
        return ""
    value = items.get(item)
    if item.endswith("_residence"):
        return _address(value)
    return value if value is not None else ""


def _wanted(version: VersionInfo) -> tuple[dict[str, Any], list[str]]:
    """The form's prefill rules and the data items of the population service they name."""
    rules: dict[str, Any] = (version.form or {}).get("prefill") or {}
    sources = {str(rule.get("source") or "") for rule in rules.values()}
    return rules, sorted({ITEMS[s] for s in sources if s in ITEMS})


def _values(rules: dict[str, Any], items: dict[str, Any], pin: str) -> dict[str, dict[str, Any]]:
    sources = {str(rule.get("source") or "") for rule in rules.values()}
    email = phone = ""
    if sources & ACCOUNT_SOURCES:
        account = identity.account_find_citizen(pin=pin)
        email = account.email if account else ""
        phone = account.phone if account else ""
    taken_at = clock.now().isoformat()
    found: dict[str, dict[str, Any]] = {}
    for field, rule in rules.items():
        value = _value(str(rule.get("source") or ""), items, email, phone)
        if value in ("", None):
            continue
        found[field] = {
            "source": str(rule.get("source")),
            "value": value,
            "policy": str(rule.get("policy") or "prefilled_editable"),
            "taken_at": taken_at,
        }
    return found


def prefill_read(*, actor: Actor, version: VersionInfo, pin: str) -> dict[str, dict[str, Any]]:
    """The prefilled values of ``version``'s form for the citizen ``pin``:
    ``{field: {"source", "value", "policy", "taken_at"}}``. Empty values are left out (the
    applicant fills them). One exchange through the platform's gateway, logged, asking only for
    the data items the form's rules name (a value read for another reason, such as the
    applicant's record, is not a logged prefill)."""
    rules, wanted = _wanted(version)
    if not rules:
        return {}
    items = exchange.prefill_citizen_read(actor=actor, pin=pin, fields=wanted) if wanted else {}
    return _values(rules, items, pin)


def applicant_and_prefill_read(
    *, actor: Actor, version: VersionInfo, pin: str, consent: bool
) -> tuple[CitizenInfo, dict[str, dict[str, Any]]]:
    """The applicant's record (who applies, which unit receives the dossier) and, with the
    applicant's ``consent``, the form's prefilled values (as ``prefill_read``): each its own
    logged exchange with its own purpose, logged together when both are made."""
    rules, wanted = _wanted(version) if consent else ({}, [])
    if not wanted:
        citizen = exchange.applicant_citizen_read(actor=actor, pin=pin)
        return citizen, (_values(rules, {}, pin) if rules else {})
    citizen, items = exchange.applicant_and_prefill_read(actor=actor, pin=pin, fields=wanted)
    return citizen, _values(rules, items, pin)


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
