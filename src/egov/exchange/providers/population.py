"""The national population database published on the platform (in-process: the population
module's selectors). Each operation names the data items it returns; the gateway keeps only the
granted ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from egov.core.errors import ValidationFailed
from egov.exchange.providers.base import Call, Result, json_safe, operation
from egov.population import selectors as population
from egov.population.facade import (
    CitizenDetail,
    CitizenInfo,
    CitizenSummary,
    HistoryEntry,
    ResidenceInfo,
)

CITIZEN_ITEMS = (
    "pin", "full_name", "date_of_birth", "birth_year", "birth_month", "sex", "status",
    "ethnicity", "nationality", "birth_registration_unit", "hometown", "permanent_residence",
    "temporary_residence", "household_id", "relation_to_head",
)  # fmt: skip
RECORD_ITEMS = (
    *CITIZEN_ITEMS, "religion", "ethnicity_name", "father_pin", "mother_pin", "spouse_pin",
    "date_of_death", "card", "residences", "history",
)  # fmt: skip


def _date(value: Any, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            _("Enter the date as YYYY-MM-DD."),
            field_errors={field: [_("Enter the date as YYYY-MM-DD.")]},
        ) from None


def citizen_json(info: CitizenInfo, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The citizen's data items (only ``fields`` if given)."""
    if fields is None:
        data: dict[str, Any] = json_safe(info)
        return data
    return {name: json_safe(getattr(info, name)) for name in fields if name in CITIZEN_ITEMS}


@operation("population.citizen_get")
def citizen_get(call: Call) -> Result:
    info = population.citizen_get(actor=call.actor, purpose=call.purpose, pin=call.subject_pin)
    return Result(citizen_json(info, call.fields), subject_pin=info.pin)


@operation("population.citizen_verify")
def citizen_verify(call: Call) -> Result:
    match = population.citizen_verify_identity(
        actor=call.actor,
        purpose=call.purpose,
        pin=call.subject_pin,
        full_name=str(call.params.get("full_name") or ""),
        date_of_birth=_date(call.params.get("date_of_birth"), "date_of_birth"),
    )
    return Result({"match": match}, subject_pin=call.subject_pin)


@operation("population.household_members")
def household(call: Call) -> Result:
    members = population.household_members(
        actor=call.actor, purpose=call.purpose, pin=call.subject_pin
    )
    return Result({"members": [citizen_json(m) for m in members]}, subject_pin=call.subject_pin)


@operation("population.residence_as_of")
def residence(call: Call) -> Result:
    as_of = _date(call.params.get("as_of"), "as_of")
    rows = population.residence_as_of(
        actor=call.actor, purpose=call.purpose, pin=call.subject_pin, as_of=as_of
    )
    return Result({"residences": json_safe(rows)}, subject_pin=call.subject_pin)


@operation("population.citizen_search")
def citizen_search(call: Call) -> Result:
    """The back office's search (by ``pin``, or by ``name`` with ``birth_year`` and
    ``unit_code``; ``within_units`` the officer's jurisdiction): a list of summaries, each
    person found being a data subject of the exchange."""
    params = call.params
    units = params.get("within_units")
    year = params.get("birth_year")
    rows = population.citizen_search(
        actor=call.actor, purpose=call.purpose, pin=str(params.get("pin") or ""),
        name=str(params.get("name") or ""), birth_year=int(year) if year else None,
        unit_code=str(params.get("unit_code") or ""),
        within_units=frozenset(str(u) for u in units) if isinstance(units, list) else None,
    )  # fmt: skip
    return Result({"results": json_safe(rows)}, subjects=tuple(r.pin for r in rows))


