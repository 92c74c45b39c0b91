"""Public values of the agencies module: what other modules receive instead of models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise


class AgencyKind(StrEnum):
    GOVERNMENT = "government"  # Chính phủ
    GOVERNMENT_OFFICE = "government_office"  # Văn phòng Chính phủ
    MINISTRY = "ministry"  # bộ
    MINISTRY_LEVEL_AGENCY = "ministry_level_agency"  # cơ quan ngang bộ
    GOVERNMENT_AGENCY = "government_agency"  # cơ quan thuộc Chính phủ
    PROVINCIAL_PEOPLES_COMMITTEE = "provincial_peoples_committee"  # UBND tỉnh, thành phố
    DEPARTMENT = "department"  # sở
    COMMUNE_PEOPLES_COMMITTEE = "commune_peoples_committee"  # UBND xã, phường, đặc khu
    POLICE = "police"  # công an tỉnh, thành phố
    OTHER = "other"


KIND_LABELS: dict[AgencyKind, StrPromise] = {
    AgencyKind.GOVERNMENT: _("Government"),
    AgencyKind.GOVERNMENT_OFFICE: _("Government Office"),
    AgencyKind.MINISTRY: _("Ministry"),
    AgencyKind.MINISTRY_LEVEL_AGENCY: _("Ministry-level agency"),
    AgencyKind.GOVERNMENT_AGENCY: _("Agency under the Government"),
    AgencyKind.PROVINCIAL_PEOPLES_COMMITTEE: _("Provincial People's Committee"),
    AgencyKind.DEPARTMENT: _("Department"),
    AgencyKind.COMMUNE_PEOPLES_COMMITTEE: _("Commune People's Committee"),
    AgencyKind.POLICE: _("Police"),
    AgencyKind.OTHER: _("Other agency"),
}


@dataclass(frozen=True, slots=True)
class AgencyInfo:
    """One state agency.

    ``code`` is its Decision 20/2020 code (``000.00.00.G22``); ``kind`` one of
    ``AgencyKind`` values (``ministry``, ``provincial_peoples_committee``, ...);
    ``parent_code`` the parent agency's code (empty at the top); ``unit_code`` the GSO code of the
    administrative unit it serves (empty for national agencies). ``valid_from`` ``None`` means
    "since before our records", ``valid_to`` ``None`` "still in force". ``code_provisional`` says
    the code is not confirmed by an official source, ``code_source`` where it comes from.
    """

    code: str
    name: str
    name_en: str
    kind: str
    parent_code: str
    unit_code: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    code_provisional: bool
    code_source: str

    def is_valid_on(self, day: dt.date) -> bool:
        starts_ok = self.valid_from is None or self.valid_from <= day
        return starts_ok and (self.valid_to is None or day <= self.valid_to)
