"""Public values of the dossiers module: what web, api and reporting receive, never models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from egov.dossiers.models import Channel, TaskKind, TaskStatus, Timeliness
from egov.dossiers.rating import APPLICANT_INDICES, Index, time_score
from egov.dossiers.workflow import Queue, Status

__all__ = [
    "APPLICANT_INDICES",
    "AttachmentInfo",
    "Channel",
    "DossierInfo",
    "DossierSummary",
    "EventInfo",
    "InboxPage",
    "Index",
    "PrefillValue",
    "PublicStatus",
    "Queue",
    "Status",
    "TaskInfo",
    "TaskKind",
    "TaskStatus",
    "Timeliness",
    "time_score",
]


@dataclass(frozen=True, slots=True)
class PrefillValue:
    """A form value taken from the population database: where it came from and whether the
    applicant may change it (``prefilled_locked`` / ``prefilled_editable``)."""

    field: str
    source: str
    value: Any
    policy: str
    taken_at: str

    @property
    def locked(self) -> bool:
        return self.policy == "prefilled_locked"


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    id: int
    requirement: int
    requirement_name: str
    file_id: str
    filename: str
    media_type: str
    size: int
    sha256: str
    round: int
    uploaded_at: dt.datetime


@dataclass(frozen=True, slots=True)
class EventInfo:
    action: str
    action_label: str
    from_status: int | None
    to_status: int
    to_status_label: str
    to_queue: str
    actor_kind: str
    actor_id: str
    actor_agency: str
    comment: str
    details: dict[str, Any]
    occurred_at: dt.datetime


@dataclass(frozen=True, slots=True)
class TaskInfo:
    id: int
    kind: str
    agency_code: str
    agency_name: str
    order: int
    parallel: bool
    request: str
    days: int
    status: str
    opened_at: dt.datetime | None
    due_on: dt.date | None
    answer: str
    answered_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class DossierSummary:
    """A row of a list (applicant's dossiers, inboxes)."""

    public_id: str
    code: str
    procedure_code: str
    procedure_name: str
    agency_code: str
    agency_name: str
    applicant_name: str
    channel: int
    status: int
    status_label: str
    queue: str
    queue_label: str
    handler_id: str
    submitted_at: dt.datetime | None
    due_on: dt.date | None
    appointment_date: dt.date | None
    timeliness: str
    sla: str  # on_track, due_soon, overdue, paused, closed
    row_version: int
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DossierInfo:
    """One dossier in full: the summary, its data, prefill sources, files, steps and tasks."""

    summary: DossierSummary
    version_id: str
    processing_days: int | None
    unit_code: str
    applicant_id: str
    applicant_pin: str
    on_behalf_of: str
    data: dict[str, Any]
    prefill: dict[str, PrefillValue]
    prefill_consent_at: dt.datetime | None
    received_at: dt.datetime | None
    paused_at: dt.datetime | None
    supplement_rounds: int
    extended_at: dt.datetime | None
    extension_reason: str
    completed_at: dt.datetime | None
    closed_at: dt.datetime | None
    fee_due_vnd: int
    result_code: str
    result_document_id: str
    rated: bool
    attachments: tuple[AttachmentInfo, ...] = ()
    events: tuple[EventInfo, ...] = ()
    tasks: tuple[TaskInfo, ...] = ()

    def __getattr__(self, name: str) -> Any:
        # Convenience: ``info.code``, ``info.status`` ... read through to the summary.
        if name.startswith("__") or name == "summary":
            raise AttributeError(name)
        return getattr(self.summary, name)

    @property
    def can_extend(self) -> bool:
        return self.extended_at is None


@dataclass(frozen=True, slots=True)
class PublicStatus:
    """What anyone holding a dossier code and the applicant's PIN may see: no personal data."""

    code: str
    procedure_name: str
    agency_name: str
    status: int
    status_label: str
    submitted_at: dt.datetime | None
    appointment_date: dt.date | None
    result_code: str


@dataclass(frozen=True, slots=True)
class InboxPage:
    total: int
    page: int
    page_size: int
    rows: list[DossierSummary] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


STATUS_LABELS = {s.value: s.label for s in Status}
QUEUE_LABELS = {q.value: q.label for q in Queue}


@dataclass(frozen=True, slots=True)
class TransitionFact:
    """One recorded step, for statistics (reporting rebuilds its rollups from these): the same
    facts as the ``dossier.transition`` event, no personal data. ``timeliness`` and
    ``received_at`` are the dossier's current values (final once it is approved or stopped)."""

    event_id: int
    dossier: str
    code: str
    agency_code: str
    procedure_code: str
    channel: int
    action: str
    from_status: int | None
    to_status: int
    timeliness: str
    received_at: dt.datetime | None
    occurred_at: dt.datetime


@dataclass(frozen=True, slots=True)
class RatingFact:
    """One applicant's rating (the ``dossier.rated`` event's facts): index key -> score 0-2."""

    dossier: str
    code: str
    agency_code: str
    procedure_code: str
    scores: dict[str, int]
    rated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class OverdueDossier:
    """An open dossier past its return date, for the operations center (no applicant data)."""

    code: str
    procedure_code: str
    procedure_name: str
    status: int
    status_label: str
    queue_label: str
    received_at: dt.datetime | None
    appointment_date: dt.date
    days_late: int  # calendar days past the return date
