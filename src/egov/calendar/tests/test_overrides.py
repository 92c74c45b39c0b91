"""Day overrides: effect on the calendar, audit records, events and cache invalidation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import RequestFactory

from egov.audit.selectors import audit_records_for_subject
from egov.calendar import engine
from egov.calendar.admin import DayOverrideAdmin
from egov.calendar.models import DayOverride
from egov.calendar.selectors import add_working_days, calendar_source, is_working_day
from egov.calendar.services import day_override_remove, day_override_set
from egov.core.actor import Actor
from egov.core.errors import NotFound, ValidationFailed
from egov.core.models import OutboxEvent

pytestmark = pytest.mark.django_db

D = dt.date
SATURDAY = D(2026, 10, 10)
WEDNESDAY = D(2026, 10, 14)
SUBJECT = "calendar.DayOverride"


def _records(day: dt.date) -> list[tuple[str, dict[str, Any]]]:
    rows = audit_records_for_subject(subject_type=SUBJECT, subject_id=day.isoformat())
    return [(r.action, r.diff) for r in rows]


def test_make_up_saturday_added_in_the_database(system_actor: Actor) -> None:
    assert is_working_day(day=SATURDAY) is False
    day_override_set(
        actor=system_actor,
        day=SATURDAY,
        kind="working_day",
        reason="Make-up day",
        legal_basis="Notice 1/TB-BNV",
    )
    assert is_working_day(day=SATURDAY) is True
    assert add_working_days(start=D(2026, 10, 9), n=1) == SATURDAY
    assert calendar_source() == "holidays 0.109 (VN) + 1 database override(s)"


def test_extra_day_off_added_in_the_database(system_actor: Actor) -> None:
    assert add_working_days(start=D(2026, 10, 13), n=1) == WEDNESDAY
    day_override_set(actor=system_actor, day=WEDNESDAY, kind="day_off", reason="Storm")
    assert is_working_day(day=WEDNESDAY) is False
    assert add_working_days(start=D(2026, 10, 13), n=1) == D(2026, 10, 15)


def test_override_wins_over_a_package_holiday(system_actor: Actor) -> None:
    day_override_set(actor=system_actor, day=D(2026, 11, 24), kind="working_day", reason="Test")
    assert is_working_day(day=D(2026, 11, 24)) is True


def test_each_change_is_audited_once(official_actor: Actor) -> None:
    day_override_set(actor=official_actor, day=SATURDAY, kind="working_day", reason="Make-up")
    day_override_set(actor=official_actor, day=SATURDAY, kind="working_day", reason="Make-up")
    day_override_set(
        actor=official_actor, day=SATURDAY, kind="working_day", reason="Make-up", legal_basis="X"
    )
    day_override_remove(actor=official_actor, day=SATURDAY)
    assert _records(SATURDAY) == [
        (
            "calendar.day_override_set",
            {"kind": [None, "working_day"], "reason": [None, "Make-up"], "legal_basis": [None, ""]},
        ),
        ("calendar.day_override_set", {"legal_basis": ["", "X"]}),
        (
            "calendar.day_override_removed",
            {
                "kind": ["working_day", None],
                "reason": ["Make-up", None],
                "legal_basis": ["X", None],
            },
        ),
    ]
    record = audit_records_for_subject(subject_type=SUBJECT, subject_id="2026-10-10").first()
    assert record is not None
    assert (record.actor_kind, record.actor_id, record.actor_agency) == (
        "official",
        "off-0001",
        "000.00.00.G22",
    )
    events = OutboxEvent.objects.filter(name="calendar.day_override_changed").order_by("id")
    assert [e.payload for e in events] == [
        {"day": "2026-10-10", "kind": "working_day"},
        {"day": "2026-10-10", "kind": "working_day"},
        {"day": "2026-10-10", "kind": None},
    ]
    assert is_working_day(day=SATURDAY) is False


def test_invalid_input_is_refused_without_writing(system_actor: Actor) -> None:
    with pytest.raises(ValidationFailed) as refused:
        day_override_set(actor=system_actor, day=SATURDAY, kind="holiday", reason=" ")
    assert sorted(refused.value.field_errors) == ["kind", "reason"]
    with pytest.raises(NotFound):
        day_override_remove(actor=system_actor, day=SATURDAY)
    assert DayOverride.objects.count() == 0
    assert _records(SATURDAY) == []


def test_snapshot_is_cached(django_assert_num_queries: Any) -> None:
    is_working_day(day=SATURDAY)
    with django_assert_num_queries(0):
        assert is_working_day(day=SATURDAY) is False
        assert add_working_days(start=D(2026, 1, 1), n=200) == D(2026, 10, 22)


def test_commit_invalidates_this_and_other_processes(
    system_actor: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    is_working_day(day=SATURDAY)
    version = cache.get(engine.CACHE_VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        day_override_set(actor=system_actor, day=SATURDAY, kind="working_day", reason="Make-up")
    assert len(callbacks) >= 1
    assert cache.get(engine.CACHE_VERSION_KEY) != version  # what other processes compare to
    engine.reset()  # as a fresh process would start
    assert is_working_day(day=SATURDAY) is True


def test_change_made_by_another_process_is_seen_after_its_version_bump(
    django_assert_num_queries: Any,
) -> None:
    assert is_working_day(day=WEDNESDAY) is True
    # Another process writes the row and, after its commit, bumps the shared version.
    DayOverride.objects.create(day=WEDNESDAY, kind="day_off", reason="Elsewhere")
    assert is_working_day(day=WEDNESDAY) is True  # this process still uses its snapshot
    cache.set(engine.CACHE_VERSION_KEY, "bumped-by-another-process", timeout=None)
    with django_assert_num_queries(1):
        assert is_working_day(day=WEDNESDAY) is False


def test_rolled_back_change_leaves_no_trace(system_actor: Actor) -> None:
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        day_override_set(actor=system_actor, day=SATURDAY, kind="working_day", reason="Draft")
        assert is_working_day(day=SATURDAY) is True  # visible inside its own transaction
        raise Abort
    assert is_working_day(day=SATURDAY) is False


def test_admin_saves_and_deletes_through_the_services(official_actor: Actor) -> None:
    request = RequestFactory().post("/admin/")
    request.actor = official_actor  # type: ignore[attr-defined]
    model_admin = DayOverrideAdmin(DayOverride, admin_site=None)  # type: ignore[arg-type]
    obj = DayOverride(day=SATURDAY, kind="working_day", reason="Make-up", legal_basis="")
    model_admin.save_model(request, obj, form=None, change=False)  # type: ignore[arg-type]
    saved = DayOverride.objects.get(day=SATURDAY)
    assert obj.pk == saved.pk
    model_admin.delete_model(request, saved)
    assert DayOverride.objects.count() == 0
    assert [action for action, _ in _records(SATURDAY)] == [
        "calendar.day_override_set",
        "calendar.day_override_removed",
    ]
