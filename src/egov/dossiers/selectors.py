"""Reads of the dossiers module, with their object-level checks: an applicant sees only their
own dossiers; an official only dossiers of an agency where they hold a dossier role (or that
their agency was asked to work on); anyone holding a code and the applicant's PIN sees the
public status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from egov.calendar import selectors as calendar
from egov.core import clock
from egov.core.actor import Actor, ActorKind
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.documents import selectors as documents
from egov.dossiers import clock as dossier_clock
from egov.dossiers import codes
from egov.dossiers.facade import (
    QUEUE_LABELS,
    STATUS_LABELS,
    AttachmentInfo,
    DossierInfo,
    DossierSummary,
    EventInfo,
    InboxPage,
    OverdueDossier,
    PrefillValue,
    PublicStatus,
    RatingFact,
    TaskInfo,
    TransitionFact,
)
from egov.dossiers.models import (
    Dossier,
    DossierAttachment,
    DossierEvent,
    Rating,
    Task,
    TaskStatus,
)
from egov.dossiers.workflow import (
    APPLICANT,
    FINAL_STATUSES,
    TRANSITIONS,
    Queue,
    Status,
    Transition,
    transitions_from,
)
from egov.identity import selectors as identity
from egov.identity.facade import Role, RoleGrant

DOSSIER_ROLES = (Role.RECEIVER, Role.HANDLER, Role.APPROVER, Role.FINANCE_OFFICER)
# Which queues each role works from; a handler only sees the dossiers assigned to them.
ROLE_QUEUES: dict[Role, tuple[str, ...]] = {
    Role.RECEIVER: (Queue.RECEPTION, Queue.ASSIGNMENT, Queue.RETURN, Queue.WITHDRAWAL),
    Role.APPROVER: (Queue.ASSIGNMENT, Queue.HANDLING, Queue.TRANSFER, Queue.APPROVAL),
    Role.HANDLER: (Queue.HANDLING, Queue.TRANSFER),
    Role.FINANCE_OFFICER: (Queue.APPLICANT,),
}
_ACTION_LABELS = {t.name: t.label for t in TRANSITIONS}
_EXTRA_LABELS = {
    "consultation_answered": _("Opinion given"),
    "transfer_answered": _("Part done by another agency"),
    "payment_received": _("Fee paid online"),
}


def _not_found() -> NotFound:
    return NotFound(_("There is no such dossier, or it is not available to you."))


def _sla(d: Dossier, today: dt.date) -> str:
    if d.status in FINAL_STATUSES or d.status == Status.PROCESSED or d.status == Status.DRAFT:
        return "closed"
    return dossier_clock.sla(due=d.appointment_date, paused=d.paused_at is not None, today=today)


def _summary(d: Dossier, today: dt.date) -> DossierSummary:
    return DossierSummary(
        public_id=str(d.public_id),
        code=d.code or "",
        procedure_code=d.procedure_code,
        procedure_name=d.procedure_name,
        agency_code=d.agency_code,
        agency_name=d.agency_name,
        applicant_name=d.applicant_name,
        channel=d.channel,
        status=d.status,
        status_label=str(STATUS_LABELS[d.status]),
        queue=d.queue,
        queue_label=str(QUEUE_LABELS.get(d.queue, d.queue)),
        handler_id=d.handler_id,
        submitted_at=d.submitted_at,
        due_on=d.due_on,
        appointment_date=d.appointment_date,
        timeliness=d.timeliness,
        sla=_sla(d, today),
        row_version=d.row_version,
        created_at=d.created_at,
    )


_SUMMARY_FIELDS = (
    "id",
    "public_id",
    "code",
    "procedure_code",
    "procedure_name",
    "agency_code",
    "agency_name",
    "applicant_name",
    "channel",
    "status",
    "queue",
    "handler_id",
    "submitted_at",
    "due_on",
    "appointment_date",
    "timeliness",
    "paused_at",
    "row_version",
    "created_at",
)


def _event(e: Any) -> EventInfo:
    return EventInfo(
        action=e.action,
        action_label=str(_ACTION_LABELS.get(e.action) or _EXTRA_LABELS.get(e.action, e.action)),
        from_status=e.from_status,
        to_status=e.to_status,
        to_status_label=str(STATUS_LABELS.get(e.to_status, e.to_status)),
        to_queue=e.to_queue,
        actor_kind=e.actor_kind,
        actor_id=e.actor_id,
        actor_agency=e.actor_agency,
        comment=e.comment,
        details=dict(e.details or {}),
        occurred_at=e.occurred_at,
    )


def _task(t: Task) -> TaskInfo:
    return TaskInfo(
        id=t.pk,
        kind=t.kind,
        agency_code=t.agency_code,
        agency_name=t.agency_name,
        order=t.order,
        parallel=t.parallel,
        request=t.request,
        days=t.days,
        status=t.status,
        opened_at=t.opened_at,
        due_on=t.due_on,
        answer=t.answer,
        answered_at=t.answered_at,
    )


def _attachment(a: DossierAttachment) -> AttachmentInfo:
    return AttachmentInfo(
        id=a.pk,
        requirement=a.requirement,
        requirement_name=a.requirement_name,
        file_id=a.file_id,
        filename=a.filename,
        media_type=a.media_type,
        size=a.size,
        sha256=a.sha256,
        round=a.round,
        uploaded_at=a.uploaded_at,
    )


def _info(
    d: Dossier,
    *,
    attachments: Iterable[DossierAttachment] | None = None,
    events: Iterable[DossierEvent] | None = None,
    tasks: Iterable[Task] | None = None,
    rated: bool | None = None,
) -> DossierInfo:
    """``d`` as a ``DossierInfo``; its children are read unless given (in the order of the
    queries below)."""
    today = clock.today()
    if attachments is None:
        attachments = d.attachments.order_by("round", "requirement", "id")
    else:
        attachments = sorted(attachments, key=lambda a: (a.round, a.requirement, a.pk))
    if events is None:
        events = d.events.order_by("occurred_at", "id")
    else:
        events = sorted(events, key=lambda e: (e.occurred_at, e.pk))
    if tasks is None:
        tasks = d.tasks.order_by("kind", "order", "id")
    prefill = {
        field: PrefillValue(
            field=field,
            source=str(item.get("source") or ""),
            value=item.get("value"),
            policy=str(item.get("policy") or ""),
            taken_at=str(item.get("taken_at") or ""),
        )
        for field, item in (d.prefill or {}).items()
    }
    return DossierInfo(
        summary=_summary(d, today),
        version_id=str(d.version_id),
        processing_days=d.processing_days,
        unit_code=d.unit_code,
        applicant_id=d.applicant_id,
        applicant_pin=d.applicant_pin,
        on_behalf_of=d.on_behalf_of,
        data=dict(d.data or {}),
        prefill=prefill,
        prefill_consent_at=d.prefill_consent_at,
        received_at=d.received_at,
        paused_at=d.paused_at,
        supplement_rounds=d.supplement_rounds,
        extended_at=d.extended_at,
        extension_reason=d.extension_reason,
        completed_at=d.completed_at,
        closed_at=d.closed_at,
        fee_due_vnd=d.fee_due_vnd,
        result_code=d.result_code,
        result_document_id=d.result_document_id,
        rated=hasattr(d, "rating") if rated is None else rated,
        attachments=tuple(_attachment(a) for a in attachments),
        events=tuple(_event(e) for e in events),
        tasks=tuple(_task(t) for t in tasks),
    )


def _load(**lookup: Any) -> Dossier:
    try:
        return Dossier.objects.select_related("rating").get(**lookup)
    except (Dossier.DoesNotExist, ValueError, ValidationFailed):
        raise _not_found() from None


# --- Applicants ---------------------------------------------------------------------------------


def dossiers_of_applicant(*, actor: Actor, limit: int = 200) -> list[DossierSummary]:
    """The citizen's dossiers, drafts included, newest first. One query."""
    if actor.kind is not ActorKind.CITIZEN:
        return []
    today = clock.today()
    rows = (
        Dossier.objects.filter(applicant_id=actor.id)
        .only(*_SUMMARY_FIELDS)
        .order_by("-created_at", "-id")[:limit]
    )
    return [_summary(d, today) for d in rows]


