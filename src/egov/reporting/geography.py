"""Which province or ministry an agency's figures count under.

An agency with an administrative unit counts under the province of that unit: its own code for
a provincial agency, or the province of its parent chain for a commune's committee. The
**restated** view maps former provinces to the current 34 through ``geo`` lineage (an agency of
former Hà Giang 02 counts under Tuyên Quang 08); the **as-was** view keeps the province code as
recorded, named as it was on the period's last day. Agencies without a unit (ministries and
their units) count under their ministry (the top of their parent chain).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field

from egov.agencies import selectors as agencies
from egov.agencies.facade import AgencyInfo
from egov.core.errors import NotFound
from egov.geo import selectors as geo

NATIONAL_KINDS = frozenset(
    {"ministry", "ministry_level_agency", "government_agency", "government_office"}
)
# Ranked as ministries (Decision 766 evaluates ministries, ministry-level agencies and
# agencies under the Government; the Government Office runs the evaluation).
RANKED_KINDS = NATIONAL_KINDS - {"government_office"}


@dataclass(frozen=True)
class Geography:
    agencies: dict[str, AgencyInfo]
    province_of: dict[str, str]  # agency code -> province code (restated or as-was)
    ministry_of: dict[str, str]  # agency code -> ministry code (national agencies)
    province_names: dict[str, str]
    ministry_names: dict[str, str]
    provinces: tuple[str, ...]  # every province of the view, by code (ranked even when empty)
    # An area of the area rollups (see ``home``) -> the province it counts under in this view;
    # areas that are not provinces are absent.
    area_province: dict[str, str] = field(default_factory=dict)

    def area_key(self, kind: str, area: str) -> str | None:
        """The province / ministry / nation an area's sums count under (``None``: none)."""
        if kind == "province":
            return self.area_province.get(area)
        if kind == "ministry":
            return area if area in self.ministry_names else None
        return "VN"

    def agency_name(self, code: str) -> str:
        info = self.agencies.get(code)
        return info.name if info is not None else code


def _agency_list() -> list[AgencyInfo]:
    return agencies.agencies_list()


def _own_province(code: str, by_code: dict[str, AgencyInfo]) -> str:
    seen: set[str] = set()
    current = by_code.get(code)
    while current is not None and current.code not in seen:
        seen.add(current.code)
        if len(current.unit_code) == 2:
            return current.unit_code
        current = by_code.get(current.parent_code)
    return ""


def _top(code: str, by_code: dict[str, AgencyInfo]) -> str:
    seen: set[str] = set()
    current = by_code[code]
    while current.parent_code in by_code and current.code not in seen:
        seen.add(current.code)
        parent = by_code[current.parent_code]
        if parent.kind not in NATIONAL_KINDS:
            break
        current = parent
    return current.code


# The mapping is reference data (agencies, units): kept per process for a few minutes, so a
# dashboard request does not rebuild it for thousands of agencies. ``geography_cache_clear``
# empties it (tests, or after loading agencies).
CACHE_SECONDS = 300.0
_cache: dict[tuple[bool, dt.date, dt.date], tuple[float, Geography]] = {}
_lock = threading.Lock()


def geography_cache_clear() -> None:
    with _lock:
        _cache.clear()
        _homes.clear()


def _home(code: str, by_code: dict[str, AgencyInfo]) -> str:
    return _own_province(code, by_code) or _top(code, by_code)


# Agency -> its *area*: the province recorded for the agency (its own unit, or its parent
# chain's; the as-was code, restated when read) or, without one, the top of its parent chain
# (a ministry or another national agency). The area rollups are kept per area, so a ranking
# reads tens of rows per month instead of one per agency. Kept per process like the mapping;
# an agency not found refreshes it (at most every ``HOME_REFRESH_SECONDS``).
HOME_REFRESH_SECONDS = 10.0
_homes: dict[str, tuple[float, dict[str, str]]] = {}


def homes(*, refresh: bool = False) -> dict[str, str]:
    """Every agency's area (see ``home``), cached per process for ``CACHE_SECONDS``."""
    now = time.monotonic()
    with _lock:
        hit = _homes.get("all")
    if not refresh and hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    by_code = {a.code: a for a in _agency_list()}
    built = {code: _home(code, by_code) for code in by_code}
    with _lock:
        _homes["all"] = (now, built)
    return built


def home(agency_code: str) -> str:
    """The area whose rollups count ``agency_code`` ("" for an agency not in the directory:
    it counts in the nation only)."""
    found = homes().get(agency_code)
    if found is None:
        with _lock:
            hit = _homes.get("all")
        if hit is None or time.monotonic() - hit[0] >= HOME_REFRESH_SECONDS:
            found = homes(refresh=True).get(agency_code)
    return found or ""


def geography(*, restated: bool, as_of: dt.date, today: dt.date) -> Geography:
    """The mapping for a period ending ``as_of`` (``today``: the date of the current units);
    cached per process for ``CACHE_SECONDS``."""
    key = (restated, as_of if not restated else today, today)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    built = _build(restated=restated, as_of=as_of, today=today)
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[key] = (now, built)
    return built


def _build(*, restated: bool, as_of: dt.date, today: dt.date) -> Geography:
    listed = _agency_list()
    by_code = {a.code: a for a in listed}
    current = {u.code: u.name for u in geo.provinces(as_of=today)}
    names = dict(current) if restated else {u.code: u.name for u in geo.provinces(as_of=as_of)}
    successor: dict[str, str] = {}
    province_of: dict[str, str] = {}
    area_province: dict[str, str] = {}
    ministry_of: dict[str, str] = {}
    for agency in listed:
        own = _own_province(agency.code, by_code)
        if not own:
            ministry_of[agency.code] = _top(agency.code, by_code)
            continue
        recorded = own
        if restated and own not in current:
            if own not in successor:
                try:
                    successor[own] = geo.unit_current_successor(code=own, as_of=today).code
                except NotFound:
                    successor[own] = own
            own = successor[own]
        elif not restated and own not in names:
            try:
                names[own] = geo.unit_get(code=own, as_of=as_of).name
            except NotFound:
                names[own] = own
        province_of[agency.code] = own
        area_province[recorded] = own
    ministries = {code: by_code[code].name for code in set(ministry_of.values())}
    ministries = {
        code: name for code, name in ministries.items() if by_code[code].kind in RANKED_KINDS
    }
    return Geography(
        agencies=by_code,
        province_of=province_of,
        ministry_of={a: mc for a, mc in ministry_of.items() if mc in ministries},
        province_names=names,
        ministry_names=ministries,
        provinces=tuple(sorted(names)),
        area_province=area_province,
    )
