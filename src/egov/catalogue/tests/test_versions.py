from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from egov.audit.selectors import audit_records_for_subject
from egov.catalogue import selectors, services
from egov.catalogue.facade import FeeLineInfo
from egov.catalogue.services import VersionChanges
from egov.core.actor import Actor
from egov.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from egov.core.models import OutboxEvent

pytestmark = pytest.mark.usefixtures("seeded")
CODE = "1.004222"  # permanent residence registration: 20,000 VND, 10,000 online


def _changes(version: Any, **overrides: Any) -> VersionChanges:
    base = VersionChanges(
        online_level=version.online_level,
        online_mode=version.online_mode,
        processing_days=version.processing_days,
        processing_immediate=version.processing_immediate,
        processing_note=version.processing_note,
        result_documents=version.result_documents,
        documents=version.documents,
        fees=version.fees,
        steps=version.steps,
        form=version.form,
    )
    return replace(base, **overrides)


def _new_fee(editor_actor: Actor, amount: int) -> Any:
    draft = services.version_draft_create(actor=editor_actor, procedure_code=CODE)
    fees = (FeeLineInfo("fixed", "Lệ phí đăng ký thường trú", "Charge", amount),)
    services.version_draft_update(
        actor=editor_actor,
        version_id=draft.public_id,
        changes=_changes(draft, fees=fees, change_note="New fee"),
    )
    return draft


def test_a_dossier_pinned_before_a_fee_change_keeps_the_old_fee(editor_actor: Actor) -> None:
    before = dt.date(2026, 3, 2)
    pinned = selectors.procedure_version_in_force(procedure_code=CODE, on=before)
    assert pinned.fee_total(online=False) == 20000
    draft = _new_fee(editor_actor, 25000)
    services.version_publish(
        actor=editor_actor, version_id=draft.public_id, valid_from=dt.date(2026, 4, 1)
    )
    # The version a dossier submitted on 2 March refers to is unchanged...
    again = selectors.procedure_version_in_force(procedure_code=CODE, on=before)
    assert (again.public_id, again.fee_total(online=False)) == (pinned.public_id, 20000)
    assert again.valid_to == dt.date(2026, 3, 31)
    assert (
        selectors.procedure_version_in_force(procedure_code=CODE, on=dt.date(2026, 3, 31)).number
        == 1
    )
    # ...and one submitted from 1 April pins the new version.
    after = selectors.procedure_version_in_force(procedure_code=CODE, on=dt.date(2026, 4, 1))
    assert (after.number, after.fee_total(online=False), after.change_note) == (2, 25000, "New fee")


def test_draft_while_live_then_diff(editor_actor: Actor) -> None:
    draft = _new_fee(editor_actor, 30000)
    live = selectors.procedure_version_in_force(procedure_code=CODE, on=dt.date(2026, 3, 2))
    assert live.number == 1  # the draft is not in force
    changes = selectors.version_diff(
        before=live, after=selectors.version_get(public_id=draft.public_id)
    )
    assert [c.field for c in changes] == ["fees", "valid_from", "change_note"]
    assert "30000 VND" in changes[0].after
    assert "20000 VND" in changes[0].before


def test_one_draft_at_a_time(editor_actor: Actor) -> None:
    services.version_draft_create(actor=editor_actor, procedure_code=CODE)
    with pytest.raises(Conflict):
        services.version_draft_create(actor=editor_actor, procedure_code=CODE)


def test_publish_in_the_past_is_refused(editor_actor: Actor) -> None:
    draft = services.version_draft_create(actor=editor_actor, procedure_code=CODE)
    with pytest.raises(ValidationFailed) as info:
        services.version_publish(
            actor=editor_actor, version_id=draft.public_id, valid_from=dt.date(2026, 3, 1)
        )
    assert list(info.value.field_errors) == ["valid_from"]


def test_publish_twice_is_an_invalid_transition(editor_actor: Actor) -> None:
    draft = services.version_draft_create(actor=editor_actor, procedure_code=CODE)
    services.version_publish(
        actor=editor_actor, version_id=draft.public_id, valid_from=dt.date(2026, 5, 1)
    )
    with pytest.raises(InvalidTransition):
        services.version_publish(
            actor=editor_actor, version_id=draft.public_id, valid_from=dt.date(2026, 6, 1)
        )


def test_publish_before_a_scheduled_version_conflicts(editor_actor: Actor) -> None:
    first = services.version_draft_create(actor=editor_actor, procedure_code=CODE)
    services.version_publish(
        actor=editor_actor, version_id=first.public_id, valid_from=dt.date(2026, 5, 1)
    )
    second = services.version_draft_create(actor=editor_actor, procedure_code=CODE)
    with pytest.raises(Conflict):
        services.version_publish(
            actor=editor_actor, version_id=second.public_id, valid_from=dt.date(2026, 4, 1)
        )


def test_level_and_mode_must_agree_and_nothing_is_written(editor_actor: Actor) -> None:
    draft = services.version_draft_create(actor=editor_actor, procedure_code=CODE)
    with pytest.raises(ValidationFailed) as info:
        services.version_draft_update(
            actor=editor_actor,
            version_id=draft.public_id,
            changes=_changes(draft, online_level=3, online_mode="full", fees=()),
        )
    assert list(info.value.field_errors) == ["online_mode"]
    assert len(selectors.version_get(public_id=draft.public_id).fees) == 2


def test_non_editors_cannot_change_the_catalogue(official: Any, citizen: Any) -> None:
    for actor in (official.as_actor(), citizen.as_actor(), Actor.anonymous()):
        with pytest.raises(PermissionDenied):
            services.version_draft_create(actor=actor, procedure_code=CODE)


def test_every_change_is_audited_and_emits_events(editor_actor: Actor) -> None:
    draft = _new_fee(editor_actor, 25000)
    services.version_publish(
        actor=editor_actor, version_id=draft.public_id, valid_from=dt.date(2026, 4, 1)
    )
    actions = [
        r.action
        for r in audit_records_for_subject(subject_type="catalogue.procedure", subject_id=CODE)
    ]
    assert actions == [
        "catalogue.version_drafted",
        "catalogue.version_updated",
        "catalogue.version_published",
    ]
    names = list(
        OutboxEvent.objects.filter(name__startswith="catalogue.version")
        .order_by("id")
        .values_list("name", flat=True)
    )
    assert names == [
        "catalogue.version_drafted",
        "catalogue.version_updated",
        "catalogue.version_published",
    ]


def test_discard(editor_actor: Actor) -> None:
    draft = services.version_draft_create(actor=editor_actor, procedure_code=CODE)
    services.version_draft_discard(actor=editor_actor, version_id=draft.public_id)
    assert selectors.version_get(public_id=draft.public_id).status == "discarded"
    services.version_draft_create(actor=editor_actor, procedure_code=CODE)  # a new draft is allowed
