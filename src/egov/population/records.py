"""Module-internal helpers shared by services, selectors and the importer: snapshots of a
citizen for history, conversion of rows to facade values, unit resolution through geo."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from egov.core import clock
from egov.core.errors import NotFound
from egov.geo import selectors as geo
from egov.population.facade import CitizenInfo, ResidenceInfo, ResidenceKind
from egov.population.models import Citizen, Residence

SNAPSHOT_FIELDS = (
    "full_name",
    "birth_date",
    "birth_year",
    "birth_month",
    "sex",
    "status",
    "date_of_death",
    "ethnicity_id",
    "religion",
    "nationality",
    "birth_registration_unit",
    "hometown",
    "household_id",
    "relation_to_head",
    "father_pin",
    "mother_pin",
    "spouse_pin",
    "card_issued_on",
    "card_issued_place",
    "card_expires_on",
    "card_status",
)

# Card renewal ages (Law on Identification 2023 Art. 21: renew at 14, 25, 40 and 60; a card
# issued within 2 years before one of these ages is valid until the next one; none after 60).
# Confidence M; configurable with settings.EGOV_POPULATION_CARD_AGES / _CARD_GRACE_YEARS.
DEFAULT_CARD_AGES = (14, 25, 40, 60)
DEFAULT_CARD_GRACE_YEARS = 2


def snapshot(citizen: Citizen) -> dict[str, Any]:
    return {name: getattr(citizen, name) for name in SNAPSHOT_FIELDS}


def card_expiry(
    *, birth_year: int, birth_month: int | None, birth_date: dt.date | None, issued_on: dt.date
) -> dt.date | None:
    """The day before the next renewal age that is more than the grace period away."""
    ages: tuple[int, ...] = tuple(getattr(settings, "EGOV_POPULATION_CARD_AGES", DEFAULT_CARD_AGES))
    grace: int = getattr(settings, "EGOV_POPULATION_CARD_GRACE_YEARS", DEFAULT_CARD_GRACE_YEARS)
    born = birth_date or dt.date(birth_year, birth_month or 1, 1)
    for age in ages:
        birthday = _anniversary(born, age)
        if issued_on < _anniversary(born, age - grace):
            return birthday - dt.timedelta(days=1)
    return None


def _anniversary(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return born.replace(year=born.year + years, day=28)


Period = tuple[dt.date | None, dt.date | None, str]


@lru_cache(maxsize=4)
def _unit_table(today: dt.date) -> tuple[dict[str, tuple[Period, ...]], dict[str, tuple[str, str]]]:
    """Every unit in force ``today`` and every unit it was formed from: code -> periods, and
    former code -> (code, name) of today's unit. About 36 queries, once a day per process, so
    that a read never waits on unit lookups (reference data that change a few times a decade)."""
    current = list(geo.provinces(as_of=today))
    for province in list(current):
        current.extend(geo.unit_children(code=province.code, as_of=today))
    by_code = {u.code: u for u in current}
    periods: dict[str, list[Period]] = {}
    successors: dict[str, tuple[str, str]] = {}
    for unit in current:
        periods.setdefault(unit.code, []).append((unit.valid_from, unit.valid_to, unit.name))
    for code, former in geo.predecessors_by_successor(as_of=today).items():
        for unit in former:
            period = (unit.valid_from, unit.valid_to, unit.name)
            if period not in periods.setdefault(unit.code, []):
                periods[unit.code].append(period)
            if unit.code not in by_code:
                successors[unit.code] = (code, by_code[code].name)
    return {k: tuple(v) for k, v in periods.items()}, successors


@lru_cache(maxsize=8192)
def _unit_periods(code: str) -> tuple[Period, ...]:
    """Every period of a unit the table does not know (one or two queries, cached by code)."""
    try:
        history = geo.unit_history(code=code)
    except NotFound:
        return ()
    return tuple((u.valid_from, u.valid_to, u.name) for u in history if u.code == code)


def _name_in(periods: tuple[Period, ...], as_of: dt.date) -> str | None:
    for start, end, name in periods:
        if (start is None or start <= as_of) and (end is None or as_of <= end):
            return name
    return None


def unit_name(code: str, as_of: dt.date | None) -> str:
    """Name of the unit ``code`` on ``as_of`` ("" when unknown). Cached in-process."""
    day = as_of or dt.date(2000, 1, 1)
    name = _name_in(_unit_table(clock.today())[0].get(code, ()), day)
    if name is None:
        name = _name_in(_unit_periods(code), day)
    return name or ""


def current_unit(code: str, today: dt.date) -> tuple[str, str]:
    """(code, name) of the unit ``code`` stands for ``today`` (geo lineage); ``NotFound``."""
    periods, successors = _unit_table(today)
    name = _name_in(periods.get(code, ()), today)
    if name is not None:
        return code, name
    if code in successors:
        return successors[code]
    return _successor_lookup(code, today)


@lru_cache(maxsize=8192)
def _successor_lookup(code: str, today: dt.date) -> tuple[str, str]:
    unit = geo.unit_current_successor(code=code, as_of=today)
    return unit.code, unit.name


def clear_unit_cache() -> None:
    _unit_table.cache_clear()
    _unit_periods.cache_clear()
    _successor_lookup.cache_clear()


def residence_info(residence: Residence, *, today: dt.date | None = None) -> ResidenceInfo:
    """Resolve the recorded unit and today's unit (geo lineage). A few queries per residence;
    a citizen has a handful."""
    today = today or clock.today()
    recorded_on = residence.valid_from
    name = unit_name(residence.unit_code, recorded_on)
    try:
        current_code, current_name = current_unit(residence.unit_code, today)
    except NotFound:
        current_code, current_name = residence.unit_code, name
    return ResidenceInfo(
        kind=residence.kind,
        unit_code=residence.unit_code,
        unit_name=name,
        current_unit_code=current_code,
        current_unit_name=current_name,
        street_address=residence.street_address,
        valid_from=residence.valid_from,
        valid_to=residence.valid_to,
    )


def open_residences(residences: Iterable[Residence]) -> dict[str, Residence]:
    return {r.kind: r for r in residences if r.valid_to is None}


def citizen_info(citizen: Citizen, residences: Iterable[Residence]) -> CitizenInfo:
    current = open_residences(residences)
    permanent = current.get(ResidenceKind.PERMANENT.value)
    temporary = current.get(ResidenceKind.TEMPORARY.value)
    return CitizenInfo(
        pin=citizen.pin,
        full_name=citizen.full_name,
        date_of_birth=citizen.birth_date,
        birth_year=citizen.birth_year,
        birth_month=citizen.birth_month,
        sex=citizen.sex,
        status=citizen.status,
        ethnicity=citizen.ethnicity_id,
        nationality=citizen.nationality,
        birth_registration_unit=citizen.birth_registration_unit,
        hometown=citizen.hometown,
        permanent_residence=residence_info(permanent) if permanent else None,
        temporary_residence=residence_info(temporary) if temporary else None,
        household_id=citizen.household_id,
        relation_to_head=citizen.relation_to_head,
    )


ETHNICITIES_PATH = Path(__file__).parent / "data" / "ethnicities.json"


def ethnicity_rows() -> list[tuple[str, str]]:
    groups = json.loads(ETHNICITIES_PATH.read_text(encoding="utf-8"))["groups"]
    return [(g["code"], g["name"]) for g in groups]