def dossiers_of_applicant_page(*, actor: Actor, page: int = 1, page_size: int = 20) -> InboxPage:
    """The citizen's dossiers a page at a time, drafts included, newest first (the API's list).
    Two queries."""
    if actor.kind is not ActorKind.CITIZEN:
        return InboxPage(total=0, page=1, page_size=page_size)
    rows = Dossier.objects.filter(applicant_id=actor.id)
    page = max(1, page)
    total = rows.count()
    ordered = rows.only(*_SUMMARY_FIELDS).order_by("-created_at", "-id")
    chunk = ordered[(page - 1) * page_size : page * page_size]
    today = clock.today()
    return InboxPage(
        total=total, page=page, page_size=page_size, rows=[_summary(d, today) for d in chunk]
    )


def dossier_for_applicant(*, actor: Actor, public_id: str) -> DossierInfo:
    if actor.kind is not ActorKind.CITIZEN:
        raise _not_found()
    return _info(_load(public_id=public_id, applicant_id=actor.id))


def dossier_info_written(
    *,
    dossier: Dossier,
    attachments: Sequence[DossierAttachment],
    events: Sequence[DossierEvent],
) -> DossierInfo:
    """What ``dossier_for_applicant`` reads back for a dossier that the calling service has just
    created in its transaction, built from the rows it wrote (``attachments``, ``events``; a new
    dossier has no task and no rating yet) instead of reading them again."""
    return _info(dossier, attachments=attachments, events=events, tasks=(), rated=False)


