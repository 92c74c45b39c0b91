"""Reads of the calendar module: working days and statutory deadlines.

Working days are Monday to Friday, except Vietnamese public holidays (Tết and compensatory days
included) from the ``holidays`` package, plus its official make-up Saturdays; a ``DayOverride``
in the database wins over both. Every function is a pure computation over a per-process snapshot
(see ``engine``): one cache read per call, a database read only after an override changed.
"""

from __future__ import annotations

import datetime as dt

from egov.calendar import engine
from egov.core.clock import VN_TZ

#: Decree 61/2018 Art 18: a dossier received *after* 15:00 counts from the next working day.
RECEPTION_CUTOFF = dt.time(15, 0)


def is_working_day(*, day: dt.date) -> bool:
    """Whether government offices work on ``day``."""
    return engine.current().is_working_day(day)


def add_working_days(*, start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``start``.

    - ``n > 0``: counting starts the day after ``start`` (``start`` itself never counts, working
      or not): Friday 2026-02-13 + 1 = Monday 2026-02-23 (Tết 16-20 February in between).
    - ``n == 0``: ``start`` if it is a working day, otherwise the next working day.
    - ``n < 0``: the ``|n|``-th working day before ``start`` (for "1 working day before the
      deadline" reminders).
    """
    return engine.current().add_working_days(start, n)


def working_days_between(*, start: dt.date, end: dt.date) -> int:
    """The number of working days ``d`` with ``start < d <= end``.

    ``start`` never counts, ``end`` counts when it is a working day; equal dates give 0. So for a
    working day ``end`` after ``start``: ``add_working_days(start=start, n=result) == end``.
    When ``end < start`` the result is ``-working_days_between(start=end, end=start)``: a
    negative number of working days (e.g. "days late" is positive, "days left" negative).
    """
    return engine.current().working_days_between(start, end)


def reception_day(*, received_at: dt.datetime) -> dt.date:
    """The working day a dossier counts as received on.

    ``received_at`` must be timezone-aware; it is read in Asia/Ho_Chi_Minh. A dossier received
    on a working day up to and including 15:00:00 counts from that day; one received strictly
    after 15:00:00 (15:00:00.000001 onwards) or on a non-working day counts from the next
    working day. Exactly 15:00:00 is *not* "after 15:00" (the wording of Decree 61/2018 Art 18,
    read in the applicant's favour).
    """
    return _reception_day(engine.current(), received_at)


def due_date(*, received_at: dt.datetime, working_days: int) -> dt.date:
    """The appointment date for a procedure with a time limit of ``working_days``.

    ``add_working_days(start=reception_day(received_at), n=working_days)``: the time limit
    starts the working day after the reception day, so 1 working day for a dossier received
    Monday 10:00 is due Tuesday; ``working_days=0`` (same-day result) gives the reception day.
    The result is due by the end of the office day returned.
    """
    if working_days < 0:
        raise ValueError("working_days must not be negative.")
    calendar = engine.current()
    return calendar.add_working_days(_reception_day(calendar, received_at), working_days)


def calendar_source() -> str:
    """A short description of the calendar in use, e.g. for test output and receipts' notes."""
    calendar = engine.current()
    count = len(calendar.overrides)
    return f"{engine.PACKAGE} ({engine.COUNTRY}) + {count} database override(s)"


def _reception_day(calendar: engine.WorkingCalendar, received_at: dt.datetime) -> dt.date:
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError("received_at must be a timezone-aware datetime.")
    local = received_at.astimezone(VN_TZ)
    day = local.date()
    if local.time() > RECEPTION_CUTOFF:
        return calendar.add_working_days(day, 1)
    return calendar.add_working_days(day, 0)
