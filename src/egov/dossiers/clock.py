"""The statutory clock of a dossier: due dates, pause and restart, the one extension, and the
early / on time / late classification. Working days come from ``calendar`` only."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from egov.calendar import selectors as calendar
from egov.core import clock
from egov.core.errors import ValidationFailed


def due_on(*, received_at: dt.datetime, processing_days: int | None) -> dt.date:
    """The due date of a dossier received (complete) at ``received_at``: the procedure's
    working days counted from the reception day (the 15:00 rule); an immediate procedure is
    due on the reception day."""
    return calendar.due_date(received_at=received_at, working_days=processing_days or 0)


def supplement_allowed(*, received_at: dt.datetime | None, at: dt.datetime) -> bool:
    """A handler may ask for a supplement after appraisal only within the configured number of
    working days from reception (Decree 61/2018 Art 19: 3, unless sector law says otherwise)."""
    if received_at is None:
        return True
    start = calendar.reception_day(received_at=received_at)
    limit = calendar.add_working_days(start=start, n=settings.EGOV_DOSSIER_SUPPLEMENT_DAYS)
    return clock.local_date(at) <= limit


def extension_check(*, due: dt.date, new_date: dt.date, at: dt.datetime) -> None:
    """The return date may be re-set once (caller checks), to a later working day, and the
    apology must go out at the latest one working day before the due date."""
    today = clock.local_date(at)
    latest = calendar.add_working_days(start=due, n=-1)
    if today > latest:
        raise ValidationFailed(
            _(
                "An extension must be sent at the latest one working day before the due date "
                "(%(due)s); it is too late now."
            ),
            code="extension_too_late",
            params={"due": due},
        )
    if new_date <= due:
        raise ValidationFailed(
            _("The new date must be after the current due date (%(due)s)."),
            code="extension_date",
            field_errors={"new_date": [_("Choose a date after the current due date.")]},
            params={"due": due},
        )
    if not calendar.is_working_day(day=new_date):
        raise ValidationFailed(
            _("The new date must be a working day."),
            code="extension_date",
            field_errors={"new_date": [_("Choose a working day.")]},
        )


def classify(*, due: dt.date | None, completed_at: dt.datetime) -> str:
    """``early`` before the due date, ``on_time`` on it, ``late`` after it (the extended date
    does not count: an extension is an apology for being late)."""
    if due is None:
        return "on_time"
    done = clock.local_date(completed_at)
    if done < due:
        return "early"
    return "on_time" if done == due else "late"


def sla(*, due: dt.date | None, paused: bool, today: dt.date) -> str:
    """Colour of a dossier in an inbox: ``paused`` (waiting for the applicant), ``overdue``,
    ``due_soon`` (within the configured working days) or ``on_track``."""
    if paused:
        return "paused"
    if due is None:
        return "on_track"
    if today > due:
        return "overdue"
    left = calendar.working_days_between(start=today, end=due)
    return "due_soon" if left <= settings.EGOV_DOSSIER_DUE_SOON_DAYS else "on_track"
