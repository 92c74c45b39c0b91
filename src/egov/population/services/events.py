"""Death, change of name, identity card, marriage and divorce."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import InvalidTransition, ValidationFailed
from egov.core.text import fold
from egov.population.facade import CardStatus, Status
from egov.population.models import Residence
from egov.population.records import card_expiry, snapshot
from egov.population.services._common import (
    MIN_MARRIAGE_AGE,
    _check_date,
    _lock,
    _record,
    _require_living,
)

# --- Death, name, card ---------------------------------------------------------------------------


def citizen_register_death(*, actor: Actor, pin: str, date_of_death: dt.date) -> None:
    """Record a death: status deceased, residences closed on that day, marriage ended."""
    with transaction.atomic():
        citizen = _lock(pin)
        _require_living(citizen)
        _check_date(date_of_death, citizen, "date_of_death")
        before = snapshot(citizen)
        Residence.objects.filter(citizen=citizen, valid_to__isnull=True).update(
            valid_to=date_of_death, closed_recorded_at=clock.now()
        )
        if citizen.spouse_pin:
            _unlink_spouse(actor=actor, pin=citizen.spouse_pin, event="widowed", day=date_of_death)
            citizen.spouse_pin = ""
        citizen.status = Status.DECEASED.value
        citizen.date_of_death = date_of_death
        _record(actor=actor, citizen=citizen, before=before, event="death_registered",
                valid_from=date_of_death)  # fmt: skip


def citizen_change_name(*, actor: Actor, pin: str, full_name: str, valid_from: dt.date) -> None:
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationFailed(field_errors={"full_name": [_("Enter the new full name.")]})
    with transaction.atomic():
        citizen = _lock(pin)
        _require_living(citizen)
        _check_date(valid_from, citizen, "valid_from")
        if citizen.full_name == full_name:
            raise InvalidTransition(
                _("The new name is the same as the current one."), code="name_unchanged"
            )
        before = snapshot(citizen)
        citizen.full_name = full_name
        citizen.name_folded = fold(full_name)
        _record(actor=actor, citizen=citizen, before=before, event="name_changed",
                valid_from=valid_from)  # fmt: skip


def card_issue(*, actor: Actor, pin: str, issued_on: dt.date, place: str) -> dt.date | None:
    """Issue or re-issue the identity card (number = PIN). Returns its expiry (None = none)."""
    if not place.strip():
        raise ValidationFailed(field_errors={"place": [_("Enter the issuing authority.")]})
    with transaction.atomic():
        citizen = _lock(pin)
        _require_living(citizen)
        _check_date(issued_on, citizen, "issued_on")
        before = snapshot(citizen)
        event = "card_reissued" if citizen.card_status != CardStatus.NONE.value else "card_issued"
        citizen.card_issued_on = issued_on
        citizen.card_issued_place = place.strip()
        citizen.card_expires_on = card_expiry(
            birth_year=citizen.birth_year, birth_month=citizen.birth_month,
            birth_date=citizen.birth_date, issued_on=issued_on,
        )  # fmt: skip
        expired = citizen.card_expires_on is not None and citizen.card_expires_on < clock.today()
        citizen.card_status = CardStatus.EXPIRED.value if expired else CardStatus.VALID.value
        _record(actor=actor, citizen=citizen, before=before, event=event, valid_from=issued_on)
        return citizen.card_expires_on


# --- Marriage ------------------------------------------------------------------------------------


def marriage_register(*, actor: Actor, pin: str, spouse_pin: str, married_on: dt.date) -> None:
    """Link two living, unmarried persons of opposite sex and marriageable age as spouses
    (Law on Marriage and Family 52/2014 Art. 8: men 20, women 18; same-sex marriage is not
    recognised)."""
    if pin == spouse_pin:
        raise ValidationFailed(
            field_errors={"spouse_pin": [_("A person cannot marry themselves.")]}
        )
    with transaction.atomic():
        first, second = (_lock(p) for p in sorted([pin, spouse_pin]))  # fixed lock order
        for person in (first, second):
            _require_living(person)
            _check_date(married_on, person, "married_on")
            if person.spouse_pin:
                raise InvalidTransition(
                    _("One of the two persons is already married. Register the divorce first."),
                    code="already_married",
                )
            age = married_on.year - person.birth_year
            if person.birth_date is not None:
                age = (
                    married_on.year
                    - person.birth_date.year
                    - (
                        (married_on.month, married_on.day)
                        < (person.birth_date.month, person.birth_date.day)
                    )
                )
            if age < MIN_MARRIAGE_AGE[person.sex]:
                raise InvalidTransition(
                    _("One of the two persons is under the legal age for marriage."),
                    code="under_marriage_age",
                )
        if first.sex == second.sex:
            raise InvalidTransition(
                _("The law does not recognise a marriage between persons of the same sex."),
                code="same_sex",
            )
        for person, other in ((first, second), (second, first)):
            before = snapshot(person)
            person.spouse_pin = other.pin
            _record(actor=actor, citizen=person, before=before, event="marriage_registered",
                    valid_from=married_on)  # fmt: skip


def divorce_register(*, actor: Actor, pin: str, spouse_pin: str, divorced_on: dt.date) -> None:
    with transaction.atomic():
        first, second = (_lock(p) for p in sorted([pin, spouse_pin]))
        if first.spouse_pin != second.pin or second.spouse_pin != first.pin:
            raise InvalidTransition(
                _("These two persons are not married to each other."), code="not_married"
            )
        for person in (first, second):
            _check_date(divorced_on, person, "divorced_on")
            before = snapshot(person)
            person.spouse_pin = ""
            _record(actor=actor, citizen=person, before=before, event="divorce_registered",
                    valid_from=divorced_on)  # fmt: skip


def _unlink_spouse(*, actor: Actor, pin: str, event: str, day: dt.date) -> None:
    spouse = _lock(pin)
    before = snapshot(spouse)
    spouse.spouse_pin = ""
    _record(actor=actor, citizen=spouse, before=before, event=event, valid_from=day)
