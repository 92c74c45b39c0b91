"""Processing: every step after submission runs through ``dossier_act``, which checks the
declared transition (``workflow``), who may perform it, the optimistic row version, applies the
step's effect on the clock and the dossier, and records it. Other agencies' work on a dossier
(consultation, inter-agency transfer) is ``task_answer``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.agencies import selectors as agencies
from egov.calendar import selectors as calendar
from egov.catalogue import selectors as catalogue
from egov.core import clock
from egov.core.actor import Actor, ActorKind
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.documents import services as documents
from egov.dossiers import clock as dossier_clock
from egov.dossiers import codes
from egov.dossiers.models import Dossier, Task, TaskKind, TaskStatus
from egov.dossiers.services._common import (
    dossier_for_update,
    holds_role,
    not_found,
    record,
    require_applicant,
    require_row_version,
)
from egov.dossiers.workflow import (
    APPLICANT,
    PLATFORM,
    Queue,
    Status,
    Transition,
    target_of,
    transition_check,
)
from egov.identity import selectors as identity
from egov.identity.facade import Role

MAX_TASK_DAYS = 60


def _authorise(actor: Actor, dossier: Dossier, transition: Transition) -> None:
    if APPLICANT in transition.performers and actor.kind is ActorKind.CITIZEN:
        require_applicant(actor, dossier)
        return
    if PLATFORM in transition.performers and actor.kind is ActorKind.SYSTEM:
        return
    if transition.roles and holds_role(actor, transition.roles, dossier.agency_code):
        handler_only = dossier.queue == Queue.HANDLING and transition.name not in ("reassign",)
        if (
            handler_only
            and dossier.handler_id
            and actor.id != dossier.handler_id
            and not holds_role(actor, (Role.APPROVER,), dossier.agency_code)
        ):
            raise PermissionDenied(_("This dossier is assigned to another handler."))
        return
    if actor.kind is ActorKind.CITIZEN:
        raise not_found()
    raise PermissionDenied(
        _("This step is for officials of the dossier's agency with the right role.")
    )


def _handler(agency_code: str, handler_id: str) -> str:
    for official in identity.officials_of_agency(agency_code=agency_code):
        account = official.account
        if (
            account.public_id == handler_id
            and account.is_active
            and any(g.role is Role.HANDLER for g in official.grants)
        ):
            return handler_id
    raise ValidationFailed(
        _("Choose a handler of this agency."),
        field_errors={"handler_id": [_("Choose a handler of this agency.")]},
    )


def _task_specs(params: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    specs: list[tuple[str, str, int]] = []
    for item in params.get("tasks") or []:
        code = str(item.get("agency_code") or "").strip()
        try:
            days = int(item.get("days") or 0)
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= MAX_TASK_DAYS:
            raise ValidationFailed(
                _("Give each agency between 1 and %(max)s working days."),
                field_errors={"tasks": [_("Give each agency a number of working days.")]},
                params={"max": MAX_TASK_DAYS},
            )
        try:
            agency = agencies.agency_get(code=code, as_of=clock.today())
        except NotFound:
            raise ValidationFailed(
                _("Choose the agencies from the directory."),
                field_errors={"tasks": [_("Unknown agency code: %s") % code]},
            ) from None
        specs.append((agency.code, agency.name, days))
    if not specs:
        raise ValidationFailed(
            _("Name at least one agency."), field_errors={"tasks": [_("Name at least one agency.")]}
        )
    return specs


def _open_task(task: Task, now: dt.datetime) -> None:
    task.status = TaskStatus.OPEN
    task.opened_at = now
    task.due_on = calendar.add_working_days(start=clock.local_date(now), n=task.days)


def _create_tasks(
    dossier: Dossier, kind: str, params: Mapping[str, Any], comment: str
) -> list[str]:
    now = clock.now()
    parallel = kind == TaskKind.CONSULTATION or bool(params.get("parallel"))
    created = []
    for order, (code, name, days) in enumerate(_task_specs(params)):
        if code == dossier.agency_code and kind == TaskKind.TRANSFER:
            raise ValidationFailed(_("A dossier cannot be transferred to its own agency."))
        task = Task(
            dossier=dossier,
            kind=kind,
            agency_code=code,
            agency_name=name,
            order=order,
            parallel=parallel,
            request=comment,
            days=days,
            status=TaskStatus.WAITING,
        )
        if parallel or order == 0:
            _open_task(task, now)
        task.save()
        created.append(code)
    return created


def _issue_result(actor: Actor, dossier: Dossier) -> None:
    version = catalogue.version_get(public_id=str(dossier.version_id))
    result_code = codes.result_code(str(dossier.code), 1)
    labels = {
        f.name: f.label for f in catalogue.version_form_fields(version=version, language="vi")
    }
    lines = [
        ("Mã hồ sơ", str(dossier.code)),
        ("Thủ tục", dossier.procedure_name),
        ("Người nộp", dossier.applicant_name),
    ]
    lines += [(labels.get(k, k), str(v)) for k, v in dossier.data.items() if v not in ("", None)]
    titles = [str(r.get("name") or "") for r in version.result_documents]
    issued = documents.result_document_issue(
        actor=actor,
        agency_code=dossier.agency_code,
        agency_name=dossier.agency_name,
        owner_pin=dossier.applicant_pin,
        code=result_code,
        title=next((t for t in titles if t), dossier.procedure_name),
        lines=lines,
        verify_url=f"{settings.EGOV_PUBLIC_URL}/verify/{result_code}/",
    )
    dossier.result_code = result_code
    dossier.result_document_id = issued.public_id


def _finish(dossier: Dossier, now: dt.datetime, *, classify: bool) -> None:
    dossier.completed_at = now
    if classify:
        dossier.timeliness = dossier_clock.classify(due=dossier.due_on, completed_at=now)


def _effect(
    actor: Actor, dossier: Dossier, action: str, comment: str, params: Mapping[str, Any]
) -> dict[str, Any]:
    """The step's own effect on the dossier; returns details worth recording."""
    now = clock.now()
    details: dict[str, Any] = {}
    if action == "accept":
        dossier.received_at = now
        dossier.due_on = dossier_clock.due_on(
            received_at=now, processing_days=dossier.processing_days
        )
        dossier.appointment_date = dossier.due_on
        details["due_on"] = dossier.due_on.isoformat()
    elif action == "request_supplement":
        if dossier.queue == Queue.HANDLING and not dossier_clock.supplement_allowed(
            received_at=dossier.received_at, at=now
        ):
            raise ValidationFailed(
                _(
                    "A supplement can be requested only within %(days)s working days of "
                    "reception; decide on the dossier as it is."
                ),
                code="supplement_too_late",
                params={"days": settings.EGOV_DOSSIER_SUPPLEMENT_DAYS},
            )
        dossier.resume_queue = dossier.queue
        dossier.paused_at = now
        dossier.supplement_requested_at = now
        dossier.supplement_rounds += 1
    elif action == "supplement":
        if not dossier.attachments.filter(round=dossier.supplement_rounds).exists():
            raise ValidationFailed(
                _("Attach the documents the agency asked for before sending the supplement."),
                code="supplement_empty",
            )
        dossier.paused_at = None
        if dossier.resume_queue != Queue.RECEPTION:
            # The time limit restarts from the complete dossier (Decree 61/2018 Art 19).
            dossier.received_at = now
            dossier.due_on = dossier_clock.due_on(
                received_at=now, processing_days=dossier.processing_days
            )
            dossier.appointment_date = dossier.due_on
            details["due_on"] = dossier.due_on.isoformat()
    elif action in ("assign", "reassign"):
        dossier.handler_id = _handler(dossier.agency_code, str(params.get("handler_id") or ""))
        details["handler_id"] = dossier.handler_id
    elif action == "consult":
        details["agencies"] = _create_tasks(dossier, TaskKind.CONSULTATION, params, comment)
    elif action == "transfer":
        details["agencies"] = _create_tasks(dossier, TaskKind.TRANSFER, params, comment)
        details["parallel"] = bool(params.get("parallel"))
    elif action == "submit_for_approval":
        if dossier.tasks.filter(kind=TaskKind.TRANSFER).exclude(status=TaskStatus.DONE).exists():
            raise ValidationFailed(_("Other agencies have not finished their part yet."))
    elif action == "approve":
        _issue_result(actor, dossier)
        _finish(dossier, now, classify=True)
        details["result_code"] = dossier.result_code
        details["timeliness"] = dossier.timeliness
    elif action == "stop":
        _finish(dossier, now, classify=True)
        dossier.closed_at = now
    elif action == "refuse" or action == "withdraw_confirm":
        dossier.closed_at = now
        dossier.paused_at = None
    elif action == "request_payment":
        try:
            amount = int(params.get("amount_vnd") or 0)
        except (TypeError, ValueError):
            amount = 0
        if amount <= 0:
            raise ValidationFailed(
                _("Enter the amount to pay in dong."),
                field_errors={"amount_vnd": [_("Enter a whole number of dong above 0.")]},
            )
        dossier.fee_due_vnd = amount
        dossier.resume_queue = dossier.queue
        details["amount_vnd"] = amount
    elif action == "payment_confirm" and params.get("order"):
        details["order"] = str(params["order"])  # paid online (services.payments)
        details["amount_vnd"] = int(params.get("amount") or 0)
    elif action == "withdraw":
        dossier.resume_queue = dossier.queue
    elif action == "extend":
        if dossier.extended_at is not None:
            raise ValidationFailed(
                _("The return date can be re-set only once (Decree 61/2018 Art 19)."),
                code="already_extended",
            )
        new_date = params.get("new_date")
        if not isinstance(new_date, dt.date) or dossier.appointment_date is None:
            raise ValidationFailed(
                _("Choose the new return date."),
                field_errors={"new_date": [_("Choose the new return date.")]},
            )
        dossier_clock.extension_check(due=dossier.appointment_date, new_date=new_date, at=now)
        dossier.appointment_date = new_date
        dossier.extended_at = now
        dossier.extension_reason = comment
        details["new_date"] = new_date.isoformat()
    elif action == "return_result":
        dossier.closed_at = now
    return details