def dossier_public_status(*, code: str, pin: str) -> PublicStatus:
    """Status by dossier code and the applicant's PIN. A wrong PIN reads exactly like an unknown
    code (no hint that the code exists)."""
    code = code.strip().upper()
    pin = pin.strip()
    if not codes.looks_like_code(code) or not (pin.isdigit() and len(pin) == 12):
        raise ValidationFailed(
            _("Enter the dossier code as printed on the receipt and your 12-digit number."),
            code="lookup_invalid",
        )
    d = Dossier.objects.filter(code=code, applicant_pin=pin).first()
    if d is None:
        raise NotFound(
            _("No dossier matches this code and personal identification number."),
            code="lookup_not_found",
        )
    return PublicStatus(
        code=str(d.code),
        procedure_name=d.procedure_name,
        agency_name=d.agency_name,
        status=d.status,
        status_label=str(STATUS_LABELS[d.status]),
        submitted_at=d.submitted_at,
        appointment_date=d.appointment_date,
        result_code=d.result_code if d.status in (Status.PROCESSED, Status.RETURNED) else "",
    )


# --- Officials ----------------------------------------------------------------------------------


def _grants(actor: Actor) -> frozenset[RoleGrant]:
    return identity.actor_role_grants(actor=actor)


def official_agencies(*, actor: Actor) -> list[str]:
    """Agencies where the official holds a dossier role (sorted)."""
    return sorted({g.agency_code for g in _grants(actor) if g.role in DOSSIER_ROLES})


def _visible_to(actor: Actor, d: Dossier) -> bool:
    grants = _grants(actor)
    if any(g.role in DOSSIER_ROLES and g.agency_code == d.agency_code for g in grants):
        return True
    task_agencies = {g.agency_code for g in grants if g.role in (Role.HANDLER, Role.APPROVER)}
    return d.tasks.filter(agency_code__in=task_agencies).exists()


