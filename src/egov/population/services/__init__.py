"""Writes of the population module: vital events. Each is one transaction that locks the
citizen rows it changes, keeps history (``CitizenVersion``: valid and record time), writes an
audit record and emits an event (``population.<event>``) delivered after commit.

Invalid transitions (a deceased person marrying, a second permanent residence, ...) raise
``InvalidTransition`` with a message that says what to do instead.
"""

from egov.population.services.births import (
    citizen_enrol,
    citizen_register_birth,
    ethnicities_ensure,
    new_household_id,
)
from egov.population.services.events import (
    card_issue,
    citizen_change_name,
    citizen_register_death,
    divorce_register,
    marriage_register,
)
from egov.population.services.residence import residence_close, residence_register

__all__ = [
    "card_issue",
    "citizen_change_name",
    "citizen_enrol",
    "citizen_register_birth",
    "citizen_register_death",
    "divorce_register",
    "ethnicities_ensure",
    "marriage_register",
    "new_household_id",
    "residence_close",
    "residence_register",
]
