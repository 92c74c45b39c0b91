"""The working-day calendar in memory, and its per-process cache.

Internal to the calendar module: other modules use ``selectors``. A ``WorkingCalendar`` is an
immutable snapshot of the package holidays plus the database overrides. The process keeps one
snapshot and replaces it when the shared version key in Django's cache changes; services bump
that key after commit, so every process (web and workers) reloads on its next read.

Inside a transaction that changed an override, reads bypass the cached snapshot (they must see
the uncommitted change; the change may still roll back), see ``mark_changed``.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

import holidays
from django.core.cache import cache
from django.db import transaction

from egov.calendar.models import DayKind, DayOverride

ONE_DAY = dt.timedelta(days=1)
CACHE_VERSION_KEY = "egov:calendar:overrides_version"
COUNTRY = "VN"
PACKAGE = f"holidays {holidays.__version__}"


@functools.lru_cache(maxsize=512)
def package_year(year: int) -> bytes:
    """One byte a day of ``year`` (index = day of year - 1): 1 working, 0 not, before overrides.

    Working days are Monday to Friday, minus the package's public holidays (Tết, compensatory
    days included), plus its official make-up Saturdays (``weekend_workdays``).
    """
    calendar = holidays.country_holidays(COUNTRY, years=year)
    days_off = set(calendar.keys())
    make_up = {day for day in calendar.weekend_workdays if day.year == year}
    first = dt.date(year, 1, 1)
    size = (dt.date(year + 1, 1, 1) - first).days if year < dt.MAXYEAR else 365
    flags = bytearray(size)
    for offset in range(size):
        day = first + dt.timedelta(days=offset)
        working = day.weekday() < 5 and day not in days_off
        flags[offset] = 1 if working or day in make_up else 0
    return bytes(flags)


@dataclass(frozen=True)
class WorkingCalendar:
    """An immutable view of which days are working days. ``overrides``: day -> is working."""

    version: str
    overrides: Mapping[dt.date, bool]
    _years: dict[int, bytes] = field(default_factory=dict, repr=False, compare=False)

    def year_flags(self, year: int) -> bytes:
        flags = self._years.get(year)
        if flags is None:
            merged = bytearray(package_year(year))
            for day, working in self.overrides.items():
                if day.year == year:
                    merged[day.timetuple().tm_yday - 1] = 1 if working else 0
            flags = bytes(merged)
            self._years[year] = flags
        return flags

    def is_working_day(self, day: dt.date) -> bool:
        return self.year_flags(day.year)[day.timetuple().tm_yday - 1] == 1

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        if n == 0:
            return start if self.is_working_day(start) else self.add_working_days(start, 1)
        step = ONE_DAY if n > 0 else -ONE_DAY
        remaining = abs(n)
        day = start
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        if end < start:
            return -self.working_days_between(end, start)
        first = start + ONE_DAY
        total = 0
        for year in range(first.year, end.year + 1):
            flags = self.year_flags(year)
            year_start = dt.date(year, 1, 1)
            low = (first - year_start).days if year == first.year else 0
            high = (end - year_start).days + 1 if year == end.year else len(flags)
            total += flags.count(1, low, high)
        return total


_lock = threading.Lock()
_state: WorkingCalendar | None = None
_local = threading.local()


def _shared_version() -> str:
    version = cache.get(CACHE_VERSION_KEY)
    if version is None:
        cache.add(CACHE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(CACHE_VERSION_KEY)
    return str(version or "unversioned")


def _load(version: str) -> WorkingCalendar:
    rows = DayOverride.objects.values_list("day", "kind")
    return WorkingCalendar(
        version=version, overrides={day: kind == DayKind.WORKING_DAY for day, kind in rows}
    )


def current() -> WorkingCalendar:
    """The calendar in force for this process: one cache read, a database read only on change."""
    global _state
    version = _shared_version()  # read before the rows, so a racing change is never hidden
    if getattr(_local, "dirty", False):
        if transaction.get_connection().in_atomic_block:
            return _load(version)
        _local.dirty = False
    state = _state
    if state is None or state.version != version:
        state = _load(version)
        with _lock:
            _state = state
    return state


def mark_changed() -> None:
    """Call in a service's transaction after changing overrides.

    This thread reads uncached until its transaction ends; after commit the shared version is
    bumped, so every process reloads. After a rollback nothing changed and the cache stays valid.
    """
    _local.dirty = True
    transaction.on_commit(bump_version)


def bump_version() -> None:
    """Invalidate the snapshot of every process sharing the cache (and of this one)."""
    global _state
    cache.set(CACHE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    with _lock:
        _state = None


def reset() -> None:
    """Forget this process's snapshot and this thread's pending change (tests use it)."""
    global _state
    _local.dirty = False
    with _lock:
        _state = None
