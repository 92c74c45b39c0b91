"""The 15:00 rule (Decree 61/2018 Art 18) and due dates."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.calendar.selectors import due_date, reception_day
from egov.core.clock import VN_TZ

pytestmark = pytest.mark.django_db

D = dt.date


def at(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)


def test_before_at_and_after_15_00_on_a_working_day() -> None:
    assert reception_day(received_at=at(2026, 3, 10, 14, 59)) == D(2026, 3, 10)
    assert reception_day(received_at=at(2026, 3, 10, 15, 0)) == D(2026, 3, 10)
    assert reception_day(received_at=at(2026, 3, 10, 15, 0, 1)) == D(2026, 3, 11)
    assert reception_day(received_at=at(2026, 3, 10, 15, 1)) == D(2026, 3, 11)


def test_utc_input_is_read_in_vietnam_time() -> None:
    utc = dt.UTC
    assert reception_day(received_at=dt.datetime(2026, 3, 10, 7, 59, tzinfo=utc)) == D(2026, 3, 10)
    assert reception_day(received_at=dt.datetime(2026, 3, 10, 8, 1, tzinfo=utc)) == D(2026, 3, 11)
    # 20:00 UTC on Monday is 03:00 on Tuesday in Vietnam.
    assert reception_day(received_at=dt.datetime(2026, 3, 9, 20, 0, tzinfo=utc)) == D(2026, 3, 10)


def test_saturday_counts_from_monday() -> None:
    assert reception_day(received_at=at(2026, 3, 14, 9, 0)) == D(2026, 3, 16)
    assert reception_day(received_at=at(2026, 3, 14, 16, 0)) == D(2026, 3, 16)


def test_eve_of_tet_2026() -> None:
    # Friday 13 February 2026 is the last working day before Tết (16-20 February).
    assert reception_day(received_at=at(2026, 2, 13, 14, 59)) == D(2026, 2, 13)
    assert reception_day(received_at=at(2026, 2, 13, 15, 1)) == D(2026, 2, 23)
    assert reception_day(received_at=at(2026, 2, 17, 10, 0)) == D(2026, 2, 23)


def test_due_date_counts_from_the_reception_day() -> None:
    assert due_date(received_at=at(2026, 2, 13, 14, 59), working_days=5) == D(2026, 2, 27)
    assert due_date(received_at=at(2026, 2, 13, 15, 1), working_days=5) == D(2026, 3, 2)
    assert due_date(received_at=at(2026, 3, 9, 10, 0), working_days=1) == D(2026, 3, 10)
    assert due_date(received_at=at(2026, 3, 14, 10, 0), working_days=0) == D(2026, 3, 16)


def test_naive_datetime_and_negative_limit_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        reception_day(received_at=dt.datetime(2026, 3, 10, 10, 0))
    with pytest.raises(ValueError, match="must not be negative"):
        due_date(received_at=at(2026, 3, 10, 10, 0), working_days=-1)
