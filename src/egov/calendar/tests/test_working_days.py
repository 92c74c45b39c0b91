"""Working days from the holidays package: Tết 2026 and 2027, make-up Saturdays, arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.calendar.selectors import (
    add_working_days,
    calendar_source,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = dt.date


def test_tet_2026_is_monday_16_to_friday_20_february() -> None:
    assert is_working_day(day=D(2026, 2, 13)) is True
    assert [is_working_day(day=D(2026, 2, d)) for d in range(14, 23)] == [False] * 9
    assert is_working_day(day=D(2026, 2, 23)) is True


def test_add_working_days_across_tet_2026() -> None:
    assert add_working_days(start=D(2026, 2, 13), n=1) == D(2026, 2, 23)
    assert add_working_days(start=D(2026, 2, 12), n=3) == D(2026, 2, 24)


def test_add_working_days_across_tet_2027_shows_the_calendar_used() -> None:
    source = calendar_source()
    print(f"calendar used: {source}")  # noqa: T201
    assert source == "holidays 0.109 (VN) + 0 database override(s)"
    # Tết 2027 in the package: Thursday 4 to Wednesday 10 February.
    assert [is_working_day(day=D(2027, 2, d)) for d in range(3, 12)] == [
        True, False, False, False, False, False, False, False, True
    ]  # fmt: skip
    # From Monday 1 February: Tue 2, Wed 3, Thu 11, Fri 12, Mon 15.
    assert add_working_days(start=D(2027, 2, 1), n=5) == D(2027, 2, 15)


def test_make_up_saturday_of_the_package_is_a_working_day() -> None:
    assert is_working_day(day=D(2026, 8, 22)) is True  # Saturday, made up for Monday 31 August
    assert is_working_day(day=D(2026, 8, 31)) is False
    assert is_working_day(day=D(2026, 8, 29)) is False  # an ordinary Saturday
    assert add_working_days(start=D(2026, 8, 21), n=1) == D(2026, 8, 22)
    assert add_working_days(start=D(2026, 8, 28), n=1) == D(2026, 9, 3)  # 31/8, 1-2/9 off


def test_add_zero_working_days() -> None:
    assert add_working_days(start=D(2026, 3, 10), n=0) == D(2026, 3, 10)
    assert add_working_days(start=D(2026, 2, 17), n=0) == D(2026, 2, 23)
    assert add_working_days(start=D(2026, 3, 14), n=0) == D(2026, 3, 16)


def test_add_negative_working_days_counts_backwards() -> None:
    assert add_working_days(start=D(2026, 2, 23), n=-1) == D(2026, 2, 13)
    assert add_working_days(start=D(2026, 2, 22), n=-2) == D(2026, 2, 12)


def test_working_days_between_excludes_start_includes_end() -> None:
    assert working_days_between(start=D(2026, 2, 13), end=D(2026, 2, 23)) == 1
    assert working_days_between(start=D(2026, 2, 13), end=D(2026, 2, 13)) == 0
    assert working_days_between(start=D(2026, 2, 14), end=D(2026, 2, 22)) == 0
    assert working_days_between(start=D(2026, 2, 23), end=D(2026, 2, 13)) == -1


def test_working_days_between_over_a_year_and_its_boundary() -> None:
    # 261 weekdays in 2026, 13 of them holidays, plus the make-up Saturday 22 August.
    assert working_days_between(start=D(2025, 12, 31), end=D(2026, 12, 31)) == 249
    # Thu 31/12/2026 counts, Fri 1/1/2027 is New Year, Mon 4/1/2027 counts.
    assert working_days_between(start=D(2026, 12, 30), end=D(2027, 1, 4)) == 2


def test_between_and_add_agree_day_by_day() -> None:
    start = D(2026, 12, 20)
    for offset in range(1, 80):
        end = start + dt.timedelta(days=offset)
        counted = sum(
            is_working_day(day=start + dt.timedelta(days=k)) for k in range(1, offset + 1)
        )
        assert working_days_between(start=start, end=end) == counted
        if is_working_day(day=end):
            assert add_working_days(start=start, n=counted) == end