def dossier_for_official(*, actor: Actor, code: str) -> DossierInfo:
    """A dossier by code for an official of its agency (or of an agency asked to work on it)."""
    if actor.kind is not ActorKind.OFFICIAL:
        raise _not_found()
    d = _load(code=code)
    if not _visible_to(actor, d):
        raise _not_found()
    return _info(d)


def _inbox_queryset(actor: Actor, agency_code: str, queue: str) -> QuerySet[Dossier]:
    roles = {g.role for g in _grants(actor) if g.agency_code == agency_code}
    if not roles & set(DOSSIER_ROLES):
        raise PermissionDenied(_("You hold no dossier role in this agency."))
    allowed: dict[str, bool] = {}  # queue -> only the actor's own (handler)
    for role in roles & set(DOSSIER_ROLES):
        for q in ROLE_QUEUES[role]:
            # Only the actor's own when every role giving this queue is the handler's.
            allowed[q] = allowed.get(q, True) and role is Role.HANDLER
    if queue:
        if queue not in allowed:
            raise PermissionDenied(_("This queue is not part of your role."))
        allowed = {queue: allowed[queue]}
    # One IN list per kind (not one OR arm per queue): PostgreSQL then reads the inbox index
    # (agency, queue, ...) for just those queues instead of the agency's whole range.
    everyone = sorted(q for q, own in allowed.items() if not own)
    assigned = sorted(q for q, own in allowed.items() if own)
    parts = [Q(queue__in=everyone)] if everyone else []
    if assigned:
        parts.append(Q(queue__in=assigned, handler_id=actor.id))
    condition = parts[0] if len(parts) == 1 else parts[0] | parts[1]
    return Dossier.objects.filter(condition, agency_code=agency_code)


def inbox(
    *,
    actor: Actor,
    agency_code: str,
    queue: str = "",
    sla: str = "",
    procedure_code: str = "",
    q: str = "",
    page: int = 1,
    page_size: int = 25,
) -> InboxPage:
    """An official's work in one agency: the queues of their roles (a handler: only dossiers
    assigned to them), filtered by queue, SLA (``overdue``, ``due_soon``, ``paused``), procedure
    or code, ordered by the return date (most urgent first). Two queries."""
    rows = _inbox_queryset(actor, agency_code, queue)
    today = clock.today()
    if sla == "overdue":
        rows = rows.filter(appointment_date__lt=today, paused_at__isnull=True)
    elif sla == "due_soon":
        horizon = calendar.add_working_days(start=today, n=settings.EGOV_DOSSIER_DUE_SOON_DAYS)
        rows = rows.filter(
            appointment_date__gte=today, appointment_date__lte=horizon, paused_at__isnull=True
        )
    elif sla == "paused":
        rows = rows.filter(paused_at__isnull=False)
    if procedure_code:
        rows = rows.filter(procedure_code=procedure_code)
    if q.strip():
        rows = rows.filter(code__startswith=q.strip().upper())
    page = max(1, page)
    total = rows.count()
    ordered = rows.only(*_SUMMARY_FIELDS).order_by(F("appointment_date").asc(nulls_last=True), "id")
    chunk = ordered[(page - 1) * page_size : page * page_size]
    return InboxPage(
        total=total, page=page, page_size=page_size, rows=[_summary(d, today) for d in chunk]
    )


def inbox_counts(*, actor: Actor, agency_code: str) -> dict[str, int]:
    """How many dossiers wait in each of the official's queues. One query."""
    from django.db.models import Count

    rows = _inbox_queryset(actor, agency_code, "").values("queue").annotate(n=Count("id"))
    return {row["queue"]: row["n"] for row in rows}


