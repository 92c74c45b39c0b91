"""Decree 09/2019 cut-off: the 15th of the month before the period to the 14th of its last."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.core.errors import ValidationFailed
from egov.reporting.periods import Period, Periodicity, report_month

D = dt.date


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("2026-M1", D(2025, 12, 15), D(2026, 1, 14)),
        ("2026-M11", D(2026, 10, 15), D(2026, 11, 14)),
        ("2026-M3", D(2026, 2, 15), D(2026, 3, 14)),
        ("2026-Q1", D(2025, 12, 15), D(2026, 3, 14)),
        ("2026-Q4", D(2026, 9, 15), D(2026, 12, 14)),
        ("2026-H1", D(2025, 12, 15), D(2026, 6, 14)),
        ("2026-H2", D(2026, 6, 15), D(2026, 12, 14)),
        ("2026-Y", D(2025, 12, 15), D(2026, 12, 14)),
    ],
)
def test_cut_off_windows(key: str, start: dt.date, end: dt.date) -> None:
    period = Period.parse(key)
    assert (period.start, period.end) == (start, end)
    assert period.key == key


def test_report_month_switches_on_the_15th() -> None:
    assert report_month(D(2026, 11, 14)) == D(2026, 11, 1)
    assert report_month(D(2026, 11, 15)) == D(2026, 12, 1)
    assert report_month(D(2026, 12, 15)) == D(2027, 1, 1)
    assert report_month(D(2026, 1, 1)) == D(2026, 1, 1)


def test_every_period_is_the_union_of_its_monthly_periods() -> None:
    year = Period(2026, Periodicity.YEARLY)
    assert len(year.months) == 12
    assert Period.parse("2026-Q4").months == (D(2026, 10, 1), D(2026, 11, 1), D(2026, 12, 1))
    assert Period.parse("2026-H2").months[0] == D(2026, 7, 1)


def test_containing_previous_and_next() -> None:
    assert Period.containing(D(2026, 12, 15), Periodicity.MONTHLY).key == "2027-M1"
    assert Period.containing(D(2026, 12, 15), Periodicity.YEARLY).key == "2027-Y"
    assert Period.containing(D(2026, 9, 14), Periodicity.QUARTERLY).key == "2026-Q3"
    assert Period.containing(D(2026, 9, 15), Periodicity.QUARTERLY).key == "2026-Q4"
    assert Period.parse("2026-M1").previous().key == "2025-M12"
    assert Period.parse("2026-Q1").previous(2).key == "2025-Q3"
    assert Period.parse("2026-H2").next().key == "2027-H1"


@pytest.mark.parametrize("key", ["2026-M13", "2026-Q5", "2026-H3", "26-M1", "2026-X1", ""])
def test_bad_period_keys_are_refused(key: str) -> None:
    with pytest.raises(ValidationFailed):
        Period.parse(key)
