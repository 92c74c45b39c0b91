"""Validation of one imported row (CSV or JSON Lines) into the staging tuple. No database access:
the reference sets (units, ethnic groups) are read once per import by ``Reference.load``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from egov.core import clock
from egov.core.text import fold
from egov.geo import selectors as geo
from egov.population import pins
from egov.population.facade import Relation
from egov.population.models import Ethnicity

REQUIRED = ("pin", "full_name", "date_of_birth", "sex", "ethnicity", "birth_registration_unit")
OPTIONAL = (
    "religion", "nationality", "hometown", "household_id", "relation_to_head", "father_pin",
    "mother_pin", "spouse_pin", "permanent_unit", "permanent_address", "permanent_since",
)  # fmt: skip
COLUMNS = REQUIRED + OPTIONAL

# Staging columns, in order (see staging.py).
STAGING = (
    "line", "pin", "ref", "full_name", "name_folded", "birth_date", "birth_year", "birth_month",
    "sex", "ethnicity_code", "religion", "nationality", "birth_registration_unit", "hometown",
    "household_id", "relation_to_head", "father_pin", "mother_pin", "spouse_pin", "perm_unit",
    "perm_address", "perm_since", "source_hash",
)  # fmt: skip
RELATIONS = frozenset(r.value for r in Relation) | {""}
MAX_TEXT = {"full_name": 200, "religion": 50, "hometown": 200, "household_id": 20,
            "permanent_address": 300}  # fmt: skip


TRIM = " \t\r\n"


def canonical_hash(parts: Sequence[str]) -> str:
    """Fingerprint of a cleaned row, identical to ``sqlcheck``'s ``md5(concat_ws(...))``: a
    re-import of the same row is recognised whichever path imported it first."""
    return hashlib.md5("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


class RowError(Exception):
    """A rejected row: ``code`` is stable, ``str(self)`` is the English reason for the report."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True)
class Reference:
    """Unit code -> validity periods; ethnic group codes; today."""

    units: dict[str, list[tuple[dt.date | None, dt.date | None]]]
    parents: dict[str, str]
    ethnicities: frozenset[str]
    today: dt.date

    @classmethod
    def load(cls) -> Reference:
        today = clock.today()
        found = list(geo.provinces(as_of=today))
        for province in list(found):
            found.extend(geo.unit_children(code=province.code, as_of=today))
        for former in geo.predecessors_by_successor(as_of=today).values():
            found.extend(former)
        units: dict[str, list[tuple[dt.date | None, dt.date | None]]] = {}
        for unit in found:
            period = (unit.valid_from, unit.valid_to)
            if period not in units.setdefault(unit.code, []):
                units[unit.code].append(period)
        parents = {u.code: u.parent_code for u in found if u.parent_code}
        codes = frozenset(Ethnicity.objects.values_list("code", flat=True))
        return cls(units=units, parents=parents, ethnicities=codes, today=today)

    def unit_valid_on(self, code: str, day: dt.date) -> bool:
        return any(
            (start is None or start <= day) and (end is None or day <= end)
            for start, end in self.units.get(code, ())
        )


_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ISO_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")
_ISO_YEAR = re.compile(r"^[0-9]{4}$")