def tasks_for_agency(*, actor: Actor, agency_code: str) -> list[tuple[TaskInfo, DossierSummary]]:
    """Open consultations and transfers addressed to an agency where the official handles or
    approves dossiers."""
    if not any(
        g.agency_code == agency_code and g.role in (Role.HANDLER, Role.APPROVER)
        for g in _grants(actor)
    ):
        raise PermissionDenied(_("You hold no dossier role in this agency."))
    today = clock.today()
    tasks = (
        Task.objects.filter(agency_code=agency_code, status=TaskStatus.OPEN)
        .select_related("dossier")
        .order_by("due_on", "id")[:200]
    )
    return [(_task(t), _summary(t.dossier, today)) for t in tasks]


@dataclass(frozen=True, slots=True)
class ActionInfo:
    name: str
    label: str
    form: str
    comment_required: bool


def _may(actor: Actor, info: DossierInfo, transition: Transition, roles: set[Role]) -> bool:
    if APPLICANT in transition.performers and actor.kind is ActorKind.CITIZEN:
        return info.applicant_id == actor.id
    if not roles & set(transition.roles):
        return False
    if transition.name == "extend" and info.extended_at is not None:
        return False  # once only (checked before the handler's own-dossier rule below)
    if info.queue == Queue.HANDLING and Role.APPROVER not in roles and info.handler_id:
        return transition.name == "reassign" or info.handler_id == actor.id
    if transition.name == "submit_for_approval":
        return info.handler_id == actor.id
    if transition.name == "extend":
        return info.extended_at is None
    return True


def dossier_actions(*, actor: Actor, info: DossierInfo) -> list[ActionInfo]:
    """The steps this person may take on the dossier now (to show the right buttons; the
    service checks again)."""
    roles = {g.role for g in _grants(actor) if g.agency_code == info.agency_code}
    return [
        ActionInfo(t.name, str(t.label), t.form, t.comment_required)
        for t in transitions_from(info.status, info.queue)
        if t.name not in ("submit", "transfer_done") and _may(actor, info, t, roles)
    ]


def agency_handlers(*, agency_code: str) -> list[tuple[str, str]]:
    """``(account public id, name)`` of the agency's active handlers, to assign dossiers."""
    return [
        (o.account.public_id, o.account.full_name or o.account.username)
        for o in identity.officials_of_agency(agency_code=agency_code)
        if o.account.is_active and any(g.role is Role.HANDLER for g in o.grants)
    ]


# --- Files --------------------------------------------------------------------------------------


def _file_for(actor: Actor, d: Dossier) -> None:
    if actor.kind is ActorKind.CITIZEN and d.applicant_id == actor.id:
        return
    if actor.kind is ActorKind.OFFICIAL and _visible_to(actor, d):
        return
    raise _not_found()


def attachment_content(
    *, actor: Actor, dossier_id: str, attachment_id: int
) -> tuple[AttachmentInfo, bytes]:
    """An attachment's bytes for the applicant or an official who may see the dossier."""
    d = _load(public_id=dossier_id)
    _file_for(actor, d)
    a = d.attachments.filter(pk=attachment_id).first()
    if a is None:
        raise _not_found()
    info = AttachmentInfo(
        a.pk,
        a.requirement,
        a.requirement_name,
        a.file_id,
        a.filename,
        a.media_type,
        a.size,
        a.sha256,
        a.round,
        a.uploaded_at,
    )
    return info, documents.file_content(public_id=a.file_id)


def result_content(*, actor: Actor, dossier_id: str) -> tuple[str, bytes]:
    """The signed result PDF ``(file name, bytes)`` for the applicant or the agency."""
    d = _load(public_id=dossier_id)
    _file_for(actor, d)
    if not d.result_code:
        raise NotFound(_("This dossier has no result yet."))
    issued = documents.issued_document_get(code=d.result_code)
    return f"{d.result_code}.pdf", documents.file_content(public_id=issued.file_id)


def dossier_counts_by_status(*, agency_code: str = "") -> dict[int, int]:
    """Dossiers per status (drafts excluded), for overviews. One query."""
    from django.db.models import Count

    rows = Dossier.objects.exclude(status=Status.DRAFT)
    if agency_code:
        rows = rows.filter(agency_code=agency_code)
    return {r["status"]: r["n"] for r in rows.values("status").annotate(n=Count("id"))}


