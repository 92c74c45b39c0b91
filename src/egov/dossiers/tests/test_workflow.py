"""Every declared transition and the refusals around it."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from egov.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from egov.dossiers import selectors, services, workflow
from egov.dossiers.models import Dossier
from egov.dossiers.services import Upload
from egov.dossiers.tests.helpers import PDF, act, state, submitted, to_handling
from egov.dossiers.workflow import Queue, Status


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_the_table_names_every_national_status_and_only_declared_starts() -> None:
    targets = {t.target for t in workflow.TRANSITIONS}
    assert set(Status) - {Status.DRAFT} <= targets | {Status.NEW}
    for transition in workflow.TRANSITIONS:
        assert transition.performers, transition.name
        assert transition.sources, transition.name
    with pytest.raises(InvalidTransition):
        workflow.transition_check("approve", status=Status.NEW, queue=Queue.RECEPTION)


def test_happy_path_to_a_returned_signed_result(dossier_world: Any) -> None:
    w = dossier_world
    dossier_id = submitted(w)
    act(w, w.receiver, dossier_id, "accept")
    info = state(w, dossier_id)
    assert (info.status, info.queue) == (Status.ACCEPTED, Queue.ASSIGNMENT)
    assert info.due_on is not None
    assert info.appointment_date == info.due_on
    act(w, w.approver, dossier_id, "assign", params={"handler_id": str(w.handler.public_id)})
    act(w, w.handler, dossier_id, "note", comment="Checked against the criminal record database.")
    act(w, w.handler, dossier_id, "submit_for_approval")
    act(w, w.approver, dossier_id, "send_back", comment="Add the court decision number.")
    act(w, w.handler, dossier_id, "submit_for_approval")
    act(w, w.approver, dossier_id, "approve")
    info = state(w, dossier_id)
    assert (info.status, info.queue) == (Status.PROCESSED, Queue.RETURN)
    assert info.result_code == f"{info.code}-KQ1"
    assert info.timeliness == "early"
    name, content = selectors.result_content(actor=w.citizen.as_actor(), dossier_id=dossier_id)
    assert name == f"{info.result_code}.pdf"
    assert content.startswith(b"%PDF")
    act(w, w.receiver, dossier_id, "return_result")
    info = state(w, dossier_id)
    assert info.status == Status.RETURNED
    assert [e.action for e in info.events] == [
        "submit",
        "accept",
        "assign",
        "note",
        "submit_for_approval",
        "send_back",
        "submit_for_approval",
        "approve",
        "return_result",
    ]
    assert info.events[5].comment == "Add the court decision number."
    services.dossier_rate(
        actor=w.citizen.as_actor(),
        dossier_id=dossier_id,
        answers={"contacts": 2, "agencies": 2, "publication": 1, "attitude": 2},
    )
    with pytest.raises(Conflict):
        services.dossier_rate(
            actor=w.citizen.as_actor(),
            dossier_id=dossier_id,
            answers={"contacts": 2, "agencies": 2, "publication": 1, "attitude": 2},
        )
    assert Dossier.objects.get(public_id=dossier_id).rating.scores["time"] == 2


def test_reception_refusal_needs_a_reason_and_ends_the_dossier(dossier_world: Any) -> None:
    w = dossier_world
    dossier_id = submitted(w)
    with pytest.raises(ValidationFailed):
        act(w, w.receiver, dossier_id, "refuse")
    act(w, w.receiver, dossier_id, "refuse", comment="Not competent: apply in your province.")
    info = state(w, dossier_id)
    assert (info.status, info.closed_at is not None) == (Status.NOT_ACCEPTED, True)
    with pytest.raises(InvalidTransition):
        act(w, w.receiver, dossier_id, "accept")


def test_supplement_at_reception_returns_to_reception(dossier_world: Any) -> None:
    w = dossier_world
    dossier_id = submitted(w)
    act(
        w,
        w.receiver,
        dossier_id,
        "request_supplement",
        comment="The birth certificate is unreadable.",
    )
    info = state(w, dossier_id)
    assert (info.status, info.paused_at is not None) == (Status.SUPPLEMENT_REQUESTED, True)
    citizen = w.citizen.as_actor()
    with pytest.raises(ValidationFailed) as empty:
        services.dossier_act(actor=citizen, dossier_id=dossier_id, action="supplement")
    assert empty.value.code == "supplement_empty"
    services.attachment_add(actor=citizen, dossier_id=dossier_id, upload=Upload(1, "b.pdf", PDF))
    services.dossier_act(actor=citizen, dossier_id=dossier_id, action="supplement")
    info = state(w, dossier_id)
    assert (info.status, info.queue, info.paused_at) == (Status.NEW, Queue.RECEPTION, None)
    assert [a.round for a in info.attachments] == [0, 1]


def test_roles_and_agencies_are_enforced(dossier_world: Any) -> None:
    w = dossier_world
    dossier_id = submitted(w)
    with pytest.raises(PermissionDenied):
        act(w, w.handler, dossier_id, "accept")
    with pytest.raises(PermissionDenied):
        act(w, w.other, dossier_id, "accept")
    with pytest.raises(NotFound):
        selectors.dossier_for_official(actor=w.other.as_actor(), code=state(w, dossier_id).code)
    with pytest.raises(NotFound):
        services.dossier_act(actor=w.citizen.as_actor(), dossier_id=dossier_id, action="accept")
    act(w, w.receiver, dossier_id, "accept")
    with pytest.raises(ValidationFailed):
        act(w, w.approver, dossier_id, "assign", params={"handler_id": str(w.receiver.public_id)})
    act(w, w.approver, dossier_id, "assign", params={"handler_id": str(w.handler.public_id)})
    with pytest.raises(InvalidTransition):
        act(w, w.approver, dossier_id, "approve")  # not yet submitted for approval
    from conftest import _official

    from egov.identity.facade import Role

    second = _official("handler2", w.agency, Role.HANDLER, "Trần Văn Hai")
    with pytest.raises(PermissionDenied):
        act(w, second, dossier_id, "submit_for_approval")
    assert state(w, dossier_id).queue == Queue.HANDLING


def test_two_officials_acting_at_once_the_second_is_told(dossier_world: Any) -> None:
    w = dossier_world
    dossier_id = submitted(w)
    seen = state(w, dossier_id).row_version
    act(w, w.receiver, dossier_id, "accept", row_version=seen)
    with pytest.raises(Conflict) as second:
        act(w, w.receiver, dossier_id, "refuse", row_version=seen, comment="Duplicate.")
    assert second.value.code == "dossier_changed"
    assert state(w, dossier_id).status == Status.ACCEPTED


def test_withdrawal_is_requested_then_confirmed(dossier_world: Any) -> None:
    w = dossier_world
    dossier_id = submitted(w)
    to_handling(w, dossier_id)
    services.dossier_act(actor=w.citizen.as_actor(), dossier_id=dossier_id, action="withdraw")
    assert state(w, dossier_id).status == Status.WITHDRAWAL_REQUESTED
    act(w, w.receiver, dossier_id, "withdraw_confirm")
    info = state(w, dossier_id)
    assert (info.status, info.timeliness) == (Status.STOPPED, "")


def test_payment_requested_then_confirmed_resumes_where_it_was(dossier_world: Any) -> None:
    w = dossier_world
    dossier_id = submitted(w)
    to_handling(w, dossier_id)
    with pytest.raises(ValidationFailed):
        act(w, w.handler, dossier_id, "request_payment", params={"amount_vnd": 0})
    act(w, w.handler, dossier_id, "request_payment", params={"amount_vnd": 200000})
    info = state(w, dossier_id)
    assert (info.status, info.fee_due_vnd) == (Status.PAYMENT_REQUESTED, 200000)
    act(w, w.receiver, dossier_id, "payment_confirm")
    assert (state(w, dossier_id).status, state(w, dossier_id).queue) == (
        Status.PROCESSING,
        Queue.HANDLING,
    )


def test_stop_after_appraisal_is_classified(dossier_world: Any) -> None:
    w = dossier_world
    dossier_id = submitted(w)
    to_handling(w, dossier_id)
    act(w, w.handler, dossier_id, "stop", comment="The applicant is not eligible.")
    info = state(w, dossier_id)
    assert (info.status, info.timeliness) == (Status.STOPPED, "early")


def test_sequential_transfer_opens_agencies_one_after_another(dossier_world: Any) -> None:
    w = dossier_world
    dossier_id = submitted(w)
    to_handling(w, dossier_id)
    act(
        w,
        w.handler,
        dossier_id,
        "transfer",
        comment="Verify the tax and land records.",
        params={
            "tasks": [
                {"agency_code": "000.00.12.H29", "days": 3},
                {"agency_code": "000.00.29.G01", "days": 2},
            ],
            "parallel": False,
        },
    )
    info = state(w, dossier_id)
    assert info.queue == Queue.TRANSFER
    assert [(t.agency_code, t.status) for t in info.tasks] == [
        ("000.00.12.H29", "open"),
        ("000.00.29.G01", "waiting"),
    ]
    first = info.tasks[0]
    # A receiver of the first agency holds no handler/approver role there: not theirs.
    with pytest.raises(NotFound):
        services.task_answer(actor=w.other.as_actor(), task_id=first.id, answer="OK")
    from egov.identity.facade import Role
    from egov.identity.services import role_grant

    role_grant(
        actor=w.actor(w.approver), account=w.other, role=Role.HANDLER, agency_code="000.00.12.H29"
    )
    services.task_answer(actor=w.other.as_actor(), task_id=first.id, answer="No tax debt.")
    info = state(w, dossier_id)
    assert [t.status for t in info.tasks] == ["done", "open"]
    assert info.queue == Queue.TRANSFER
    role_grant(
        actor=w.actor(w.approver), account=w.other, role=Role.HANDLER, agency_code="000.00.29.G01"
    )
    services.task_answer(
        actor=w.other.as_actor(), task_id=info.tasks[1].id, answer="Residence confirmed."
    )
    info = state(w, dossier_id)
    assert info.queue == Queue.HANDLING
    assert info.events[-1].action == "transfer_done"


def test_parallel_consultation_keeps_the_dossier_with_the_handler(dossier_world: Any) -> None:
    w = dossier_world
    dossier_id = submitted(w)
    to_handling(w, dossier_id)
    act(
        w,
        w.handler,
        dossier_id,
        "consult",
        comment="Opinion on the applicant's records, please.",
        params={"tasks": [{"agency_code": "000.00.12.H29", "days": 2}]},
    )
    info = state(w, dossier_id)
    assert info.queue == Queue.HANDLING
    assert [(t.kind, t.status, t.due_on is not None) for t in info.tasks] == [
        ("consultation", "open", True)
    ]
    with pytest.raises(ValidationFailed):
        act(
            w,
            w.handler,
            dossier_id,
            "consult",
            comment="x",
            params={"tasks": [{"agency_code": "nope", "days": 2}]},
        )


def test_actions_offered_match_the_role(dossier_world: Any) -> None:
    w = dossier_world
    dossier_id = submitted(w)
    code = state(w, dossier_id).code
    info = selectors.dossier_for_official(actor=w.receiver.as_actor(), code=code)
    names = [a.name for a in selectors.dossier_actions(actor=w.receiver.as_actor(), info=info)]
    assert names == ["accept", "request_supplement", "refuse"]
    assert selectors.dossier_actions(actor=w.handler.as_actor(), info=info) == []