def apply_transition(
    *, actor: Actor, dossier: Dossier, action: str, comment: str, params: Mapping[str, Any]
) -> None:
    """Execute a declared transition on a locked dossier inside the caller's transaction."""
    transition = transition_check(action, status=dossier.status, queue=dossier.queue)
    _authorise(actor, dossier, transition)
    comment = comment.strip()
    if transition.comment_required and not comment:
        raise ValidationFailed(
            _("Write a comment: the applicant or the next official needs the reason."),
            field_errors={"comment": [_("Write a comment.")]},
        )
    from_status, from_queue = dossier.status, dossier.queue
    details = _effect(actor, dossier, action, comment, params)
    dossier.status, dossier.queue = target_of(
        transition, queue=dossier.queue, resume_queue=dossier.resume_queue
    )
    if transition.target_queue == "resume":
        dossier.resume_queue = ""
    if transition.form:
        details["form"] = transition.form
    dossier.row_version += 1
    dossier.save()
    record(
        actor=actor,
        dossier=dossier,
        action=action,
        from_status=from_status,
        from_queue=from_queue,
        comment=comment,
        details=details,
    )


def dossier_act(
    *,
    actor: Actor,
    dossier_id: str,
    action: str,
    row_version: int | None = None,
    comment: str = "",
    params: Mapping[str, Any] | None = None,
) -> int:
    """Perform ``action`` on the dossier. ``row_version`` is the version the official saw: if
    someone acted in between, ``Conflict``. Returns the new row version."""
    with transaction.atomic():
        dossier = dossier_for_update(dossier_id)
        if actor.kind is ActorKind.CITIZEN and dossier.applicant_id != actor.id:
            raise not_found()
        require_row_version(dossier, row_version)
        apply_transition(
            actor=actor, dossier=dossier, action=action, comment=comment, params=params or {}
        )
        return dossier.row_version


