"""Public values of the geo module: what other modules receive instead of models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    PROVINCE = "province"
    COMMUNE = "commune"


class UnitType(StrEnum):
    MUNICIPALITY = "municipality"  # thành phố trực thuộc trung ương
    PROVINCE = "province"  # tỉnh
    WARD = "ward"  # phường
    COMMUNE = "commune"  # xã
    SPECIAL_ZONE = "special_zone"  # đặc khu


@dataclass(frozen=True, slots=True)
class Unit:
    """One administrative unit in one period of validity.

    ``code`` is the GSO code (2 digits for a province, 5 for a commune); ``parent_code`` the
    province code of a commune (empty for a province); ``valid_from`` ``None`` means "since before
    our records", ``valid_to`` ``None`` means "still valid"; ``pin_code`` the 3-digit
    birth-registration code used in personal identification numbers (old 63 provinces only).
    """

    code: str
    name: str
    level: str
    unit_type: str
    parent_code: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    pin_code: str

    def is_valid_on(self, day: dt.date) -> bool:
        starts_ok = self.valid_from is None or self.valid_from <= day
        return starts_ok and (self.valid_to is None or day <= self.valid_to)
