"""Public values of the catalogue: what other modules (dossiers, web, api) receive, never models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from egov.agencies.facade import AgencyInfo


@dataclass(frozen=True, slots=True)
class SectorInfo:
    code: str
    name: str
    name_en: str
    code_unconfirmed: bool


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    name: str
    name_en: str
    originals: int
    copies: int
    digital_copy_accepted: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class FeeLineInfo:
    """``kind``: fixed, per_case, online_discount (taken off online), exemption (amount due
    instead, 0 = free, for those in ``note``). Amounts are whole VND."""

    kind: str
    label: str
    label_en: str
    amount_vnd: int
    unconfirmed: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class StepInfo:
    name: str
    name_en: str
    duration_days: int | None
    performer: str = ""


@dataclass(frozen=True, slots=True)
class ProcedureInfo:
    code: str
    name: str
    name_en: str
    sector: SectorInfo
    level: str  # central, provincial, commune
    agency_kind: str  # an agencies.facade.AgencyKind value
    owner_agency_code: str
    legal_basis: tuple[str, ...]
    code_unconfirmed: bool
    code_source: str
    origin: str


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One version of a procedure. ``processing_days`` is ``None`` when the result is given
    immediately (``processing_immediate``). ``form`` is the form definition (see ``formspec``),
    ``{}`` when the procedure has no online form."""

    public_id: str
    procedure: ProcedureInfo
    number: int
    status: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    online_level: int
    online_mode: str
    processing_days: int | None
    processing_immediate: bool
    processing_note: str
    time_unconfirmed: bool
    fees_unconfirmed: bool
    result_documents: tuple[dict[str, str], ...]
    documents: tuple[DocumentInfo, ...]
    fees: tuple[FeeLineInfo, ...]
    steps: tuple[StepInfo, ...]
    form: dict[str, Any]
    change_note: str

    @property
    def online_submission(self) -> bool:
        """Levels 3-4 accept dossiers online."""
        return self.online_level >= 3

    def fee_total(self, *, online: bool) -> int:
        """Fixed fees, less online discounts when ``online`` (never below 0)."""
        total = sum(fee.amount_vnd for fee in self.fees if fee.kind == "fixed")
        if online:
            total -= sum(fee.amount_vnd for fee in self.fees if fee.kind == "online_discount")
        return max(total, 0)


@dataclass(frozen=True, slots=True)
class VersionSummary:
    public_id: str
    number: int
    status: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    change_note: str


@dataclass(frozen=True, slots=True)
class OfferingInfo:
    agency: AgencyInfo
    unit_code: str
    province_code: str
    online_level: int | None
    online_mode: str
    note: str


@dataclass(frozen=True, slots=True)
class CompetentAgency:
    """Where an applicant of ``requested_unit_code`` applies on a date: ``resolved_unit_code``
    is the unit in force that day (a former code is resolved to its successor), ``agency`` the
    agency accepting the procedure for it."""

    agency: AgencyInfo
    requested_unit_code: str
    resolved_unit_code: str
    served_unit_code: str
    online_level: int
    online_mode: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    code: str
    name: str
    name_en: str
    sector_code: str
    sector_name: str
    sector_name_en: str
    level: str
    online_level: int | None
    online_mode: str
    processing_days: int | None
    processing_immediate: bool


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    page: int
    page_size: int
    hits: list[SearchHit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two versions: ``field`` (e.g. ``online_level``, ``fees``), the
    value before and after as display-ready text."""

    field: str
    before: str
    after: str
