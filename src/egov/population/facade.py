"""Public values of the population module: what other modules receive instead of models.

Every read of ``selectors`` returns these frozen dataclasses. Field meanings follow
``docs/glossary.md``; unit codes are GSO codes (2 digits province, 5 digits commune).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Status(StrEnum):
    LIVING = "living"
    DECEASED = "deceased"
    MISSING = "missing"


class ResidenceKind(StrEnum):
    PERMANENT = "permanent"  # thường trú
    TEMPORARY = "temporary"  # tạm trú


class Relation(StrEnum):
    """Relation of a household member to the head of the household (quan hệ với chủ hộ)."""

    HEAD = "head"
    WIFE = "wife"
    HUSBAND = "husband"
    SON = "son"
    DAUGHTER = "daughter"
    FATHER = "father"
    MOTHER = "mother"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    OTHER = "other"


class CardStatus(StrEnum):
    NONE = "none"
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class ResidenceInfo:
    """One residence period. ``unit_*`` is the unit as recorded (possibly a unit that no longer
    exists, e.g. old province 35 Hà Nam); ``current_*`` the unit it belongs to today through
    geo lineage (equal to ``unit_*`` when unchanged). ``valid_to`` ``None`` = still current."""

    kind: str
    unit_code: str
    unit_name: str
    current_unit_code: str
    current_unit_name: str
    street_address: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    @property
    def unit_changed(self) -> bool:
        return self.unit_code != self.current_unit_code or self.unit_name != self.current_unit_name


@dataclass(frozen=True, slots=True)
class CitizenInfo:
    pin: str
    full_name: str
    date_of_birth: dt.date | None
    birth_year: int
    birth_month: int | None
    sex: str
    status: str
    ethnicity: str
    nationality: str
    birth_registration_unit: str
    hometown: str
    permanent_residence: ResidenceInfo | None
    temporary_residence: ResidenceInfo | None
    household_id: str
    relation_to_head: str


@dataclass(frozen=True, slots=True)
class CitizenDetail:
    """The full record for the back office and the citizen's own page: ``CitizenInfo`` plus the
    fields only those readers need (religion, links, identity card)."""

    info: CitizenInfo
    religion: str
    ethnicity_name: str
    father_pin: str
    mother_pin: str
    spouse_pin: str
    date_of_death: dt.date | None
    card_issued_on: dt.date | None
    card_issued_place: str
    card_expires_on: dt.date | None
    card_status: str
    residences: tuple[ResidenceInfo, ...] = ()


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One recorded change: ``valid_from`` is when it became true (valid time), ``recorded_at``
    when the database learned it (record time); ``changes`` maps field -> [old, new]."""

    seq: int
    event: str
    valid_from: dt.date | None
    recorded_at: dt.datetime
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportResult:
    read: int
    inserted: int
    unchanged: int
    rejected: int
    report_path: str


@dataclass(frozen=True, slots=True)
class CitizenSummary:
    """One line of a search result for officials; ``ref`` is the opaque reference used in
    back-office URLs (never the PIN, which would end up in access logs)."""

    ref: str
    pin: str
    full_name: str
    birth_year: int
    sex: str
    status: str
    permanent_unit_code: str
