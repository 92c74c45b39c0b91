"""Birth registration, enrolment of persons who already hold a PIN, reference data."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_diff, audit_record
from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import InvalidTransition, NotFound, ValidationFailed
from egov.core.text import fold
from egov.geo import selectors as geo
from egov.population import pins
from egov.population.facade import Relation, ResidenceKind, Sex, Status
from egov.population.models import Citizen, CitizenVersion, Ethnicity, Residence
from egov.population.records import snapshot
from egov.population.selectors import citizen_reads_forget
from egov.population.services._common import (
    PIN_ATTEMPTS,
    _audit_and_emit,
    _check_date,
    _json,
)

# --- Birth ---------------------------------------------------------------------------------------


def _registration_province(unit_code: str, day: dt.date) -> str:
    """The 3-digit PIN code of the province of a registration unit (province or commune).

    New units from 2025-07-01 keep a GSO code that was one of the 63 old codes, so the PIN code
    is that code with a leading 0 (whether post-2025 births use the new codes: U, see README).
    """
    try:
        unit = geo.unit_get(code=unit_code, as_of=day)
    except NotFound as exc:
        raise ValidationFailed(
            _("The registration unit code is not an administrative unit on that date."),
            field_errors={"registration_unit": [exc.render_message()]},
        ) from exc
    province = unit.parent_code or unit.code
    code = f"0{province}"
    if code not in pins.province_codes():
        raise ValidationFailed(
            _("This province has no birth-registration code for identification numbers."),
            field_errors={"registration_unit": [_("Choose another unit.")]},
        )
    return code


def _parent(pin: str, sex: str, child_birth: dt.date, field: str) -> Citizen | None:
    if not pin:
        return None
    citizen_reads_forget()  # a parent's household may change
    parent = Citizen.objects.select_for_update().filter(pin=pin).first()
    if parent is None:
        raise ValidationFailed(
            _("No citizen has the parent's identification number."),
            field_errors={field: [_("No citizen has this personal identification number.")]},
        )
    if parent.sex != sex:
        raise ValidationFailed(
            _("The parent's recorded sex does not match the role given."),
            field_errors={field: [_("Check the identification number of this parent.")]},
        )
    if parent.birth_year >= child_birth.year:
        raise ValidationFailed(
            _("A parent must be born before the child."),
            field_errors={field: [_("Check the identification number of this parent.")]},
        )
    return parent


def _household_for_child(
    father: Citizen | None, mother: Citizen | None, sex: str
) -> tuple[str, str, Residence | None]:
    """(household id, relation to head, head's open permanent residence) for a newborn."""
    for parent in (mother, father):
        if parent is not None and parent.household_id:
            head = Citizen.objects.filter(
                household_id=parent.household_id, relation_to_head=Relation.HEAD.value
            ).first()
            if head is not None and head.pin in {
                getattr(father, "pin", ""),
                getattr(mother, "pin", ""),
            }:
                relation = Relation.SON if sex == Sex.MALE.value else Relation.DAUGHTER
            elif head is not None and head.pin in {parent.father_pin, parent.mother_pin}:
                relation = Relation.GRANDCHILD
            else:
                relation = Relation.OTHER
            residence = Residence.objects.filter(
                citizen_id=parent.pin, kind=ResidenceKind.PERMANENT.value, valid_to__isnull=True
            ).first()
            return parent.household_id, relation.value, residence
    return "", "", None


def new_household_id() -> str:
    return f"HK{uuid.uuid4().int % 10**10:010d}"


def citizen_register_birth(
    *,
    actor: Actor,
    full_name: str,
    sex: str,
    date_of_birth: dt.date,
    registration_unit: str,
    father_pin: str = "",
    mother_pin: str = "",
    ethnicity: str = "01",
    religion: str = "",
    nationality: str = "VN",
    hometown: str = "",
) -> str:
    """Register a birth: issue the PIN, create the citizen, link the parents, add the child to a
    parent's household with that household's permanent residence. Returns the new PIN."""
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationFailed(field_errors={"full_name": [_("Enter the child's full name.")]})
    if sex not in {s.value for s in Sex}:
        raise ValidationFailed(field_errors={"sex": [_("Choose male or female.")]})
    if not Ethnicity.objects.filter(code=ethnicity).exists():
        raise ValidationFailed(
            field_errors={"ethnicity": [_("Choose an ethnic group from the list.")]}
        )
    with transaction.atomic():
        _check_date(date_of_birth, None, "date_of_birth")
        today = clock.today()
        province_code = _registration_province(registration_unit, today)
        father = _parent(father_pin, Sex.MALE.value, date_of_birth, "father_pin")
        mother = _parent(mother_pin, Sex.FEMALE.value, date_of_birth, "mother_pin")
        household_id, relation, home = _household_for_child(father, mother, sex)
        prefix = pins.pin_prefix(
            province_pin_code=province_code, birth_year=date_of_birth.year, sex=sex
        )
        now = clock.now()
        fields = {
            "ref": uuid.uuid4().hex, "full_name": full_name, "name_folded": fold(full_name),
            "birth_date": date_of_birth, "birth_year": date_of_birth.year,
            "birth_month": date_of_birth.month, "sex": sex, "status": Status.LIVING.value,
            "ethnicity_id": ethnicity, "religion": religion, "nationality": nationality,
            "birth_registration_unit": registration_unit, "hometown": hometown,
            "household_id": household_id, "relation_to_head": relation,
            "father_pin": father_pin, "mother_pin": mother_pin, "created_at": now,
            "recorded_at": now,
        }  # fmt: skip
        citizen = _insert_with_new_pin(prefix, fields)
        if home is not None:
            Residence.objects.create(
                citizen=citizen, kind=ResidenceKind.PERMANENT.value, unit_code=home.unit_code,
                street_address=home.street_address, valid_from=date_of_birth, recorded_at=now,
            )  # fmt: skip
        CitizenVersion.objects.create(
            citizen=citizen, seq=1, event="birth_registered", valid_from=date_of_birth,
            recorded_at=now, actor=actor.describe(), snapshot=_json(snapshot(citizen)),
        )  # fmt: skip
        _audit_and_emit(
            actor=actor, citizen=citizen, event="birth_registered",
            diff=audit_diff({}, snapshot(citizen)),
            payload={"household_id": household_id},
        )  # fmt: skip
        return citizen.pin


def _insert_with_new_pin(prefix: str, fields: dict[str, Any]) -> Citizen:
    """Insert with a random block; on a collision (primary key) try another block."""
    for _attempt in range(PIN_ATTEMPTS):
        pin = prefix + pins.random_block()
        try:
            with transaction.atomic():
                return Citizen.objects.create(pin=pin, **fields)
        except IntegrityError:
            if Citizen.objects.filter(pin=pin).exists():
                continue  # the random block was taken (concurrently or before): draw again
            raise
    raise InvalidTransition(
        _("No free identification number could be issued. Try again."), code="pin_exhausted"
    )


# --- Enrolment of an existing person ------------------------------------------------------------


def citizen_enrol(
    *,
    actor: Actor,
    pin: str,
    full_name: str,
    sex: str,
    date_of_birth: dt.date,
    birth_registration_unit: str,
    ethnicity: str = "01",
    religion: str = "",
    nationality: str = "VN",
    hometown: str = "",
    household_id: str = "",
    relation_to_head: str = "",
    father_pin: str = "",
    mother_pin: str = "",
    residences: tuple[Mapping[str, Any], ...] = (),
) -> bool:
    """Record a person who already holds a PIN (legacy register, demo data). Idempotent: returns
    False, changing nothing, when the PIN is already recorded. Residences are mappings with
    ``kind, unit_code, street_address, valid_from, valid_to``; each unit must exist on its
    ``valid_from`` (an old unit for an old period)."""
    pins.validate_pin(pin, sex=sex, birth_year=date_of_birth.year)
    full_name = " ".join(full_name.split())
    with transaction.atomic():
        if Citizen.objects.filter(pin=pin).exists():
            return False
        now = clock.now()
        citizen = Citizen.objects.create(
            pin=pin, ref=uuid.uuid4().hex, full_name=full_name, name_folded=fold(full_name),
            birth_date=date_of_birth, birth_year=date_of_birth.year,
            birth_month=date_of_birth.month, sex=sex, status=Status.LIVING.value,
            ethnicity_id=ethnicity, religion=religion, nationality=nationality,
            birth_registration_unit=birth_registration_unit, hometown=hometown,
            household_id=household_id, relation_to_head=relation_to_head,
            father_pin=father_pin, mother_pin=mother_pin, created_at=now, recorded_at=now,
        )  # fmt: skip
        for item in residences:
            valid_from = item["valid_from"]
            geo.unit_get(code=item["unit_code"], as_of=valid_from)  # NotFound for a bad unit
            Residence.objects.create(
                citizen=citizen, kind=item["kind"], unit_code=item["unit_code"],
                street_address=item.get("street_address", ""), valid_from=valid_from,
                valid_to=item.get("valid_to"), recorded_at=now,
                closed_recorded_at=now if item.get("valid_to") else None,
            )  # fmt: skip
        CitizenVersion.objects.create(
            citizen=citizen, seq=1, event="enrolled", valid_from=date_of_birth,
            recorded_at=now, actor=actor.describe(), snapshot=_json(snapshot(citizen)),
        )  # fmt: skip
        _audit_and_emit(actor=actor, citizen=citizen, event="enrolled",
                        diff=audit_diff({}, snapshot(citizen)))  # fmt: skip
        return True


# --- Reference data -----------------------------------------------------------------------------


def ethnicities_ensure(*, actor: Actor) -> int:
    """Load the 54 ethnic groups of ``data/ethnicities.json`` if missing (also done by migration
    0002; a test database flush empties the table). Returns how many were created."""
    from egov.population.records import ethnicity_rows

    with transaction.atomic():
        present = set(Ethnicity.objects.values_list("code", flat=True))
        missing = [Ethnicity(code=c, name=n) for c, n in ethnicity_rows() if c not in present]
        if missing:
            Ethnicity.objects.bulk_create(missing)
            audit_record(actor=actor, action="population.ethnicities_loaded",
                         subject_type="population.ethnicity", subject_id="*",
                         diff={"created": [None, [e.code for e in missing]]})  # fmt: skip
        return len(missing)
