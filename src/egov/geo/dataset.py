"""Reference data for administrative units, read from files; no database access here.

Two sources:
- the ``vietnam-provinces`` package: the 34 provincial units and 3,321 communes, wards and special
  zones in force from 2025-07-01 (Resolution 202/2025/QH15 and the UBTVQH commune resolutions);
- ``data/provinces_2004_2025.json`` in this module: the 63 provinces in force until 2025-06-30,
  their PIN codes and their 2025 successors (transcribed from docs/domain-vn.md).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import vietnam_provinces

from egov.core.text import fold
from egov.geo.facade import Level, UnitType

REFORM_DATE = dt.date(2025, 7, 1)
OLD_VALID_TO = dt.date(2025, 6, 30)
OLD_PROVINCES_PATH = Path(__file__).parent / "data" / "provinces_2004_2025.json"
PACKAGE_VERSION: str = vietnam_provinces.__version__
PACKAGE_DATA_VERSION: str = vietnam_provinces.__data_version__

_TYPES = {
    "thành phố trung ương": UnitType.MUNICIPALITY,
    "tỉnh": UnitType.PROVINCE,
    "phường": UnitType.WARD,
    "xã": UnitType.COMMUNE,
    "đặc khu": UnitType.SPECIAL_ZONE,
}


@dataclass(frozen=True, slots=True)
class UnitRow:
    """The desired content of one ``AdminUnit`` row; ``(code, valid_from)`` is its key."""

    code: str
    level: str
    unit_type: str
    name: str
    name_folded: str
    codename: str
    parent_code: str
    pin_code: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    @property
    def key(self) -> tuple[str, dt.date | None]:
        return (self.code, self.valid_from)


@dataclass(frozen=True, slots=True)
class LineageRow:
    predecessor: tuple[str, dt.date | None]
    successor: tuple[str, dt.date | None]
    kind: str
    effective_date: dt.date
    note: str


def _row(item: dict[str, Any], *, level: Level, code: str, parent_code: str = "") -> UnitRow:
    return UnitRow(
        code=code,
        level=level.value,
        unit_type=_TYPES[item["division_type"]].value,
        name=item["name"],
        name_folded=fold(item["name"]),
        codename=item["codename"],
        parent_code=parent_code,
        pin_code="",
        valid_from=REFORM_DATE,
        valid_to=None,
    )


@cache
def current_units() -> tuple[UnitRow, ...]:
    """Provinces and communes from 2025-07-01, from the installed vietnam-provinces package."""
    path = Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH)
    provinces = json.loads(path.read_text(encoding="utf-8"))
    rows: list[UnitRow] = []
    for province in provinces:
        province_code = f"{province['code']:02d}"
        rows.append(_row(province, level=Level.PROVINCE, code=province_code))
        rows.extend(
            _row(ward, level=Level.COMMUNE, code=f"{ward['code']:05d}", parent_code=province_code)
            for ward in province["wards"]
        )
    return tuple(rows)


@cache
def _old_provinces_document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(OLD_PROVINCES_PATH.read_text(encoding="utf-8"))
    return data


@cache
def old_provinces() -> tuple[UnitRow, ...]:
    """The 63 provinces in force until 2025-06-30 (start of validity not recorded)."""
    return tuple(
        UnitRow(
            code=item["code"],
            level=Level.PROVINCE.value,
            unit_type=UnitType(item["unit_type"]).value,
            name=item["name"],
            name_folded=fold(item["name"]),
            codename=item["codename"],
            parent_code="",
            pin_code=item["pin_code"],
            valid_from=None,
            valid_to=OLD_VALID_TO,
        )
        for item in _old_provinces_document()["provinces"]
    )


@cache
def lineage() -> tuple[LineageRow, ...]:
    """One link per old province to its 2025 successor.

    ``continued_as`` when the successor has the same code and absorbed no other province (the 11
    unchanged provinces), ``merged_into`` otherwise.
    """
    items = _old_provinces_document()["provinces"]
    absorbed: dict[str, int] = {}
    for item in items:
        absorbed[item["successor_code"]] = absorbed.get(item["successor_code"], 0) + 1
    rows = []
    for item in items:
        successor = item["successor_code"]
        unchanged = successor == item["code"] and absorbed[successor] == 1
        rows.append(
            LineageRow(
                predecessor=(item["code"], None),
                successor=(successor, REFORM_DATE),
                kind="continued_as" if unchanged else "merged_into",
                effective_date=REFORM_DATE,
                note=item.get("note", ""),
            )
        )
    return tuple(rows)


@cache
def pin_codes() -> frozenset[str]:
    """The 3-digit birth-registration province codes of personal identification numbers."""
    return frozenset(row.pin_code for row in old_provinces())