@operation("population.citizen_record")
def citizen_record(call: Call) -> Result:
    """The back office's full record with its history, by PIN or by the record's ``ref``;
    ``within_units`` (the officer's jurisdiction) makes records outside read as not found."""
    units = call.params.get("within_units")
    within = frozenset(str(u) for u in units) if isinstance(units, list) else None
    pin, ref = call.subject_pin, str(call.params.get("ref") or "")
    args: dict[str, Any] = {"actor": call.actor, "purpose": call.purpose, "within_units": within}
    detail = population.citizen_detail(pin=pin, ref=ref, **args)
    history = population.citizen_history(pin=detail.info.pin, **args)
    data = citizen_json(detail.info)
    data.update(
        religion=detail.religion,
        ethnicity_name=detail.ethnicity_name,
        father_pin=detail.father_pin,
        mother_pin=detail.mother_pin,
        spouse_pin=detail.spouse_pin,
        date_of_death=json_safe(detail.date_of_death),
        card=json_safe(
            {
                "issued_on": detail.card_issued_on,
                "issued_place": detail.card_issued_place,
                "expires_on": detail.card_expires_on,
                "status": detail.card_status,
            }
        ),
        residences=json_safe(detail.residences),
        history=json_safe(history),
    )
    return Result(data, subject_pin=detail.info.pin)


# --- Decoding (for in-process consumers that need the population module's types) ---------------


def _d(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def residence_from_json(data: dict[str, Any] | None) -> ResidenceInfo | None:
    if not data:
        return None
    return ResidenceInfo(
        kind=data["kind"], unit_code=data["unit_code"], unit_name=data["unit_name"],
        current_unit_code=data["current_unit_code"], current_unit_name=data["current_unit_name"],
        street_address=data["street_address"], valid_from=_d(data.get("valid_from")),
        valid_to=_d(data.get("valid_to")),
    )  # fmt: skip


def citizen_from_json(data: dict[str, Any]) -> CitizenInfo:
    """A ``CitizenInfo`` from the items received; items not granted come back empty."""
    return CitizenInfo(
        pin=str(data.get("pin") or ""),
        full_name=str(data.get("full_name") or ""),
        date_of_birth=_d(data.get("date_of_birth")),
        birth_year=int(data.get("birth_year") or 0),
        birth_month=data.get("birth_month"),
        sex=str(data.get("sex") or ""),
        status=str(data.get("status") or ""),
        ethnicity=str(data.get("ethnicity") or ""),
        nationality=str(data.get("nationality") or ""),
        birth_registration_unit=str(data.get("birth_registration_unit") or ""),
        hometown=str(data.get("hometown") or ""),
        permanent_residence=residence_from_json(data.get("permanent_residence")),
        temporary_residence=residence_from_json(data.get("temporary_residence")),
        household_id=str(data.get("household_id") or ""),
        relation_to_head=str(data.get("relation_to_head") or ""),
    )


def summaries_from_json(data: dict[str, Any]) -> list[CitizenSummary]:
    rows: list[dict[str, Any]] = data.get("results") or []
    return [
        CitizenSummary(
            ref=str(r["ref"]),
            pin=str(r["pin"]),
            full_name=str(r["full_name"]),
            birth_year=int(r["birth_year"]),
            sex=str(r["sex"]),
            status=str(r["status"]),
            permanent_unit_code=str(r.get("permanent_unit_code") or ""),
        )
        for r in rows
    ]


def record_from_json(data: dict[str, Any]) -> tuple[CitizenDetail, list[HistoryEntry]]:
    card = data.get("card") or {}
    residences = [residence_from_json(r) for r in data.get("residences") or []]
    detail = CitizenDetail(
        info=citizen_from_json(data),
        religion=str(data.get("religion") or ""),
        ethnicity_name=str(data.get("ethnicity_name") or ""),
        father_pin=str(data.get("father_pin") or ""),
        mother_pin=str(data.get("mother_pin") or ""),
        spouse_pin=str(data.get("spouse_pin") or ""),
        date_of_death=_d(data.get("date_of_death")),
        card_issued_on=_d(card.get("issued_on")),
        card_issued_place=str(card.get("issued_place") or ""),
        card_expires_on=_d(card.get("expires_on")),
        card_status=str(card.get("status") or ""),
        residences=tuple(r for r in residences if r is not None),
    )
    history = [
        HistoryEntry(
            seq=int(h["seq"]),
            event=str(h["event"]),
            valid_from=_d(h.get("valid_from")),
            recorded_at=dt.datetime.fromisoformat(h["recorded_at"]),
            changes=dict(h.get("changes") or {}),
        )
        for h in data.get("history") or []
    ]
    return detail, history
