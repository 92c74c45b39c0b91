"""After and around processing: the applicant's rating, overdue warnings to officials."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.audit.services import audit_record
from egov.calendar import selectors as calendar
from egov.core import clock, events
from egov.core.actor import Actor
from egov.core.errors import Conflict, ValidationFailed
from egov.dossiers.models import Dossier, Rating, Reminder
from egov.dossiers.rating import APPLICANT_INDICES, time_score
from egov.dossiers.services._common import dossier_for_update, notice_params, require_applicant
from egov.dossiers.workflow import CLOCK_STATUSES, Status
from egov.identity import selectors as identity
from egov.identity.facade import Role
from egov.notifications import services as notifications

RATABLE = (Status.RETURNED, Status.STOPPED, Status.PROCESSED)


def dossier_rate(
    *, actor: Actor, dossier_id: str, answers: Mapping[str, int], comment: str = ""
) -> None:
    """The applicant rates the service once the dossier is finished: one score 0-2 per index
    they answer; index 1 is added from the clock."""
    scores: dict[str, int] = {}
    errors: dict[str, list[object]] = {}
    for index in APPLICANT_INDICES:
        value = answers.get(index.key)
        allowed = {score for score, _label in index.answers}
        if value not in allowed:
            errors[index.key] = [_("Choose one answer.")]
        else:
            scores[index.key] = int(value)
    if errors:
        raise ValidationFailed(_("Answer every question."), field_errors=errors)  # type: ignore[arg-type]
    with transaction.atomic():
        dossier = dossier_for_update(dossier_id)
        require_applicant(actor, dossier)
        if dossier.status not in RATABLE:
            raise ValidationFailed(_("You can rate the service once the dossier is finished."))
        time = time_score(dossier.timeliness)
        if time is not None:
            scores["time"] = time
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    dossier=dossier,
                    scores=scores,
                    comment=comment.strip()[:2000],
                    rated_at=clock.now(),
                )
        except IntegrityError:
            raise Conflict(
                _("You have already rated this dossier."), code="already_rated"
            ) from None
        audit_record(
            actor=actor,
            action="dossiers.rated",
            subject_type="dossier",
            subject_id=str(dossier.code),
            diff={"scores": scores},
        )
        events.emit(
            name="dossier.rated",
            payload={
                "code": str(dossier.code),
                "dossier": str(dossier.public_id),
                "agency_code": dossier.agency_code,
                "procedure_code": dossier.procedure_code,
                "scores": scores,
                "rated_at": rating.rated_at.isoformat(),
            },
            actor=actor,
        )


def _recipients(dossier: Dossier, approvers: dict[str, list[str]]) -> list[str]:
    people = list(approvers.get(dossier.agency_code, []))
    if dossier.handler_id:
        people.insert(0, dossier.handler_id)
    return list(dict.fromkeys(people))


def _approvers(agency_codes: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for code in agency_codes:
        found[code] = [
            o.account.public_id
            for o in identity.officials_of_agency(agency_code=code)
            if o.account.is_active and any(g.role is Role.APPROVER for g in o.grants)
        ]
    return found


def deadline_warnings_send(*, actor: Actor, today: dt.date | None = None) -> int:
    """Warn the handler and the agency's leaders of dossiers due within the configured working
    days (``due_soon``) or past their date (``overdue``). Each warning goes once per dossier,
    kind and day (safe to run as often as wanted). Returns the number of warnings."""
    from django.conf import settings

    day = today or clock.today()
    horizon = calendar.add_working_days(start=day, n=settings.EGOV_DOSSIER_DUE_SOON_DAYS)
    open_rows = Dossier.objects.filter(
        Q(status__in=list(CLOCK_STATUSES)), paused_at__isnull=True, appointment_date__lte=horizon
    ).order_by("appointment_date", "id")
    dossiers = list(open_rows[:5000])
    approvers = _approvers({d.agency_code for d in dossiers})
    sent = 0
    for dossier in dossiers:
        kind = (
            "overdue" if dossier.appointment_date and dossier.appointment_date < day else "due_soon"
        )
        with transaction.atomic():
            try:
                with transaction.atomic():
                    Reminder.objects.create(dossier=dossier, kind=kind, day=day)
            except IntegrityError:
                continue
            for recipient in _recipients(dossier, approvers):
                notifications.notification_send(
                    actor=actor,
                    recipient_id=recipient,
                    template=f"dossier.{kind}",
                    params=notice_params(dossier),
                    link=f"/office/dossiers/{dossier.code}/",
                )
                sent += 1
    return sent