# --- Statistics (reporting) ---------------------------------------------------------------------


def transition_facts(
    *, since: dt.datetime | None = None, chunk_size: int = 5000
) -> Iterator[TransitionFact]:
    """Every recorded step (``since``: occurred at or after it), oldest first, streamed in one
    query (a server-side cursor on PostgreSQL): what ``reporting_rebuild`` replays."""
    rows = DossierEvent.objects.order_by("id")
    if since is not None:
        rows = rows.filter(occurred_at__gte=since)
    columns = rows.values_list(
        "id",
        "dossier__public_id",
        "dossier__code",
        "dossier__agency_code",
        "dossier__procedure_code",
        "dossier__channel",
        "action",
        "from_status",
        "to_status",
        "dossier__timeliness",
        "dossier__received_at",
        "occurred_at",
    )
    for row in columns.iterator(chunk_size=chunk_size):
        yield TransitionFact(
            event_id=row[0],
            dossier=str(row[1]),
            code=row[2] or "",
            agency_code=row[3],
            procedure_code=row[4],
            channel=row[5],
            action=row[6],
            from_status=row[7],
            to_status=row[8],
            timeliness=row[9],
            received_at=row[10],
            occurred_at=row[11],
        )


def rating_facts(
    *, since: dt.datetime | None = None, chunk_size: int = 5000
) -> Iterator[RatingFact]:
    """Every applicant rating (``since``: rated at or after it), streamed in one query."""
    rows = Rating.objects.order_by("id")
    if since is not None:
        rows = rows.filter(rated_at__gte=since)
    columns = rows.values_list(
        "dossier__public_id",
        "dossier__code",
        "dossier__agency_code",
        "dossier__procedure_code",
        "scores",
        "rated_at",
    )
    for public_id, code, agency, procedure, scores, rated_at in columns.iterator(
        chunk_size=chunk_size
    ):
        yield RatingFact(str(public_id), code or "", agency, procedure, dict(scores), rated_at)


def dossiers_overdue(
    *, agency_code: str, today: dt.date | None = None, limit: int = 200
) -> list[OverdueDossier]:
    """Open dossiers of ``agency_code`` whose return date has passed (clock running, not
    paused), most overdue first, in one query on the inbox index. For aggregate dashboards:
    the caller authorises; no applicant data is returned."""
    day = today or clock.today()
    rows = (
        Dossier.objects.filter(
            agency_code=agency_code,
            status__in=[Status.ACCEPTED, Status.PROCESSING, Status.PAYMENT_REQUESTED],
            paused_at__isnull=True,
            appointment_date__lt=day,
        )
        .order_by("appointment_date", "id")
        .only(
            "code", "procedure_code", "procedure_name", "status", "queue", "received_at",
            "appointment_date",
        )[:limit]
    )  # fmt: skip
    return [
        OverdueDossier(
            code=str(d.code),
            procedure_code=d.procedure_code,
            procedure_name=d.procedure_name,
            status=d.status,
            status_label=str(STATUS_LABELS.get(d.status, d.status)),
            queue_label=str(QUEUE_LABELS.get(d.queue, d.queue)),
            received_at=d.received_at,
            appointment_date=d.appointment_date,  # type: ignore[arg-type]
            days_late=(day - d.appointment_date).days,  # type: ignore[operator]
        )
        for d in rows
    ]


def dossier_payment_due(*, actor: Actor, dossier_id: str) -> Any:
    """What the applicant may pay online now on their dossier: ``PaymentDue(obligation,
    amount)`` or ``None`` (see ``egov.dossiers.services.payments``)."""
    from egov.dossiers.services.payments import dossier_payment_due as due

    return due(actor=actor, dossier_id=dossier_id)