def task_answer(*, actor: Actor, task_id: int, answer: str) -> None:
    """An official of the consulted or receiving agency gives its opinion or finishes its part.
    A sequential transfer opens the next agency's task; the last transfer returns the dossier to
    its handler."""
    answer = answer.strip()
    if not answer:
        raise ValidationFailed(
            _("Write the opinion or the outcome of your part."),
            field_errors={"answer": [_("Write the opinion or the outcome of your part.")]},
        )
    with transaction.atomic():
        found = Task.objects.filter(pk=task_id).values_list("agency_code", "dossier__public_id")
        row = found.first()
        if row is None or not holds_role(actor, (Role.HANDLER, Role.APPROVER), row[0]):
            raise not_found()
        # Lock order: the dossier, then its task (as ``dossier_act`` does).
        dossier = dossier_for_update(str(row[1]))
        task = Task.objects.select_for_update().get(pk=task_id)
        if task.status != TaskStatus.OPEN:
            raise ValidationFailed(_("This task is not open."), code="task_not_open")
        now = clock.now()
        task.status = TaskStatus.DONE
        task.answer = answer
        task.answered_by = actor.id
        task.answered_at = now
        task.save()
        record(
            actor=actor,
            dossier=dossier,
            action=f"{task.kind}_answered",
            from_status=dossier.status,
            from_queue=dossier.queue,
            comment=answer,
            details={
                "agency_code": task.agency_code,
                "late": bool(task.due_on and clock.local_date(now) > task.due_on),
            },
        )
        if task.kind != TaskKind.TRANSFER:
            return
        waiting = dossier.tasks.filter(kind=TaskKind.TRANSFER, status=TaskStatus.WAITING)
        next_task = waiting.order_by("order").first()
        if (
            next_task is not None
            and not dossier.tasks.filter(kind=TaskKind.TRANSFER, status=TaskStatus.OPEN).exists()
        ):
            _open_task(next_task, now)
            next_task.save()
        elif (
            next_task is None
            and not dossier.tasks.filter(kind=TaskKind.TRANSFER, status=TaskStatus.OPEN).exists()
        ):
            apply_transition(
                actor=Actor.system("dossier_transfers"),
                dossier=dossier,
                action="transfer_done",
                comment="",
                params={},
            )


__all__ = ["Status", "apply_transition", "dossier_act", "task_answer"]
