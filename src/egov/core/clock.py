"""The platform's notion of "now". Code asks here, never ``datetime.now()``, so tests can pin it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.utils import timezone

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


_travel: ContextVar[dt.timedelta | None] = ContextVar("egov_clock_travel", default=None)


def now() -> dt.datetime:
    """Aware current time in UTC (shifted inside ``travel``)."""
    shift = _travel.get()
    return timezone.now() + shift if shift is not None else timezone.now()


def real_now() -> dt.datetime:
    """The actual time, even inside ``travel``: for records of when something was written
    (the audit trail)."""
    return timezone.now()


@contextmanager
def travel(to: dt.datetime) -> Iterator[None]:
    """Run the block as if it were ``to`` (aware) and time went on from there. For demo data of
    past months and for tests; never in request handling."""
    if to.tzinfo is None:
        raise ValueError("travel needs an aware datetime.")
    token = _travel.set(to - timezone.now())
    try:
        yield
    finally:
        _travel.reset(token)


def local_now() -> dt.datetime:
    """Aware current time in Vietnam (UTC+7)."""
    return now().astimezone(VN_TZ)


def today() -> dt.date:
    """Today's date in Vietnam."""
    return local_now().date()


def local_date(moment: dt.datetime) -> dt.date:
    """The date of an aware ``moment`` in Vietnam."""
    return moment.astimezone(VN_TZ).date()
