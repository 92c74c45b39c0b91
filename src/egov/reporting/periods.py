"""Reporting periods under Decree 09/2019/NĐ-CP: the data cut-off runs from the 15th of the month
before the period to the 14th of its last month (domain notes §8).

Monthly ``2026-M11`` = 15/10/2026 - 14/11/2026; quarterly ``2026-Q4`` = 15/09 - 14/12;
6-month ``2026-H1`` = 15/12/2025 - 14/06/2026, ``2026-H2`` = 15/06 - 14/12; yearly ``2026-Y`` =
15/12/2025 - 14/12/2026. Every period is a union of monthly periods, so rollups keyed by the
*report month* of a day (``report_month``) give every periodicity exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from egov.core.errors import ValidationFailed

CUTOFF_DAY = 14  # the last day of a period's data is the 14th (the 15th opens the next)


class Periodicity(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


PERIODICITY_LABELS = {
    Periodicity.MONTHLY: _("Monthly"),
    Periodicity.QUARTERLY: _("Quarterly"),
    Periodicity.HALF_YEARLY: _("Six-monthly"),
    Periodicity.YEARLY: _("Yearly"),
}
_LETTER = {
    Periodicity.MONTHLY: "M",
    Periodicity.QUARTERLY: "Q",
    Periodicity.HALF_YEARLY: "H",
    Periodicity.YEARLY: "Y",
}
_MONTHS = {
    Periodicity.MONTHLY: 1,
    Periodicity.QUARTERLY: 3,
    Periodicity.HALF_YEARLY: 6,
    Periodicity.YEARLY: 12,
}
_KEY = re.compile(r"^(\d{4})-(?:([MQH])(\d{1,2})|Y)$")


def report_month(day: dt.date) -> dt.date:
    """The month (as its first day) whose monthly period holds ``day``: the 15th and later
    belong to the next month's period."""
    if day.day <= CUTOFF_DAY:
        return day.replace(day=1)
    return _add_months(day.replace(day=1), 1)


def _add_months(first: dt.date, n: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """One reporting period: ``number`` is the month (1-12), quarter (1-4) or half (1-2); 1 for
    a year."""

    year: int
    periodicity: Periodicity
    number: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 12 // _MONTHS[self.periodicity]:
            raise ValueError(f"no period {self.number} for {self.periodicity}")

    @property
    def key(self) -> str:
        if self.periodicity is Periodicity.YEARLY:
            return f"{self.year}-Y"
        return f"{self.year}-{_LETTER[self.periodicity]}{self.number}"

    @property
    def first_month(self) -> dt.date:
        return dt.date(self.year, (self.number - 1) * _MONTHS[self.periodicity] + 1, 1)

    @property
    def months(self) -> tuple[dt.date, ...]:
        """The report months the period is made of (first days)."""
        return tuple(_add_months(self.first_month, i) for i in range(_MONTHS[self.periodicity]))

    @property
    def start(self) -> dt.date:
        """First day of data: the 15th of the month before the first month."""
        return _add_months(self.first_month, -1).replace(day=CUTOFF_DAY + 1)

    @property
    def end(self) -> dt.date:
        """Last day of data: the 14th of the last month."""
        return self.months[-1].replace(day=CUTOFF_DAY)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        span = f"{self.start:%d/%m/%Y} - {self.end:%d/%m/%Y}"
        if self.periodicity is Periodicity.MONTHLY:
            return str(_("Month %(n)s/%(y)s (%(span)s)")) % {
                "n": self.number,
                "y": self.year,
                "span": span,
            }
        if self.periodicity is Periodicity.QUARTERLY:
            return str(_("Quarter %(n)s/%(y)s (%(span)s)")) % {
                "n": self.number,
                "y": self.year,
                "span": span,
            }
        if self.periodicity is Periodicity.HALF_YEARLY:
            return str(_("Half %(n)s/%(y)s (%(span)s)")) % {
                "n": self.number,
                "y": self.year,
                "span": span,
            }
        return str(_("Year %(y)s (%(span)s)")) % {"y": self.year, "span": span}

    @property
    def short_label(self) -> str:
        if self.periodicity is Periodicity.MONTHLY:
            return f"{self.number:02d}/{self.year}"
        if self.periodicity is Periodicity.YEARLY:
            return str(self.year)
        return f"{_LETTER[self.periodicity]}{self.number}/{self.year}"

    def previous(self, n: int = 1) -> Period:
        months = _MONTHS[self.periodicity]
        first = _add_months(self.first_month, -months * n)
        return Period(first.year, self.periodicity, (first.month - 1) // months + 1)

    def next(self) -> Period:
        return self.previous(-1)

    @classmethod
    def containing(cls, day: dt.date, periodicity: Periodicity) -> Period:
        """The period of ``periodicity`` whose data window holds ``day``."""
        month = report_month(day)
        months = _MONTHS[periodicity]
        return cls(month.year, periodicity, (month.month - 1) // months + 1)

    @classmethod
    def parse(cls, key: str) -> Period:
        """``2026-M11``, ``2026-Q4``, ``2026-H1``, ``2026-Y``; ``ValidationFailed`` otherwise."""
        match = _KEY.match(key.strip().upper())
        if match is not None:
            year, letter, number = match.groups()
            periodicity = next(
                (p for p, lt in _LETTER.items() if lt == (letter or "Y")), Periodicity.YEARLY
            )
            try:
                return cls(int(year), periodicity, int(number or 1))
            except ValueError:
                pass
        raise ValidationFailed(
            _("“%(key)s” is not a reporting period; write e.g. 2026-M11, 2026-Q4 or 2026-Y."),
            code="invalid_period",
            params={"key": key[:20]},
        )
