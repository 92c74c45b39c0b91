"""The identity module's only door to the population database: its public selectors.

Registration checks a person's details with ``citizen_verify_identity`` (a yes/no answer, no data
returned); acting for a child reads ``citizen_children``. Every call names its purpose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from egov.core.actor import Actor
from egov.population import selectors as population

PURPOSE_REGISTRATION = "identity.registration"
PURPOSE_ACT_FOR_CHILD = "identity.acting_on_behalf"


@dataclass(frozen=True)
class Person:
    pin: str
    full_name: str
    date_of_birth: dt.date


def verify_identity(*, pin: str, full_name: str, date_of_birth: dt.date) -> bool:
    return bool(
        population.citizen_verify_identity(
            actor=Actor.system("identity.registration"),
            purpose=PURPOSE_REGISTRATION,
            pin=pin,
            full_name=full_name,
            date_of_birth=date_of_birth,
        )
    )


def children(*, actor: Actor, pin: str) -> list[Person]:
    found = population.citizen_children(actor=actor, purpose=PURPOSE_ACT_FOR_CHILD, pin=pin)
    return [Person(c.pin, c.full_name, c.date_of_birth) for c in found if c.date_of_birth]


def age_on(*, date_of_birth: dt.date, day: dt.date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


def birthday(*, date_of_birth: dt.date, age: int) -> dt.date:
    """The day a person born on ``date_of_birth`` reaches ``age`` (29 February -> 1 March)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + age)
    except ValueError:
        return dt.date(date_of_birth.year + age, 3, 1)