def iso_day(text: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` date, or None when the text is not exactly that or not a real date."""
    if not _ISO_DAY.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_birth(value: str) -> tuple[dt.date | None, int, int | None]:
    """``YYYY-MM-DD``, ``YYYY-MM`` (day unknown) or ``YYYY`` (month and day unknown)."""
    text = value.strip()
    impossible = RowError("impossible_date", "date_of_birth is not a real date")
    if _ISO_DAY.match(text):
        day = iso_day(text)
        if day is None:
            raise impossible
        return day, day.year, day.month
    if _ISO_MONTH.match(text):
        if not 1 <= int(text[5:]) <= 12:
            raise impossible
        return None, int(text[:4]), int(text[5:])
    if len(text) == 10 or (len(text) == 7 and text[4] == "-"):
        raise impossible
    if _ISO_YEAR.match(text):
        return None, int(text), None
    raise RowError("bad_date", "date_of_birth must be YYYY-MM-DD, YYYY-MM or YYYY")


class RowValidator:
    def __init__(self, reference: Reference) -> None:
        self.ref = reference
        self.rng = random.Random(secrets.randbits(64))  # noqa: S311 - references, not secrets

    def clean(self, line: int, raw: Sequence[Any]) -> tuple[Any, ...]:
        """The staging tuple of one row given in ``COLUMNS`` order; ``RowError`` if invalid.
        Mirrored in SQL by ``sqlcheck`` (PostgreSQL path): keep the two in step."""
        get = dict(
            zip(COLUMNS, ("" if v is None else str(v).strip(TRIM) for v in raw), strict=True)
        )
        get["full_name"] = " ".join(get["full_name"].split())
        for name in REQUIRED:
            if not get[name]:
                raise RowError("missing", f"{name} is required")
        for name, size in MAX_TEXT.items():
            if len(get[name]) > size:
                raise RowError("too_long", f"{name} is longer than {size} characters")
        full_name = get["full_name"]
        sex = get["sex"].lower()
        if sex not in ("male", "female"):
            raise RowError("bad_sex", "sex must be male or female")
        birth_date, year, month = parse_birth(get["date_of_birth"])
        if (
            year < pins.FIRST_CENTURY
            or (birth_date or dt.date(year, month or 1, 1)) > self.ref.today
        ):
            raise RowError("bad_date", "date_of_birth is in the future or before 1900")
        pin = get["pin"]
        problems = pins.pin_problems(pin, sex=sex, birth_year=year)
        if problems:
            raise RowError(problems[0].code, str(problems[0].message))
        unit = get["birth_registration_unit"]
        if unit not in self.ref.units:
            raise RowError("unknown_unit", "birth_registration_unit is not a known unit")
        province = unit if len(unit) == 2 else self.ref.parents.get(unit, "")
        if f"0{province}" != pin[:3]:
            raise RowError(
                "pin_province",
                "the first 3 digits of the PIN do not match the birth registration unit",
            )
        if get["ethnicity"] not in self.ref.ethnicities:
            raise RowError("unknown_ethnicity", "ethnicity is not a code of the 54 groups")
        relation = get["relation_to_head"]
        if relation not in RELATIONS:
            raise RowError("bad_relation", "relation_to_head is not a known relation")
        for name in ("father_pin", "mother_pin", "spouse_pin"):
            value = get[name]
            if value and (len(value) != pins.PIN_LENGTH or not value.isdigit() or value == pin):
                raise RowError("bad_link", f"{name} is not a valid other PIN")
        perm_unit, since = get["permanent_unit"], None
        if perm_unit:
            if not get["permanent_since"]:
                raise RowError("missing", "permanent_since is required with permanent_unit")
            since = iso_day(get["permanent_since"])
            if since is None:
                raise RowError("impossible_date", "permanent_since is not a real date")
            if perm_unit not in self.ref.units:
                raise RowError("unknown_unit", "permanent_unit is not a known unit")
            if not self.ref.unit_valid_on(perm_unit, since):
                raise RowError("unit_not_valid", "permanent_unit did not exist on permanent_since")
            if since > self.ref.today:
                raise RowError("bad_date", "permanent_since is in the future")
        digest = canonical_hash(
            [pin, full_name, get["date_of_birth"], sex, get["ethnicity"], get["religion"],
             get["nationality"] or "VN", unit, get["hometown"], get["household_id"], relation,
             get["father_pin"], get["mother_pin"], get["spouse_pin"], perm_unit,
             get["permanent_address"], get["permanent_since"]]
        )  # fmt: skip
        return (
            line, pin, f"{self.rng.getrandbits(128):032x}", full_name, fold(full_name),
            birth_date, year, month, sex, get["ethnicity"], get["religion"],
            get["nationality"] or "VN", unit, get["hometown"], get["household_id"], relation,
            get["father_pin"], get["mother_pin"], get["spouse_pin"], perm_unit,
            get["permanent_address"], since, digest,
        )  # fmt: skip
