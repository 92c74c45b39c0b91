"""The statutory clock: 15:00 rule, pause and restart on supplement, one extension, Tết 2026."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from egov.core import clock
from egov.core.errors import ValidationFailed
from egov.dossiers import services
from egov.dossiers.clock import classify, sla
from egov.dossiers.services import Upload
from egov.dossiers.tests.helpers import PDF, act, at, state, submitted, to_handling
from egov.dossiers.workflow import Status


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_supplement_pauses_and_restarts_the_clock_across_tet_and_one_extension(
    dossier_world: Any,
) -> None:
    w = dossier_world
    with clock.travel(at(2026, 2, 4)):
        dossier_id = submitted(w)
    with clock.travel(at(2026, 2, 5, 10)):
        to_handling(w, dossier_id)
    # 10 working days from Thursday 5 February, over the Tết break (14-22 February).
    assert state(w, dossier_id).due_on == dt.date(2026, 2, 26)
    with clock.travel(at(2026, 2, 9, 10)):
        act(w, w.handler, dossier_id, "request_supplement", comment="Court decision missing.")
    info = state(w, dossier_id)
    assert (info.status, info.paused_at is not None) == (Status.SUPPLEMENT_REQUESTED, True)
    assert info.summary.sla == "paused"
    citizen = w.citizen.as_actor()
    with clock.travel(at(2026, 2, 12, 16)):  # after 15:00: counts from Friday 13 February
        services.attachment_add(
            actor=citizen, dossier_id=dossier_id, upload=Upload(1, "court.pdf", PDF)
        )
        services.dossier_act(actor=citizen, dossier_id=dossier_id, action="supplement")
    info = state(w, dossier_id)
    assert (info.status, info.paused_at) == (Status.PROCESSING, None)
    assert (info.due_on, info.appointment_date) == (dt.date(2026, 3, 6), dt.date(2026, 3, 6))
    with clock.travel(at(2026, 3, 5, 11)), pytest.raises(ValidationFailed) as same_day:
        act(
            w,
            w.handler,
            dossier_id,
            "extend",
            comment="Waiting for the court.",
            params={"new_date": dt.date(2026, 3, 6)},
        )
    assert same_day.value.code == "extension_date"
    with clock.travel(at(2026, 3, 5, 11)):
        act(
            w,
            w.handler,
            dossier_id,
            "extend",
            comment="Waiting for the court.",
            params={"new_date": dt.date(2026, 3, 10)},
        )
    info = state(w, dossier_id)
    assert (info.due_on, info.appointment_date) == (dt.date(2026, 3, 6), dt.date(2026, 3, 10))
    assert info.events[-1].details["form"] == "04"
    with clock.travel(at(2026, 3, 5, 12)), pytest.raises(ValidationFailed) as twice:
        act(
            w,
            w.handler,
            dossier_id,
            "extend",
            comment="Again.",
            params={"new_date": dt.date(2026, 3, 12)},
        )
    assert twice.value.code == "already_extended"
    with clock.travel(at(2026, 3, 9, 9)):
        act(w, w.handler, dossier_id, "submit_for_approval")
        act(w, w.approver, dossier_id, "approve")
    assert state(w, dossier_id).timeliness == "late"


def test_extension_on_the_last_day_is_too_late(dossier_world: Any) -> None:
    w = dossier_world
    with clock.travel(at(2026, 2, 4)):
        dossier_id = submitted(w)
    with clock.travel(at(2026, 2, 5, 10)):
        to_handling(w, dossier_id)
    with clock.travel(at(2026, 2, 26, 8)), pytest.raises(ValidationFailed) as late:
        act(
            w,
            w.handler,
            dossier_id,
            "extend",
            comment="Sorry.",
            params={"new_date": dt.date(2026, 3, 3)},
        )
    assert late.value.code == "extension_too_late"


def test_handler_supplement_only_within_three_working_days(dossier_world: Any) -> None:
    w = dossier_world
    with clock.travel(at(2026, 2, 4)):
        dossier_id = submitted(w)
    with clock.travel(at(2026, 2, 5, 10)):
        to_handling(w, dossier_id)
    with clock.travel(at(2026, 2, 11, 9)), pytest.raises(ValidationFailed) as late:
        act(w, w.handler, dossier_id, "request_supplement", comment="Too late to ask.")
    assert late.value.code == "supplement_too_late"
    assert state(w, dossier_id).status == Status.PROCESSING


def test_acceptance_after_15_00_counts_from_the_next_working_day(dossier_world: Any) -> None:
    w = dossier_world
    with clock.travel(at(2026, 2, 13, 15, 1)):  # Friday before Tết, after 15:00
        dossier_id = submitted(w)
        act(w, w.receiver, dossier_id, "accept")
    # Reception day Monday 23 February; 10 working days later.
    assert state(w, dossier_id).due_on == dt.date(2026, 3, 9)


@pytest.mark.django_db
def test_classification_and_sla_colours() -> None:
    due = dt.date(2026, 3, 6)
    assert classify(due=due, completed_at=at(2026, 3, 5)) == "early"
    assert classify(due=due, completed_at=at(2026, 3, 6, 16)) == "on_time"
    assert classify(due=due, completed_at=at(2026, 3, 7, 1)) == "late"
    assert sla(due=due, paused=False, today=dt.date(2026, 3, 2)) == "on_track"
    assert sla(due=due, paused=False, today=dt.date(2026, 3, 5)) == "due_soon"
    assert sla(due=due, paused=False, today=dt.date(2026, 3, 9)) == "overdue"
    assert sla(due=due, paused=True, today=dt.date(2026, 3, 9)) == "paused"


def test_overdue_warnings_go_once_to_the_handler_and_leaders(dossier_world: Any) -> None:
    from egov.notifications import selectors as notifications

    w = dossier_world
    with clock.travel(at(2026, 2, 4)):
        dossier_id = submitted(w)
    with clock.travel(at(2026, 2, 5, 10)):
        to_handling(w, dossier_id)
    system = clock_actor()
    assert services.deadline_warnings_send(actor=system, today=dt.date(2026, 2, 20)) == 0
    assert services.deadline_warnings_send(actor=system, today=dt.date(2026, 2, 25)) == 2
    assert services.deadline_warnings_send(actor=system, today=dt.date(2026, 2, 25)) == 0
    assert services.deadline_warnings_send(actor=system, today=dt.date(2026, 2, 27)) == 2
    handler_notes = notifications.notifications_for(recipient_id=str(w.handler.public_id))
    assert len(handler_notes) == 2
    assert state(w, dossier_id).code in handler_notes[0].subject


def clock_actor() -> Any:
    from egov.core.actor import Actor

    return Actor.system("dossiers_deadlines")
